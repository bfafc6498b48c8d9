/**
 * CPU tasks a worker thread runs on data copied (or transferred) out of the main thread
 * (architecture.md, "One owner of the index"). Each entry is one named task: its input, its output, and
 * the function; worker-main.ts runs them, runWorkerTask (worker-client.ts) calls them by name.
 */
import { LabelingError } from '../errors';
import { ChunkHasher } from '../journal/marks';

export interface WorkerTaskTypes {
  /**
   * SHA-256 (hex) of every HASH_CHUNK bytes of `bytes`, the last chunk possibly short: exactly the
   * `chunks` of a journal mark (journal/marks.ts) over those bytes, so a large journal is checked
   * against its mark without blocking the extension host.
   */
  'hash-chunks': { input: { bytes: Uint8Array }; output: string[] };
}

export type WorkerTaskName = keyof WorkerTaskTypes;
export type TaskInput<K extends WorkerTaskName> = WorkerTaskTypes[K]['input'];
export type TaskOutput<K extends WorkerTaskName> = WorkerTaskTypes[K]['output'];

export const WORKER_TASKS: { readonly [K in WorkerTaskName]: (input: TaskInput<K>) => TaskOutput<K> } = {
  'hash-chunks': ({ bytes }) => {
    if (!(bytes instanceof Uint8Array)) throw new LabelingError('invalid-input', 'hash-chunks takes bytes (a Uint8Array)', { field: 'bytes' });
    const h = new ChunkHasher();
    h.update(bytes);
    return h.digests();
  },
};

export function isWorkerTaskName(name: unknown): name is WorkerTaskName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(WORKER_TASKS, name);
}

/** What the worker is sent, and what it answers. */
export interface WorkerRequest {
  task: string;
  input: unknown;
}
export type WorkerReply = { ok: true; output: unknown } | { ok: false; message: string; reason?: LabelingError['reason'] };
