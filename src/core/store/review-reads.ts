/**
 * The Review panel's queries over the index: one keyset-paged list for any combination of filters
 * (asset type, labeler, label, agreement below a value, a time range) and the counts shown beside each
 * filter choice. A page is driven by the most selective index the filter allows (a labeler's rows of
 * `done`, every labeler's rows in a time range, the partial index of a review flag, the item state, the
 * agreement index, else the item ids) and every other condition is a per-row check through a primary
 * key; never OFFSET, never a grouping over every item per refresh.
 *
 * Counts come from the counter tables (cnt_state, cnt_flag, cnt_label, cnt_labeler) and index ranges.
 */
import type { SqlValue, Statement } from 'sql.js';
import { LabelingError } from '../errors';
import type { ItemState } from '../model';
import { REVIEW_ASSETS, type ReviewAsset, type ReviewCountsResult, type ReviewFilter, type ReviewPage, type ReviewRow } from './review-filter';
import { doneAnnSql, type IndexDb } from './index-db';
import { AGREEMENT_INDEXED, ITEM_FLAGS } from './schema';

export { REVIEW_ASSETS, type ReviewAsset, type ReviewCountsResult, type ReviewFilter, type ReviewPage, type ReviewRow } from './review-filter';

const SEP = '\u001f';
/** items.flags bit of the asset types kept as review flags (schema.ts ITEM_FLAGS; one partial index each). */
const FLAG_OF: Partial<Record<ReviewAsset, { bit: number; index: string }>> = {
  prelabeled: { bit: ITEM_FLAGS.prelabeled, index: 'items_prelabeled' },
  approved: { bit: ITEM_FLAGS.approved, index: 'items_approved' },
  rejected: { bit: ITEM_FLAGS.rejected, index: 'items_rejected' },
  conflicts: { bit: ITEM_FLAGS.conflict, index: 'items_conflict' },
};

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
  for (const k of ['labeler', 'label', 'disagreeWith'] as const) {
    const v = f[k];
    if (v !== undefined && (typeof v !== 'string' || !v)) throw new LabelingError('invalid-input', `filter.${k} must be a non-empty string`);
  }
  if (f.disagreeWith !== undefined && f.labeler === undefined) throw new LabelingError('invalid-input', 'filter.disagreeWith needs filter.labeler (the pair\'s other labeler)');
  if (f.disagreeWith !== undefined && f.disagreeWith === f.labeler) throw new LabelingError('invalid-input', 'filter.disagreeWith must be another labeler than filter.labeler');
}

/** What drives a page: a labeler's rows of done (in item order, or in time order within a time range), every labeler's rows in a time range (merged), the state index, the agreement index, or the item ids. */
type Driver = 'labeler' | 'labelerTime' | 'time' | 'flag' | 'state' | 'agreement' | 'id';
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
  const flag = a ? FLAG_OF[a] : undefined;
  if (flag && driver !== 'flag') sql.push(`i.flags & ${flag.bit}`);
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
  if (f.disagreeWith !== undefined) {
    // The labeler's own row is the driver's (d): disagreeWith always comes with a labeler.
    sql.push(`EXISTS (SELECT 1 FROM done dw WHERE dw.item = i.id AND dw.labeler = ? AND dw.kind = 1 AND ${doneAnnSql('dw', 'i')} IS NOT ${doneAnnSql('d', 'i')})`);
    params.push(f.disagreeWith);
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
  return a === 'labeled' || a === 'skipped' || a === 'needs-review' ? a : undefined;
}

