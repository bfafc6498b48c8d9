/**
 * The Review panel's queries over the index: one keyset-paged list for any combination of filters
 * (asset type, labeler, label, agreement below a value, a time range) and the counts shown beside each
 * filter choice. A page is driven by the most selective index the filter allows (the labeler's rows of
 * `done`, the item state, the agreement index, else the item ids) and every other condition is a
 * per-row check through a primary key; never OFFSET, never a grouping over every item per refresh.
 *
 * Counts come from the counter tables (cnt_state, cnt_label, cnt_labeler) and index ranges. Three asset
 * types have no counter or index yet (prelabeled, approved, rejected): their counts scan `ev` once and
 * are cached per index until an item changes (ReviewCounts.invalidate).
 */
import type { SqlValue } from 'sql.js';
import { LabelingError } from '../errors';
import type { ItemState } from '../model';
import { REVIEW_ASSETS, type ReviewAsset, type ReviewCountsResult, type ReviewFilter, type ReviewPage, type ReviewRow } from './review-filter';
import { evTypeCode } from './ev-rows';
import { doneAnnSql, type IndexDb } from './index-db';

export { REVIEW_ASSETS, type ReviewAsset, type ReviewCountsResult, type ReviewFilter, type ReviewPage, type ReviewRow } from './review-filter';

const SEP = '\u001f';
const LABEL_REVIEWS = (): number[] => [evTypeCode('reject'), evTypeCode('approve'), evTypeCode('decide')];
/** The type code of an item's last label review (reject, approve or decide), or NULL. */
const lastLabelReview = (): string =>
  `(SELECT e.type FROM ev e WHERE e.item = i.id AND e.type IN (${LABEL_REVIEWS().join(', ')}) ORDER BY e.ord DESC LIMIT 1)`;

