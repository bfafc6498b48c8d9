/**
 * The bulk build of an empty index. Journals are read first, their rows grouped per item key in
 * memory (and the label-set barriers settled); then every item is written once: the data sources in
 * scan order, then items known only from journals (as missing) in order of first appearance. Each
 * item's events are sorted, inserted in (item, ord) order and its state computed once in JS, so no
 * row is updated afterwards. The result equals replaying every event through `applyEvent` and
 * `recomputeItem` (replay.test.ts checks this).
 */
import type { SqlJsStatic } from 'sql.js';
import { throwIfAborted } from '../errors';
import { scanSources, type ScannedItem } from '../ingest/scan';
import { listJournalFiles } from '../journal/files';
import { orderKey } from '../journal/events';
import { readJournal, type JournalProblem } from '../journal/reader';
import type { ProjectDef } from '../model';
import { queueOrder } from '../queue/order';
import { EvColumns } from './ev-columns';
import { RawInsert, type Cell } from './raw-insert';
import { compareOrd, doneKindCode, evTypeCode, type MemEv } from './ev-rows';
import { journalOnlyItem, stateValues, type IndexDb } from './index-db';
import { computeItem } from './item-state';
import { markOf, type FileMark } from './snapshot';
import type { StoreProgress } from './types';

const INSERT_PLAIN = 'INSERT INTO items (id, key, row, src, text, qorder) VALUES (?, ?, ?, ?, ?, ?)';
const INSERT_FULL = `INSERT INTO items (id, key, row, src, text, qorder, missing,
  state, open, version, assignee, agreement, final, final_by, final_labels) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const INSERT_EV = 'INSERT INTO ev (item, ord, type, ann, pre, conf, src, base, target) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)';
const INSERT_DONE = 'INSERT INTO done VALUES (?, ?, ?, ?)';

export interface BulkOptions {
  signal?: AbortSignal;
  onProgress?: (p: StoreProgress) => void;
}

export interface BulkResult {
  marks: Map<string, FileMark>;
  problems: JournalProblem[];
  items: number;
  events: number;
}

/** Reads every journal into columns (barriers applied), then groups the rows by item. */
function readAllJournals(idx: IndexDb, root: string, def: ProjectDef, opts: BulkOptions): { cols: EvColumns } & Omit<BulkResult, 'items'> {
  const cols = new EvColumns();
  const marks = new Map<string, FileMark>();
  const problems: JournalProblem[] = [];
  let events = 0;
  for (const f of listJournalFiles(root, def.id)) {
    throwIfAborted(opts.signal);
    const r = readJournal(
      f.abs,
      f.rel,
      { offset: 0, line: 0 },
      (e) => {
        if (e.type === 'labels') idx.moveBarrier(e, orderKey(e));
        else cols.add(e);
      },
      (p) => problems.push(p),
    );
    marks.set(f.rel, markOf(f.abs, { offset: r.offset, line: r.line }));
    events += r.events;
    opts.onProgress?.({ message: `Read ${events} journal events`, done: events });
  }
  cols.group();
  return { cols, marks, problems, events };
}

/** Sorted by ord; a repeated ord keeps its first row (as INSERT OR IGNORE does). */
function sortedUnique(rows: MemEv[]): MemEv[] {
  if (rows.length < 2) return rows;
  rows.sort((a, b) => compareOrd(a.ord, b.ord));
  const out = [rows[0]!];
  for (let i = 1; i < rows.length; i++) if (rows[i]!.ord !== out[out.length - 1]!.ord) out.push(rows[i]!);
  return out;
}

/**
 * Loads items and journals into an empty index (tables only, inside the caller's transaction).
 * Secondary indexes and triggers must be created afterwards (finishBulkLoad).
 */
export async function bulkLoad(SQL: SqlJsStatic, idx: IndexDb, root: string, def: ProjectDef, opts: BulkOptions): Promise<BulkResult> {
  const read = readAllJournals(idx, root, def, opts);
  const { cols } = read;
  const written = new Uint8Array(cols.keys.size);
  // Counters kept in JS while writing (the tables are empty: no triggers yet, no recount scan after).
  const labelCounts = new Map<string, number>();
  const stateCounts = new Map<string, number>();
  const labelerCounts = new Map<string, number>();
  const count = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1);
  // Rows are written in chunks through raw-insert.ts. Items are inserted in id order: pending rows
  // of the other kind are flushed first whenever plain and full rows alternate.
  const plain = new RawInsert(SQL, idx.db, INSERT_PLAIN);
  const full = new RawInsert(SQL, idx.db, INSERT_FULL);
  const ev = new RawInsert(SQL, idx.db, INSERT_EV);
  const done = new RawInsert(SQL, idx.db, INSERT_DONE);
  let id = 0;

  const write = (it: ScannedItem, missing: boolean): void => {
    id++;
    const head: Cell[] = [id, it.key, it.row ?? null, it.source, it.text ?? null, queueOrder(def.queueSeed, it.key)];
    const k = cols.keys.get(it.key);
    if (k === undefined && !missing) {
      full.flush();
      plain.add(head);
      count(stateCounts, 'unlabeled');
      return;
    }
    if (k !== undefined) written[k] = 1;
    const rows = k === undefined ? [] : sortedUnique(cols.rowsOf(k));
    const c = computeItem(rows, idx.barriers, def.consensus, missing, false);
    plain.flush();
    full.add([...head, missing ? 1 : 0, ...(stateValues(c) as Cell[])]);
    for (const r of rows) ev.add([id, r.ord, evTypeCode(r.type), r.ann, r.pre, r.conf, r.src, r.base, r.target]);
    for (const d of c.done) {
      done.add([d.labeler, id, doneKindCode(d.kind), d.t]);
      if (d.kind === 'sub') count(labelerCounts, d.labeler);
    }
    for (const l of c.finalLabels) count(labelCounts, l);
    count(stateCounts, c.state);
  };

  try {
    opts.onProgress?.({ message: 'Indexing data sources' });
    await scanSources(root, def.dataSources, (it) => write(it, false), opts);
    throwIfAborted(opts.signal);
    // Items known only from journals, in order of first appearance.
    for (const [key, k] of cols.keys) {
      if (written[k]) continue;
      write(journalOnlyItem(key), true);
    }
    for (const ins of [plain, full, ev, done]) ins.flush();
  } finally {
    for (const ins of [plain, full, ev, done]) ins.free();
  }
  for (const [table, counts] of [['cnt_state', stateCounts], ['cnt_label', labelCounts], ['cnt_labeler', labelerCounts]] as const) {
    for (const [k, n] of counts) idx.db.run(`INSERT INTO ${table} VALUES (?, ?)`, [k, n]);
  }
  return { marks: read.marks, problems: read.problems, items: id, events: read.events };
}
