/** Building the index from scratch (data sources + every journal) and replaying journal tails. */
import * as path from 'node:path';
import type { Database, SqlJsStatic } from 'sql.js';
import { LabelingError, throwIfAborted } from '../errors';
import type { JournalEvent } from '../journal/events';
import { listJournalFiles, type JournalFile } from '../journal/files';
import { extendMark, followJournal, recheckMark, type ChunkHasher, type FileMark, type FollowResult } from '../journal/marks';
import type { JournalProblem } from '../journal/reader';
import type { ProjectDef } from '../model';
import { foldVersions, type LineVersions } from '../team/versions';
import type { Logger } from '../logger';
import { cacheDir } from '../project/paths';
import { addProblems, Applier, ApplyFailed, rollback } from './apply';
import { createEmptyIndex, finishBulkLoad, finishBulkLoadInSteps } from './db';
import { bulkLoad, startWorkerScan } from './bulk';
import { bulkLoadInWorker } from './bulk-stream';
import { IndexDb } from './index-db';
import { consensusFor } from './mask-source';
import { labelsChangeNeedsRebuild, projectLabelsOf, type ProjectLabels } from './known-labels';
import { measureInputs } from './size-hint';
import { scanSources } from '../ingest/scan';
import { SCHEMA_VERSION } from './schema';
import { indexDefHash, loadSnapshot, SNAPSHOT_FORMAT, type SnapshotMeta } from './snapshot';
import type { TimeSlicer } from './time-slice';
import type { RebuildResult, StoreProgress } from './types';

export interface JournalState {
  /** Per journal file: how far it was read, with the hashes of what was read (marks.ts). */
  marks: Map<string, FileMark>;
  problems: JournalProblem[];
  /** Hashers at the marks' offsets, kept by this process so extending a mark reads nothing again. */
  live: Map<string, ChunkHasher>;
  /** The labels of project.json the index was built with. */
  project: ProjectLabels;
  /** Set when the index no longer matches the journals (one rewritten or removed, a label defined late): rebuild. */
  stale?: string;
  /**
   * Set when a teammate's role event arrived: the index is right but for the lines it judged before it,
   * so it stays in use while a rebuild judges every line again (in the background).
   */
  rejudge?: string;
}

/** The journal state part of a loader result. */
export function journalStateOf(s: JournalState): JournalState {
  return { marks: s.marks, problems: s.problems, live: s.live, project: s.project };
}

export interface BuildOptions {
  signal?: AbortSignal;
  onProgress?: (p: StoreProgress) => void;
  /** Build in slices, yielding to the event loop between them (background-build.ts). */
  slicer?: TimeSlicer;
  /**
   * The bundled worker (dist/worker.js): table sources of SCAN_WORKER_FROM_BYTES or more are scanned in a
   * worker thread (bulk.ts). Starting one costs tens of ms (hundreds on a loaded machine), more than a
   * small source takes to scan.
   */
  workerFile?: string;
  /** Overrides SCAN_WORKER_FROM_BYTES (tests). */
  scanWorkerFromBytes?: number;
  /** sql.js's wasm file: with it and `workerFile`, journals of ROWS_WORKER_FROM_JOURNAL_BYTES or more are read in the worker (bulk-stream.ts). */
  wasmPath?: string;
  /** Overrides ROWS_WORKER_FROM_JOURNAL_BYTES (tests). */
  rowsWorkerFromBytes?: number;
  /** false: the rows worker reads every journal itself, without a second worker for the last files (benches). */
  journalHelper?: boolean;
}

/** Table sources of this many bytes (~100,000 short rows) or more are scanned in the worker thread... */
export const SCAN_WORKER_FROM_BYTES = 8 * 1024 * 1024;
/**
 * ...when the journals are smaller than this (~100,000 lines): with more the build is mostly replay, the scan
 * a small part of it, and the worker's heap (the file, its ids) adds to the peak memory on top of the
 * journal rows held in this thread (1M items x 2.9 rows: peak RSS 1,451 -> 1,709-1,803 MB with the worker).
 */
export const SCAN_WORKER_MAX_JOURNAL_BYTES = 16 * 1024 * 1024;

/**
 * With journals this large the whole of the rows is made in the worker instead (bulk-stream.ts): it reads
 * and judges the journals, scans the sources and computes every row, while this thread binds the rows it
 * hands over and then builds the indexes. The journal rows are then held in the worker's heap, not this one.
 */
export const ROWS_WORKER_FROM_JOURNAL_BYTES = SCAN_WORKER_MAX_JOURNAL_BYTES;

