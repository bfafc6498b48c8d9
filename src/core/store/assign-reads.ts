/**
 * Queries for assignment (issue 11 item 4): which queue items a filter picks (the next N unassigned,
 * items a labeler's current annotation gives a label, items whose latest prelabel does, items whose
 * latest prelabel has a model confidence in a range), the labelers an item could go to, and assigned
 * versus done per labeler. Reads in keyset slices over the queue order (items_open), never OFFSET.
 */
import { LabelingError } from '../errors';
import { labelsUsed, type ProjectDef } from '../model';
import { unpackAnn } from './ann-text';
import { evTypeCode } from './ev-rows';
import { doneAnnSql, type IndexDb } from './index-db';
import type { StoreReads } from './store-reads';

export type AssignFilter =
  /** Open items nobody is assigned to, in queue order. */
  | { kind: 'unassigned' }
  /** Open items some labeler's current annotation gives this label (partly labeled items under consensus). */
  | { kind: 'label'; label: string }
  /** Open items whose latest prelabel (a model's or an import's) uses this label. */
  | { kind: 'prelabel'; label: string }
  /** Open items whose latest prelabel has a confidence in [min, max]. */
  | { kind: 'confidence'; min: number; max: number };

export interface FoundItems {
  keys: string[];
  /** Cursor (queue position) to continue after; absent when the queue was read to its end. */
  next?: string;
  /** Queue rows read to find them. */
  scanned: number;
}

export interface AssignedCounts {
  labeler: string;
  /** Items assigned to them (open or not). */
  assigned: number;
  /** Of those, the ones they labeled. */
  labeled: number;
  /** Of those, the ones they skipped. */
  skipped: number;
  /** Of those, the ones still in the queue that they have not done. */
  waiting: number;
}

const SLICE = 2000;

export class AssignReads {
  constructor(private readonly idx: () => IndexDb) {}

  /**
   * Up to `limit` open item keys in queue order that `filter` picks, starting after `after` (a previous
   * `next`). `includeAssigned`: also items already assigned to someone (else only unassigned ones).
   * `maxScan` bounds the queue rows read in one call (the caller continues from `next`).
   */
  find(filter: AssignFilter, opts: { limit: number; after?: string; includeAssigned?: boolean; maxScan?: number }): FoundItems {
    const limit = Math.max(0, Math.floor(opts.limit));
    const maxScan = opts.maxScan ?? Number.POSITIVE_INFINITY;
    const db = this.idx();
    const keys: string[] = [];
    let [q, id] = opts.after ? (opts.after.split(':').map(Number) as [number, number]) : [-1, -1];
    let scanned = 0;
    const onlyFree = filter.kind === 'unassigned' || !opts.includeAssigned ? 'AND i.assignee IS NULL' : '';
    while (keys.length < limit && scanned < maxScan) {
      const rows = db.all<{ id: number; key: string; qorder: number }>(
        `SELECT i.id, i.key, i.qorder FROM items i INDEXED BY items_open WHERE i.open = 1 AND (i.qorder, i.id) > (?, ?) ${onlyFree} ORDER BY i.qorder, i.id LIMIT ?`,
        [q, id, SLICE],
      );
      const pass = rows.length ? this.matcher(db, filter, rows.map((r) => r.id)) : () => false;
      let read = 0;
      for (const r of rows) {
        read++;
        scanned++;
        [q, id] = [r.qorder, r.id];
        if (pass(r.id)) keys.push(r.key);
        if (keys.length >= limit || scanned >= maxScan) break;
      }
      if (read === rows.length && rows.length < SLICE) return { keys, scanned }; // the end of the queue
    }
    return { keys, next: `${q}:${id}`, scanned };
  }

  /** Which of `ids` pass the filter (one query per slice of ids). */
  private matcher(db: IndexDb, f: AssignFilter, ids: number[]): (id: number) => boolean {
    if (f.kind === 'unassigned') return () => true;
    const list = ids.join(',');
    const ok = new Set<number>();
    if (f.kind === 'label') {
      const rows = db.all<{ item: number; ann: string | null }>(
        `SELECT d.item, ${doneAnnSql('d', 'i')} AS ann FROM done d JOIN items i ON i.id = d.item WHERE d.item IN (${list}) AND d.kind = 1`,
        [],
      );
      for (const r of rows) if (r.ann !== null && labelsUsed(unpackAnn(r.ann)).includes(f.label)) ok.add(r.item);
      return (id) => ok.has(id);
    }
    // The latest prelabel per item (as ItemView.prelabel shows it), after a "remove all labels" change.
    const removeAll = db.barriers.removeAll;
    const rows = db.all<{ item: number; ord: string; ann: string | null; conf: number | null }>(
      `SELECT item, ord, ann, conf FROM ev WHERE item IN (${list}) AND type = ? AND pre = 1 AND ord > ?`,
      [evTypeCode('submit'), removeAll],
    );
    const latest = new Map<number, { ord: string; ann: string | null; conf: number | null }>();
    for (const r of rows) {
      const had = latest.get(r.item);
      if (!had || had.ord < r.ord) latest.set(r.item, r);
    }
    for (const [item, r] of latest) {
      if (f.kind === 'prelabel' ? r.ann !== null && labelsUsed(unpackAnn(r.ann)).includes(f.label) : r.conf !== null && r.conf >= f.min && r.conf <= f.max) ok.add(item);
    }
    return (id) => ok.has(id);
  }

