/**
 * Automatic refreshes of one project (file watcher events, the `refreshMinutes` timer, opening) run as
 * jobs of the project: listed in "Labeling: Show Jobs", counted in the status bar, cancellable there.
 * Coalesced: requests within `debounceMs` give one job; a request while a refresh job is queued joins
 * it (that job scans after the change); a request while one runs queues exactly one more (the running
 * scan may have passed the change). Plain TypeScript (no vscode): the job runner is passed in.
 */
import type { JobContext, JobHandle, JobSpec } from '../../core/jobs/types';

export const AUTO_REFRESH_DEBOUNCE_MS = 400;

export class AutoRefresh<T> {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private reasons = new Set<string>();
  /** The job queued and not started yet: later requests join it. */
  private queued: { started: boolean } | undefined;
  private readonly jobs = new Set<JobHandle<T>>();
  private disposed = false;

  constructor(
    private readonly submit: (spec: JobSpec<T>) => JobHandle<T>,
    /** The job for these reasons (e.g. "files changed"); `run` does the refresh. */
    private readonly spec: (reasons: string[]) => { title: string; resource: string; run: (ctx: JobContext) => Promise<T> },
    private readonly onError: (e: unknown) => void,
    private readonly debounceMs = AUTO_REFRESH_DEBOUNCE_MS,
  ) {}

  /** Asks for a refresh after the debounce window (a burst of requests gives one). */
  request(reason: string): void {
    if (this.disposed) return;
    this.reasons.add(reason);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fire(), this.debounceMs);
  }

  /** Asks for a refresh now (no debounce); joins a queued one. */
  requestNow(reason: string): void {
    if (this.disposed) return;
    this.reasons.add(reason);
    clearTimeout(this.timer);
    this.fire();
  }

  private fire(): void {
    this.timer = undefined;
    const reasons = [...this.reasons];
    this.reasons.clear();
    if (this.queued || !reasons.length) return;
    const { title, resource, run } = this.spec(reasons);
    // The runner may start the job inside submit(): the marker says whether it did.
    const marker = { started: false };
    const job = this.submit({
      title,
      resource,
      run: (ctx) => {
        marker.started = true;
        if (this.queued === marker) this.queued = undefined;
        return run(ctx);
      },
    });
    if (!marker.started) this.queued = marker;
    this.jobs.add(job);
    job.done.then(
      () => this.jobs.delete(job),
      (e: unknown) => {
        this.jobs.delete(job);
        if (this.queued === marker) this.queued = undefined;
        if (job.info().status !== 'cancelled') this.onError(e);
      },
    );
  }

  /** Cancels the queued and running refresh jobs and stops taking requests. */
  dispose(reason = 'The project was closed.'): void {
    this.disposed = true;
    clearTimeout(this.timer);
    for (const j of this.jobs) j.cancel(reason);
  }
}
