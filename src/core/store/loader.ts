/** Building the index from scratch (data sources + every journal) and replaying journal tails. */
import type { SqlJsStatic } from 'sql.js';
import { LabelingError, throwIfAborted } from '../errors';
import { listJournalFiles } from '../journal/files';
import { readJournal, type JournalProblem } from '../journal/reader';
import type { ProjectDef } from '../model';
import type { Logger } from '../logger';
import { cacheDir } from '../project/paths';
import { createEmptyIndex, finishBulkLoad, openSnapshot } from './db';
import { bulkLoad } from './bulk';
import { IndexDb } from './index-db';
import { estimateIndexBytes } from './size-hint';
import { indexDefHash, loadSnapshot, markOf, markStillValid, type FileMark } from './snapshot';
import type { StoreProgress } from './types';

export interface JournalState {
  /** Per journal file: how far it was read, with hashes of the read bytes taken when reading. */
  marks: Map<string, FileMark>;
  problems: JournalProblem[];
}

export interface BuildOptions {
  signal?: AbortSignal;
  onProgress?: (p: StoreProgress) => void;
}

/** Bulk load (bulk.ts): tables without secondary indexes, every item written once with its final state, then indexes. */
export async function buildIndex(SQL: SqlJsStatic, root: string, def: ProjectDef, opts: BuildOptions): Promise<{ idx: IndexDb } & JournalState> {
  const db = createEmptyIndex(SQL, await estimateIndexBytes(root, def, opts.signal));
  const idx = new IndexDb(db, def.queueSeed, def.consensus);
  try {
    db.exec('BEGIN');
    const r = await bulkLoad(SQL, idx, root, def, opts);
    db.exec('COMMIT');
    throwIfAborted(opts.signal);
    opts.onProgress?.({ message: `Building the indexes of ${r.items} items` });
    finishBulkLoad(db);
    return { idx, marks: r.marks, problems: r.problems };
  } catch (e) {
    idx.free();
    db.close();
    throw e;
  }
}

/** Journals the snapshot covered that were rewritten or removed: any means a rebuild. */
export function staleJournals(root: string, def: ProjectDef, marks: Iterable<[string, FileMark]>): string[] {
  const present = new Map(listJournalFiles(root, def.id).map((f) => [f.rel, f.abs]));
  const stale: string[] = [];
  for (const [rel, mark] of marks) {
    const abs = present.get(rel);
    if (!abs || !markStillValid(abs, mark)) stale.push(rel);
  }
  return stale;
}

/**
 * Reads every journal from its mark to its last complete line, applies the events and recomputes the
 * items they touch (or every item when a label-set barrier moved). Runs in one transaction.
 * Returns the number of events applied.
 */
export function replayTails(idx: IndexDb, root: string, projectId: string, state: JournalState, skip?: string): number {
  const touched = new Set<number>();
  let all = false;
  let events = 0;
  const marks = new Map<string, FileMark>();
  const problems: JournalProblem[] = [];
  idx.db.exec('BEGIN');
  try {
    for (const f of listJournalFiles(root, projectId)) {
      if (f.rel === skip) continue;
      const from = state.marks.get(f.rel) ?? { offset: 0, line: 0 };
      const r = readJournal(
        f.abs,
        f.rel,
        from,
        (e) => {
          const ids = idx.applyEvent(e);
          if (ids === 'all') all = true;
          else for (const id of ids) touched.add(id);
        },
        (p) => problems.push(p),
      );
      if (r.offset !== from.offset || !state.marks.has(f.rel)) marks.set(f.rel, markOf(f.abs, { offset: r.offset, line: r.line }));
      events += r.events;
    }
    if (all) idx.recomputeAll();
    else for (const id of touched) idx.recomputeItem(id);
    idx.db.exec('COMMIT');
    for (const [rel, m] of marks) state.marks.set(rel, m);
    state.problems.push(...problems);
  } catch (e) {
    idx.db.exec('ROLLBACK');
    throw e instanceof LabelingError ? e : new LabelingError('io', `journal replay failed (${(e as Error).message})`, {}, { cause: e });
  }
  return events;
}

/** Loads the snapshot and replays new journal tails; undefined when there is no usable snapshot. */
export function openFromSnapshot(
  SQL: SqlJsStatic,
  root: string,
  def: ProjectDef,
  log: Logger,
): ({ idx: IndexDb; replayed: number } & JournalState) | undefined {
  const snap = loadSnapshot(cacheDir(root, def.id), indexDefHash(def));
  if (!snap) return undefined;
  const stale = staleJournals(root, def, Object.entries(snap.sidecar.files));
  if (stale.length) {
    log.info(`Rebuilding the index: journal rewritten or removed (${stale.join(', ')})`);
    return undefined;
  }
  const db = openSnapshot(SQL, snap.bytes);
  if (!db) return undefined;
  const idx = new IndexDb(db, def.queueSeed, def.consensus);
  const state: JournalState = { marks: new Map(Object.entries(snap.sidecar.files)), problems: snap.sidecar.problems };
  const n = replayTails(idx, root, def.id, state);
  log.info(`Opened ${def.id} from snapshot, replayed ${n} new journal events`);
  return { idx, replayed: n, ...state };
}
