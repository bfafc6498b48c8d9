/**
 * The dashboard's counter tables (schema.ts: cnt_hour, cnt_day, cnt_skip, rvw / cnt_review, cnt_assign,
 * cnt_obj), kept current by every write (index-db.ts) and tallied in JS by the bulk build (bulk.ts), so
 * the dashboard model (stats/dashboard.ts) reads a few dozen rows whatever the project's size:
 *
 * - labels submitted per labeler and UTC hour: each ev row of a labeler's own submit (not a prelabel, not
 *   an import's submit), counted once when the row is inserted (voided later or not: the work was done);
 * - review facts per item and labeler (reviewFacts): whether the first label review after their first
 *   submit approved it, and whether a reject followed it;
 * - per assignee: items assigned, done by them, open;
 * - objects per label of final annotations that are spans, boxes or polygons.
 */
import { labelsUsed, type Annotation } from '../model';
import { timeOfOrderKey } from '../journal/events';
import type { EvRow } from './item-state';

export const HOUR_MS = 3_600_000;

/** The UTC hour bucket of a time (ms). */
export const hourOf = (ms: number): number => Math.floor(ms / HOUR_MS);

/** Whether an ev row's order key is an import's submit (importOrderKey: a fifth, 5-character part). */
const isImportOrd = (ord: string): boolean => ord.charCodeAt(ord.length - 6) === 1;

/** Whether an ev row is a labeler's own submit (what cnt_hour counts). */
export function isOwnSubmit(r: Pick<EvRow, 'type' | 'ord' | 'pre'>): boolean {
  return r.type === 'submit' && !r.pre && !isImportOrd(r.ord);
}

export const BUMP_HOUR = 'INSERT INTO cnt_hour VALUES (?, ?, ?) ON CONFLICT(hour, labeler) DO UPDATE SET n = n + excluded.n';
export const INSERT_RVW = 'INSERT INTO rvw (item, labeler, acc, rej) VALUES (?, ?, ?, ?)';
export const BUMP_ASSIGN = 'INSERT INTO cnt_assign VALUES (?, ?, ?, ?) ON CONFLICT(labeler) DO UPDATE SET n = n + excluded.n, done = done + excluded.done, open = open + excluded.open';
export const BUMP_OBJ = 'INSERT INTO cnt_obj VALUES (?, ?) ON CONFLICT(label) DO UPDATE SET n = n + excluded.n';

/** One labeler's review facts on one item. */
export interface ReviewFact {
  labeler: string;
  /** 1: the first label review after their first submit approved. */
  acc: number;
  /** 1: a reject came after their first submit. */
  rej: number;
}

const LABEL_REVIEW = new Set(['approve', 'reject', 'decide']);

/**
 * Per labeler with a label review (approve, reject, decide) ordered after their first own submit on the
 * item: whether the first such review was an approve, and whether any was a reject. `rows` in total order.
 */
export function reviewFacts(rows: readonly Pick<EvRow, 'type' | 'ord' | 'pre' | 'by'>[]): ReviewFact[] {
  let reviews = 0;
  for (const r of rows) if (LABEL_REVIEW.has(r.type)) reviews++;
  if (!reviews) return [];
  const open = new Map<string, ReviewFact & { reviewed: boolean }>();
  for (const r of rows) {
    if (isOwnSubmit(r)) {
      if (!open.has(r.by)) open.set(r.by, { labeler: r.by, acc: 0, rej: 0, reviewed: false });
      continue;
    }
    if (!LABEL_REVIEW.has(r.type)) continue;
    for (const f of open.values()) {
      if (!f.reviewed) {
        f.reviewed = true;
        if (r.type === 'approve') f.acc = 1;
      }
      if (r.type === 'reject') f.rej = 1;
    }
  }
  const out: ReviewFact[] = [];
  for (const f of open.values()) if (f.reviewed) out.push({ labeler: f.labeler, acc: f.acc, rej: f.rej });
  return out.sort((a, b) => (a.labeler < b.labeler ? -1 : a.labeler > b.labeler ? 1 : 0));
}

