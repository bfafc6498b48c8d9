/**
 * What the agreement statistics (compute.ts) share: the report they produce, the store they read
 * (AgreementSource) and their options; the context each path (classification, masks, matched spans and
 * shapes) runs in, and the helpers they have in common (pairs of labelers, the empty report, label
 * order, why there is no pair, the items two labelers share in keyset slices).
 */
import type { Annotation, ProjectDef } from '../model';
import type { PairedItem, Slice } from '../store/labeler-reads';
import type { IndexLease } from '../store/index-lease';

export interface PairReport {
  a: string;
  b: string;
  /** Items both labeled. */
  items: number;
  percentAgreement: number | null;
  /** Classification only. */
  cohenKappa: number | null;
  /** 2 * matched / (|a| + |b|) over the items both labeled (labels, spans or shapes). */
  f1: number | null;
  /** Semantic segmentation: the mean over the items both labeled of their masks' mean IoU (mask-stats.ts). */
  meanIoU?: number | null;
}

export interface LabelReport {
  /** Classification: this label present/absent, nominal. */
  krippendorffAlpha: number | null;
  /** Matched elements of this label over every pair (symmetric). */
  f1: number | null;
  /** Semantic segmentation: this class's IoU pooled over every pair and item (intersection / union pixels). */
  iou?: number | null;
}

export interface AgreementReport {
  /** Items labeled by two or more labelers (what agreement is computed on). */
  items: number;
  /** Labelers with at least one label, sorted. */
  labelers: string[];
  percentAgreement: number | null;
  fleissKappa: number | null;
  /** Items Fleiss' kappa was computed on (the modal number of labelers). */
  fleissItems: number | null;
  krippendorffAlpha: number | null;
  pairs: PairReport[];
  byLabel: Record<string, LabelReport>;
  /** Why a statistic is null, or what it left out: keyed by its name ("fleissKappa", "pairs.cohenKappa", ...). */
  notes: Record<string, string>;
}

/** What the computation reads of a store (a ProjectStore). */
export interface AgreementSource {
  readonly def: ProjectDef;
  /** byLabeler: items each labeler labeled (a counter table: no scan). */
  stats(): { byLabeler: Record<string, number> };
  readonly labelers: {
    paired(a: string, b: string, after?: number, limit?: number): Slice<PairedItem>;
    /**
     * labeler-reads.ts patterns(): the items grouped by their ratings (each labeler's current label set),
     * one row per distinct pattern with its number of items, from a counter table the index keeps
     * current: a few dozen rows instead of one per annotation.
     */
    patterns?(): RatingPattern[];
  };
  read(name: string, signal?: AbortSignal): Promise<IndexLease>;
  /** The project folder (semantic segmentation: its masks/ are read). */
  readonly projectDir?: string;
}

/** Items that share these ratings: each labeler's annotation (labelers absent did not label them). */
export interface RatingPattern {
  ratings: [labeler: string, annotation: Annotation][];
  n: number;
}

export interface AgreementOptions {
  signal?: AbortSignal;
  /** Fraction read so far (0..1) and a line saying what is being done. */
  onProgress?: (fraction: number, message: string) => void;
  /** Rows per keyset slice (default 2,000; item ids per rating-pattern slice, default 10,000). */
  sliceRows?: number;
  /** Milliseconds of work between yields to the event loop (default SLICE_MS; 0 yields after every slice). */
  sliceMs?: number;
}

/** What a path of computeAgreement works with (built once per computation). */
export interface Ctx {
  store: AgreementSource;
  labelers: string[];
  counts: { labeler: string; labeled: number }[];
  step: () => Promise<void>;
  opts: AgreementOptions;
  sliceRows: number;
  labelNames: string[];
}

/** Every pair of the labelers 0..n-1 (a < b). */
export const pairsOf = (n: number): [number, number][] => {
  const out: [number, number][] = [];
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) out.push([a, b]);
  return out;
};

/** A report with no item: every statistic null, no pair, no label, no note. */
export function emptyReport(labelers: string[]): AgreementReport {
  return { items: 0, labelers, percentAgreement: null, fleissKappa: null, fleissItems: null, krippendorffAlpha: null, pairs: [], byLabel: {}, notes: {} };
}

/** Labels in the definition's order, then any other label met, sorted. */
export function orderedLabels(defined: string[], met: Iterable<string>): string[] {
  const known = new Set(defined);
  return [...defined, ...[...new Set(met)].filter((l) => !known.has(l)).sort()];
}

/** Why no pair statistic exists: too few labelers, or no item labeled twice. */
export function noPairsReason(labelers: number): string {
  return labelers < 2 ? `${labelers === 0 ? 'no labeler has' : 'only one labeler has'} labeled items` : 'no item was labeled by two or more labelers';
}

/** Every item both labelers labeled, in keyset slices (`slice` after each, with its row count; a step between slices). */
export async function eachShared(ctx: Ctx, x: string, y: string, row: (r: PairedItem) => void | Promise<void>, slice: (rows: number) => void): Promise<void> {
  let after = 0;
  for (;;) {
    const s = ctx.store.labelers.paired(x, y, after, ctx.sliceRows);
    for (const r of s.rows) await row(r);
    slice(s.rows.length);
    if (s.next === undefined) return;
    after = s.next;
    await ctx.step();
  }
}
