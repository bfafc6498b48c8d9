/**
 * Calls the CPU work of tasks.ts in worker threads:
 *  - runWorkerTask: one task in its own thread; the thread ends with the answer;
 *  - WorkerSession: one thread that opens a session (a model loaded once) and answers call after call
 *    until it is closed.
 * Inputs are posted (ArrayBuffers listed in `transfer` are moved, not copied); progress the work reports
 * reaches `onProgress` while it runs. Cancelling through the signal terminates the thread at once and
 * rejects with a 'cancelled' LabelingError (the work holds no resources of the main thread).
 */
import { Worker } from 'node:worker_threads';
import { LabelingError } from '../errors';
import type {
  SessionCall,
  SessionInfo,
  SessionOutput,
  SessionStart,
  StreamChunk,
  StreamInput,
  StreamOutput,
  TaskInput,
  TaskOutput,
  WorkerMessage,
  WorkerRequest,
  WorkerSessionName,
  WorkerStreamName,
  WorkerTaskName,
} from './tasks';

export interface WorkerCallOptions {
  /** Buffers to move into the worker (they become unusable here). */
  transfer?: ArrayBuffer[];
  /** Progress the work reports, as it runs. */
  onProgress?: (fraction: number, message?: string) => void;
}

export interface WorkerTaskOptions extends WorkerCallOptions {
  /** Aborting terminates the thread; the call rejects as cancelled. */
  signal?: AbortSignal;
}

type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

interface Pending {
  resolve(output: unknown): void;
  reject(e: LabelingError): void;
  onProgress?: WorkerCallOptions['onProgress'];
  /** A stream's chunks, in the order they were posted. */
  onChunk?: (chunk: unknown) => void;
  /** A stream's errors are its own (they keep their message and location); a task's say which task failed. */
  exact?: boolean;
  what: string;
}

const cancelled = (): LabelingError => new LabelingError('cancelled', 'Cancelled.');

/** One worker thread: requests by id, their progress and replies; once it stops, every pending and later request rejects. */
class WorkerThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stopped?: LabelingError;

  constructor(file: string) {
    this.worker = new Worker(file);
    this.worker.on('message', (m: WorkerMessage) => this.onMessage(m));
    this.worker.on('error', (e) => this.stop((what) => new LabelingError('io', `${what} failed: ${e.message}`, { file }, { cause: e })));
    this.worker.on('exit', (code) => this.stop((what) => new LabelingError('io', `${what} ended (exit code ${code}) without an answer`, { file })));
  }

  request(req: Request, what: string, opts: WorkerCallOptions & Pick<Pending, 'onChunk' | 'exact'> = {}): Promise<unknown> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const { onProgress, onChunk, exact } = opts;
      this.pending.set(id, { resolve, reject, what, ...(onProgress ? { onProgress } : {}), ...(onChunk ? { onChunk } : {}), ...(exact ? { exact } : {}) });
      try {
        this.worker.postMessage({ ...req, id } as WorkerRequest, opts.transfer ?? []);
      } catch (e) {
        this.pending.delete(id);
        reject(new LabelingError('invalid-input', `${what}: its input cannot be posted to a worker thread: ${e instanceof Error ? e.message : String(e)}`));
      }
    });
  }

  private onMessage(m: WorkerMessage): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.kind === 'progress') {
      p.onProgress?.(m.fraction, m.message);
      return;
    }
    if (m.kind === 'chunk') {
      p.onChunk?.(m.chunk);
      return;
    }
    this.pending.delete(m.id);
    if (m.ok) p.resolve(m.output);
    else if (p.exact && m.detail !== undefined) p.reject(new LabelingError(m.reason ?? 'invalid-input', m.detail, m.where ?? {}));
    else p.reject(new LabelingError(m.reason ?? 'invalid-input', `${p.what}: ${m.message}`));
  }

  /** Terminates the thread; pending requests reject with `why` (the first reason wins). */
  stop(why: (what: string) => LabelingError): void {
    if (this.stopped) return;
    this.stopped = why('worker thread');
    for (const p of this.pending.values()) p.reject(why(p.what));
    this.pending.clear();
    void this.worker.terminate();
  }

  /** Stops the thread when the signal aborts (at once if it already has); returns the unsubscribe. */
  cancelOn(signal: AbortSignal | undefined): () => void {
    if (!signal) return () => undefined;
    const onAbort = () => this.stop(cancelled);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    return () => signal.removeEventListener('abort', onAbort);
  }
}

