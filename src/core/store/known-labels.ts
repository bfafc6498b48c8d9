/**
 * Journal lines whose annotation names a label the project does not have (a hand-edited or merged
 * journal), or is of another kind than the project takes, are left out of the index: never counted,
 * never exported, reported with file and line. A label is the project's when project.json has it or
 * a label-set event of any journal adds it, so a line read before the event that defines its label is
 * held until every journal was read (LabelGate), and the bulk build and the replay of tails agree.
 */
import type { JournalEvent } from '../journal/events';
import type { JournalProblem } from '../journal/reader';
import { ANNOTATION_KINDS, annotationKindOf, type Annotation, type ProjectDef } from '../model';

/** What project.json says annotations may use. */
export interface ProjectLabels {
  kind: Annotation['kind'];
  names: string[];
  /** Semantic segmentation: the ignore class's name (def.ignoreLabel), which a mask's classes may list. */
  ignore?: string;
}

export const projectLabelsOf = (def: ProjectDef): ProjectLabels => ({
  kind: annotationKindOf(def.type),
  names: def.labels.map((l) => l.name),
  ...(def.ignoreLabel !== undefined ? { ignore: def.ignoreLabel } : {}),
});

/** Applies an event, leaving out the submits of an import listed in `skip`. */
export type ApplyLine = (e: JournalEvent, skip: ReadonlySet<number> | undefined, file: string, line: number) => void;

interface Verdict {
  /** Submits of an import left out, or 'all' for the whole event. */
  skip: Set<number> | 'all';
  problems: { message: string; labels: string[] }[];
}


export class LabelGate {
  private readonly names: Set<string>;
  private held: { e: JournalEvent; file: string; line: number }[] = [];

  constructor(
    private readonly project: ProjectLabels,
    /** Labels added by label-set events so far (the index keeps it current). */
    private readonly added: ReadonlySet<string>,
  ) {
    this.names = new Set(project.names);
  }

  private known(label: unknown): label is string {
    return typeof label === 'string' && (this.names.has(label) || this.added.has(label));
  }

  /** The first problem of an annotation, or undefined. */
  private annProblem(ann: Annotation, field: string): { message: string; labels: string[] } | undefined {
    if (ann.kind !== this.project.kind) return { message: `${field}: a "${ann.kind}" annotation in a project of "${this.project.kind}" annotations`, labels: [] };
    const list = (ann as unknown as Record<string, unknown[]>)[ANNOTATION_KINDS[ann.kind].list]!;
    for (let i = 0; i < list.length; i++) {
      const el = list[i];
      const where = `${field}.${ANNOTATION_KINDS[ann.kind].list}[${i}]`;
      if (ann.kind === 'classes' || ann.kind === 'mask') {
        if (!this.known(el) && !(ann.kind === 'mask' && el === this.project.ignore)) return { message: `${where}: unknown label ${JSON.stringify(el)}`, labels: typeof el === 'string' ? [el] : [] };
        continue;
      }
      if (typeof el !== 'object' || el === null) return { message: `${where}: not an object`, labels: [] };
      const label = (el as { label?: unknown }).label;
      if (!this.known(label)) return { message: `${where}.label: unknown label ${JSON.stringify(label)}`, labels: typeof label === 'string' ? [label] : [] };
    }
    return undefined;
  }

  /** What of an event must be left out; undefined when all of it is fine. */
  verdict(e: JournalEvent): Verdict | undefined {
    if (e.type === 'submit' || e.type === 'decide') {
      const p = this.annProblem(e.ann, 'ann');
      return p ? { skip: 'all', problems: [{ ...p, message: `${p.message}: this ${e.type} is not counted or exported` }] } : undefined;
    }
    if (e.type === 'batch') {
      // all of a batch or none: one decision naming a label the project lacks leaves the line out
      for (let i = 0; i < e.events.length; i++) {
        const x = e.events[i]!;
        const p = x.type === 'decide' ? this.annProblem(x.ann, `events[${i}].ann`) : undefined;
        if (p) return { skip: 'all', problems: [{ ...p, message: `${p.message}: this batch is not applied` }] };
      }
      return undefined;
    }
    if (e.type !== 'import') return undefined;
    let v: Verdict | undefined;
    e.submits.forEach((s, i) => {
      const p = this.annProblem(s.ann, `submits[${i}].ann`);
      if (!p) return;
      v ??= { skip: new Set(), problems: [] };
      (v.skip as Set<number>).add(i);
      v.problems.push({ ...p, message: `${p.message}: this submit of the import is not counted or exported` });
    });
    if (v && (v.skip as Set<number>).size === e.submits.length) v.skip = 'all';
    return v;
  }

  /** Events held so far (until settle()). */
  get holding(): number {
    return this.held.length;
  }

  /** Applies the event now, or holds it until settle() when it uses a label not defined (yet). */
  offer(e: JournalEvent, file: string, line: number, apply: ApplyLine): void {
    if (this.verdict(e)) this.held.push({ e, file, line });
    else apply(e, undefined, file, line);
  }

  /** Judges the held events against every label defined by now: applies what is fine, returns the problems. */
  settle(apply: ApplyLine): JournalProblem[] {
    const problems: JournalProblem[] = [];
    for (const { e, file, line } of this.held.splice(0)) {
      const v = this.verdict(e);
      if (!v || v.skip !== 'all') apply(e, v?.skip as Set<number> | undefined, file, line);
      if (v) for (const p of v.problems) problems.push(p.labels.length ? { file, line, message: p.message, labels: p.labels } : { file, line, message: p.message });
    }
    return problems;
  }
}

/**
 * Why an index built with project.json's labels `before` no longer fits `now`: a label removed (lines
 * using it must go), or one added that left-out lines use (they must come in). Undefined: it fits.
 */
export function labelsChangeNeedsRebuild(before: readonly string[], now: readonly string[], problems: readonly JournalProblem[]): string | undefined {
  const had = new Set(before);
  const has = new Set(now);
  const removed = before.filter((l) => !has.has(l));
  if (removed.length) return `label(s) removed from project.json (${removed.join(', ')})`;
  return definedLate(now.filter((l) => !had.has(l)), problems);
}

/** Why labels just defined need a rebuild: lines left out for using them. */
export function definedLate(labels: readonly string[], problems: readonly JournalProblem[]): string | undefined {
  if (!labels.length) return undefined;
  const now = new Set(labels);
  const used = [...new Set(problems.flatMap((p) => (p.labels ?? []).filter((l) => now.has(l))))];
  return used.length ? `label(s) defined after lines that use them (${used.join(', ')})` : undefined;
}