function driverOf(f: ReviewFilter): Driver {
  if (f.labeler !== undefined) return hasTime(f) ? 'labelerTime' : 'labeler';
  // A time range is usually the narrowest condition: it drives before the state and agreement indexes.
  if (hasTime(f)) return 'time';
  if (f.asset && FLAG_OF[f.asset]) return 'flag';
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

/** A labeler's row of done in a time range, after the cursor, that is its item's first event in the range (count()). */
const TIME_ROW = `d.labeler = ? AND d.t >= ? AND d.t < ? AND (d.t > ? OR (d.t = ? AND d.item > ?))
  AND NOT EXISTS (SELECT 1 FROM done d2 WHERE d2.item = d.item AND d2.t >= ? AND d2.t < ? AND (d2.t < d.t OR (d2.t = d.t AND d2.labeler < d.labeler)))`;
/** Whether an item has an event in the range before (t, labeler): then (t, labeler) is not its first. */
const EARLIER_IN_RANGE = 'SELECT 1 FROM done WHERE item = ? AND t >= ? AND (t < ? OR (t = ? AND labeler < ?)) LIMIT 1';

const COLS = `i.key, i.state, i.version, i.agreement, i.conflict, i.assignee,
  (SELECT group_concat(w.labeler, '${SEP}') FROM done w WHERE w.item = i.id AND w.kind = 1) AS who`;

export class ReviewReads {
  constructor(private readonly idx: () => IndexDb) {}

  /** One page of the items matching `f` (`after`: the previous page's `next`). */
  page(f: ReviewFilter, after?: string, limit = 100): ReviewPage {
    checkReviewFilter(f);
    const n = Math.max(1, Math.min(1000, Math.floor(limit)));
    const driver = driverOf(f);
    const cur = parseCursor(after, driver);
    const cond = conditions(f, driver);
    const where = (extra: string[]) => [...extra, ...cond.sql].join(' AND ');
    let sql: string | undefined;
    let params: SqlValue[] | undefined;
    switch (driver) {
      case 'time':
        break;
      case 'flag': {
        const flag = FLAG_OF[f.asset!]!;
        sql = `SELECT ${COLS}, i.id AS c1, NULL AS c2 FROM items i INDEXED BY ${flag.index} WHERE ${where([`i.flags & ${flag.bit} AND i.id > ?`])} ORDER BY i.id LIMIT ?`;
        params = [Number(cur[0] ?? -1)];
        break;
      }
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
        const [from, to] = timeBounds(f);
        params = [f.labeler!, Math.max(from, t), to, t, t, id, f.asset === 'skipped' ? 0 : 1]; // seek from the cursor
        break;
      }
      case 'state':
        sql = `SELECT ${COLS}, i.key AS c1, NULL AS c2 FROM items i INDEXED BY items_state WHERE ${where(['i.state = ? AND i.key > ?'])} ORDER BY i.state, i.key LIMIT ?`;
        params = [stateOf(f.asset!)!, String(cur[0] ?? '')];
        break;
      case 'agreement': {
        const [ag, id] = [Number(cur[0] ?? -1), Number(cur[1] ?? 0)];
        sql = `SELECT ${COLS}, i.agreement AS c1, i.id AS c2 FROM items i INDEXED BY items_agreement
          WHERE ${where([`i.${AGREEMENT_INDEXED} AND i.agreement < ? AND (i.agreement > ? OR (i.agreement = ? AND i.id > ?))`])} ORDER BY i.agreement, i.id LIMIT ?`;
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
   * A time range without a labeler: each labeler's rows in the range from done_hist (labeler, t), in
   * (t, item) order, merged; an item is listed once, at its first event in the range (the row no other
   * labeler's event in the range precedes). Labelers are those of cnt_labeler (who labeled something).
   */
  private timeRows(f: ReviewFilter, cur: SqlValue[], cond: { sql: string[]; params: SqlValue[] }, limit: number): Row[] {
    const db = this.idx();
    const [from, to] = timeBounds(f);
    const [t0, id0] = [Number(cur[0] ?? -8.64e15), Number(cur[1] ?? -1)];
    // Each labeler's rows in the range from the cursor on, in (t, item) order, merged as they are stepped:
    // the merged order is the time line, so an item met for the first time here is at its first event in
    // the range unless that event came before the cursor (a previous page), which one lookup tells. Only
    // the rows merged are checked: a labeler who is rarely first no longer has every row scanned.
    const sql = `SELECT d.t, d.item FROM done d INDEXED BY done_hist JOIN items i ON i.id = d.item
      WHERE ${['d.labeler = ? AND d.t >= ? AND d.t < ? AND (d.t > ? OR (d.t = ? AND d.item > ?))', ...cond.sql].join(' AND ')} ORDER BY d.t, d.item`;
    const heads: { who: string; st: Statement; t: number; item: number }[] = [];
    const page: { t: number; item: number }[] = [];
    try {
      for (const who of this.timeLabelers(db)) {
        const st = db.db.prepare(sql);
        st.bind([who, Math.max(from, t0), to, t0, t0, id0, ...cond.params]);
        if (st.step()) {
          const [t, item] = st.get() as [number, number];
          heads.push({ who, st, t, item });
        } else st.free();
      }
      const seen = new Set<number>();
      while (heads.length && page.length < limit) {
        let h = 0;
        for (let k = 1; k < heads.length; k++) {
          const a = heads[k]!;
          const b = heads[h]!;
          if (a.t < b.t || (a.t === b.t && (a.item < b.item || (a.item === b.item && a.who < b.who)))) h = k;
        }
        const head = heads[h]!;
        if (!seen.has(head.item)) {
          seen.add(head.item);
          if (db.one(EARLIER_IN_RANGE, [head.item, from, head.t, head.t, head.who]) === undefined) page.push({ t: head.t, item: head.item });
        }
        if (head.st.step()) [head.t, head.item] = head.st.get() as [number, number];
        else {
          head.st.free();
          heads.splice(h, 1);
        }
      }
    } finally {
      for (const h of heads) h.st.free();
    }
    if (!page.length) return [];
    const cols = new Map(
      db.all<Row & { id: number }>(`SELECT ${COLS}, i.id AS id FROM items i WHERE i.id IN (${page.map(() => '?').join(',')})`, page.map((k) => k.item)).map((r) => [r.id, r]),
    );
    return page.map((k) => ({ ...cols.get(k.item)!, c1: k.t, c2: k.item }));
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
    if (driver === 'flag') {
      const flag = FLAG_OF[f.asset!]!;
      return Number(this.idx().one(`SELECT COUNT(*) FROM items i INDEXED BY ${flag.index} WHERE ${where([`i.flags & ${flag.bit}`])}`, cond.params) ?? 0);
    }
    if (driver === 'agreement') {
      return Number(this.idx().one(`SELECT COUNT(*) FROM items i INDEXED BY items_agreement WHERE ${where([`i.${AGREEMENT_INDEXED} AND i.agreement < ?`])}`, [f.agreementBelow!, ...cond.params]) ?? 0);
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

/** The counts beside the filter choices: counter tables and one index range, no scan. */
export class ReviewCounts {
  constructor(private readonly idx: () => IndexDb) {}

  counts(agreementBelow?: number): ReviewCountsResult {
    const db = this.idx();
    const state = new Map(db.all<{ state: string; n: number }>('SELECT state, n FROM cnt_state', []).map((r) => [r.state, r.n]));
    const flags = new Map(db.all<{ flag: number; n: number }>('SELECT flag, n FROM cnt_flag', []).map((r) => [r.flag, r.n]));
    const flag = (a: ReviewAsset): number => flags.get(FLAG_OF[a]!.bit) ?? 0;
    const out: ReviewCountsResult = {
      assets: {
        labeled: state.get('labeled') ?? 0,
        skipped: state.get('skipped') ?? 0,
        'needs-review': state.get('needs-review') ?? 0,
        conflicts: flag('conflicts'),
        prelabeled: flag('prelabeled'),
        approved: flag('approved'),
        rejected: flag('rejected'),
      },
      labelers: Object.fromEntries(db.all<{ labeler: string; n: number }>('SELECT labeler, n FROM cnt_labeler WHERE n > 0 ORDER BY labeler', []).map((r) => [r.labeler, r.n])),
      labels: Object.fromEntries(db.all<{ label: string; n: number }>('SELECT label, n FROM cnt_label WHERE n > 0 ORDER BY label', []).map((r) => [r.label, r.n])),
    };
    if (agreementBelow !== undefined) {
      // Through the partial index for a threshold up to 1 (every filter's); above 1 every item with an agreement counts.
      const sql = agreementBelow <= 1
        ? `SELECT COUNT(*) FROM items INDEXED BY items_agreement WHERE ${AGREEMENT_INDEXED} AND agreement < ?`
        : 'SELECT COUNT(*) FROM items WHERE agreement IS NOT NULL AND agreement < ?';
      out.agreementBelow = Number(db.one(sql, [agreementBelow]) ?? 0);
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
  return { reads: new ReviewReads(idx), counts: new ReviewCounts(idx) };
}
