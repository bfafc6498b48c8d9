/**
 * Runs one task of WORKER_TASKS in its own worker thread: the input is posted (ArrayBuffers listed in
 * `transfer` are moved, not copied), the output comes back, and the thread ends. Cancelling through the
 * signal terminates the thread at once (a task holds no resources of the main thread).
 */
import { Worker } from 'node:worker_threads';
import { LabelingError } from '../errors';
import type { TaskInput, TaskOutput, WorkerReply, WorkerRequest, WorkerTaskName } from './tasks';

export interface WorkerTaskOptions {
  signal?: AbortSignal;
  /** Buffers to move into the worker (they become unusable here). */
  transfer?: ArrayBuffer[];
}

/** `workerFile` is the bundled worker-main.ts: dist/worker.js (esbuild.mjs). */
export function runWorkerTask<K extends WorkerTaskName>(workerFile: string, task: K, input: TaskInput<K>, options: WorkerTaskOptions = {}): Promise<TaskOutput<K>> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(new LabelingError('cancelled', 'Cancelled.'));
  return new Promise<TaskOutput<K>>((resolve, reject) => {
    const worker = new Worker(workerFile);
    let settled = false;
    const done = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      fn();
    };
    const onAbort = () => done(() => reject(new LabelingError('cancelled', 'Cancelled.')));
    signal?.addEventListener('abort', onAbort);
    worker.on('message', (reply: WorkerReply) =>
      done(() => (reply.ok ? resolve(reply.output as TaskOutput<K>) : reject(new LabelingError(reply.reason ?? 'invalid-input', `worker task ${task}: ${reply.message}`)))),
    );
    worker.on('error', (e) => done(() => reject(new LabelingError('io', `worker task ${task} failed: ${e.message}`, { file: workerFile }, { cause: e }))));
    worker.on('exit', (code) => done(() => reject(new LabelingError('io', `worker task ${task} ended (exit code ${code}) without an answer`, { file: workerFile }))));
    const req: WorkerRequest = { task, input };
    worker.postMessage(req, options.transfer ?? []);
  });
}