/** The labels of a final annotation's objects, once per object (none for a label set: cnt_label counts those). */
export function objectLabels(a: Annotation | undefined): string[] {
  return !a || a.kind === 'classes' ? [] : labelsUsed(a);
}

/** What an item adds to cnt_assign. */
export interface AssignFact {
  labeler: string;
  done: number;
  open: number;
}

/** The cnt_assign rows changing from `before` to `after` (undefined: unassigned), as (labeler, n, done, open) deltas. */
export function assignDeltas(before: AssignFact | undefined, after: AssignFact | undefined): [string, number, number, number][] {
  if (before && after && before.labeler === after.labeler) {
    return before.done === after.done && before.open === after.open ? [] : [[after.labeler, 0, after.done - before.done, after.open - before.open]];
  }
  const out: [string, number, number, number][] = [];
  if (before) out.push([before.labeler, -1, -before.done, -before.open]);
  if (after) out.push([after.labeler, 1, after.done, after.open]);
  return out;
}

/** Adds each field of `v` into the row of `k` (a copy of `v` when there is none yet). */
function addTo<T extends Record<string, number>>(m: Map<string, T>, k: string, v: T): void {
  const c = m.get(k) as Record<string, number> | undefined;
  if (!c) m.set(k, { ...v });
  else for (const f of Object.keys(v)) c[f]! += v[f]!;
}

/** Counts of one pass over many items (a bulk build), written once at the end. */
export class DashboardTally {
  readonly hours = new Map<number, Map<string, number>>();
  readonly skips = new Map<string, number>();
  readonly reviews = new Map<string, { n: number; acc: number; rej: number }>();
  readonly assign = new Map<string, { n: number; done: number; open: number }>();
  readonly objects = new Map<string, number>();

  /** One item's ev rows (the hour counter). */
  rows(rows: readonly Pick<EvRow, 'type' | 'ord' | 'pre' | 'by'>[]): void {
    for (const r of rows) {
      if (!isOwnSubmit(r)) continue;
      const h = hourOf(timeOfOrderKey(r.ord));
      let m = this.hours.get(h);
      if (!m) this.hours.set(h, (m = new Map()));
      m.set(r.by, (m.get(r.by) ?? 0) + 1);
    }
  }

  skip(labeler: string): void {
    this.skips.set(labeler, (this.skips.get(labeler) ?? 0) + 1);
  }

  review(f: ReviewFact): void {
    addTo(this.reviews, f.labeler, { n: 1, acc: f.acc, rej: f.rej });
  }

  assigned(f: AssignFact): void {
    addTo(this.assign, f.labeler, { n: 1, done: f.done, open: f.open });
  }

  final(a: Annotation | undefined): void {
    for (const l of objectLabels(a)) this.objects.set(l, (this.objects.get(l) ?? 0) + 1);
  }

  /** Writes the counters into empty tables (before the triggers exist). */
  write(run: (sql: string, params: (string | number)[]) => void): void {
    const days = new Map<number, number>();
    for (const [h, m] of this.hours) {
      for (const [by, n] of m) {
        run('INSERT INTO cnt_hour VALUES (?, ?, ?)', [h, by, n]);
        days.set(Math.floor(h / 24), (days.get(Math.floor(h / 24)) ?? 0) + n);
      }
    }
    for (const [d, n] of days) run('INSERT INTO cnt_day VALUES (?, ?)', [d, n]);
    for (const [l, n] of this.skips) run('INSERT INTO cnt_skip VALUES (?, ?)', [l, n]);
    for (const [l, c] of this.reviews) run('INSERT INTO cnt_review VALUES (?, ?, ?, ?)', [l, c.n, c.acc, c.rej]);
    for (const [l, c] of this.assign) run('INSERT INTO cnt_assign VALUES (?, ?, ?, ?)', [l, c.n, c.done, c.open]);
    for (const [l, n] of this.objects) run('INSERT INTO cnt_obj VALUES (?, ?)', [l, n]);
  }
}
