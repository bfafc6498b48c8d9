/**
 * The SQL text and row shapes of the index writes (index-db.ts): the ev and done statements, the
 * derived item columns, and the mappers between rows and computations. Moved out of index-db.ts
 * unchanged; index-db.ts re-exports what its importers use.
 */
import type { SqlValue } from 'sql.js';
import type { ScannedItem } from '../ingest/scan';
import { headerOfOrderKey, type ProjectEvent } from '../journal/events';
import { packAnn } from './ann-text';
import type { AssignFact } from './dashboard-counters';
import { doneKindCode, EV_TYPES, type EvRecord } from './ev-rows';
import type { ItemComputation } from './item-state';
import type { DoneOutcome } from './suggestion-outcomes';

export const EV_COLUMNS = 'ord, type, ann, pre, conf, src, base, target, seen, chg';

// SQL as constants: statements are cached by their text, so it must not be rebuilt per call.
export const INSERT_EV = `INSERT OR IGNORE INTO ev (item, ${EV_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
export const INSERT_DONE = 'INSERT INTO done (labeler, item, kind, t, ann, src, chg) VALUES (?, ?, ?, ?, ?, ?, ?)';

/**
 * done.ann as stored: NULL when the labeler's annotation is the item's final one (most are), which
 * keeps the table small; read it back with doneAnnSql. `outcomes` (doneOutcomes): the src and chg of
 * each labeler's current submit that has a src.
 */
export function doneValues(d: ItemComputation['done'][number], item: number, c: ItemComputation, outcomes?: Map<string, DoneOutcome>): SqlValue[] {
  const finalText = c.final ? (c.finalText ?? packAnn(c.final)) : null;
  const o = d.kind === 'sub' ? outcomes?.get(d.labeler) : undefined;
  return [d.labeler, item, doneKindCode(d.kind), d.t, d.ann !== null && d.ann === finalText ? null : d.ann, o?.src ?? null, o?.chg ? 1 : null];
}

/** The SQL of a done row's annotation (alias `d` for done, `i` for items): its own, else the item's final. */
export const doneAnnSql = (d: string, i: string): string => `CASE WHEN ${d}.kind = 1 THEN COALESCE(${d}.ann, ${i}.final) END`;
export const SELECT_EV = `SELECT ${EV_COLUMNS} FROM ev WHERE item = ? ORDER BY ord`;
/** An item's done rows as stored, in doneValues' column order from labeler (kind code, t, ann, src, chg). */
export const SELECT_DONE_OF_ITEM = 'SELECT labeler, kind, t, ann, src, chg FROM done WHERE item = ?';
export interface StoredDone {
  labeler: string;
  kind: number;
  t: number;
  ann: string | null;
  src: string | null;
  chg: number | null;
}

/** Whether a stored done row holds exactly `v` (doneValues of the same item and labeler): then it need not be written again. */
export function sameDone(o: StoredDone, v: readonly SqlValue[]): boolean {
  return o.kind === v[2] && o.t === v[3] && o.ann === v[4] && o.src === v[5] && o.chg === v[6];
}

/**
 * An item's row before a recompute: its derived columns (STATE_COLUMNS, in that order, as stored) and
 * what the counters it is in need (rv: it has rvw rows).
 */
export interface OldItem {
  missing: number;
  /** The STATE_COLUMNS values as stored, in STATE_COLUMNS order (compared with stateValues). */
  state: SqlValue[];
  final_labels: string | null;
  final: string | null;
  assignee: string | null;
  open: number;
  rv: number;
}
export const SELECT_OLD_ITEM = `SELECT missing, state, open, version, assignee, agreement, final, final_by, final_labels, conflict, flags,
  EXISTS (SELECT 1 FROM rvw r WHERE r.item = items.id) AS rv FROM items WHERE id = ?`;

/** OldItem from a SELECT_OLD_ITEM row. */
export function oldItemOf(v: SqlValue[]): OldItem {
  const state = v.slice(1, 11);
  return { missing: v[0] as number, state, open: v[2] as number, assignee: v[4] as string | null, final: v[6] as string | null, final_labels: v[8] as string | null, rv: v[11] as number };
}

/** What an item adds to cnt_assign, from its computation. */
export function assignFactOf(c: Pick<ItemComputation, 'assignee' | 'done' | 'open'>): AssignFact | undefined {
  const a = c.assignee;
  return a === undefined ? undefined : { labeler: a, done: c.done.some((d) => d.labeler === a) ? 1 : 0, open: c.open ? 1 : 0 };
}

/** An ev row from its columns (EV_COLUMNS order, from `offset`); `at` and `by` are read back from ord. */
export function evRowOf(v: SqlValue[], offset: number): EvRecord {
  const ord = v[offset] as string;
  return {
    ord, type: EV_TYPES[v[offset + 1] as number]!, ...headerOfOrderKey(ord), ann: v[offset + 2] as string | null,
    pre: v[offset + 3] as number, conf: v[offset + 4] as number | null, src: v[offset + 5] as string | null,
    base: v[offset + 6] as number | null, target: v[offset + 7] as string | null, seen: v[offset + 8] as string | null,
    chg: v[offset + 9] as number,
  };
}

/** The derived columns (STATE_COLUMNS) of a computation. */
export function stateValues(c: ItemComputation): SqlValue[] {
  return [
    c.state, c.open ? 1 : 0, c.version, c.assignee ?? null, c.agreement ?? null,
    c.final ? (c.finalText ?? packAnn(c.final)) : null, c.finalBy ? JSON.stringify(c.finalBy) : null,
    c.finalLabels.length ? JSON.stringify(c.finalLabels) : null, c.conflict ? 1 : null, c.flags || null,
  ];
}

/** The items columns stateValues gives, in its order. */
export const STATE_COLUMNS = ['state', 'open', 'version', 'assignee', 'agreement', 'final', 'final_by', 'final_labels', 'conflict', 'flags'];
export const UPDATE_STATE = `UPDATE items SET ${STATE_COLUMNS.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`;

/**
 * The UPDATE of only the derived columns whose bit is set in `mask` (bit i: STATE_COLUMNS[i]): SQLite
 * maintains an index, and fires an `UPDATE OF` trigger, for every column named in SET, changed or not.
 */
export function updateStateSql(mask: number): string {
  return `UPDATE items SET ${STATE_COLUMNS.filter((_, i) => mask & (1 << i)).map((c) => `${c} = ?`).join(', ')} WHERE id = ?`;
}

/** An item known only from journals (its file is gone or was never indexed). */
export function journalOnlyItem(key: string): ScannedItem {
  const hash = key.lastIndexOf('#');
  return { key, path: hash < 0 ? key : key.slice(0, hash), row: hash < 0 ? undefined : key.slice(hash + 1), source: -1 };
}

/** A project-wide event as the index keeps it (meta 'project_events'), with where it was read. */
export type ProjectEventRec = ProjectEvent & { ord: string; file: string; line: number };

/** Where a journal line was read. */
export interface LinePlace {
  file: string;
  line: number;
}
