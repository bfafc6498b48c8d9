/**
 * Agreement statistics of a project, computed from the per-labeler table (store.labelers) in keyset
 * slices under an index lease, yielding to the event loop between slices so submits interleave; an
 * AbortSignal stops it and progress is reported as it reads. Suitable to run as a job (agreementJob).
 *
 * Classification (single- and multi-label): each labeler's items are read once into an items x
 * labelers matrix of label-set codes (Int32Array; a label set is one nominal category, so for a
 * multi-label project "agree" means the same set, as consensus does), then:
 *  - pairs: percent agreement and Cohen's kappa on the items both labeled, and F1 of their label sets;
 *  - percentAgreement: over every pair of labelers on every item both labeled (pooled);
 *  - Fleiss' kappa on the items with the modal number of labelers (how many were left out is noted);
 *  - Krippendorff's alpha (nominal) over every item labeled twice or more;
 *  - byLabel: the label present/absent as a two-category rating: alpha, and F1 over all pairs.
 * Masks: per pair, the mean IoU of the masks of the items both labeled and the share at consensus.maskIoU; per class, the pooled IoU.
 * Spans, boxes, polygons: for each pair, the items both labeled (labelers.paired) matched with
 * geometry/matching.ts: F1 = 2 * matched / (|a| + |b|) pooled over the items (symmetric), per label too;
 * a pair agrees on an item when every span or shape is matched (F1 = 1, the consensus rule).
 * Kappa and alpha do not apply there: null, with the reason in `notes`.
 */
import type { JobSpec } from '../jobs/types';
import { matchedF1 } from '../geometry/matching';
import { annotationKindOf } from '../model';
import { TimeSlicer } from '../store/time-slice';
import { perClassIoU } from '../masks/mask-stats';
import { IGNORE } from '../masks/raster';
import { MASK_IOU_THRESHOLD } from '../store/agreement';
import { folderMaskSource } from '../store/mask-source';
import { eachShared, emptyReport, noPairsReason, orderedLabels, pairsOf, type AgreementOptions, type AgreementReport, type AgreementSource, type Ctx } from './compute-context';
import { distinctRows, fleissKappa, krippendorffAlpha, MISSING, pairAgreement, ratingsPerItem, recode, type RatingMatrix } from './nominal';

export type { AgreementOptions, AgreementReport, AgreementSource, LabelReport, PairReport, RatingPattern } from './compute-context';

const SLICE_ROWS = 2000;
const LEASE_NAME = 'agreement statistics';

/** Agreement statistics of the project (see the file comment). */
export async function computeAgreement(store: AgreementSource, opts: AgreementOptions = {}): Promise<AgreementReport> {
  const lease = await store.read(LEASE_NAME, opts.signal);
  try {
    const slicer = new TimeSlicer(opts.sliceMs, lease.signal);
    const step = async (): Promise<void> => {
      lease.check();
      await slicer.maybePause();
      lease.check();
    };
    const counts = Object.entries(store.stats().byLabeler)
      .filter(([, n]) => n > 0)
      .map(([labeler, labeled]) => ({ labeler, labeled }))
      .sort((x, y) => (x.labeler < y.labeler ? -1 : x.labeler > y.labeler ? 1 : 0));
    const labelers = counts.map((c) => c.labeler);
    const kind = annotationKindOf(store.def.type);
    const ctx: Ctx = { store, labelers, counts, step, opts, sliceRows: opts.sliceRows ?? SLICE_ROWS, labelNames: store.def.labels.map((l) => l.name) };
    const report = kind === 'classes' ? await classification(ctx) : kind === 'mask' ? await masks(ctx) : await matched(ctx);
    opts.onProgress?.(1, 'Done');
    return report;
  } finally {
    lease.release();
  }
}

/** computeAgreement as a job (jobs/runner.ts): progress and cancel from the job. */
export function agreementJob(store: AgreementSource, resource: string): JobSpec<AgreementReport> {
  return {
    title: `Agreement statistics of ${store.def.name}`,
    resource,
    run: (job) => computeAgreement(store, { signal: job.signal, onProgress: (f, m) => job.progress(f, m) }),
  };
}

