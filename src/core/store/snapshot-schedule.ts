/**
 * When a project store saves its index snapshot (snapshot.ts): after SNAPSHOT_EVERY events since the last
 * one, once none was written for SNAPSHOT_IDLE_MS (never on the write path: db.export holds the event loop),
 * when the user is idle, and at close. The save itself runs in the store's write chain.
 */
import type { Logger } from '../logger';

/** Snapshot automatically after SNAPSHOT_EVERY events since the last one, once none was written for SNAPSHOT_IDLE_MS. */
export const SNAPSHOT_EVERY = 50_000;
export const SNAPSHOT_IDLE_MS = 2_000;

export class SnapshotSchedule {
  /** Events (and item changes) applied since the last snapshot. */
  private since = 0;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    /** Runs `fn` in the store's write chain. */
    private readonly serial: <T>(fn: () => Promise<T> | T) => Promise<T>,
    /** Writes the snapshot of the index now in use; returns its size. */
    private readonly write: () => Promise<number>,
    private readonly log: Logger,
  ) {}

  /** Past SNAPSHOT_EVERY events a snapshot is due: taken once writes pause. */
  afterEvents(n: number): void {
    this.since += n;
    if (this.since < SNAPSHOT_EVERY) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.ifIdle().catch((e) => this.log.warn(`snapshot: ${String(e)}`)), SNAPSHOT_IDLE_MS);
    this.timer.unref?.();
  }

  /** A new index replaced the one the last snapshot holds: its snapshot is due once writes pause. */
  replaced(): void {
    this.since = 0;
    this.afterEvents(SNAPSHOT_EVERY);
  }

  /** Saves now, in the caller's turn of the write chain (a fresh build, close). */
  async save(): Promise<number> {
    const size = await this.write();
    this.since = 0;
    return size;
  }

  /** Saves if anything changed since the last snapshot (the user is idle). Returns its size or 0. */
  ifIdle(): Promise<number> {
    return this.serial(() => (this.since > 0 ? this.save() : 0));
  }

  /** At close, inside the write chain: the timer is dropped and what changed is saved. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    if (this.since > 0) await this.save();
  }

  /** Stops the timer (the store is closing: its last save runs in the write chain). */
  stop(): void {
    clearTimeout(this.timer);
  }
}
