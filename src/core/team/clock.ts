/**
 * The hybrid logical clock (architecture.md, "Team semantics"): an event's `at` is the wall clock, but
 * at least 1 ms after every event of the items it names and every project-wide event the author's index
 * has read, and never before the writer's previous event. A machine with a slow clock can sort its own
 * events late or early, never before what they answered.
 */
import type { EventPayload } from '../journal/events';
import type { IndexDb } from '../store/index-db';

export function hybridClock(idx: IndexDb, payloads: readonly EventPayload[], lastAt: number, now = Date.now()): number {
  let at = Math.max(now, lastAt, idx.projectMaxMs() + 1);
  for (const p of payloads) {
    const keys = 'item' in p ? [p.item] : p.type === 'import' ? p.submits.map((s) => s.item) : p.type === 'batch' ? p.events.map((x) => x.item) : [];
    for (const key of new Set(keys)) at = Math.max(at, idx.itemMaxMs(key) + 1);
  }
  return at;
}
