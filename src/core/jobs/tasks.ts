/**
 * CPU work a worker thread runs on data copied (or transferred) out of the main thread
 * (architecture.md, "One owner of the index"). worker-main.ts runs it; worker-client.ts calls it by name.
 *
 * - A TASK is one call: its input, its output, and the function (runWorkerTask: one thread per call).
 * - A SESSION loads something once (a model) and then answers several calls on it (WorkerSession: one
 *   thread per session), e.g. inference batch after batch without posting the model each time.
 *
 * Both may report progress through their context; it reaches the caller's onProgress while they run.
 */
import { LabelingError } from '../errors';
import { ChunkHasher } from '../journal/marks';
import type { AssistPrediction } from '../ml/assist/assist-model';
import {
  assistTrain,
  assistTrainImages,
  assistValidate,
  openAssistImagePredictor,
  openAssistPredictor,
  type AssistPredictCall,
  type AssistPredictImagesCall,
  type AssistPredictImagesInfo,
  type AssistPredictImagesStart,
  type AssistPredictInfo,
  type AssistPredictStart,
  type AssistTrainImagesInput,
  type AssistTrainImagesOutput,
  type AssistTrainInput,
  type AssistTrainOutput,
  type AssistValidateInput,
  type AssistValidateOutput,
  type OpenedOn,
} from '../ml/assist/assist-worker';
import type { ImageFilePrediction } from '../ml/assist/image-train';
import { scanToChunks, type ScanChunk, type ScanStreamInput } from '../ingest/scan-stream';
import { bulkRowsToChunks, readJournalsTask, type BulkChunk, type BulkStreamInput, type BulkStreamOutput, type JournalPartInput } from '../store/bulk-stream';
import type { JournalPart } from '../store/bulk-journals';
import { orderOfItems, type OrderInput, type OrderOutput } from '../ml/assist/queue-order';

/** What a task or a session call receives besides its input. */
export interface TaskContext {
  /**
   * Reports progress (fraction 0..1) to the caller's onProgress. At most one message per PROGRESS_MS is
   * posted; the latest one held back is posted before the reply.
   */
  progress(fraction: number, message?: string): void;
}

/** Progress messages of one request are at least this far apart (ms). */
export const PROGRESS_MS = 20;

export interface WorkerTaskTypes {
  /**
   * SHA-256 (hex) of every HASH_CHUNK bytes of `bytes`, the last chunk possibly short: exactly the
   * `chunks` of a journal mark (journal/marks.ts) over those bytes, so a large journal is checked
   * against its mark without blocking the extension host.
   */
  'hash-chunks': { input: { bytes: Uint8Array }; output: string[] };
  /**
   * ML assist's training job on a collected training set: the hold-out, the validation model and the model;
   * the files to save come back as their bytes, nothing validated (assist-worker.ts).
   */
  'assist-train': { input: AssistTrainInput; output: AssistTrainOutput };
  /**
   * ML assist's training job for image classification: the labeled images' files are read, decoded and
   * featurised here, then trained as 'assist-train'; with the files skipped and why (assist-worker.ts).
   */
  'assist-train-images': { input: AssistTrainImagesInput; output: AssistTrainImagesOutput };
  /** ML assist's validation job: the validation model and the held-out texts read from their files, predicted, the threshold chosen (assist-worker.ts). */
  'assist-validate': { input: AssistValidateInput; output: AssistValidateOutput };
  /** The same for an image model, on the held-out images' feature vectors. */
  'assist-validate-images': { input: AssistValidateInput; output: AssistValidateOutput };
  /** ML assist's queue order (featurization and k-means, or the model's margins) of the items read on the main thread (queue-order.ts). */
  'assist-queue-order': { input: OrderInput; output: OrderOutput };
  /** The last journal files of a bulk build read into columns while the build's worker reads the first (store/bulk-stream.ts). */
  'read-journals': { input: JournalPartInput; output: JournalPart };
}

export interface WorkerSessionTypes {
  /** ML assist inference: the model (or the first of the versions posted that reads) is loaded once, then each call predicts a batch of texts. */
  'assist-predict': { start: AssistPredictStart; info: OpenedOn<AssistPredictInfo>; call: AssistPredictCall; output: AssistPrediction[] };
  /** ML assist inference for images: the image model is loaded once, then each call reads, decodes and predicts a batch of files. */
  'assist-predict-images': { start: AssistPredictImagesStart; info: OpenedOn<AssistPredictImagesInfo>; call: AssistPredictImagesCall; output: ImageFilePrediction[] };
}

/**
 * A STREAM is one call whose output comes in chunks while it runs (runWorkerStream): each chunk is
 * posted as soon as it is made, its ArrayBuffers transferred, and the worker waits while the caller
 * still has STREAM_IN_FLIGHT chunks to take in, so a fast producer holds a bounded number of them.
 */
export interface WorkerStreamTypes {
  /** The items of a project's data sources (ingest/scan-stream.ts), encoded for the bulk build's item rows. */
  'scan-sources': { input: ScanStreamInput; chunk: ScanChunk; output: { items: number } };
  /** A bulk build's rows (store/bulk-stream.ts): journals read and judged, sources scanned, rows computed and encoded here. */
  'bulk-rows': { input: BulkStreamInput; chunk: BulkChunk; output: BulkStreamOutput };
}

/** Chunks a stream may have posted that the caller has not taken in yet. */
export const STREAM_IN_FLIGHT = 4;

/** What a stream receives besides its input: progress, and posting a chunk (with the buffers to move). */
export interface StreamContext extends TaskContext {
  emit(chunk: unknown, transfer?: ArrayBuffer[]): void;
}