/** Bulk load (bulk.ts): tables without secondary indexes, every item written once with its final state, then indexes. */
export async function buildIndex(SQL: SqlJsStatic, root: string, def: ProjectDef, opts: BuildOptions): Promise<{ idx: IndexDb } & JournalState & RebuildResult> {
  const inputs = await measureInputs(root, def, opts.signal);
  const { workerFile, scanWorkerFromBytes = SCAN_WORKER_FROM_BYTES, wasmPath, rowsWorkerFromBytes = ROWS_WORKER_FROM_JOURNAL_BYTES, journalHelper, ...rest } = opts;
  const rowsInWorker = workerFile !== undefined && wasmPath !== undefined && inputs.journalBytes >= rowsWorkerFromBytes;
  const scanInWorker = !rowsInWorker && workerFile !== undefined && inputs.tableBytes >= scanWorkerFromBytes && inputs.journalBytes < SCAN_WORKER_MAX_JOURNAL_BYTES;
  // The worker's scan starts first: it boots and reads while the empty index is made.
  const scan = scanInWorker ? startWorkerScan(workerFile, root, def, opts.signal) : undefined;
  let db: Database | undefined;
  let idx: IndexDb | undefined;
  try {
    db = createEmptyIndex(SQL, inputs.indexBytes);
    idx = new IndexDb(db, def.queueSeed, consensusFor(def, root), def.roles);
    db.exec('BEGIN');
    const r = rowsInWorker
      ? await bulkLoadInWorker(SQL, idx, root, def, { ...rest, workerFile, wasm: wasmPath, ...(journalHelper === false ? { journalHelper } : {}) })
      : await bulkLoad(SQL, idx, root, def, scan ? { ...rest, scan } : rest);
    db.exec('COMMIT');
    throwIfAborted(opts.signal);
    opts.onProgress?.({ message: `Building the indexes of ${r.items} items` });
    try {
      if (opts.slicer) await finishBulkLoadInSteps(db, () => opts.slicer!.pause());
      else finishBulkLoad(db);
    } catch (e) {
      // bulkLoad left duplicate ids to the unique key index: the scan with every id checked names the row.
      if (/UNIQUE constraint failed: items\.key/.test(String(e))) await scanSources(root, def.dataSources, () => undefined, opts.signal ? { signal: opts.signal } : {});
      throw e;
    }
    return { idx, marks: r.marks, problems: r.problems, live: r.live, project: projectLabelsOf(def), items: r.items, events: r.events };
  } catch (e) {
    scan?.cancel(); // when the build failed before it took the scan's rows; harmless after
    idx?.free();
    db?.close();
    throw e;
  }
}

/** Thrown inside a replay pass when a journal's part already read changed or went away (the message says which). */
class Rewritten extends Error {}

const isMissing = (e: unknown): boolean => (e as NodeJS.ErrnoException).code === 'ENOENT';

/** One pass over every journal's new lines in one transaction; fast (throws ApplyFailed) or careful. */
function replayPass(idx: IndexDb, files: JournalFile[], state: JournalState, careful: boolean): number {
  const ap = new Applier(idx, state.project, careful);
  const read = new Map<string, FollowResult>();
  const problems: JournalProblem[] = [];
  let events = 0;
  idx.db.exec('BEGIN');
  try {
    for (const f of files) {
      let r: FollowResult | 'rewritten';
      try {
        r = followJournal(f.abs, f.rel, state.marks.get(f.rel), state.live.get(f.rel), (e, line) => ap.line(e, f.rel, line), (p) => problems.push(p));
      } catch (e) {
        // Removed since it was listed (git switching branches): as if it had not been there.
        if (!isMissing(e)) throw e;
        if (state.marks.has(f.rel)) throw new Rewritten(`journal removed (${f.rel})`);
        continue;
      }
      if (r === 'rewritten') throw new Rewritten(`journal rewritten (${f.rel})`);
      read.set(f.rel, r);
      events += r.events;
    }
    problems.push(...ap.finish());
    idx.db.exec('COMMIT');
    if (ap.roleEvents) state.rejudge = 'a role event arrived: every line is judged again by the roles its author had seen';
  } catch (e) {
    rollback(idx);
    if (!(e instanceof Rewritten)) throw e;
    state.stale = e.message;
    return 0;
  }
  for (const [rel, r] of read) {
    state.marks.set(rel, r.mark);
    if (r.hasher) state.live.set(rel, r.hasher);
  }
  state.stale = ap.definedLate(state.problems);
  addProblems(state.problems, problems);
  return events;
}

/**
 * Reads every journal from its mark to its last complete line, applies the events and recomputes the
 * items they touch, in one transaction; a line the index cannot apply is reported and stepped over.
 * Returns the number of events read. Sets state.stale (and applies nothing) when a journal the index
 * read was rewritten or removed.
 */
export function replayTails(idx: IndexDb, root: string, projectId: string, state: JournalState): number {
  if (state.stale) return 0;
  const files = listJournalFiles(root, projectId);
  const present = new Set(files.map((f) => f.rel));
  const gone = [...state.marks.keys()].filter((rel) => !present.has(rel));
  if (gone.length) {
    state.stale = `journal removed (${gone.join(', ')})`;
    return 0;
  }
  try {
    try {
      return replayPass(idx, files, state, false);
    } catch (e) {
      if (!(e instanceof ApplyFailed)) throw e;
      return replayPass(idx, files, state, true);
    }
  } catch (e) {
    throw e instanceof LabelingError ? e : new LabelingError('io', `journal replay failed (${(e as Error).message})`, {}, { cause: e });
  }
}

