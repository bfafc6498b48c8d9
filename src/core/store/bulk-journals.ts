/**
 * A bulk build's journal phase (bulk.ts): every journal read, validated and judged into columns (barriers
 * applied; lines with labels the project lacks left out, as replay does), the rows then grouped by item.
 * A second thread may read the last files meanwhile (JournalHelper, bulk-stream.ts); its part is taken
 * only when that equals reading those files here, in order.
 */
import * as fs from 'node:fs';
import { LabelingError, throwIfAborted } from '../errors';
import { EVENT_SPECS, EVENT_TYPES, orderKey, type EventScope, type EventType, type JournalEvent, type ProjectEvent } from '../journal/events';
import { listJournalFiles, type JournalFile } from '../journal/files';
import { followJournal, followJournalSliced, type ChunkHasher, type FileMark } from '../journal/marks';
import type { JournalProblem } from '../journal/reader';
import type { ProjectDef } from '../model';
import { notApplied, roleProblems } from './apply';
import type { BulkOptions, BulkResult } from './bulk';
import { EvColumns, type PackedColumns } from './ev-columns';
import type { IndexDb } from './index-db';
import { LabelGate, projectLabelsOf, type ApplyLine } from './known-labels';

/** Each event type's scope, read once (a module-local table: per-event lookups stay cheap). */
const SCOPE = Object.fromEntries(EVENT_TYPES.map((t) => [t, EVENT_SPECS[t].scope])) as Record<EventType, EventScope>;

/**
 * Reads every journal into columns (barriers applied; lines with labels the project lacks left out,
 * as replay does), then groups the rows by item.
 */
export async function readAllJournals(idx: IndexDb, root: string, def: ProjectDef, opts: BulkOptions): Promise<{ cols: EvColumns } & Omit<BulkResult, 'items'>> {
  for (let pass = 1; ; pass++) {
    const read = await readJournalsOnce(idx, root, def, opts, pass === 1 ? opts.journalHelper : undefined);
    // Role events change what every other line may do: when this pass met some, the role book is now
    // complete, and a second pass judges each line by the roles its author had seen (the replay of
    // tails judges the same way). Projects without role events read their journals once.
    if (pass > 1 || !read.roleEvents) return read;
    idx.resetProjectState();
  }
}

/** Journal files read into columns by one thread, in order, with what the bulk build keeps of them. */
class JournalReading {
  readonly cols = new EvColumns();
  readonly marks = new Map<string, FileMark>();
  readonly live = new Map<string, ChunkHasher>();
  readonly problems: JournalProblem[] = [];
  readonly gate: LabelGate;
  events = 0;
  roleEvents = 0;
  /** Project-wide events applied (label sets, status, roles). */
  projectEvents = 0;
  readonly apply: ApplyLine;

  constructor(
    idx: IndexDb,
    def: ProjectDef,
    private readonly opts: Pick<BulkOptions, 'signal' | 'onProgress' | 'slicer'>,
  ) {
    this.gate = new LabelGate(projectLabelsOf(def), idx.addedLabels);
    this.apply = (e, skip, file, line) => {
      const why = idx.judge(e, file);
      if (why) {
        this.problems.push({ file, line, message: why });
        return;
      }
      if (SCOPE[e.type] === 'project') {
        this.projectEvents++;
        if (e.type === 'roles') this.roleEvents++;
        idx.noteProjectEvent(e as ProjectEvent, { file, line });
        if (e.type === 'labels') {
          idx.moveBarrier(e, orderKey(e));
          idx.noteLabels(e);
        }
        return;
      }
      try {
        this.cols.add(e, skip);
      } catch (err) {
        this.problems.push(notApplied(file, line, err));
      }
    };
  }