export type WorkerTaskName = keyof WorkerTaskTypes;
export type TaskInput<K extends WorkerTaskName> = WorkerTaskTypes[K]['input'];
export type TaskOutput<K extends WorkerTaskName> = WorkerTaskTypes[K]['output'];

export type WorkerSessionName = keyof WorkerSessionTypes;
export type SessionStart<K extends WorkerSessionName> = WorkerSessionTypes[K]['start'];
export type SessionInfo<K extends WorkerSessionName> = WorkerSessionTypes[K]['info'];
export type SessionCall<K extends WorkerSessionName> = WorkerSessionTypes[K]['call'];
export type SessionOutput<K extends WorkerSessionName> = WorkerSessionTypes[K]['output'];

/** An open session in the worker: what it answered on opening, and its calls. */
export interface SessionHandler<K extends WorkerSessionName> {
  info: SessionInfo<K>;
  call(input: SessionCall<K>, ctx: TaskContext): SessionOutput<K> | Promise<SessionOutput<K>>;
}

export const WORKER_TASKS: { readonly [K in WorkerTaskName]: (input: TaskInput<K>, ctx: TaskContext) => TaskOutput<K> | Promise<TaskOutput<K>> } = {
  'hash-chunks': ({ bytes }) => {
    if (!(bytes instanceof Uint8Array)) throw new LabelingError('invalid-input', 'hash-chunks takes bytes (a Uint8Array)', { field: 'bytes' });
    const h = new ChunkHasher();
    h.update(bytes);
    return h.digests();
  },
  'assist-train': (input, ctx) => assistTrain(input, { onProgress: (f, m) => ctx.progress(f, m) }),
  'assist-train-images': (input, ctx) => assistTrainImages(input, { onProgress: (f, m) => ctx.progress(f, m) }),
  'assist-validate': (input, ctx) => assistValidate(input, 'text', { onProgress: (f, m) => ctx.progress(f, m) }),
  'assist-validate-images': (input, ctx) => assistValidate(input, 'image', { onProgress: (f, m) => ctx.progress(f, m) }),
  'assist-queue-order': (input, ctx) => orderOfItems(input, { onProgress: (f, m) => ctx.progress(f, m) }),
  'read-journals': (input) => readJournalsTask(input),
};

export const WORKER_SESSIONS: { readonly [K in WorkerSessionName]: (start: SessionStart<K>, ctx: TaskContext) => SessionHandler<K> | Promise<SessionHandler<K>> } = {
  'assist-predict': async (start) => {
    const p = await openAssistPredictor(start);
    return { info: p.info, call: (input) => p.call(input) };
  },
  'assist-predict-images': async (start) => {
    const p = await openAssistImagePredictor(start);
    return { info: p.info, call: (input) => p.call(input) };
  },
};

export type WorkerStreamName = keyof WorkerStreamTypes;
export type StreamInput<K extends WorkerStreamName> = WorkerStreamTypes[K]['input'];
export type StreamChunk<K extends WorkerStreamName> = WorkerStreamTypes[K]['chunk'];
export type StreamOutput<K extends WorkerStreamName> = WorkerStreamTypes[K]['output'];

export const WORKER_STREAMS: {
  readonly [K in WorkerStreamName]: (input: StreamInput<K>, ctx: StreamContext) => StreamOutput<K> | Promise<StreamOutput<K>>;
} = {
  'scan-sources': async (input, ctx) => ({ items: await scanToChunks(input, (c, transfer) => ctx.emit(c, transfer)) }),
  'bulk-rows': (input, ctx) => bulkRowsToChunks(input, (c, transfer) => ctx.emit(c, transfer)),
};

export function isWorkerStreamName(name: unknown): name is WorkerStreamName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(WORKER_STREAMS, name);
}

export function isWorkerTaskName(name: unknown): name is WorkerTaskName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(WORKER_TASKS, name);
}

export function isWorkerSessionName(name: unknown): name is WorkerSessionName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(WORKER_SESSIONS, name);
}

/**
 * What the worker is sent. Every request has an id its replies and progress carry; the worker answers
 * requests one at a time, in the order they came.
 *  - task: runs WORKER_TASKS[task] on input;
 *  - open: opens a session of WORKER_SESSIONS[session] (answers its info); its id names the session;
 *  - call: one call of the open session `session`;
 *  - close: forgets the session;
 *  - stream: runs WORKER_STREAMS[stream] on input, posting its chunks; `flow` counts the chunks posted
 *    and not yet taken in (the caller lowers it and notifies; the worker waits on it).
 */
export type WorkerRequest =
  | { id: number; kind: 'task'; task: string; input: unknown }
  | { id: number; kind: 'open'; session: string; input: unknown }
  | { id: number; kind: 'call'; session: number; input: unknown }
  | { id: number; kind: 'close'; session: number }
  | { id: number; kind: 'stream'; stream: string; input: unknown; flow: Int32Array };

/** An error keeps its reason and, for a LabelingError, its message and location as they were (`detail`, `where`). */
export type WorkerReply =
  | { ok: true; output: unknown }
  | { ok: false; message: string; reason?: LabelingError['reason']; detail?: string; where?: LabelingError['where'] };

/** What the worker posts back: progress of a request (and a stream's chunks) while it runs, then its one reply. */
export type WorkerMessage =
  | { id: number; kind: 'progress'; fraction: number; message?: string }
  | { id: number; kind: 'chunk'; chunk: unknown }
  | ({ id: number; kind: 'reply' } & WorkerReply);
