/**
 * The worker-thread entry (bundled as dist/worker.js): runs one named task of WORKER_TASKS on the data
 * it is posted and answers with the output or the error, then waits for the next request.
 */
import { parentPort } from 'node:worker_threads';
import { LabelingError } from '../errors';
import { isWorkerTaskName, WORKER_TASKS, type TaskInput, type WorkerReply, type WorkerRequest, type WorkerTaskName } from './tasks';

function run<K extends WorkerTaskName>(task: K, input: unknown): unknown {
  return (WORKER_TASKS[task] as (i: TaskInput<K>) => unknown)(input as TaskInput<K>);
}

function answer(req: WorkerRequest): WorkerReply {
  try {
    if (!isWorkerTaskName(req.task)) throw new LabelingError('invalid-input', `no worker task named "${String(req.task)}"`, { field: 'task' });
    return { ok: true, output: run(req.task, req.input) };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e), ...(e instanceof LabelingError ? { reason: e.reason } : {}) };
  }
}

parentPort?.on('message', (req: WorkerRequest) => parentPort!.postMessage(answer(req)));
