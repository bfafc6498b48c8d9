/**
 * The state of one item as a pure function of its events (in total order) and the project-wide
 * label-set barriers. Because nothing depends on arrival order, replaying the same journals in any
 * file order gives the same index.
 *
 * Reviews act on what their author had seen (architecture.md, "Team semantics"): a review applies to
 * the events inside its `seen` vector only (team/vector.ts), whatever their time. Among an item's
 * label reviews (approve, reject, decide) the ones no other review saw are its current reviews; two of
 * them with different outcomes are a review conflict: the item needs review, shows both decisions and
 * has no final label until a review that saw both settles it. Skip reviews (accept-skip, unskip) follow
 * the same rule among themselves.
 */
import { labelsUsed, type Annotation, type ItemState, type LabelerAnnotation } from '../model';
import { parseOrderKey, reviewTypes, timeOfOrderKey, voidingReview, type ReviewEvent } from '../journal/events';
import { hadSeen, vectorMap, type EventPlace, type SeenVector } from '../team/vector';
import { consensusOf, groupFinal, type MaskSource } from './agreement';
import { packAnn, unpackAnn } from './ann-text';
import { ITEM_FLAGS } from './schema';

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
  /** A review's `seen` vector as JSON text (null: none written, it had seen everything ordered before it). */
  seen: string | null;
}

/** One side of a review conflict. */
export interface ReviewDecision {
  kind: ReviewEvent['type'];
  by: string;
  at: string;
  /** The decided annotation (decide). */
  annotation?: Annotation;
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
  /** Semantic segmentation: the mean IoU two masks need to agree (default 0.8). */
  maskIoU?: number;
  /** Semantic segmentation: where mask rasters are read and majority masks stored (mask-source.ts). */
  masks?: MaskSource;
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
  /** Per labeler: their effective status and annotation (packed; null for a skip), for the queue, history and agreement. */
  done: { labeler: string; kind: 'sub' | 'skip'; t: number; ann: string | null }[];
  /** Each labeler's latest effective annotation, in total order. */
  annotations: (LabelerAnnotation & { ord: string })[];
  /** Each labeler's latest prelabel (imports, ML assist, or labels kept at a label-set change). */
  prelabels: (LabelerAnnotation & { ord: string; source?: string })[];
  /** The effective review, if any. */
  review?: { kind: 'approve' | 'decide' | 'accept-skip'; by: string; at: string };
  /** Set when the item's current reviews disagree: each current decision (with `detail`; else empty). */
  conflict?: ReviewDecision[];
  /** ITEM_FLAGS bits (schema.ts): prelabeled, approved, rejected, review conflict. */
  flags: number;
  /** The reject in effect (the item came back to the queue), with its reason (with `detail`). */
  rejected?: { by: string; at: string; reason?: string };
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

const LABEL_REVIEWS = new Set<string>(reviewTypes('label'));
const SKIP_REVIEWS = new Set<string>(reviewTypes('skip'));
const LABEL_VOIDS = voidingReview('label');
const SKIP_VOIDS = voidingReview('skip');

/** A review with what its author had seen. */
interface Judge {
  row: EvRow;
  place: EventPlace;
  seen: Map<string, number> | undefined;
}

function placeOf(r: EvRow): EventPlace {
  const p = parseOrderKey(r.ord);
  return { by: p.by, dev: p.dev, seq: p.seq, ord: r.ord };
}

/**
 * The review rule for one family of reviews (label or skip): which are current (no other saw
 * them), whether the current ones disagree, and which reviews are overruled (a reject or unskip in
 * a conflict that a later non-voiding review settled: it voids nothing).
 */
class ReviewFamily {
  readonly judges: Judge[];
  readonly current: Judge[];
  readonly conflict: boolean;
  private readonly standing = new Set<Judge>();

