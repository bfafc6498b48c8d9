/**
 * The worker-thread entry (bundled as dist/worker.js): answers the requests of tasks.ts one at a time,
 * in the order they came: a task of WORKER_TASKS, or the opening, calls and closing of a session of
 * WORKER_SESSIONS. Progress a task reports is posted while it runs (at most one per PROGRESS_MS), then
 * the reply with the output or the error.
 */
import { parentPort } from 'node:worker_threads';
import { LabelingError } from '../errors';
import {
  isWorkerSessionName,
  isWorkerStreamName,
  isWorkerTaskName,
  PROGRESS_MS,
  STREAM_IN_FLIGHT,
  WORKER_SESSIONS,
  WORKER_STREAMS,
  WORKER_TASKS,
  type SessionCall,
  type SessionHandler,
  type SessionStart,
  type StreamContext,
  type StreamInput,
  type TaskContext,
  type TaskInput,
  type WorkerMessage,
  type WorkerReply,
  type WorkerRequest,
  type WorkerSessionName,
  type WorkerStreamName,
  type WorkerTaskName,
} from './tasks';

const sessions = new Map<number, SessionHandler<WorkerSessionName>>();

function post(m: WorkerMessage, transfer?: ArrayBuffer[]): void {
  parentPort!.postMessage(m, transfer);
}

/** A stream's context: its chunks are posted at once, after waiting while STREAM_IN_FLIGHT of them are not taken in. */
function streamContext(id: number, flow: Int32Array, ctx: TaskContext): StreamContext {
  return {
    progress: (f, m) => ctx.progress(f, m),
    emit(chunk, transfer) {
      for (let n = Atomics.load(flow, 0); n >= STREAM_IN_FLIGHT; n = Atomics.load(flow, 0)) Atomics.wait(flow, 0, n, 1000);
      Atomics.add(flow, 0, 1);
      post({ id, kind: 'chunk', chunk }, transfer);
    },
  };
}

/** The progress of request `id`: posted at most every PROGRESS_MS, the last one held back flushed by `flush`. */
function progressOf(id: number): TaskContext & { flush(): void } {
  let last = -Infinity;
  let held: WorkerMessage | undefined;
  return {
    progress(fraction, message) {
      const m: WorkerMessage = { id, kind: 'progress', fraction, ...(message !== undefined ? { message } : {}) };
      const now = performance.now();
      if (now - last >= PROGRESS_MS) {
        last = now;
        held = undefined;
        post(m);
      } else held = m;
    },
    flush() {
      if (held) post(held);
      held = undefined;
    },
  };
}

function runTask<K extends WorkerTaskName>(task: K, input: unknown, ctx: TaskContext): unknown {
  return (WORKER_TASKS[task] as (i: TaskInput<K>, c: TaskContext) => unknown)(input as TaskInput<K>, ctx);
}

function openSession<K extends WorkerSessionName>(name: K, input: unknown, ctx: TaskContext): SessionHandler<K> | Promise<SessionHandler<K>> {
  return (WORKER_SESSIONS[name] as (s: SessionStart<K>, c: TaskContext) => SessionHandler<K> | Promise<SessionHandler<K>>)(input as SessionStart<K>, ctx);
}

async function handle(req: WorkerRequest, ctx: TaskContext): Promise<unknown> {
  switch (req.kind) {
    case 'task':
      if (!isWorkerTaskName(req.task)) throw new LabelingError('invalid-input', `no worker task named "${String(req.task)}"`, { field: 'task' });
      return await runTask(req.task, req.input, ctx);
    case 'open': {
      if (!isWorkerSessionName(req.session)) throw new LabelingError('invalid-input', `no worker session named "${String(req.session)}"`, { field: 'session' });
      const s = await openSession(req.session, req.input, ctx);
      sessions.set(req.id, s);
      return s.info;
    }
    case 'call': {
      const s = sessions.get(req.session);
      if (!s) throw new LabelingError('invalid-input', `no open worker session ${req.session}`, { field: 'session' });
      return await s.call(req.input as SessionCall<WorkerSessionName>, ctx);
    }
    case 'close':
      sessions.delete(req.session);
      return undefined;
    case 'stream': {
      if (!isWorkerStreamName(req.stream)) throw new LabelingError('invalid-input', `no worker stream named "${String(req.stream)}"`, { field: 'stream' });
      const run = WORKER_STREAMS[req.stream] as (i: StreamInput<WorkerStreamName>, c: StreamContext) => unknown;
      return await run(req.input as StreamInput<WorkerStreamName>, streamContext(req.id, req.flow, ctx));
    }
    default:
      throw new LabelingError('invalid-input', `not a worker request: ${JSON.stringify((req as { kind?: unknown }).kind)}`, { field: 'kind' });
  }
}

async function answer(req: WorkerRequest): Promise<void> {
  const ctx = progressOf(req.id);
  let reply: WorkerReply;
  try {
    reply = { ok: true, output: await handle(req, ctx) };
  } catch (e) {
    reply = { ok: false, message: e instanceof Error ? e.message : String(e), ...(e instanceof LabelingError ? { reason: e.reason, detail: e.detail, where: e.where } : {}) };
  }
  ctx.flush();
  try {
    post({ id: req.id, kind: 'reply', ...reply });
  } catch (e) {
    // An output that cannot be posted (not structured-cloneable) is the request's error.
    post({ id: req.id, kind: 'reply', ok: false, message: `its answer cannot be posted: ${e instanceof Error ? e.message : String(e)}` });
  }
}

let chain: Promise<void> = Promise.resolve();
parentPort?.on('message', (req: WorkerRequest) => {
  chain = chain.then(() => answer(req));
});
