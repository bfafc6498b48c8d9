/**
 * Applying journal lines to an open index, inside the caller's transaction: lines pass the label
 * gate (known-labels.ts), touched items are recomputed at the end. A fast applier throws ApplyFailed
 * on the first failure (the caller rolls back and tries again carefully); a careful one applies each
 * line under its own savepoint and reports a line that fails as a journal problem: it stays in the
 * journal (durable) and a rebuild would fail on it the same way.
 */
import type { JournalEvent } from '../journal/events';
import type { JournalProblem } from '../journal/reader';
import type { IndexDb } from './index-db';
import { definedLate, LabelGate, type ApplyLine, type ProjectLabels } from './known-labels';

/** A line the index could not apply (fast mode). */
export class ApplyFailed extends Error {
  constructor(readonly error: unknown) {
    super(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

/** The problem reported for a line the index could not apply. */
export function notApplied(file: string, line: number, error: unknown): JournalProblem {
  const why = error instanceof Error ? error.message : String(error);
  return { file, line, message: `the index could not apply this event (${why}): it stays in the journal, but is not counted or exported` };
}

export class Applier {
  private readonly gate: LabelGate;
  private readonly touched = new Set<number>();
  private all = false;
  private readonly problems: JournalProblem[] = [];
  private readonly knownBefore: Set<string>;
  /** Role events applied by this pass (a teammate's one means the index is rebuilt: see roleEventsArrived). */
  roleEvents = 0;

  constructor(
    private readonly idx: IndexDb,
    project: ProjectLabels,
    private readonly careful: boolean,
  ) {
    this.gate = new LabelGate(project, idx.addedLabels);
    this.knownBefore = new Set(idx.addedLabels);
  }

  private readonly apply: ApplyLine = (e, skip, file, line) => {
    const why = this.idx.judge(e, file);
    if (why) {
      this.problems.push({ file, line, message: why });
      return;
    }
    if (e.type === 'roles') this.roleEvents++;
    if (!this.careful) {
      try {
        const ids = this.idx.applyEvent(e, skip, { file, line });
        if (ids === 'all') this.all = true;
        else for (const id of ids) this.touched.add(id);
      } catch (err) {
        throw new ApplyFailed(err);
      }
      return;
    }
    const db = this.idx.db;
    db.exec('SAVEPOINT line');
    try {
      const ids = this.idx.applyEvent(e, skip, { file, line });
      if (ids === 'all') this.idx.recomputeAll();
      else for (const id of ids) this.idx.recomputeItem(id);
      db.exec('RELEASE line');
    } catch (err) {
      db.exec('ROLLBACK TO line');
      db.exec('RELEASE line');
      this.idx.reloadMeta();
      this.problems.push(notApplied(file, line, err));
    }
  };

  /** One journal line (a valid event) at `file`:`line`. */
  line(e: JournalEvent, file: string, line: number): void {
    this.gate.offer(e, file, line, this.apply);
  }

  /** Applies the held lines and recomputes touched items; returns every problem found. */
  finish(): JournalProblem[] {
    this.problems.push(...this.gate.settle(this.apply));
    this.problems.push(...roleProblems(this.idx));
    if (this.careful) return this.problems;
    try {
      if (this.all) this.idx.recomputeAll();
      else for (const id of this.touched) this.idx.recomputeItem(id);
    } catch (err) {
      throw new ApplyFailed(err);
    }
    return this.problems;
  }

  /** Why earlier left-out lines must come in (a label they use was just defined), or undefined. */
  definedLate(earlier: readonly JournalProblem[]): string | undefined {
    return definedLate([...this.idx.addedLabels].filter((l) => !this.knownBefore.has(l)), earlier);
  }
}

/** Role events that are not applied (their author could not make them), as journal problems. */
export function roleProblems(idx: IndexDb): JournalProblem[] {
  return idx.roles.invalid().map((p) => ({ file: p.file, line: p.line, message: p.message }));
}

/** Rolls a transaction back and re-reads what the rollback undid in the index's memory. */
export function rollback(idx: IndexDb): void {
  try {
    idx.db.exec('ROLLBACK');
  } finally {
    idx.reloadMeta();
  }
}

/** Adds problems, once each (a line read again is not reported twice). */
export function addProblems(list: JournalProblem[], more: readonly JournalProblem[]): void {
  if (!more.length) return;
  const seen = new Set(list.map((p) => `${p.file}\u0000${p.line}\u0000${p.message}`));
  for (const p of more) {
    const k = `${p.file}\u0000${p.line}\u0000${p.message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    list.push(p);
  }
}