// ---------------------------------------------------------------------------------------------
// Classification

/** Items x labelers codes of label sets, built one labeler at a time (item keys to rows: `slots`). */
class SetMatrix {
  readonly slots = new Map<string, number>();
  private codes: Int32Array;
  private readonly setIndex = new Map<string, number>();
  /** Per label-set code: its labels. */
  readonly sets: string[][] = [];

  constructor(readonly raters: number, capacity: number) {
    this.codes = new Int32Array(Math.max(16, capacity) * raters).fill(MISSING);
  }

  private rows = 0;
  private weights?: number[];

  private newRow(): number {
    const row = this.rows++;
    if (this.rows * this.raters > this.codes.length) {
      const grown = new Int32Array(this.codes.length * 2).fill(MISSING);
      grown.set(this.codes);
      this.codes = grown;
    }
    return row;
  }

  /** One labeler's labels of an item (rows found by key). */
  add(key: string, rater: number, labels: readonly string[]): void {
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = this.newRow();
      this.slots.set(key, slot);
    }
    this.codes[slot * this.raters + rater] = this.codeOf(labels);
  }

  /** A row standing for `n` items with these ratings (a rating pattern). */
  addPattern(ratings: readonly [rater: number, labels: readonly string[]][], n: number): void {
    const row = this.newRow();
    for (const [rater, labels] of ratings) this.codes[row * this.raters + rater] = this.codeOf(labels);
    (this.weights ??= new Array<number>(row).fill(1)).push(n);
  }

  private codeOf(labels: readonly string[]): number {
    let text: string;
    let set: string[];
    if (labels.length === 1) {
      text = labels[0]!;
      set = [text];
    } else {
      set = [...new Set(labels)].sort();
      text = set.length === 1 ? set[0]! : `\u0000${set.join('\u0000')}`;
    }
    let c = this.setIndex.get(text);
    if (c === undefined) {
      c = this.sets.length;
      this.setIndex.set(text, c);
      this.sets.push(set);
    }
    return c;
  }

  matrix(): RatingMatrix {
    const m: RatingMatrix = { items: this.rows, raters: this.raters, categories: this.sets.length, codes: this.codes.subarray(0, this.rows * this.raters) };
    if (this.weights) m.weights = Float64Array.from(this.weights);
    return m;
  }
}