/**
 * Applies lines this process just appended to `file` at its mark (`events`, ending at byte `end`), in
 * one transaction, then moves the mark over them. Throws (nothing applied, mark unmoved) when one
 * cannot be applied: replayTails then reads them again and reports the one that fails.
 */
export function applyAppended(idx: IndexDb, state: JournalState, file: JournalFile, events: JournalEvent[], end: number): void {
  const mark = state.marks.get(file.rel);
  const ap = new Applier(idx, state.project, false);
  let problems: JournalProblem[];
  idx.db.exec('BEGIN');
  try {
    events.forEach((e, i) => ap.line(e, file.rel, (mark?.line ?? 0) + i + 1));
    problems = ap.finish();
    idx.db.exec('COMMIT');
  } catch (e) {
    rollback(idx);
    throw e instanceof ApplyFailed ? e.error : e;
  }
  const ver = events.reduce<LineVersions | undefined>(foldVersions, mark?.ver && { ...mark.ver });
  const next = extendMark(file.abs, mark, state.live.get(file.rel), end, events.length, ver);
  if (next) {
    state.marks.set(file.rel, next.mark);
    state.live.set(file.rel, next.hasher);
  } else state.stale = `journal rewritten (${file.rel})`;
  state.stale ??= ap.definedLate(state.problems);
  addProblems(state.problems, problems);
}

/**
 * After this process appended `events` at [start, end) of its journal `file`: applies them and moves
 * the mark over them (applyAppended) when the mark ends where they start; otherwise, or when applying
 * fails, reads every journal again from its mark (replayTails), which reports a line that still fails.
 * The events are durable either way: this never throws. Returns the number of events applied.
 */
export function applyOwnAppend(
  idx: IndexDb,
  state: JournalState,
  root: string,
  projectId: string,
  file: JournalFile,
  appended: { events: JournalEvent[]; start: number; end: number },
  log: Logger,
): number {
  const { events, start, end } = appended;
  // Also while the index is stale (another journal rewritten: a rebuild runs behind): the labeler's own
  // lines still show at once in the index in use, and the rebuild reads them from the file.
  if ((state.marks.get(file.rel)?.offset ?? 0) === start) {
    try {
      applyAppended(idx, state, file, events, end);
      return events.length;
    } catch (e) {
      log.warn(`${file.rel}: saved, but the index could not apply ${events.length} event(s) (${e instanceof Error ? e.message : String(e)}); reading them again`);
    }
  }
  const known = state.problems.length;
  let n = 0;
  try {
    n = replayTails(idx, root, projectId, state);
  } catch (e) {
    const line = (state.marks.get(file.rel)?.line ?? 0) + 1;
    state.problems.push({ file: file.rel, line, message: `saved, but the index could not read the journal from here (${e instanceof Error ? e.message : String(e)})` });
  }
  for (const p of state.problems.slice(known)) log.warn(`${p.file}:${p.line}: ${p.message}`);
  return n;
}

/** What a snapshot covers, saved inside it. Marks of journals changed since read are checked by content first, so the next open need not hash them. */
export function snapshotMetaOf(root: string, def: ProjectDef, state: JournalState): SnapshotMeta {
  for (const [rel, m] of state.marks) state.marks.set(rel, recheckMark(path.join(root, rel), m));
  return {
    format: SNAPSHOT_FORMAT,
    schema: SCHEMA_VERSION,
    defHash: indexDefHash(def),
    labels: state.project.names,
    files: Object.fromEntries(state.marks),
    problems: state.problems,
    savedAt: new Date().toISOString(),
  };
}

/** Loads the snapshot and replays new journal tails; undefined when there is no usable snapshot. */
export async function openFromSnapshot(
  SQL: SqlJsStatic,
  root: string,
  def: ProjectDef,
  log: Logger,
): Promise<({ idx: IndexDb; replayed: number } & JournalState) | undefined> {
  const snap = await loadSnapshot(SQL, cacheDir(root, def.id), indexDefHash(def));
  if (!snap) return undefined;
  const project = projectLabelsOf(def);
  const labels = labelsChangeNeedsRebuild(snap.meta.labels, project.names, snap.meta.problems);
  const idx = new IndexDb(snap.db, def.queueSeed, consensusFor(def, root), def.roles);
  const state: JournalState = { marks: new Map(Object.entries(snap.meta.files)), problems: snap.meta.problems, live: new Map(), project, ...(labels ? { stale: labels } : {}) };
  const n = replayTails(idx, root, def.id, state);
  state.stale ??= state.rejudge;
  if (state.stale) {
    log.info(`Rebuilding the index: ${state.stale}`);
    idx.free();
    snap.db.close();
    return undefined;
  }
  log.info(`Opened ${def.id} from snapshot, replayed ${n} new journal events`);
  return { idx, replayed: n, ...state };
}