  constructor(
    rows: EvRow[],
    private readonly places: Map<EvRow, EventPlace>,
    voiding: string,
  ) {
    this.judges = rows.map((row) => ({ row, place: this.placeOfRow(row), seen: row.seen ? vectorMap(JSON.parse(row.seen) as SeenVector) : undefined }));
    this.current = this.judges.filter((j) => !this.judges.some((k) => k !== j && this.sees(k, j.row)));
    this.conflict = new Set(this.current.map(outcome)).size > 1;
    // A voiding review (reject, unskip) that disagrees with a concurrent one voids nothing while
    // that stands, and nothing once a review that saw both settled it the other way.
    for (const j of this.judges) {
      if (j.row.type !== voiding) continue;
      const rivals = this.judges.filter((k) => k !== j && outcome(k) !== outcome(j) && !this.sees(k, j.row) && !this.sees(j, k.row));
      if (!rivals.length) continue;
      const settlers = this.judges.filter((x) => this.sees(x, j.row) && rivals.some((k) => this.sees(x, k.row)));
      if (!settlers.length || settlers.some((x) => x.row.type !== voiding)) this.standing.add(j);
    }
  }

  private placeOfRow(r: EvRow): EventPlace {
    let p = this.places.get(r);
    if (!p) this.places.set(r, (p = placeOf(r)));
    return p;
  }

  sees(j: Judge, r: EvRow): boolean {
    return hadSeen(j.place, j.seen, this.placeOfRow(r));
  }

  /** Whether `r` is voided by a review of this family of type `voiding` that saw it. */
  voids(r: EvRow, voiding: string): boolean {
    return this.judges.some((j) => j.row.type === voiding && !this.standing.has(j) && this.sees(j, r));
  }

