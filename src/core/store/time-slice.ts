/**
 * Cooperative time slicing (architecture.md, "One owner of the index"): long work on the extension
 * host's main thread (a rebuild, a refresh, a long reader) gives the event loop a turn every few ms,
 * so a submit waits at most one slice behind it.
 */
import { LabelingError } from '../errors';

/** How long a slice of background work runs before it yields (ms). */
export const SLICE_MS = 8;

/** Resolves on the next turn of the event loop (after pending I/O callbacks and timers). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Throws the signal's reason when it is a LabelingError (its message says why), else 'Cancelled.'. */
export function throwIfAbortedWith(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  throw signal.reason instanceof LabelingError ? signal.reason : new LabelingError('cancelled', 'Cancelled.');
}

export class TimeSlicer {
  private start = performance.now();
  /** Times the work yielded (for measurements). */
  yields = 0;

  constructor(
    private readonly sliceMs = SLICE_MS,
    private readonly signal?: AbortSignal,
  ) {}

  /** True when the slice is used up (reading the clock costs tens of ns: fine per row). */
  due(): boolean {
    return performance.now() - this.start >= this.sliceMs;
  }

  /** Yields to the event loop, then starts a new slice; throws once the signal is aborted. */
  async pause(): Promise<void> {
    this.yields++;
    await yieldToEventLoop();
    this.start = performance.now();
    throwIfAbortedWith(this.signal);
  }

  /** Yields when the slice is used up. */
  async maybePause(): Promise<void> {
    if (this.due()) await this.pause();
  }
}
