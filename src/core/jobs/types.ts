/**
 * Background jobs (architecture.md, "Change feed and jobs"): long work runs as a job, queued, with an
 * AbortSignal, progress, a bounded log and a status everyone can watch. Plain TypeScript (no vscode).
 */
import type { ErrorReason } from '../errors';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export const JOB_STATUSES: readonly JobStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

/** A job that reached one of these states never changes again. */
export function isFinished(status: JobStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled';
}

export interface JobProgress {
  /** 0..1 when the job knows how far it is; undefined when it does not. */
  fraction?: number;
  message?: string;
}

export interface JobLogLine {
  /** ms since the epoch. */
  at: number;
  text: string;
}

/** Why a job failed: the error's message and, for a LabelingError, its reason. */
export interface JobError {
  message: string;
  reason?: ErrorReason;
}

/** What views show of a job: a copy, taken when asked (or when an event is emitted). */
export interface JobInfo {
  /** Grows by one per job of this runner: 'job-1', 'job-2', ... */
  id: string;
  title: string;
  /**
   * What the job works on (e.g. a project id). Jobs of one resource run one at a time, in the order
   * they were queued; jobs of different resources run side by side.
   */
  resource: string;
  status: JobStatus;
  queuedAt: number;
  startedAt?: number;
  endedAt?: number;
  progress: JobProgress;
  /** Set when status is 'failed' (or 'cancelled': why it stopped). */
  error?: JobError;
  /** Lines logged so far, oldest first; at most MAX_LOG_LINES are kept. */
  log: readonly JobLogLine[];
  /** Lines dropped from the start of the log to keep it bounded. */
  logDropped: number;
}

/** What a job's work receives. */
export interface JobContext {
  /** Aborted when the job is cancelled while it runs; the work stops, cleans up and throws. */
  readonly signal: AbortSignal;
  /** Reports progress; a fraction is clamped to 0..1, a message replaces the previous one. */
  progress(fraction: number | undefined, message?: string): void;
  /** Appends one line to the job's log. */
  log(text: string): void;
}

export interface JobSpec<T> {
  title: string;
  resource: string;
  run: (ctx: JobContext) => Promise<T>;
}

/** Why an event was emitted: the job was queued, started, reported progress, or finished. */
export type JobEventCause = 'queued' | 'started' | 'progress' | 'finished';

export interface JobEvent {
  /** Grows by one per event of this runner. */
  seq: number;
  cause: JobEventCause;
  job: JobInfo;
}

export type JobListener = (event: JobEvent) => void;

/** A queued job: its id, its outcome, and a way to cancel it. */
export interface JobHandle<T> {
  readonly id: string;
  /** Resolves with the work's result; rejects with its error, or a 'cancelled' LabelingError. */
  readonly done: Promise<T>;
  /** A queued job is removed from the queue; a running one has its signal aborted. False once it finished. */
  cancel(reason?: string): boolean;
  info(): JobInfo;
}
