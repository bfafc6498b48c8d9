/**
 * Agreement statistics over nominal ratings: a matrix of items x raters holding category codes
 * (0..categories-1) or MISSING. Pure arithmetic over typed arrays (no store, no I/O), so the 1M-item
 * computation is one pass per statistic and the published worked examples are unit-tested directly.
 *
 *  - percent agreement of a pair: the items both rated, the fraction where they gave the same category;
 *  - Cohen's kappa of a pair: (po - pe) / (1 - pe) over the items both rated (pe from each rater's
 *    own category frequencies);
 *  - Fleiss' kappa: over the items with the modal number of ratings (Fleiss requires the same number
 *    of ratings per item; the others are counted as left out);
 *  - Krippendorff's alpha (nominal): every item with two or more ratings, any number of raters,
 *    missing ratings allowed (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability").
 * A statistic that is undefined (no items, or no variation: the expected disagreement is zero) is null.
 */

export const MISSING = -1;

export interface RatingMatrix {
  /** Items (rows). */
  items: number;
  /** Raters (columns). */
  raters: number;
  /** Number of categories; codes are 0..categories-1. */
  categories: number;
  /** codes[item * raters + rater]: a category code or MISSING. */
  codes: Int32Array;
  /** How many items each row stands for (rows of identical ratings counted once); absent: 1 each. */
  weights?: Float64Array;
}

/** A rating matrix from rows of categories (null/undefined: missing); categories coded in order of appearance. */
export function matrixOf<T>(rows: readonly (readonly (T | null | undefined)[])[]): RatingMatrix & { values: T[] } {
  const raters = rows.reduce((m, r) => Math.max(m, r.length), 0);
  const codes = new Int32Array(rows.length * raters).fill(MISSING);
  const index = new Map<T, number>();
  const values: T[] = [];
  rows.forEach((r, i) =>
    r.forEach((v, j) => {
      if (v === null || v === undefined) return;
      let c = index.get(v);
      if (c === undefined) {
        c = values.length;
        index.set(v, c);
        values.push(v);
      }
      codes[i * raters + j] = c;
    }),
  );
  return { items: rows.length, raters, categories: values.length, codes, values };
}

export interface PairAgreement {
  /** Items both raters rated. */
  items: number;
  /** Of those, items where they gave the same category. */
  agreed: number;
  percentAgreement: number | null;
  cohenKappa: number | null;
}

/** Percent agreement and Cohen's kappa of raters a and b over the items both rated. */
export function pairAgreement(m: RatingMatrix, a: number, b: number): PairAgreement {
  const k = m.categories;
  const ra = new Float64Array(k);
  const rb = new Float64Array(k);
  let n = 0;
  let agreed = 0;
  const { codes, raters, weights } = m;
  for (let i = 0, o = 0; i < m.items; i++, o += raters) {
    const x = codes[o + a]!;
    const y = codes[o + b]!;
    if (x < 0 || y < 0) continue;
    const w = weights ? weights[i]! : 1;
    n += w;
    ra[x]! += w;
    rb[y]! += w;
    if (x === y) agreed += w;
  }
  if (n === 0) return { items: 0, agreed: 0, percentAgreement: null, cohenKappa: null };
  const po = agreed / n;
  let pe = 0;
  for (let c = 0; c < k; c++) pe += (ra[c]! / n) * (rb[c]! / n);
  return { items: n, agreed, percentAgreement: po, cohenKappa: pe >= 1 ? null : (po - pe) / (1 - pe) };
}

/** Number of ratings of each item (Uint16Array: at most 65,535 raters). */
export function ratingsPerItem(m: RatingMatrix): Uint16Array {
  const out = new Uint16Array(m.items);
  const { codes, raters } = m;
  for (let i = 0, o = 0; i < m.items; i++, o += raters) {
    let c = 0;
    for (let j = 0; j < raters; j++) if (codes[o + j]! >= 0) c++;
    out[i] = c;
  }
  return out;
}

/** Counts the ratings of the item at offset `o` per category into `counts`, adds them to `totals`; returns the sum of squared counts. */
function tally(codes: Int32Array, o: number, raters: number, counts: Float64Array, totals: Float64Array, w: number): number {
  counts.fill(0);
  for (let j = 0; j < raters; j++) {
    const c = codes[o + j]!;
    if (c >= 0) counts[c]!++;
  }
  let sq = 0;
  for (let c = 0; c < counts.length; c++) {
    sq += counts[c]! * counts[c]!;
    totals[c]! += w * counts[c]!;
  }
  return sq;
}

export interface FleissResult {
  kappa: number | null;
  /** The number of ratings per item Fleiss' kappa was computed for (the modal one among items rated twice or more). */
  ratersPerItem: number;
  /** Items with that number of ratings (used). */
  items: number;
  /** Items rated twice or more with another number of ratings (left out). */
  leftOut: number;
}

/**
 * Fleiss' kappa over the items with the modal number of ratings (ties: the larger number). Items rated
 * fewer than twice carry no agreement and are neither used nor counted as left out.
 */