async function classification(ctx: Ctx): Promise<AgreementReport> {
  const { labelers, counts, step, opts } = ctx;
  const report = emptyReport(labelers);
  const total = counts.reduce((s, c) => s + c.labeled, 0) || 1;
  const patterns = ctx.store.labelers.patterns?.bind(ctx.store.labelers);
  const sm = new SetMatrix(labelers.length, patterns ? 64 : Math.max(0, ...counts.map((c) => c.labeled)));
  let read = 0;
  const raterOf = new Map(labelers.map((l, r) => [l, r]));
  if (patterns) {
    for (const p of patterns()) {
      const ratings = p.ratings.flatMap(([who, a]): [number, string[]][] => (raterOf.has(who) && a.kind === 'classes' ? [[raterOf.get(who)!, a.labels]] : []));
      sm.addPattern(ratings, p.n);
      read += p.n * ratings.length;
    }
    opts.onProgress?.(Math.min(0.95, (0.9 * read) / total), `Reading the labels (${read.toLocaleString('en')} of ${total.toLocaleString('en')})`);
    await step();
  }
  for (let r = 0; r < labelers.length && !patterns; r++) {
    let after = 0;
    for (;;) {
      // A labeler's labeled items in item order, through `paired(x, x)`: `items(x)` also returns skips, and
      // its ORDER BY over two ranges of done_mine (kind IN (0, 1)) sorts every remaining row per slice
      // (quadratic: 2.6 s for 100k items); paired walks one range (labeler, kind = 1, item) in order.
      const s = ctx.store.labelers.paired(labelers[r]!, labelers[r]!, after, ctx.sliceRows);
      for (const row of s.rows) if (row.a.kind === 'classes') sm.add(row.key, r, row.a.labels);
      read += s.rows.length;
      opts.onProgress?.(Math.min(0.95, (0.9 * read) / total), `Reading ${labelers[r]}'s labels (${read.toLocaleString('en')} of ${total.toLocaleString('en')})`);
      if (s.next === undefined) break;
      after = s.next;
      await step();
    }
  }
  // The reads are done: what follows is arithmetic over typed arrays.
  // Items with the same ratings merged into weighted rows: the statistics below take microseconds.
  const full = sm.matrix();
  sm.slots.clear();
  const m = await distinctRows(full, step);
  const per = ratingsPerItem(m);
  for (let i = 0; i < m.items; i++) if (per[i]! >= 2) report.items += m.weights![i]!;
  if (labelers.length < 2 || report.items === 0) {
    noteNoPairs(report, labelers.length);
    return report;
  }
  opts.onProgress?.(0.95, 'Computing agreement');
  await step();
  // Pairs: agreement and kappa over label sets; F1 below, with the labels.
  let agreed = 0;
  let paired = 0;
  for (const [a, b] of pairsOf(labelers.length)) {
    const p = pairAgreement(m, a, b);
    agreed += p.agreed;
    paired += p.items;
    report.pairs.push({ a: labelers[a]!, b: labelers[b]!, items: p.items, percentAgreement: p.percentAgreement, cohenKappa: p.cohenKappa, f1: null });
    if (p.items === 0) report.notes[`pairs.${labelers[a]}/${labelers[b]}`] = 'no item labeled by both';
    else if (p.cohenKappa === null) report.notes[`pairs.${labelers[a]}/${labelers[b]}.cohenKappa`] = 'undefined: both gave one and the same label to every item they share (no variation)';
  }
  report.percentAgreement = paired ? agreed / paired : null;
  await step();
  const f = fleissKappa(m, per);
  report.fleissKappa = f.kappa;
  report.fleissItems = f.items;
  if (f.kappa === null) report.notes.fleissKappa = 'undefined: one label set was given to every item (no variation)';
  report.notes.fleissItems = `items labeled by ${f.ratersPerItem} labelers (the most common number); ${f.leftOut.toLocaleString('en')} item(s) labeled by another number of labelers left out`;
  await step();
  const alpha = krippendorffAlpha(m);
  report.krippendorffAlpha = alpha.alpha;
  if (alpha.alpha === null) report.notes.krippendorffAlpha = 'undefined: one label set was given to every item (no variation)';
  // Per label: present/absent.
  const labels = orderedLabels(ctx.labelNames, sm.sets.flat());
  const pairList = pairsOf(labelers.length);
  const both = new Float64Array(pairList.length);
  const sizes = new Float64Array(pairList.length);
  for (const label of labels) {
    await step();
    const table = Int32Array.from(sm.sets, (set) => (set.includes(label) ? 1 : 0));
    const bin = recode(m, table, 2);
    const la = krippendorffAlpha(bin).alpha;
    let lb = 0;
    let ls = 0;
    pairList.forEach(([a, b], k) => {
      const c = presence(bin, a, b);
      both[k]! += c.both;
      sizes[k]! += c.sizes;
      lb += c.both;
      ls += c.sizes;
    });
    report.byLabel[label] = { krippendorffAlpha: la, f1: ls ? (2 * lb) / ls : null };
    if (la === null) report.notes[`byLabel.${label}.krippendorffAlpha`] = 'undefined: every labeler gave this label to every item, or to none (no variation)';
    if (!ls) report.notes[`byLabel.${label}.f1`] = 'no labeler gave this label on an item shared with another';
  }
  report.pairs.forEach((p, k) => (p.f1 = p.items ? (sizes[k]! ? (2 * both[k]!) / sizes[k]! : 1) : null));
  return report;
}