  /** Open items assigned to `labeler` (unassigning them), in queue order. */
  assignedTo(labeler: string, limit = 100_000): string[] {
    return this.idx()
      .all<{ key: string }>('SELECT key FROM items INDEXED BY items_assigned WHERE open = 1 AND assignee = ? ORDER BY qorder, id LIMIT ?', [labeler, limit])
      .map((r) => r.key);
  }

  /**
   * Per labeler with items assigned: assigned, labeled, skipped, still waiting. Reads every assigned item
   * (a scan of the items table: it has no index on closed items' assignee).
   */
  assignedVsDone(): AssignedCounts[] {
    return this.idx().all<AssignedCounts>(
      `SELECT i.assignee AS labeler, COUNT(*) AS assigned,
         COALESCE(SUM(CASE WHEN d.kind = 1 THEN 1 ELSE 0 END), 0) AS labeled,
         COALESCE(SUM(CASE WHEN d.kind = 0 THEN 1 ELSE 0 END), 0) AS skipped,
         COALESCE(SUM(CASE WHEN d.item IS NULL AND i.open = 1 THEN 1 ELSE 0 END), 0) AS waiting
       FROM items i LEFT JOIN done d ON d.item = i.id AND d.labeler = i.assignee
       WHERE i.assignee IS NOT NULL GROUP BY i.assignee ORDER BY i.assignee`,
      [],
    );
  }
}

/**
 * The assignment reads of a store. StoreReads has no public accessor for its index yet (the per-labeler
 * reads use `live().index` the same way); this reaches it through the protected `live()`, so a closed
 * store still refuses.
 */
export function assignReads(store: StoreReads): AssignReads {
  const s = store as unknown as { live(): { index: IndexDb } };
  return new AssignReads(() => s.live().index);
}

/**
 * Everyone an item could be assigned to: labelers with a role, labelers with items in the per-labeler
 * table, current assignees, plus `extra` (journal folders, yourself), sorted and deduplicated
 * case-insensitively (the first spelling wins).
 */
export function knownLabelers(store: StoreReads, extra: readonly string[] = []): string[] {
  const seen = new Map<string, string>();
  const add = (id: string | undefined) => {
    const t = id?.trim();
    if (t && !seen.has(t.toLowerCase())) seen.set(t.toLowerCase(), t);
  };
  for (const id of Object.keys(store.def.roles ?? {})) add(id);
  for (const c of store.labelers.counts()) add(c.labeler);
  for (const c of assignReads(store).assignedVsDone()) add(c.labeler);
  extra.forEach(add);
  return [...seen.values()].sort((a, b) => a.localeCompare(b));
}

/** Round-robin: key i goes to labelers[i mod n], in the order given. */
export function roundRobin(keys: readonly string[], labelers: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>(labelers.map((l) => [l, []]));
  if (!labelers.length) return out;
  keys.forEach((k, i) => out.get(labelers[i % labelers.length]!)!.push(k));
  return out;
}

/** Checks a filter given by a script or test: a clear message naming the field, nothing read. */
export function checkAssignFilter(def: ProjectDef, f: unknown, field = 'filter'): AssignFilter {
  const bad = (why: string, at = field): never => {
    throw new LabelingError('invalid-input', why, { field: at });
  };
  if (!f || typeof f !== 'object') return bad('an object with "kind" (unassigned, label, prelabel or confidence)');
  const o = f as Record<string, unknown>;
  switch (o.kind) {
    case 'unassigned':
      return { kind: 'unassigned' };
    case 'label':
    case 'prelabel':
      if (typeof o.label !== 'string' || !def.labels.some((l) => l.name === o.label)) {
        return bad(`"${String(o.label)}" is not a label of ${def.name} (${def.labels.map((l) => l.name).join(', ')})`, `${field}.label`);
      }
      return { kind: o.kind, label: o.label };
    case 'confidence': {
      const { min, max } = o;
      if (typeof min !== 'number' || typeof max !== 'number' || !(min >= 0 && max <= 1 && min <= max)) return bad('min and max are numbers with 0 <= min <= max <= 1', `${field}.min`);
      return { kind: 'confidence', min, max };
    }
    default:
      return bad(`kind "${String(o.kind)}" is not one of unassigned, label, prelabel, confidence`, `${field}.kind`);
  }
}

/** "0.2-0.6" (also "0.2 to 0.6", "0.2..0.6"): an inclusive confidence range in [0, 1], else undefined. */
export function parseRange(v: string): { min: number; max: number } | undefined {
  const m = /^\s*(\d*\.?\d+)\s*(?:-|–|to|\.\.)\s*(\d*\.?\d+)\s*$/.exec(v);
  if (!m) return undefined;
  const [min, max] = [Number(m[1]), Number(m[2])];
  return min >= 0 && max <= 1 && min <= max ? { min, max } : undefined;
}
