/**
 * The job runner: queues jobs, runs one job per resource at a time (jobs of different resources run
 * side by side), and emits every status change and progress report to its subscribers, in order, the
 * way a ProjectStore's change feed does. A listener that throws is logged; it never fails a job.
 */
import { isCancelled, LabelingError } from '../errors';
import { nullLogger, type Logger } from '../logger';
import { isFinished, type JobContext, type JobError, type JobEvent, type JobEventCause, type JobHandle, type JobInfo, type JobListener, type JobLogLine, type JobProgress, type JobSpec, type JobStatus } from './types';

/** Log lines kept per job; older ones are dropped (and counted). */
export const MAX_LOG_LINES = 500;
/** Finished jobs kept for the job list; older finished ones are forgotten. Queued and running jobs are always listed. */
export const MAX_RECENT_JOBS = 50;

export interface JobRunnerOptions {
  logger?: Logger;
  /** The clock for queue, start, end and log times (tests pass their own). */
  now?: () => number;
  maxLogLines?: number;
  maxRecentJobs?: number;
}

class Job<T> {
  status: JobStatus = 'queued';
  startedAt?: number;
  endedAt?: number;
  progress: JobProgress = {};
  error?: JobError;
  readonly log: JobLogLine[] = [];
  logDropped = 0;
  /** Order in which jobs finished (the job list forgets the earliest first). */
  finishedNo = 0;
  readonly abort = new AbortController();
  readonly done: Promise<T>;
  resolve!: (v: T) => void;
  reject!: (e: unknown) => void;

