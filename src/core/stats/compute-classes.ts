/**
 * Agreement of a classification project (single- and multi-label), a path of computeAgreement
 * (compute.ts): each labeler's items are read once into an items x labelers matrix of label-set codes
 * (Int32Array; a label set is one nominal category, so for a multi-label project "agree" means the
 * same set, as consensus does), then:
 *  - pairs: percent agreement and Cohen's kappa on the items both labeled, and F1 of their label sets;
 *  - percentAgreement: over every pair of labelers on every item both labeled (pooled);
 *  - Fleiss' kappa on the items with the modal number of labelers (how many were left out is noted);
 *  - Krippendorff's alpha (nominal) over every item labeled twice or more;
 *  - byLabel: the label present/absent as a two-category rating: alpha, and F1 over all pairs.
 */
import { emptyReport, noPairsReason, orderedLabels, pairsOf, type AgreementReport, type Ctx } from './compute-context';
import { distinctRows, fleissKappa, krippendorffAlpha, MISSING, pairAgreement, ratingsPerItem, recode, type RatingMatrix } from './nominal';

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

/** Classification: the label-set matrix, then pairs, pooled agreement, Fleiss, Krippendorff and per label (see the file comment). */
export async function classification(ctx: Ctx): Promise<AgreementReport> {
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