  async read(files: readonly JournalFile[]): Promise<void> {
    const { opts, problems } = this;
    for (const f of files) {
      throwIfAborted(opts.signal);
      const onEvent = (e: JournalEvent, line: number): void => this.gate.offer(e, f.rel, line, this.apply);
      const onProblem = (p: JournalProblem): number => problems.push(p);
      const r = opts.slicer
        ? await followJournalSliced(f.abs, f.rel, onEvent, onProblem, opts.slicer)
        : followJournal(f.abs, f.rel, undefined, undefined, onEvent, onProblem);
      // Read from its start there is no part read before that could have changed; this cannot happen.
      if (r === 'rewritten') throw new LabelingError('io', 'journal changed while it was read', { file: f.rel });
      this.marks.set(f.rel, r.mark);
      if (r.hasher) this.live.set(f.rel, r.hasher);
      this.events += r.events;
      opts.onProgress?.({ message: `Read ${this.events} journal events`, done: this.events });
    }
  }

  /** Another thread's reading of the files after these, taken as if read here (JournalPart.exact). */
  take(part: JournalPart): void {
    this.cols.append(part.cols);
    this.problems.push(...part.problems);
    for (const [rel, mark] of part.marks) this.marks.set(rel, mark);
    this.events += part.events;
    this.opts.onProgress?.({ message: `Read ${this.events} journal events`, done: this.events });
  }
}

/**
 * The journal files after `from` read by a second thread (bulk-stream.ts, task 'read-journals'): its rows,
 * problems and marks. `exact` when taking them equals reading them here: the part had no project-wide
 * event and held no line for a label (the role book and the labels are then those this thread has).
 */
export interface JournalPart {
  cols: PackedColumns;
  problems: JournalProblem[];
  marks: [string, FileMark][];
  events: number;
  exact: boolean;
}

/** Reads journal files in this thread as a second thread's part (worker side of 'read-journals'). */
export async function readJournalPart(idx: IndexDb, def: ProjectDef, files: readonly JournalFile[]): Promise<JournalPart> {
  const r = new JournalReading(idx, def, {});
  await r.read(files);
  return { cols: r.cols.pack(), problems: r.problems, marks: [...r.marks], events: r.events, exact: r.projectEvents === 0 && r.gate.holding === 0 };
}

/** A second thread that reads the last journal files while this one reads the first (bulkLoad's journalHelper). */
export type JournalHelper = (files: JournalFile[]) => Promise<JournalPart>;

/** The journal files a helper reads: the last ones, about half of the bytes (none when there is one file). */
export function helperShare(files: readonly JournalFile[]): number {
  const sizes = files.map((f) => {
    try {
      return fs.statSync(f.abs).size;
    } catch {
      return 0;
    }
  });
  const total = sizes.reduce((a, b) => a + b, 0);
  let from = files.length;
  let tail = 0;
  while (from > 1 && tail + sizes[from - 1]! <= total / 2) tail += sizes[--from]!;
  return from;
}

async function readJournalsOnce(idx: IndexDb, root: string, def: ProjectDef, opts: BulkOptions, helper: JournalHelper | undefined): Promise<{ cols: EvColumns; roleEvents: number } & Omit<BulkResult, 'items'>> {
  const r = new JournalReading(idx, def, opts);
  const files = listJournalFiles(root, def.id);
  const from = helper ? helperShare(files) : files.length;
  // The helper reads its files while this thread reads the first ones; if what it read could differ from
  // reading them here (a project-wide event, a line held for a label, a role event before them), or it
  // failed, they are read here after all.
  const part = from < files.length ? helper!(files.slice(from)).catch(() => undefined) : undefined;
  await r.read(files.slice(0, from));
  const got = await part;
  if (got?.exact && r.roleEvents === 0) r.take(got);
  else await r.read(files.slice(from));
  r.problems.push(...r.gate.settle(r.apply));
  r.problems.push(...roleProblems(idx));
  r.cols.group();
  return { cols: r.cols, marks: r.marks, live: r.live, problems: r.problems, events: r.events, roleEvents: r.roleEvents };
}