  /** The current review (the last in total order when several agree). */
  get effective(): Judge | undefined {
    return this.current.length ? this.current[this.current.length - 1] : undefined;
  }
}

const outcome = (j: Judge): string => (j.row.type === 'decide' ? `decide\u0000${j.row.ann ?? ''}` : j.row.type);

/**
 * `rows` must be this item's events sorted by ord. With `detail` false the per-labeler
 * `annotations`, `prelabels`, `review` and conflict decisions are left out (the bulk build stores
 * none of them) and only the annotations consensus needs are parsed.
 */
export function computeItem(rows: readonly EvRow[], b: Barriers, c: Consensus, missing: boolean, detail = true): ItemComputation {
  const labelRows: EvRow[] = [];
  const skipRows: EvRow[] = [];
  let assignee: string | undefined;
  const resetAt = max(b.removeAll, b.keep);
  for (const r of rows) {
    if (LABEL_REVIEWS.has(r.type)) {
      // A label-set change that starts labeling over also ends the reviews before it.
      if (r.ord > resetAt) labelRows.push(r);
    } else if (SKIP_REVIEWS.has(r.type)) skipRows.push(r);
    else if (r.type === 'assign') assignee = r.target || undefined;
  }
  const places = new Map<EvRow, EventPlace>();
  const labels = labelRows.length ? new ReviewFamily(labelRows, places, LABEL_VOIDS) : undefined;
  const skipsFam = skipRows.length ? new ReviewFamily(skipRows, places, SKIP_VOIDS) : undefined;
  const voidBefore = b.removeAll;
  const firmAfter = max(voidBefore, b.keep);
  const latest = new Map<string, EvRow>();
  const pre = new Map<string, EvRow>();
  for (const r of rows) {
    if (r.type === 'submit') {
      if (r.pre) {
        if (r.ord > b.removeAll) pre.set(r.by, r); // a reject judges labels, not a model's suggestions
      } else if (r.ord <= voidBefore || labels?.voids(r, LABEL_VOIDS)) continue;
      else if (r.ord > firmAfter) latest.set(r.by, r);
      else pre.set(r.by, r); // kept as a prelabel by a label-set change
    } else if (r.type === 'skip' && !skipsFam?.voids(r, SKIP_VOIDS)) {
      latest.set(r.by, r);
    }
  }
  const done: ItemComputation['done'] = [];
  const subs: EvRow[] = [];
  let skips = 0;
  for (const [labeler, r] of latest) {
    done.push({ labeler, kind: r.type === 'submit' ? 'sub' : 'skip', t: timeOfOrderKey(r.ord), ann: r.type === 'submit' ? r.ann : null });
    if (r.type === 'submit') subs.push(r);
    else skips++;
  }
  subs.sort((x, y) => (x.ord < y.ord ? -1 : 1));
  const out: ItemComputation = {
    state: 'unlabeled',
    open: true,
    version: rows.length,
    flags: pre.size ? ITEM_FLAGS.prelabeled : 0,
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
  const agreeOpts = { ...(c.maskIoU !== undefined ? { maskIoU: c.maskIoU } : {}), ...(c.masks ? { masks: c.masks } : {}) };
  const cons = n ? consensusOf(subs, parse, (r) => r.ann, agreeOpts) : undefined;
  /** The final of an agreeing group: its first member, or for masks the per-pixel majority (a new blob). */
  const finalOf = (group: EvRow[]): void => {
    const first = parse(group[0]!);
    const f = first.kind === 'mask' && group.length > 1 ? groupFinal(group.map(parse), agreeOpts) : first;
    out.final = f;
    out.finalText = f === first ? group[0]!.ann ?? undefined : packAnn(f);
  };
  if (cons && n >= 2) out.agreement = cons.agreement;
  const conflicted = [labels, skipsFam].filter((f): f is ReviewFamily => !!f?.conflict);
  if (conflicted.length) {
    out.flags |= ITEM_FLAGS.conflict;
    out.conflict = detail ? conflicted.flatMap((f) => f.current.map((j) => decisionOf(j.row))) : [];
    return settle('needs-review', false);
  }
  const eff = labels?.effective;
  if (eff?.row.type === LABEL_VOIDS) out.flags |= ITEM_FLAGS.rejected;
  if (detail && eff?.row.type === LABEL_VOIDS) {
    out.rejected = { by: eff.row.by, at: eff.row.at };
    if (eff.row.src) out.rejected.reason = eff.row.src;
  }
  if (eff?.row.type === 'decide') {
    out.final = annOf(eff.row);
    out.finalText = eff.row.ann ?? undefined;
    out.finalBy = [eff.row.by];
    if (!missing) out.flags |= ITEM_FLAGS.approved;
    if (detail) out.review = { kind: 'decide', by: eff.row.by, at: eff.row.at };
    return settle('labeled', false);
  }
  if (eff?.row.type === 'approve') {
    // The labels the reviewer saw: each labeler's latest non-void submit inside its seen vector.
    const seenLatest = new Map<string, EvRow>();
    for (const r of rows) {
      if (r.type !== 'submit' || r.pre || r.ord <= firmAfter || labels!.voids(r, LABEL_VOIDS) || !labels!.sees(eff, r)) continue;
      seenLatest.set(r.by, r);
    }
    const approved = seenLatest.size ? [...seenLatest.values()].sort((x, y) => (x.ord < y.ord ? -1 : 1)) : [];
    const top = approved.length ? consensusOf(approved, parse, (r) => r.ann, agreeOpts) : undefined;
    if (top) {
      finalOf(top.top);
      out.finalBy = [eff.row.by];
      if (!missing) out.flags |= ITEM_FLAGS.approved;
      if (detail) out.review = { kind: 'approve', by: eff.row.by, at: eff.row.at };
      return settle('labeled', false);
    }
  }
  if (skipsFam?.effective?.row.type === 'accept-skip' && !cons) {
    const r = skipsFam.effective.row;
    if (detail) out.review = { kind: 'accept-skip', by: r.by, at: r.at };
    return settle('skipped', false);
  }
  if (cons) {
    if (n >= c.minLabelers && cons.top.length >= c.minLabelers) {
      finalOf(cons.top);
      out.finalBy = cons.top.map((r) => r.by).sort();
      return settle('labeled', false);
    }
    if (n >= c.minLabelers && n >= c.maxLabelers) return settle('needs-review', false);
    return settle('incomplete', true);
  }
  return settle(skips ? 'skipped' : 'unlabeled', true);
}

function decisionOf(r: EvRow): ReviewDecision {
  const d: ReviewDecision = { kind: r.type as ReviewDecision['kind'], by: r.by, at: r.at };
  if (r.type === 'decide' && r.ann) d.annotation = unpackAnn(r.ann);
  return d;
}