export function fleissKappa(m: RatingMatrix, per = ratingsPerItem(m)): FleissResult {
  const hist = new Float64Array(m.raters + 1);
  const weights = m.weights;
  for (let i = 0; i < m.items; i++) hist[per[i]!]! += weights ? weights[i]! : 1;
  let modal = 0;
  let pairable = 0;
  for (let c = 2; c <= m.raters; c++) {
    pairable += hist[c]!;
    if (hist[c]! > 0 && hist[c]! >= hist[modal]!) modal = c;
  }
  if (modal === 0) return { kappa: null, ratersPerItem: 0, items: 0, leftOut: 0 };
  const N = hist[modal]!;
  const k = m.categories;
  const totals = new Float64Array(k);
  const counts = new Float64Array(k);
  const { codes, raters } = m;
  let sumP = 0;
  for (let i = 0, o = 0; i < m.items; i++, o += raters) {
    if (per[i] !== modal) continue;
    const w = weights ? weights[i]! : 1;
    sumP += (w * (tally(codes, o, raters, counts, totals, w) - modal)) / (modal * (modal - 1));
  }
  const pBar = sumP / N;
  let pe = 0;
  for (let c = 0; c < k; c++) {
    const p = totals[c]! / (N * modal);
    pe += p * p;
  }
  return { kappa: pe >= 1 ? null : (pBar - pe) / (1 - pe), ratersPerItem: modal, items: N, leftOut: pairable - N };
}

export interface AlphaResult {
  alpha: number | null;
  /** Items with two or more ratings (the pairable units). */
  items: number;
  /** Ratings in those items (n in Krippendorff's notation). */
  values: number;
}

/**
 * Krippendorff's alpha for nominal data: 1 - (n - 1) * sum_u(disagreeing pairs_u / (m_u - 1)) /
 * sum_{c != k} n_c n_k, over the units with m_u >= 2 ratings. Null with no pairable unit or a single
 * category used (no variation: alpha is undefined).
 */
export function krippendorffAlpha(m: RatingMatrix): AlphaResult {
  const k = m.categories;
  const totals = new Float64Array(k);
  const counts = new Float64Array(k);
  const { codes, raters, weights } = m;
  let units = 0;
  let n = 0;
  let observed = 0;
  for (let i = 0, o = 0; i < m.items; i++, o += raters) {
    let mu = 0;
    for (let j = 0; j < raters; j++) if (codes[o + j]! >= 0) mu++;
    if (mu < 2) continue;
    const w = weights ? weights[i]! : 1;
    observed += (w * (mu * mu - tally(codes, o, raters, counts, totals, w))) / (mu - 1);
    units += w;
    n += w * mu;
  }
  if (units === 0) return { alpha: null, items: 0, values: 0 };
  let sq = 0;
  for (let c = 0; c < k; c++) sq += totals[c]! * totals[c]!;
  const expected = n * n - sq;
  return { alpha: expected > 0 ? 1 - ((n - 1) * observed) / expected : null, items: units, values: n };
}

/** The matrix seen through a recoding of its categories (e.g. a label set -> the label's presence). */
export function recode(m: RatingMatrix, table: Int32Array, categories: number): RatingMatrix {
  const codes = new Int32Array(m.codes.length);
  for (let i = 0; i < codes.length; i++) {
    const c = m.codes[i]!;
    codes[i] = c < 0 ? MISSING : table[c]!;
  }
  return { items: m.items, raters: m.raters, categories, codes, ...(m.weights ? { weights: m.weights } : {}) };
}

/**
 * The matrix with identical rows merged into one weighted row (statistics are sums over items, so a
 * row standing for w items counts w times). With 3 labelers and a few label sets, 1M items become a
 * few dozen rows: every statistic after this is instant. `pause` is awaited every `every` items (a
 * long matrix is read in slices).
 */
export async function distinctRows(m: RatingMatrix, pause: () => Promise<void>, every = 65_536): Promise<RatingMatrix> {
  const { codes, raters } = m;
  const base = m.categories + 1;
  // A row as one number when it fits exactly in a double, else as text.
  const numeric = raters * Math.log2(base) < 52;
  const index = new Map<number | string, number>();
  const firstRow: number[] = [];
  const counts: number[] = [];
  for (let i = 0, o = 0; i < m.items; i++, o += raters) {
    let key: number | string;
    if (numeric) {
      key = 0;
      for (let j = 0; j < raters; j++) key = key * base + codes[o + j]! + 1;
    } else key = codes.subarray(o, o + raters).join(',');
    const w = m.weights ? m.weights[i]! : 1;
    const r = index.get(key);
    if (r === undefined) {
      index.set(key, firstRow.length);
      firstRow.push(i);
      counts.push(w);
    } else counts[r]! += w;
    if ((i + 1) % every === 0) await pause();
  }
  const out = new Int32Array(firstRow.length * raters);
  firstRow.forEach((i, r) => out.set(codes.subarray(i * raters, (i + 1) * raters), r * raters));
  return { items: firstRow.length, raters, categories: m.categories, codes: out, weights: Float64Array.from(counts) };
}