/** Items both rated where both (1) / each (a + b) gave code 1. */
function presence(m: RatingMatrix, a: number, b: number): { both: number; sizes: number } {
  let both = 0;
  let sizes = 0;
  const { codes, raters, weights } = m;
  for (let i = 0, o = 0; i < m.items; i++, o += raters) {
    const x = codes[o + a]!;
    const y = codes[o + b]!;
    if (x < 0 || y < 0) continue;
    const w = weights ? weights[i]! : 1;
    both += w * (x & y);
    sizes += w * (x + y);
  }
  return { both, sizes };
}

function noteNoPairs(report: AgreementReport, labelers: number): void {
  for (const k of ['percentAgreement', 'fleissKappa', 'fleissItems', 'krippendorffAlpha']) report.notes[k] = noPairsReason(labelers);
}

// ---------------------------------------------------------------------------------------------
// Masks

/**
 * Semantic segmentation: per pair, the items both labeled compared pixel by pixel (per-class IoU over
 * the classes in either mask, unlabeled and ignore left out): pairs.meanIoU is the mean of the items'
 * mean IoU, pairs.percentAgreement the share of items at consensus.maskIoU or above (the consensus
 * rule), byLabel.iou each class's IoU pooled over every pair. A mask whose blob cannot be read is left
 * out and counted in notes.
 */
async function masks(ctx: Ctx): Promise<AgreementReport> {
  const { labelers, step, opts } = ctx;
  const report = emptyReport(labelers);
  const dir = ctx.store.projectDir;
  const source = dir ? folderMaskSource(dir) : undefined;
  const threshold = ctx.store.def.consensus.maskIoU ?? MASK_IOU_THRESHOLD;
  const names = ctx.labelNames;
  const ignoreName = ctx.store.def.ignoreLabel;
  const perClass = new Map<number, { i: number; u: number }>();
  const keys = new Set<string>();
  let agreed = 0;
  let paired = 0;
  let unreadable = 0;
  for (const [a, b] of pairsOf(labelers.length)) {
    const x = labelers[a]!;
    const y = labelers[b]!;
    let items = 0;
    let agree = 0;
    let sum = 0;
    await eachShared(ctx, x, y, async (row) => {
      if (row.a.kind !== 'mask' || row.b.kind !== 'mask') return;
      const ra = source?.read(row.a.blob);
      const rb = ra && source?.read(row.b.blob);
      if (!ra || !rb || ra.width !== rb.width || ra.height !== rb.height) {
        unreadable++;
        return;
      }
      const per = perClassIoU(ra, rb);
      const mean = per.length ? per.reduce((t, c) => t + c.iou, 0) / per.length : 1;
      items++;
      keys.add(row.key);
      sum += mean;
      if (mean >= threshold) agree++;
      for (const c of per) {
        let acc = perClass.get(c.classIndex);
        if (!acc) perClass.set(c.classIndex, (acc = { i: 0, u: 0 }));
        acc.i += c.intersection;
        acc.u += c.union;
      }
      await step();
    }, () => opts.onProgress?.(0.5, `Comparing the masks of ${x} and ${y}`));
    agreed += agree;
    paired += items;
    report.pairs.push({ a: x, b: y, items, percentAgreement: items ? agree / items : null, cohenKappa: null, f1: null, meanIoU: items ? sum / items : null });
    if (!items) report.notes[`pairs.${x}/${y}`] = 'no item labeled by both';
  }
  report.items = keys.size;
  const na = 'does not apply to masks: agreement is the IoU of their pixels (pairs.meanIoU, byLabel.iou)';
  for (const k of ['pairs.cohenKappa', 'pairs.f1', 'fleissKappa', 'fleissItems', 'krippendorffAlpha', 'byLabel.krippendorffAlpha', 'byLabel.f1']) report.notes[k] = na;
  if (unreadable) report.notes['pairs.meanIoU'] = `${unreadable} pair(s) of masks left out: a blob is missing or damaged, or their sizes differ`;
  if (labelers.length < 2 || !paired) report.notes.percentAgreement = noPairsReason(labelers.length);
  else report.percentAgreement = agreed / paired;
  const nameOf = (v: number): string => (v === IGNORE ? ignoreName ?? 'ignore' : names[v - 1] ?? `class ${v}`);
  for (const label of names) report.byLabel[label] = { krippendorffAlpha: null, f1: null, iou: null };
  for (const [v, acc] of [...perClass.entries()].sort((p, q) => p[0] - q[0])) report.byLabel[nameOf(v)] = { krippendorffAlpha: null, f1: null, iou: acc.u ? acc.i / acc.u : null };
  for (const label of names) if (report.byLabel[label]!.iou === null) report.notes[`byLabel.${label}.iou`] = 'no labeler painted this class on an item shared with another';
  return report;
}

