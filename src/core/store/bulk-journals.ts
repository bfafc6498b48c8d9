/**
 * A bulk build's journal phase (bulk.ts): every journal read, validated and judged into columns (barriers
 * applied; lines with labels the project lacks left out, as replay does), the rows then grouped by item.
 * A second thread may read the last ~45% of the bytes meanwhile (JournalHelper, bulk-stream.ts), from a line
 * start in the file where they begin; its part is taken only when that equals reading it here, in order.
 */
import * as fs from 'node:fs';
import { LabelingError, throwIfAborted } from '../errors';
import { EVENT_SPECS, EVENT_TYPES, orderKey, type EventScope, type EventType, type JournalEvent, type ProjectEvent } from '../journal/events';
import { listJournalFiles, type JournalFile } from '../journal/files';
import { followJournal, followJournalPart, followJournalSliced, HASH_CHUNK, joinMarks, type ChunkHasher, type FileMark, type FilePart, type FollowResult } from '../journal/marks';
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

  /**
   * Reads the files (or parts of them) in order. A tail part read after its head here is numbered and
   * marked as the whole file (its lines after the head's); read without its head (a helper), its mark
   * and line numbers are its own, and take() joins them.
   */
  async read(files: readonly JournalSlice[]): Promise<void> {
    const { opts, problems } = this;
    for (const f of files) {
      throwIfAborted(opts.signal);
      const onEvent = (e: JournalEvent, line: number): void => this.gate.offer(e, f.rel, line, this.apply);
      const onProblem = (p: JournalProblem): number => problems.push(p);
      const head = f.part && f.part.start > 0 ? this.marks.get(f.rel) : undefined;
      // A part is read at once: a helper exists only where no slicer does (bulk-stream.ts's worker).
      const r: FollowResult | 'rewritten' = f.part
        ? followJournalPart(f.abs, f.rel, f.part, head?.line ?? 0, onEvent, onProblem)
        : opts.slicer
          ? await followJournalSliced(f.abs, f.rel, onEvent, onProblem, opts.slicer)
          : followJournal(f.abs, f.rel, undefined, undefined, onEvent, onProblem);
      // Read from its start there is no part read before that could have changed; this cannot happen.
      if (r === 'rewritten') throw changed(f.rel);
      this.marks.set(f.rel, head ? joined(head, r.mark, f) : r.mark);
      if (r.hasher) this.live.set(f.rel, r.hasher);
      this.events += r.events;
      opts.onProgress?.({ message: `Read ${this.events} journal events`, done: this.events });
    }
  }

  /**
   * Another thread's reading of the files after these, taken as if read here (JournalPart.exact). When its
   * first file is a tail part (`first`), its lines are numbered after the head's read here, and the two
   * marks joined.
   */
  take(part: JournalPart, first: JournalSlice | undefined): void {
    const head = first?.part ? this.marks.get(first.rel) : undefined;
    const inTail = (file: string): boolean => head !== undefined && file === first!.rel;
    this.cols.append(part.cols);
    for (const p of part.problems) this.problems.push(inTail(p.file) ? { ...p, line: p.line + head!.line } : p);
    for (const [rel, mark] of part.marks) this.marks.set(rel, inTail(rel) ? joined(head!, { ...mark, line: mark.line + head!.line }, first!) : mark);
    this.events += part.events;
    this.opts.onProgress?.({ message: `Read ${this.events} journal events`, done: this.events });
  }
}

const changed = (file: string): LabelingError => new LabelingError('io', 'journal changed while it was read', { file });

/** The mark of a file read as a head part and then the tail part `f` (its line numbered after the head's). */
function joined(head: FileMark, tail: FileMark, f: JournalSlice): FileMark {
  const mark = joinMarks(head, tail, f.part!);
  if (!mark) throw changed(f.rel);
  return mark;
}

/** A journal file, or the part of one (followJournalPart) one of two readers takes. */
export interface JournalSlice extends JournalFile {
  part?: FilePart;
}

/**
 * The journals' last part read by a second thread (bulk-stream.ts, task 'read-journals'): its rows,
 * problems and marks (a tail part's numbered and marked on its own). `exact` when taking them equals reading
 * them here: the part had no project-wide event and held no line for a label (the role book and the labels
 * are then those this thread has).
 */
export interface JournalPart {
  cols: PackedColumns;
  problems: JournalProblem[];
  marks: [string, FileMark][];
  events: number;
  exact: boolean;
}

