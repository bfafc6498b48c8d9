/**
 * The state of one item as a pure function of its events (in total order) and the project-wide
 * label-set barriers. Because nothing depends on arrival order, replaying the same journals in any
 * file order gives the same index.
 */
import { labelsUsed, type Annotation, type ItemState, type LabelerAnnotation } from '../model';
import { timeOfOrderKey } from '../journal/events';
import { consensusOf } from './agreement';
import { unpackAnn } from './ann-text';

export interface EvRow {
  ord: string;
  type: string;
  by: string;
  at: string;
  ann: string | null;
  pre: number;
  conf: number | null;
  src: string | null;
  base: number | null;
  target: string | null;
}

export interface Barriers {
  /** Order key of the last 'remove-all' label change ('' if none): earlier submits are dropped. */
  removeAll: string;
  /** Order key of the last 'keep-as-prelabels' change: earlier submits become prelabels. */
  keep: string;
}

export interface Consensus {
  minLabelers: number;
  maxLabelers: number;
}

export interface ItemComputation {
  state: ItemState;
  open: boolean;
  version: number;
  assignee?: string;
  agreement?: number;
  final?: Annotation;
  /** The stored (packed) text of `final` when it is a row's annotation as written. */
  finalText?: string;
  finalBy?: string[];
  /** Distinct labels of the final annotation (for the label counters). */
  finalLabels: string[];
  /** Per labeler: their effective status, for the queue and history. */
  done: { labeler: string; kind: 'sub' | 'skip'; t: number }[];
  /** Each labeler's latest effective annotation, in total order. */
  annotations: (LabelerAnnotation & { ord: string })[];
  /** Each labeler's latest prelabel (imports, ML assist, or labels kept at a label-set change). */
  prelabels: (LabelerAnnotation & { ord: string; source?: string })[];
  /** The effective review, if any. */
  review?: { kind: 'approve' | 'decide' | 'accept-skip'; by: string; at: string };
}

const max = (a: string, b: string): string => (a > b ? a : b);

function annOf(r: EvRow): Annotation {
  return unpackAnn(r.ann ?? 'null');
}

function labelerAnn(r: EvRow, prelabel: boolean): LabelerAnnotation & { ord: string; source?: string } {
  const out: LabelerAnnotation & { ord: string; source?: string } = { labeler: r.by, annotation: annOf(r), at: r.at, ord: r.ord };
  if (prelabel) out.prelabel = true;
  if (r.conf !== null && r.conf !== undefined) out.confidence = r.conf;
  if (r.src) out.source = r.src;
  return out;
}

/**
 * `rows` must be this item's events sorted by ord. With `detail` false the per-labeler
 * `annotations`, `prelabels` and `review` are left out (the bulk build stores none of them) and only
 * the annotations consensus needs are parsed.
 */
export function computeItem(rows: readonly EvRow[], b: Barriers, c: Consensus, missing: boolean, detail = true): ItemComputation {
  let lastReject = '';
  let lastUnskip = '';
  let labelReview: EvRow | undefined;
  let skipReview: EvRow | undefined;
  let assignee: string | undefined;
  for (const r of rows) {
    switch (r.type) {
      case 'reject':
        lastReject = r.ord;
        labelReview = r;
        break;
      case 'approve':
      case 'decide':
        labelReview = r;
        break;
      case 'unskip':
        lastUnskip = r.ord;
        skipReview = r;
        break;
      case 'accept-skip':
        skipReview = r;
        break;
      case 'assign':
        assignee = r.target || undefined;
        break;
    }
  }
  const voidBefore = max(b.removeAll, lastReject);
  const firmAfter = max(voidBefore, b.keep);
  const latest = new Map<string, EvRow>();
  const pre = new Map<string, EvRow>();
  for (const r of rows) {
    if (r.type === 'submit') {
      if (r.pre) {
        if (r.ord > b.removeAll) pre.set(r.by, r);
      } else if (r.ord > firmAfter) latest.set(r.by, r);
      else if (r.ord > voidBefore) pre.set(r.by, r); // kept as a prelabel by a label-set change
    } else if (r.type === 'skip' && r.ord > lastUnskip) {
      latest.set(r.by, r);
    }
  }
  const done: ItemComputation['done'] = [];
  const subs: EvRow[] = [];
  let skips = 0;
  for (const [labeler, r] of latest) {
    done.push({ labeler, kind: r.type === 'submit' ? 'sub' : 'skip', t: timeOfOrderKey(r.ord) });
    if (r.type === 'submit') subs.push(r);
    else skips++;
  }
  subs.sort((x, y) => (x.ord < y.ord ? -1 : 1));
  const out: ItemComputation = {
    state: 'unlabeled',
    open: true,
    version: rows.length,
    finalLabels: [],
    done,
    annotations: detail ? subs.map((r) => labelerAnn(r, false)) : [],
    prelabels: detail ? [...pre.values()].sort((x, y) => (x.ord < y.ord ? -1 : 1)).map((r) => labelerAnn(r, true)) : [],
  };
  if (assignee) out.assignee = assignee;
  const settle = (state: ItemState, open: boolean): ItemComputation => {
    out.state = missing ? 'missing' : state;
    out.open = !missing && open;
    if (out.final) out.finalLabels = [...new Set(labelsUsed(out.final))].sort();
    return out;
  };
  const n = subs.length;
  // Consensus over the submit rows; each annotation parsed at most once, and only when compared.
  const parsed = new Map<EvRow, Annotation>(detail ? subs.map((r, i) => [r, out.annotations[i]!.annotation]) : []);
  const parse = (r: EvRow): Annotation => {
    let a = parsed.get(r);
    if (!a) parsed.set(r, (a = annOf(r)));
    return a;
  };
  const cons = n ? consensusOf(subs, parse, (r) => r.ann) : undefined;
  if (cons && n >= 2) out.agreement = cons.agreement;
  const reviewValid = labelReview && labelReview.ord > max(b.removeAll, b.keep);
  if (reviewValid && labelReview!.type === 'decide') {
    out.final = annOf(labelReview!);
    out.finalText = labelReview!.ann ?? undefined;
    out.finalBy = [labelReview!.by];
    if (detail) out.review = { kind: 'decide', by: labelReview!.by, at: labelReview!.at };
    return settle('labeled', false);
  }
  if (reviewValid && labelReview!.type === 'approve' && cons) {
    out.final = parse(cons.top[0]!);
    out.finalText = cons.top[0]!.ann ?? undefined;
    out.finalBy = [labelReview!.by];
    if (detail) out.review = { kind: 'approve', by: labelReview!.by, at: labelReview!.at };
    return settle('labeled', false);
  }
  if (skipReview?.type === 'accept-skip' && !cons) {
    if (detail) out.review = { kind: 'accept-skip', by: skipReview.by, at: skipReview.at };
    return settle('skipped', false);
  }
  if (cons) {
    if (n >= c.minLabelers && cons.top.length >= c.minLabelers) {
      out.final = parse(cons.top[0]!);
      out.finalText = cons.top[0]!.ann ?? undefined;
      out.finalBy = cons.top.map((r) => r.by).sort();
      return settle('labeled', false);
    }
    if (n >= c.minLabelers && n >= c.maxLabelers) return settle('needs-review', false);
    return settle('incomplete', true);
  }
  return settle(skips ? 'skipped' : 'unlabeled', true);
}