// ---------------------------------------------------------------------------------------------
// Spans, boxes, polygons

async function matched(ctx: Ctx): Promise<AgreementReport> {
  const { labelers, counts, step, opts } = ctx;
  const report = emptyReport(labelers);
  const byCount = new Map(counts.map((c) => [c.labeler, c.labeled]));
  const pairList = pairsOf(labelers.length);
  // Each pair reads at most the smaller labeler's items.
  const total = pairList.reduce((s, [a, b]) => s + Math.min(byCount.get(labelers[a]!)!, byCount.get(labelers[b]!)!), 0) || 1;
  const keys = new Set<string>();
  const perLabel = new Map<string, { matched: number; sizes: number }>();
  let agreed = 0;
  let paired = 0;
  let read = 0;
  for (const [a, b] of pairList) {
    const x = labelers[a]!;
    const y = labelers[b]!;
    let items = 0;
    let agree = 0;
    let m = 0;
    let sizes = 0;
    await eachShared(ctx, x, y, (row) => {
      if (row.a.kind !== row.b.kind) return;
      const r = matchedF1(row.a, row.b);
      items++;
      keys.add(row.key);
      m += r.matched;
      sizes += r.a + r.b;
      if (r.matched === r.a && r.matched === r.b) agree++;
      for (const [label, c] of Object.entries(r.byLabel)) {
        let acc = perLabel.get(label);
        if (!acc) perLabel.set(label, (acc = { matched: 0, sizes: 0 }));
        acc.matched += c.matched;
        acc.sizes += c.a + c.b;
      }
    }, (n) => {
      read += n;
      opts.onProgress?.(Math.min(0.99, read / total), `Matching ${x} and ${y} (${read.toLocaleString('en')} of about ${total.toLocaleString('en')} shared items)`);
    });
    agreed += agree;
    paired += items;
    report.pairs.push({ a: x, b: y, items, percentAgreement: items ? agree / items : null, cohenKappa: null, f1: items ? (sizes ? (2 * m) / sizes : 1) : null });
    if (!items) report.notes[`pairs.${x}/${y}`] = 'no item labeled by both';
    await step();
  }
  report.items = keys.size;
  keys.clear();
  const what = annotationKindOf(ctx.store.def.type);
  const na = `does not apply to ${what}: agreement is the F1 of matched ${what} (pairs.f1, byLabel.f1)`;
  report.notes['pairs.cohenKappa'] = na;
  report.notes.fleissKappa = na;
  report.notes.fleissItems = na;
  report.notes.krippendorffAlpha = na;
  report.notes['byLabel.krippendorffAlpha'] = na;
  if (labelers.length < 2 || !paired) report.notes.percentAgreement = noPairsReason(labelers.length);
  else report.percentAgreement = agreed / paired;
  for (const label of orderedLabels(ctx.labelNames, perLabel.keys())) {
    const acc = perLabel.get(label);
    report.byLabel[label] = { krippendorffAlpha: null, f1: acc && acc.sizes ? (2 * acc.matched) / acc.sizes : null };
    if (!acc?.sizes) report.notes[`byLabel.${label}.f1`] = `no labeler marked this label on an item shared with another`;
  }
  return report;
}