/** Reads journal files in this thread as a second thread's part (worker side of 'read-journals'). */
export async function readJournalPart(idx: IndexDb, def: ProjectDef, files: readonly JournalSlice[]): Promise<JournalPart> {
  const r = new JournalReading(idx, def, {});
  await r.read(files);
  return { cols: r.cols.pack(), problems: r.problems, marks: [...r.marks], events: r.events, exact: r.projectEvents === 0 && r.gate.holding === 0 };
}

/** A second thread that reads the journals' last part while this one reads the first (bulkLoad's journalHelper). */
export type JournalHelper = (files: JournalSlice[]) => Promise<JournalPart>;

/** What each of two readers takes: the first HEAD_SHARE of the journals' bytes in order, and the rest. */
export interface HelperPlan {
  head: JournalSlice[];
  tail: JournalSlice[];
}

/**
 * The share of the journals' bytes this thread reads while a helper reads the rest. Over half: the helper's
 * part is then packed, posted and taken here (at the bench's 1M items, 2.9M lines: each half read in ~5.0 s,
 * the helper's packed in 0.13 s, posted in 0.8 s and taken in 0.6 s), so the helper is given less to read.
 */
export const HEAD_SHARE = 0.55;

/** Bytes read at a time looking for a line's end. */
const SEEK_WINDOW = 64 * 1024;

/** The start of the first line that begins at or after `at` (> 0) in the file; undefined when none does. */
function lineStartFrom(abs: string, at: number): number | undefined {
  const fd = fs.openSync(abs, 'r');
  try {
    const buf = Buffer.allocUnsafe(SEEK_WINDOW);
    for (let pos = at - 1; ; pos += SEEK_WINDOW) {
      const n = fs.readSync(fd, buf, 0, SEEK_WINDOW, pos);
      if (n <= 0) return undefined;
      const nl = buf.subarray(0, n).indexOf(0x0a);
      if (nl >= 0) return pos + nl + 1;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Splits the journals in two for two readers at HEAD_SHARE of their bytes: the files before that point and
 * the head of the one that holds it, up to the first line start after the last hash chunk boundary
 * (HASH_CHUNK) before it, go to this thread; the rest to the helper. Each part's hashes then cover whole chunks
 * of their own, and the marks join (joinMarks). No tail when there is not a chunk's worth to split off.
 */
export function helperPlan(files: readonly JournalFile[]): HelperPlan {
  const sizes = files.map((f) => {
    try {
      return fs.statSync(f.abs).size;
    } catch {
      return 0;
    }
  });
  const half = sizes.reduce((a, b) => a + b, 0) * HEAD_SHARE;
  let i = 0;
  let before = 0;
  while (i < files.length && before + sizes[i]! <= half) before += sizes[i++]!;
  const whole = (n: number): HelperPlan => (n > 0 && n < files.length ? { head: files.slice(0, n), tail: files.slice(n) } : { head: [...files], tail: [] });
  if (i === files.length) return whole(i);
  const cut = Math.floor((half - before) / HASH_CHUNK) * HASH_CHUNK;
  if (cut === 0) return whole(i);
  const start = lineStartFrom(files[i]!.abs, cut);
  if (start === undefined || start >= sizes[i]!) return whole(i + 1);
  const f = files[i]!;
  return {
    head: [...files.slice(0, i), { ...f, part: { start: 0, end: start, hashFrom: 0, hashTo: cut } }],
    tail: [{ ...f, part: { start, hashFrom: cut } }, ...files.slice(i + 1)],
  };
}

async function readJournalsOnce(idx: IndexDb, root: string, def: ProjectDef, opts: BulkOptions, helper: JournalHelper | undefined): Promise<{ cols: EvColumns; roleEvents: number } & Omit<BulkResult, 'items'>> {
  const r = new JournalReading(idx, def, opts);
  const files = listJournalFiles(root, def.id);
  const plan: HelperPlan = helper ? helperPlan(files) : { head: files, tail: [] };
  // The helper reads the last part while this thread reads the first; if what it read could differ from
  // reading it here (a project-wide event, a line held for a label, a role event before it), or it failed,
  // it is read here after all.
  const part = plan.tail.length ? helper!(plan.tail).catch(() => undefined) : undefined;
  await r.read(plan.head);
  const got = await part;
  if (got?.exact && r.roleEvents === 0) r.take(got, plan.tail[0]);
  else await r.read(plan.tail);
  r.problems.push(...r.gate.settle(r.apply));
  r.problems.push(...roleProblems(idx));
  r.cols.group();
  return { cols: r.cols, marks: r.marks, live: r.live, problems: r.problems, events: r.events, roleEvents: r.roleEvents };
}