/** A LIKE pattern matching a label as a JSON string anywhere in a packed annotation or a label list. */
function labelPattern(label: string): string {
  return `%${JSON.stringify(label).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Checks a filter; bad values are refused with the field named. */
export function checkReviewFilter(f: ReviewFilter): void {
  if (f.asset !== undefined && !(REVIEW_ASSETS as readonly string[]).includes(f.asset)) {
    throw new LabelingError('invalid-input', `filter.asset must be one of ${REVIEW_ASSETS.join(', ')} (got ${JSON.stringify(f.asset)})`);
  }
  if (f.agreementBelow !== undefined && !(typeof f.agreementBelow === 'number' && f.agreementBelow > 0 && f.agreementBelow <= 1)) {
    throw new LabelingError('invalid-input', `filter.agreementBelow must be a number in (0, 1] (got ${JSON.stringify(f.agreementBelow)})`);
  }
  for (const k of ['from', 'to'] as const) {
    const v = f[k];
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v))) throw new LabelingError('invalid-input', `filter.${k} must be a time in ms (got ${JSON.stringify(v)})`);
  }
  if (f.from !== undefined && f.to !== undefined && f.from >= f.to) throw new LabelingError('invalid-input', 'filter.from must be before filter.to');
  for (const k of ['labeler', 'label'] as const) {
    const v = f[k];
    if (v !== undefined && (typeof v !== 'string' || !v)) throw new LabelingError('invalid-input', `filter.${k} must be a non-empty string`);
  }
}

/** What drives a page: a labeler's rows of done (in item order, or in time order within a time range), every labeler's rows in a time range (merged), the state index, the agreement index, or the item ids. */
type Driver = 'labeler' | 'labelerTime' | 'time' | 'state' | 'agreement' | 'id' | 'flag';
const byLabeler = (d: Driver): boolean => d === 'labeler' || d === 'labelerTime';
const hasTime = (f: ReviewFilter): boolean => f.from !== undefined || f.to !== undefined;
/** The bounds of a time range (an open end: the whole time line). */
const timeBounds = (f: ReviewFilter): [number, number] => [f.from ?? -8.64e15, f.to ?? 8.64e15];

/** The per-row conditions of a filter (alias i: items), leaving out what the driver already covers. */
function conditions(f: ReviewFilter, driver: Driver): { sql: string[]; params: SqlValue[] } {
  const sql: string[] = [];
  const params: SqlValue[] = [];
  const a = f.asset;
  if (a && driver !== 'state') {
    const state = stateOf(a);
    if (state) {
      sql.push('i.state = ?');
      params.push(state);
    }
  }
  if (a === 'conflicts') sql.push('i.conflict = 1');
  if (a === 'prelabeled') sql.push(`EXISTS (SELECT 1 FROM ev p WHERE p.item = i.id AND p.type = ${evTypeCode('submit')} AND p.pre = 1)`);
  if (a === 'approved') sql.push(`${lastLabelReview()} IN (${evTypeCode('approve')}, ${evTypeCode('decide')})`);
  if (a === 'rejected') sql.push(`${lastLabelReview()} = ${evTypeCode('reject')}`);
  if (f.labeler !== undefined && !byLabeler(driver)) {
    sql.push('EXISTS (SELECT 1 FROM done dl WHERE dl.item = i.id AND dl.labeler = ? AND dl.kind = ?)');
    params.push(f.labeler, a === 'skipped' ? 0 : 1);
  }
  if (f.label !== undefined) {
    if (byLabeler(driver)) {
      sql.push(`${doneAnnSql('d', 'i')} LIKE ? ESCAPE '\\'`);
      params.push(labelPattern(f.label));
    } else if (f.labeler !== undefined) {
      sql.push(`EXISTS (SELECT 1 FROM done da WHERE da.item = i.id AND da.labeler = ? AND da.kind = 1 AND ${doneAnnSql('da', 'i')} LIKE ? ESCAPE '\\')`);
      params.push(f.labeler, labelPattern(f.label));
    } else {
      sql.push(`i.final_labels LIKE ? ESCAPE '\\'`);
      params.push(labelPattern(f.label));
    }
  }
  if (f.agreementBelow !== undefined && driver !== 'agreement') {
    sql.push('i.agreement IS NOT NULL AND i.agreement < ?');
    params.push(f.agreementBelow);
  }
  if (hasTime(f) && !byLabeler(driver) && driver !== 'time') {
    const who = f.labeler !== undefined ? ' AND dt.labeler = ?' : '';
    sql.push(`EXISTS (SELECT 1 FROM done dt WHERE dt.item = i.id${who} AND dt.t >= ? AND dt.t < ?)`);
    if (f.labeler !== undefined) params.push(f.labeler);
    params.push(...timeBounds(f));
  }
  return { sql, params };
}

function stateOf(a: ReviewAsset): ItemState | undefined {
  switch (a) {
    case 'labeled':
    case 'approved':
      return 'labeled';
    case 'skipped':
      return 'skipped';
    case 'needs-review':
    case 'conflicts':
      return 'needs-review';
    default:
      return undefined;
  }
}

function driverOf(f: ReviewFilter): Driver {
  if (f.labeler !== undefined) return hasTime(f) ? 'labelerTime' : 'labeler';
  // A time range is usually the narrowest condition: it drives before the state and agreement indexes.
  if (hasTime(f)) return 'time';
  if (f.asset && stateOf(f.asset)) return 'state';
  if (f.agreementBelow !== undefined) return 'agreement';
  return 'id';
}

interface Row {
  key: string;
  state: ItemState;
  version: number;
  agreement: number | null;
  conflict: number | null;
  assignee: string | null;
  who: string | null;
  c1: SqlValue;
  c2: SqlValue;
}

/** A labeler's row of done in a time range, after the cursor, that is its item's first event in the range. */
const TIME_ROW = `d.labeler = ? AND d.t >= ? AND d.t < ? AND (d.t > ? OR (d.t = ? AND d.item > ?))
  AND NOT EXISTS (SELECT 1 FROM done d2 WHERE d2.item = d.item AND d2.t >= ? AND d2.t < ? AND (d2.t < d.t OR (d2.t = d.t AND d2.labeler < d.labeler)))`;

const COLS = `i.key, i.state, i.version, i.agreement, i.conflict, i.assignee,
  (SELECT group_concat(w.labeler, '${SEP}') FROM done w WHERE w.item = i.id AND w.kind = 1) AS who`;

/** Candidate ids per query of a flag page (padded to this length: one prepared statement). */
const FLAG_CHUNK = 256;

export class ReviewReads {
  /** `counts`: its per-item flags drive the pages of the asset types that have no index (see flagPage). */
  constructor(
    private readonly idx: () => IndexDb,
    private readonly counts?: ReviewCounts,
  ) {}

  /** One page of the items matching `f` (`after`: the previous page's `next`). */
  page(f: ReviewFilter, after?: string, limit = 100): ReviewPage {
    checkReviewFilter(f);
    const n = Math.max(1, Math.min(1000, Math.floor(limit)));
    const driver = driverOf(f);
    const bit = this.counts && f.asset ? FLAG_OF[f.asset] : undefined;
    // (approved and conflicts would otherwise walk the labeled or needs-review items of items_state)
    if (bit && (driver === 'id' || driver === 'state')) return this.flagPage(f, bit, after, n);
    const cur = parseCursor(after, driver);
    const cond = conditions(f, driver);
    const where = (extra: string[]) => [...extra, ...cond.sql].join(' AND ');
    let sql: string | undefined;
    let params: SqlValue[] | undefined;
    switch (driver) {
      case 'time':
        break;
      case 'labeler':
        sql = `SELECT ${COLS}, d.item AS c1, NULL AS c2 FROM done d INDEXED BY done_mine JOIN items i ON i.id = d.item
          WHERE ${where(['d.labeler = ? AND d.kind = ? AND d.item > ?'])} ORDER BY d.item LIMIT ?`;
        params = [f.labeler!, f.asset === 'skipped' ? 0 : 1, Number(cur[0] ?? -1)];
        break;
      case 'labelerTime': {
        // done_hist (labeler, t) holds the item too (the primary key): pages in (t, item) order.
        const [t, id] = [Number(cur[0] ?? -8.64e15), Number(cur[1] ?? -1)];
        sql = `SELECT ${COLS}, d.t AS c1, d.item AS c2 FROM done d INDEXED BY done_hist JOIN items i ON i.id = d.item
          WHERE ${where(['d.labeler = ? AND d.t >= ? AND d.t < ? AND (d.t > ? OR (d.t = ? AND d.item > ?)) AND d.kind = ?'])} ORDER BY d.t, d.item LIMIT ?`;
        params = [f.labeler!, ...timeBounds(f), t, t, id, f.asset === 'skipped' ? 0 : 1];
        break;
      }
      case 'state':
        sql = `SELECT ${COLS}, i.key AS c1, NULL AS c2 FROM items i INDEXED BY items_state WHERE ${where(['i.state = ? AND i.key > ?'])} ORDER BY i.state, i.key LIMIT ?`;
        params = [stateOf(f.asset!)!, String(cur[0] ?? '')];
        break;
      case 'agreement': {
        const [ag, id] = [Number(cur[0] ?? -1), Number(cur[1] ?? 0)];
        sql = `SELECT ${COLS}, i.agreement AS c1, i.id AS c2 FROM items i INDEXED BY items_agreement
          WHERE ${where(['i.agreement IS NOT NULL AND i.agreement < ? AND (i.agreement > ? OR (i.agreement = ? AND i.id > ?))'])} ORDER BY i.agreement, i.id LIMIT ?`;
        params = [f.agreementBelow!, ag, ag, id];
        break;
      }
      default:
        sql = `SELECT ${COLS}, i.id AS c1, NULL AS c2 FROM items i WHERE ${where(['i.id > ?'])} ORDER BY i.id LIMIT ?`;
        params = [Number(cur[0] ?? -1)];
    }
    const rows = driver === 'time' ? this.timeRows(f, cur, cond, n + 1) : this.idx().all<Row>(sql!, [...params!, ...cond.params, n + 1]);
    const out: ReviewPage = { rows: rows.slice(0, n).map(rowOf) };
    if (rows.length > n) {
      const last = rows[n - 1]!;
      out.next = JSON.stringify([driver, last.c1, last.c2]);
    }
    return out;
  }

  /**
   * Prelabeled, approved, rejected and review conflicts have no index yet: the ids ReviewCounts keeps
   * for them (sorted) are the candidates, read in id order past the cursor, and every condition of the
   * filter (the asset type's included) is checked again in SQL, so a flag not yet updated from the change
   * feed never lists an item that does not match.
   */
  private flagPage(f: ReviewFilter, bit: number, after: string | undefined, n: number): ReviewPage {
    const from = Number(parseCursor(after, 'flag')[0] ?? -1);
    const ids = this.counts!.ids(bit);
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ids[mid]! > from) hi = mid;
      else lo = mid + 1;
    }
    const cond = conditions(f, 'id');
    // NOT INDEXED: the ids are looked up by rowid (the planner would otherwise walk items_state for 'labeled').
    const sql = `SELECT ${COLS}, i.id AS c1, NULL AS c2 FROM items i NOT INDEXED WHERE i.id IN (${Array(FLAG_CHUNK).fill('?').join(', ')})${cond.sql.map((c) => ` AND ${c}`).join('')} ORDER BY i.id LIMIT ?`;
    const rows: Row[] = [];
    for (let at = lo; rows.length <= n && at < ids.length; at += FLAG_CHUNK) {
      const chunk: SqlValue[] = ids.slice(at, at + FLAG_CHUNK);
      while (chunk.length < FLAG_CHUNK) chunk.push(-1);
      rows.push(...this.idx().all<Row>(sql, [...chunk, ...cond.params, n + 1 - rows.length]));
    }
    const out: ReviewPage = { rows: rows.slice(0, n).map(rowOf) };
    if (rows.length > n) out.next = JSON.stringify(['flag', rows[n - 1]!.c1]);
    return out;
  }

  /**
   * A time range without a labeler: each labeler's rows in the range from done_hist (labeler, t), in
   * (t, item) order, merged; an item is listed once, at its first event in the range (the row no other
   * labeler's event in the range precedes). Labelers are those of cnt_labeler (who labeled something).
   */
  private timeRows(f: ReviewFilter, cur: SqlValue[], cond: { sql: string[]; params: SqlValue[] }, limit: number): Row[] {
    const db = this.idx();
    const [from, to] = timeBounds(f);
    const [t0, id0] = [Number(cur[0] ?? -8.64e15), Number(cur[1] ?? -1)];
    const sql = `SELECT ${COLS}, d.t AS c1, d.item AS c2 FROM done d INDEXED BY done_hist JOIN items i ON i.id = d.item
      WHERE ${[TIME_ROW, ...cond.sql].join(' AND ')} ORDER BY d.t, d.item LIMIT ?`;
    const out: Row[] = [];
    for (const who of this.timeLabelers(db)) out.push(...db.all<Row>(sql, [who, from, to, t0, t0, id0, from, to, ...cond.params, limit]));
    out.sort((a, b) => Number(a.c1) - Number(b.c1) || Number(a.c2) - Number(b.c2));
    return out.slice(0, limit);
  }

  private timeLabelers(db: IndexDb): string[] {
    return db.all<{ labeler: string }>('SELECT labeler FROM cnt_labeler WHERE n > 0 ORDER BY labeler', []).map((r) => r.labeler);
  }

  /** How many items match `f` (the bulk action's confirmation); counts the same rows page() lists. */
  count(f: ReviewFilter): number {
    checkReviewFilter(f);
    const driver = driverOf(f);
    const cond = conditions(f, driver);
    const where = (extra: string[]) => [...extra, ...cond.sql].join(' AND ');
    if (driver === 'labeler') {
      const params: SqlValue[] = [f.labeler!, f.asset === 'skipped' ? 0 : 1];
      return Number(this.idx().one(`SELECT COUNT(*) FROM done d INDEXED BY done_mine JOIN items i ON i.id = d.item WHERE ${where(['d.labeler = ? AND d.kind = ?'])}`, [...params, ...cond.params]) ?? 0);
    }
    if (driver === 'time') {
      const [from, to] = timeBounds(f);
      const sql = `SELECT COUNT(*) FROM done d INDEXED BY done_hist JOIN items i ON i.id = d.item WHERE ${[TIME_ROW, ...cond.sql].join(' AND ')}`;
      const db = this.idx();
      return this.timeLabelers(db).reduce((n, who) => n + Number(db.one(sql, [who, from, to, -8.64e15, -8.64e15, -1, from, to, ...cond.params]) ?? 0), 0);
    }
    if (driver === 'labelerTime') {
      const params: SqlValue[] = [f.labeler!, ...timeBounds(f), f.asset === 'skipped' ? 0 : 1];
      return Number(this.idx().one(`SELECT COUNT(*) FROM done d INDEXED BY done_hist JOIN items i ON i.id = d.item WHERE ${where(['d.labeler = ? AND d.t >= ? AND d.t < ? AND d.kind = ?'])}`, [...params, ...cond.params]) ?? 0);
    }
    if (driver === 'state') {
      return Number(this.idx().one(`SELECT COUNT(*) FROM items i INDEXED BY items_state WHERE ${where(['i.state = ?'])}`, [stateOf(f.asset!)!, ...cond.params]) ?? 0);
    }
    if (driver === 'agreement') {
      return Number(this.idx().one(`SELECT COUNT(*) FROM items i INDEXED BY items_agreement WHERE ${where(['i.agreement IS NOT NULL AND i.agreement < ?'])}`, [f.agreementBelow!, ...cond.params]) ?? 0);
    }
    return Number(this.idx().one(`SELECT COUNT(*) FROM items i${cond.sql.length ? ` WHERE ${cond.sql.join(' AND ')}` : ''}`, cond.params) ?? 0);
  }

  /** Who has a skip in effect on the item (the Review panel shows it beside accept / return skip). */
  skippers(key: string): string[] {
    return this.idx()
      .all<{ labeler: string }>('SELECT d.labeler FROM items i JOIN done d ON d.item = i.id WHERE i.key = ? AND d.kind = 0 ORDER BY d.labeler', [key])
      .map((r) => r.labeler);
  }

  /** The review list's item keys matching `f`, in keyset slices (bulk actions). */
  *keys(f: ReviewFilter, slice = 500): Generator<{ key: string; version: number }[]> {
    let after: string | undefined;
    do {
      const p = this.page(f, after, slice);
      yield p.rows.map((r) => ({ key: r.key, version: r.version }));
      after = p.next;
    } while (after !== undefined);
  }
}

function parseCursor(after: string | undefined, driver: Driver): SqlValue[] {
  if (after === undefined || after === '') return [];
  let v: unknown;
  try {
    v = JSON.parse(after);
  } catch {
    v = undefined;
  }
  if (!Array.isArray(v) || v[0] !== driver) throw new LabelingError('invalid-input', 'after: not a cursor of this filter (the filter changed: start from the first page)');
  return v.slice(1) as SqlValue[];
}

function rowOf(r: Row): ReviewRow {
  const out: ReviewRow = { key: r.key, state: r.state, version: r.version, labelers: r.who ? r.who.split(SEP).sort() : [] };
  if (r.agreement !== null) out.agreement = r.agreement;
  if (r.conflict) out.conflict = true;
  if (r.assignee) out.assignee = r.assignee;
  return out;
}

/** Per item: held a prelabel (1), approved (2: its last label review approves or decides, and it is labeled), rejected (4: its last label review rejects). */
const PRE = 1;
const APPROVED = 2;
const REJECTED = 4;
/** A review conflict (items.conflict; scanned once over the needs-review items). */
const CONFLICT = 8;
const BITS = [PRE, APPROVED, REJECTED, CONFLICT];
const FLAG_OF: Partial<Record<ReviewAsset, number>> = { prelabeled: PRE, approved: APPROVED, rejected: REJECTED, conflicts: CONFLICT };

/**
 * The counts beside the filter choices. Those with a counter table or an index range are read each
 * time. Prelabeled, approved, rejected and review conflicts have neither yet: one scan of `ev` finds the items that count
 * (kept as flags per item, only for those), then touched(keys) updates them item by item from the
 * change feed (a few primary-key reads per item); 'all' (a rebuild) scans again.
 */
export class ReviewCounts {
  private cached?: { idx: IndexDb; flags: Map<number, number>; n: number[]; sorted: Map<number, number[]> };

  constructor(private readonly idx: () => IndexDb) {}

  /** Everything may have changed: the next counts() scans again. */
  invalidate(): void {
    this.cached = undefined;
  }

  /** The change feed's touched items: their flags are read again (or everything, for 'all'). */
  touched(keys: readonly string[] | 'all'): void {
    const c = this.cached;
    if (!c) return;
    if (keys === 'all' || c.idx !== this.idx()) return this.invalidate();
    for (const key of keys) {
      const row = c.idx.all<{ id: number; state: string; conflict: number | null }>('SELECT id, state, conflict FROM items WHERE key = ?', [key])[0];
      if (!row) continue;
      const pre = c.idx.one(`SELECT 1 FROM ev WHERE item = ? AND type = ${evTypeCode('submit')} AND pre = 1 LIMIT 1`, [row.id]) !== undefined;
      const last = c.idx.one(`SELECT type FROM ev WHERE item = ? AND type IN (${LABEL_REVIEWS().join(', ')}) ORDER BY ord DESC LIMIT 1`, [row.id]);
      const approved = (last === evTypeCode('approve') || last === evTypeCode('decide')) && row.state === 'labeled';
      this.setFlags(c, row.id, (pre ? PRE : 0) | (approved ? APPROVED : 0) | (last === evTypeCode('reject') ? REJECTED : 0) | (row.conflict ? CONFLICT : 0));
    }
  }

  private setFlags(c: NonNullable<ReviewCounts['cached']>, id: number, f: number): void {
    const old = c.flags.get(id) ?? 0;
    if (old === f) return;
    BITS.forEach((bit, i) => {
      c.n[i]! += (f & bit ? 1 : 0) - (old & bit ? 1 : 0);
      if ((f ^ old) & bit) c.sorted.delete(bit);
    });
    if (f) c.flags.set(id, f);
    else c.flags.delete(id);
  }

  private scan(db: IndexDb): NonNullable<ReviewCounts['cached']> {
    const c: NonNullable<ReviewCounts['cached']> = { idx: db, flags: new Map(), n: BITS.map(() => 0), sorted: new Map() };
    const add = (id: number, bit: number) => this.setFlags(c, id, (c.flags.get(id) ?? 0) | bit);
    for (const r of db.all<{ item: number }>(`SELECT DISTINCT item FROM ev WHERE type = ${evTypeCode('submit')} AND pre = 1`, [])) add(r.item, PRE);
    // Each reviewed item's last label review (the row of the max ord per item).
    const last = db.all<{ item: number; type: number; state: string }>(
      `SELECT x.item, x.type, i.state FROM (SELECT e.item, e.type, MAX(e.ord) FROM ev e WHERE e.type IN (${LABEL_REVIEWS().join(', ')}) GROUP BY e.item) x JOIN items i ON i.id = x.item`,
      [],
    );
    for (const r of last) {
      if (r.type === evTypeCode('reject')) add(r.item, REJECTED);
      else if (r.state === 'labeled') add(r.item, APPROVED);
    }
    for (const r of db.all<{ id: number }>("SELECT id FROM items INDEXED BY items_state WHERE state = 'needs-review' AND conflict = 1", [])) add(r.id, CONFLICT);
    return c;
  }

  /** The ids of the items with the flag, ascending (kept until a flag of that kind changes). */
  ids(bit: number): number[] {
    const db = this.idx();
    if (this.cached?.idx !== db) this.cached = this.scan(db);
    let ids = this.cached.sorted.get(bit);
    if (!ids) {
      ids = [];
      for (const [id, f] of this.cached.flags) if (f & bit) ids.push(id);
      ids.sort((a, b) => a - b);
      this.cached.sorted.set(bit, ids);
    }
    return ids;
  }

  counts(agreementBelow?: number): ReviewCountsResult {
    const db = this.idx();
    const state = new Map(db.all<{ state: string; n: number }>('SELECT state, n FROM cnt_state', []).map((r) => [r.state, r.n]));
    if (this.cached?.idx !== db) this.cached = this.scan(db);
    const [prelabeled, approved, rejected, conflicts] = this.cached.n as [number, number, number, number];
    const out: ReviewCountsResult = {
      assets: {
        labeled: state.get('labeled') ?? 0,
        skipped: state.get('skipped') ?? 0,
        'needs-review': state.get('needs-review') ?? 0,
        conflicts,
        prelabeled,
        approved,
        rejected,
      },
      labelers: Object.fromEntries(db.all<{ labeler: string; n: number }>('SELECT labeler, n FROM cnt_labeler WHERE n > 0 ORDER BY labeler', []).map((r) => [r.labeler, r.n])),
      labels: Object.fromEntries(db.all<{ label: string; n: number }>('SELECT label, n FROM cnt_label WHERE n > 0 ORDER BY label', []).map((r) => [r.label, r.n])),
    };
    if (agreementBelow !== undefined) {
      out.agreementBelow = Number(db.one('SELECT COUNT(*) FROM items INDEXED BY items_agreement WHERE agreement IS NOT NULL AND agreement < ?', [agreementBelow]) ?? 0);
    }
    return out;
  }
}

/**
 * The review reads of a store. A stopgap until the store offers them itself (a `reviews` getter in
 * store-reads.ts beside `labelers`): the index is read through the store's own live() accessor, so a
 * closed store still refuses and a rebuilt index is picked up.
 */
export function reviewReadsOf(store: object): { reads: ReviewReads; counts: ReviewCounts } {
  const idx = () => (store as unknown as { live(): { index: IndexDb } }).live().index;
  const counts = new ReviewCounts(idx);
  return { reads: new ReviewReads(idx, counts), counts };
}
