/**
 * Readers of the index (architecture.md, "One owner of the index"). A long reader (an export, agreement
 * statistics) takes a lease and reads in short synchronous slices, yielding to the event loop between
 * them so submits interleave. The store swaps or closes an index only when no lease can read it any
 * more: a rebuild first waits for the leases to be released, or aborts them (their signal aborts with
 * "the index is being rebuilt" and their next slice throws it), and never closes a database under one.
 */
import { LabelingError } from '../errors';
import { throwIfAbortedWith } from './time-slice';

/** What a rebuild does with running readers when its index is ready. */
export type ReadersPolicy = 'wait' | 'cancel';

export const REBUILD_CANCELS_READERS = 'the index is being rebuilt';

/** A reader's hold on the index: slices run against one index, from acquire to release. */
export interface IndexLease {
  /** What reads (shown while a rebuild waits for it). */
  readonly name: string;
  /** Aborts when the caller's signal does, or when a rebuild or close cancels the lease (the reason says which). */
  readonly signal: AbortSignal;
  /** Throws the reason once the lease is cancelled or released. */
  check(): void;
  /** Gives the index back; the lease cannot read after this. Safe to call twice. */
  release(): void;
}

class Lease implements IndexLease {
  private readonly own = new AbortController();
  readonly signal: AbortSignal;
  private released = false;

  constructor(
    readonly name: string,
    private readonly onRelease: (l: Lease) => void,
    callerSignal?: AbortSignal,
  ) {
    this.signal = callerSignal ? AbortSignal.any([callerSignal, this.own.signal]) : this.own.signal;
  }

  check(): void {
    if (this.released) throw new LabelingError('io', `${this.name}: the index lease was released`);
    throwIfAbortedWith(this.signal);
  }

  cancel(reason: string): void {
    if (!this.own.signal.aborted) this.own.abort(new LabelingError('cancelled', `${this.name} stopped: ${reason}`));
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.onRelease(this);
  }
}

/** The leases on one store's index, and the gate a rebuild closes while it swaps the index. */
export class IndexLeases {
  private readonly active = new Set<Lease>();
  private released: (() => void)[] = [];
  private gate?: { open: Promise<void>; release: () => void };

  /** Readers holding a lease now. */
  get readers(): readonly string[] {
    return [...this.active].map((l) => l.name);
  }

  /** Takes a lease; waits while a rebuild swaps the index (a few ms). */
  async acquire(name: string, signal?: AbortSignal): Promise<IndexLease> {
    while (this.gate) {
      await this.gate.open;
      throwIfAbortedWith(signal);
    }
    throwIfAbortedWith(signal);
    const lease = new Lease(name, (l) => this.drop(l), signal);
    this.active.add(lease);
    return lease;
  }

  private drop(l: Lease): void {
    this.active.delete(l);
    const waiting = this.released;
    this.released = [];
    for (const w of waiting) w();
  }

  /**
   * Before an index is swapped: no new lease starts until `reopen` is called, and the running ones are
   * waited for (until released or aborted by their own signal) or cancelled. Aborting `signal` stops the
   * wait (the gate is opened again) and throws.
   */
  async drain(policy: ReadersPolicy, signal?: AbortSignal, onWait?: (readers: readonly string[]) => void): Promise<() => void> {
    let release!: () => void;
    const open = new Promise<void>((r) => (release = r));
    const gate = { open, release };
    this.gate = gate;
    const reopen = (): void => {
      if (this.gate === gate) this.gate = undefined;
      gate.release();
    };
    try {
      if (policy === 'cancel') this.cancelAll(REBUILD_CANCELS_READERS);
      for (;;) {
        throwIfAbortedWith(signal);
        const reading = [...this.active].filter((l) => !l.signal.aborted);
        if (!reading.length) return reopen;
        onWait?.(reading.map((l) => l.name));
        await new Promise<void>((resolve) => {
          const done = (): void => {
            signal?.removeEventListener('abort', done);
            resolve();
          };
          this.released.push(done);
          signal?.addEventListener('abort', done, { once: true });
          for (const l of reading) l.signal.addEventListener('abort', done, { once: true });
        });
      }
    } catch (e) {
      reopen();
      throw e;
    }
  }

  /** Aborts every lease: its next slice throws "<name> stopped: <reason>". */
  cancelAll(reason: string): void {
    for (const l of this.active) l.cancel(reason);
  }
}