/** `workerFile` is the bundled worker-main.ts: dist/worker.js (esbuild.mjs). Runs one task in a thread of its own. */
export async function runWorkerTask<K extends WorkerTaskName>(workerFile: string, task: K, input: TaskInput<K>, options: WorkerTaskOptions = {}): Promise<TaskOutput<K>> {
  if (options.signal?.aborted) throw cancelled();
  const thread = new WorkerThread(workerFile);
  const unsubscribe = thread.cancelOn(options.signal);
  try {
    return (await thread.request({ kind: 'task', task, input }, `worker task ${task}`, options)) as TaskOutput<K>;
  } finally {
    unsubscribe();
    thread.stop(() => new LabelingError('io', 'the worker thread was stopped'));
  }
}

export interface WorkerStreamOptions extends WorkerTaskOptions {
  /**
   * Takes in one chunk; chunks come one at a time, in order (the next waits for this one's promise).
   * Throwing (or rejecting) stops the stream with that error.
   */
  onChunk(chunk: unknown): void | Promise<void>;
}

/**
 * Runs a stream of WORKER_STREAMS in a thread of its own: its chunks reach `onChunk` one at a time, in
 * order, while the worker makes the next ones (at most STREAM_IN_FLIGHT ahead); resolves with the
 * output once every chunk was taken in. Errors thrown in the worker keep their message and location.
 */
export async function runWorkerStream<K extends WorkerStreamName>(
  workerFile: string,
  stream: K,
  input: StreamInput<K>,
  options: WorkerStreamOptions & { onChunk(chunk: StreamChunk<K>): void | Promise<void> },
): Promise<StreamOutput<K>> {
  if (options.signal?.aborted) throw cancelled();
  const thread = new WorkerThread(workerFile);
  const unsubscribe = thread.cancelOn(options.signal);
  const flow = new Int32Array(new SharedArrayBuffer(4));
  let chain: Promise<void> = Promise.resolve();
  let failed: { e: unknown } | undefined;
  const take = async (chunk: StreamChunk<K>): Promise<void> => {
    if (failed) return;
    try {
      await options.onChunk(chunk);
    } catch (e) {
      failed = { e };
      thread.stop(() => new LabelingError('cancelled', 'stopped: taking in a chunk failed'));
      return;
    }
    Atomics.sub(flow, 0, 1);
    Atomics.notify(flow, 0);
  };
  try {
    const out = thread.request({ kind: 'stream', stream, input, flow }, `worker stream ${stream}`, {
      ...options,
      exact: true,
      onChunk: (c) => {
        chain = chain.then(() => take(c as StreamChunk<K>));
      },
    });
    // A chunk that failed to be taken in stopped the thread: its error is the stream's, not the stop's.
    const output = await out.then(
      (v) => ({ v }),
      (e: unknown) => ({ e }),
    );
    await chain;
    if (failed) throw failed.e;
    if ('e' in output) throw output.e;
    return output.v as StreamOutput<K>;
  } finally {
    unsubscribe();
    thread.stop(() => new LabelingError('io', 'the worker thread was stopped'));
  }
}

/**
 * A session of WORKER_SESSIONS in a thread of its own: `start` opens it (loads the model) once, `call`
 * runs one call after another on it, `close` ends the thread. The start's signal covers the whole
 * session: aborting it terminates the thread, the pending call and every later one reject as cancelled.
 */
export class WorkerSession<K extends WorkerSessionName> {
  private constructor(
    private readonly thread: WorkerThread,
    private readonly id: number,
    readonly name: K,
    /** What the session answered on opening. */
    readonly info: SessionInfo<K>,
    private readonly unsubscribe: () => void,
  ) {}

  static async start<K extends WorkerSessionName>(workerFile: string, name: K, input: SessionStart<K>, options: WorkerTaskOptions = {}): Promise<WorkerSession<K>> {
    if (options.signal?.aborted) throw cancelled();
    const thread = new WorkerThread(workerFile);
    const unsubscribe = thread.cancelOn(options.signal);
    try {
      // The open request is the thread's first: its id (1) names the session.
      const info = (await thread.request({ kind: 'open', session: name, input }, `worker session ${name}`, options)) as SessionInfo<K>;
      return new WorkerSession(thread, 1, name, info, unsubscribe);
    } catch (e) {
      unsubscribe();
      thread.stop(cancelled);
      throw e;
    }
  }

  /** One call on the open session. A signal given here also terminates the whole session when it aborts. */
  async call(input: SessionCall<K>, options: WorkerTaskOptions = {}): Promise<SessionOutput<K>> {
    const unsubscribe = this.thread.cancelOn(options.signal);
    try {
      return (await this.thread.request({ kind: 'call', session: this.id, input }, `worker session ${this.name}`, options)) as SessionOutput<K>;
    } finally {
      unsubscribe();
    }
  }

  /** Ends the thread; a call still pending rejects as cancelled. Safe to call twice. */
  close(): void {
    this.unsubscribe();
    this.thread.stop(cancelled);
  }
}