  constructor(
    readonly id: string,
    readonly spec: JobSpec<T>,
    readonly queuedAt: number,
  ) {
    this.done = new Promise<T>((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
    // A caller that only watches events need not handle the rejection.
    this.done.catch(() => undefined);
  }

  info(): JobInfo {
    return {
      id: this.id,
      title: this.spec.title,
      resource: this.spec.resource,
      status: this.status,
      queuedAt: this.queuedAt,
      ...(this.startedAt !== undefined ? { startedAt: this.startedAt } : {}),
      ...(this.endedAt !== undefined ? { endedAt: this.endedAt } : {}),
      progress: { ...this.progress },
      ...(this.error ? { error: { ...this.error } } : {}),
      log: [...this.log],
      logDropped: this.logDropped,
    };
  }
}

export class JobRunner {
  private readonly jobs: Job<unknown>[] = [];
  private readonly listeners = new Set<JobListener>();
  private readonly busy = new Set<string>();
  private nextId = 0;
  private finishedCount = 0;
  private _seq = 0;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly maxLogLines: number;
  private readonly maxRecent: number;

  constructor(options: JobRunnerOptions = {}) {
    this.log = options.logger ?? nullLogger;
    this.now = options.now ?? Date.now;
    this.maxLogLines = options.maxLogLines ?? MAX_LOG_LINES;
    this.maxRecent = options.maxRecentJobs ?? MAX_RECENT_JOBS;
  }

  /** The seq of the last event emitted (0 before any). */
  get seq(): number {
    return this._seq;
  }

  subscribe(listener: JobListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Queues a job; it starts as soon as no other job of its resource runs (possibly before this returns). */
  submit<T>(spec: JobSpec<T>): JobHandle<T> {
    const job = new Job<T>(`job-${++this.nextId}`, spec, this.now());
    this.jobs.push(job as Job<unknown>);
    this.emit('queued', job as Job<unknown>);
    this.pump(spec.resource);
    return { id: job.id, done: job.done, cancel: (reason) => this.cancel(job.id, reason), info: () => job.info() };
  }

  /** Queued and running jobs, then the most recent finished ones; in the order they were queued. */
  list(): JobInfo[] {
    return this.jobs.map((j) => j.info());
  }

  get(id: string): JobInfo | undefined {
    return this.jobs.find((j) => j.id === id)?.info();
  }

  /** Jobs queued or running. */
  get active(): number {
    return this.jobs.filter((j) => !isFinished(j.status)).length;
  }

  /**
   * Cancels a job: a queued one is taken off the queue (it never runs) and is 'cancelled' at once; a
   * running one has its signal aborted and is 'cancelled' once its work has stopped. Returns false for
   * an unknown or finished job.
   */
  cancel(id: string, reason = 'Cancelled.'): boolean {
    const job = this.jobs.find((j) => j.id === id);
    if (!job || isFinished(job.status)) return false;
    if (job.status === 'queued') {
      this.finish(job, 'cancelled', new LabelingError('cancelled', reason));
      return true;
    }
    if (!job.abort.signal.aborted) {
      this.append(job, `cancel requested: ${reason}`);
      job.abort.abort(new LabelingError('cancelled', reason));
    }
    return true;
  }

  /** Cancels every queued and running job (the extension is shutting down). */
  cancelAll(reason = 'Cancelled.'): void {
    for (const j of [...this.jobs]) if (!isFinished(j.status)) this.cancel(j.id, reason);
  }

  private pump(resource: string): void {
    if (this.busy.has(resource)) return;
    const next = this.jobs.find((j) => j.status === 'queued' && j.spec.resource === resource);
    if (!next) return;
    this.busy.add(resource);
    void this.start(next);
  }

  private async start(job: Job<unknown>): Promise<void> {
    job.status = 'running';
    job.startedAt = this.now();
    this.emit('started', job);
    const ctx: JobContext = {
      signal: job.abort.signal,
      progress: (fraction, message) => {
        if (isFinished(job.status)) return;
        job.progress = {
          ...(fraction !== undefined && Number.isFinite(fraction) ? { fraction: Math.min(1, Math.max(0, fraction)) } : {}),
          ...(message !== undefined ? { message } : job.progress.message !== undefined ? { message: job.progress.message } : {}),
        };
        this.emit('progress', job);
      },
      log: (text) => {
        if (!isFinished(job.status)) this.append(job, text);
      },
    };
    try {
      // Awaited inside the try: a synchronous throw in `run` fails the job the same way.
      const result = await job.spec.run(ctx);
      this.finish(job, 'succeeded', undefined, result);
    } catch (e) {
      // Work that stopped because it was cancelled is 'cancelled', whatever it threw on the way out.
      const cancelled = job.abort.signal.aborted || isCancelled(e);
      this.finish(job, cancelled ? 'cancelled' : 'failed', e);
    } finally {
      this.busy.delete(job.spec.resource);
      this.pump(job.spec.resource);
    }
  }

  private finish(job: Job<unknown>, status: 'succeeded' | 'failed' | 'cancelled', error?: unknown, result?: unknown): void {
    job.status = status;
    job.endedAt = this.now();
    job.finishedNo = ++this.finishedCount;
    if (status === 'succeeded') {
      this.append(job, 'succeeded');
      job.resolve(result);
    } else {
      const reason: unknown = status === 'cancelled' && job.abort.signal.aborted ? job.abort.signal.reason : undefined;
      const message = messageOf(reason ?? error);
      job.error = { message, ...(errorReason(reason ?? error) ? { reason: errorReason(reason ?? error)! } : {}) };
      if (status === 'cancelled' && !isCancelled(error)) {
        // The work threw something else while stopping: the caller sees a cancellation, the log keeps what it threw.
        if (error !== undefined && error !== reason) this.append(job, `stopped with: ${messageOf(error)}`);
        job.reject(new LabelingError('cancelled', message, {}, { cause: error }));
      } else job.reject(error);
      this.append(job, `${status}: ${message}`);
      if (status === 'failed') this.log.warn(`job "${job.spec.title}" failed: ${message}`);
    }
    this.emit('finished', job);
    this.trim();
  }

  private append(job: Job<unknown>, text: string): void {
    job.log.push({ at: this.now(), text });
    if (job.log.length > this.maxLogLines) {
      const over = job.log.length - this.maxLogLines;
      job.log.splice(0, over);
      job.logDropped += over;
    }
  }

  /** Forgets the jobs that finished earliest beyond maxRecent finished ones. */
  private trim(): void {
    const finished = this.jobs.filter((j) => isFinished(j.status)).sort((a, b) => a.finishedNo - b.finishedNo);
    const forget = new Set(finished.slice(0, Math.max(0, finished.length - this.maxRecent)));
    if (!forget.size) return;
    for (let i = this.jobs.length - 1; i >= 0; i--) if (forget.has(this.jobs[i]!)) this.jobs.splice(i, 1);
  }

  private emit(cause: JobEventCause, job: Job<unknown>): void {
    const event: JobEvent = { seq: ++this._seq, cause, job: job.info() };
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch (e) {
        this.log.warn(`job listener failed: ${messageOf(e)}`);
      }
    }
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function errorReason(e: unknown): JobError['reason'] {
  return e instanceof LabelingError ? e.reason : undefined;
}
