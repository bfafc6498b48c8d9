/**
 * Validated prelabels (issue 12 item 3): a stratified hold-out split of human-labeled items, precision at
 * every confidence threshold over the held-out predictions, the Wilson score interval, and the choice of
 * the lowest threshold whose precision is good enough by the interval's lower bound.
 *
 * Pure functions over plain arrays; nothing here reads files or knows about items beyond their labels.
 */
import { LabelingError } from '../errors';
import { seededRandom, shuffleInPlace } from '../random';

/** z for a two-sided 95% interval. */
export const Z95 = 1.959964;

// ---------------------------------------------------------------------------------------------------
// Stratified hold-out split

export interface SplitOptions {
  /** Share of each class held out, 0 < fraction < 1. Default 0.2. */
  fraction?: number;
  /**
   * Held-out items per class when the class has enough items: a class of m items holds out
   * max(round(m * fraction), minPerClass) items, but never all of them (at least one stays for
   * training; a class of one item is not held out). Default 1.
   */
  minPerClass?: number;
  /** Default 0. The same items, labels and seed always give the same split. */
  seed?: number;
}

export interface Split {
  /** Indices into the input, ascending. */
  train: number[];
  holdout: number[];
}

/** The stratum of an item with no label at all (multi-label items may have none). */
const NO_LABEL = '\u0000none';

/**
 * Splits human-labeled items into training and held-out sets, class by class.
 *
 * `labelsOf` returns an item's label (single-label) or its labels (multi-label). Multi-label items are
 * stratified on their RAREST label (the one fewest items carry over the whole input, ties by name), not
 * on the label set: label sets fragment into many strata of one or two items that cannot be split in
 * proportion, while the rarest label guarantees that rare labels reach the hold-out set (frequent labels
 * come along anyway, since they co-occur). Items without any label form their own stratum.
 */
export function stratifiedSplit<T>(items: readonly T[], labelsOf: (item: T) => string | readonly string[], opts: SplitOptions = {}): Split {
  const fraction = opts.fraction ?? 0.2;
  const minPerClass = opts.minPerClass ?? 1;
  if (!(fraction > 0 && fraction < 1)) throw new LabelingError('invalid-input', `must be between 0 and 1 (exclusive), got ${fraction}`, { field: 'fraction' });
  if (!Number.isInteger(minPerClass) || minPerClass < 0) throw new LabelingError('invalid-input', `must be a whole number >= 0, got ${minPerClass}`, { field: 'minPerClass' });
  const labelSets = items.map((it, i) => {
    const l = labelsOf(it);
    const set = typeof l === 'string' ? [l] : [...l];
    for (const s of set) if (typeof s !== 'string') throw new LabelingError('invalid-input', 'a label must be a string', { field: `items[${i}].labels` });
    return set;
  });
  const freq = new Map<string, number>();
  for (const set of labelSets) for (const l of new Set(set)) freq.set(l, (freq.get(l) ?? 0) + 1);
  const strata = new Map<string, number[]>();
  labelSets.forEach((set, i) => {
    let key = NO_LABEL;
    let best = Infinity;
    for (const l of set) {
      const f = freq.get(l)!;
      if (f < best || (f === best && l < key)) {
        best = f;
        key = l;
      }
    }
    let s = strata.get(key);
    if (!s) strata.set(key, (s = []));
    s.push(i);
  });
  const random = seededRandom(opts.seed ?? 0);
  const holdout: number[] = [];
  for (const key of [...strata.keys()].sort()) {
    const members = strata.get(key)!;
    const m = members.length;
    const k = Math.min(Math.max(Math.round(m * fraction), minPerClass), m - 1);
    if (k <= 0) continue;
    shuffleInPlace(members, random);
    for (let j = 0; j < k; j++) holdout.push(members[j]!);
  }
  holdout.sort((a, b) => a - b);
  const held = new Uint8Array(items.length);
  for (const i of holdout) held[i] = 1;
  const train: number[] = [];
  for (let i = 0; i < items.length; i++) if (!held[i]) train.push(i);
  return { train, holdout };
}

// ---------------------------------------------------------------------------------------------------
// Wilson interval, precision by threshold, threshold choice

export interface Interval {
  lower: number;
  upper: number;
}

/**
 * Wilson score interval of `successes` out of `n` (default 95%). n = 0 gives [0, 1].
 */
export function wilson(successes: number, n: number, z = Z95): Interval {
  if (!(n >= 0) || !(successes >= 0) || successes > n) throw new LabelingError('invalid-input', `need 0 <= successes <= n, got ${successes} of ${n}`, { field: 'successes' });
  if (n === 0) return { lower: 0, upper: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return {
    lower: successes === 0 ? 0 : Math.max(0, centre - half),
    upper: successes === n ? 1 : Math.min(1, centre + half),
  };
}

/** One held-out prediction: the model's confidence in its top answer and whether that answer was right. */
export interface HeldOutPrediction {
  confidence: number;
  correct: boolean;
}

/** Precision of the predictions whose confidence is at or above `threshold`. */
export interface ThresholdPoint extends Interval {
  threshold: number;
  /** Held-out predictions with confidence >= threshold. */
  items: number;
  correct: number;
  precision: number;
}

/**
 * Precision at every distinct confidence, highest threshold first: one sort, then one pass. Predictions
 * with equal confidence enter together (a threshold keeps everything at or above it).
 */
export function precisionCurve(predictions: readonly HeldOutPrediction[], z = Z95): ThresholdPoint[] {
  const n = predictions.length;
  const conf = new Float64Array(n);
  predictions.forEach((p, i) => {
    if (typeof p?.confidence !== 'number' || !Number.isFinite(p.confidence)) {
      throw new LabelingError('invalid-input', `must be a finite number, got ${String(p?.confidence)}`, { field: `predictions[${i}].confidence` });
    }
    if (typeof p.correct !== 'boolean') throw new LabelingError('invalid-input', 'must be true or false', { field: `predictions[${i}].correct` });
    conf[i] = p.confidence;
  });
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => conf[b]! - conf[a]!);
  const out: ThresholdPoint[] = [];
  let correct = 0;
  for (let k = 0; k < n; ) {
    const t = conf[order[k]!]!;
    while (k < n && conf[order[k]!] === t) {
      if (predictions[order[k]!]!.correct) correct++;
      k++;
    }
    out.push({ threshold: t, items: k, correct, precision: correct / k, ...wilson(correct, k, z) });
  }
  return out;
}

export interface ThresholdOptions {
  /** Precision the Wilson lower bound must reach. Default 0.95. */
  target?: number;
  /** Held-out predictions at or above the threshold, at least. Default 30. */
  minItems?: number;
  /** Default Z95. */
  z?: number;
}

export type ThresholdChoice =
  | {
      ok: true;
      /** Prelabel items whose confidence is >= threshold. */
      threshold: number;
      point: ThresholdPoint;
      heldOut: number;
      target: number;
      minItems: number;
      /** "threshold 0.82, validated precision 0.97 on 120 items" */
      message: string;
    }
  | {
      ok: false;
      /**
       * The best figures there are: the threshold with the highest Wilson lower bound among those with
       * at least minItems predictions, or, when there are fewer predictions than that, all of them
       * (the lowest threshold). Undefined when there are no predictions.
       */
      best: ThresholdPoint | undefined;
      heldOut: number;
      target: number;
      minItems: number;
      /** "best: precision 0.91 on 40 items; more labels needed" */
      message: string;
    };

/**
 * The LOWEST threshold whose precision's Wilson lower bound is >= target with at least minItems held-out
 * predictions at or above it. Precision need not fall as the threshold falls, so every threshold is
 * checked, not only the first that fails. When none qualifies, prelabel nothing: the result says so
 * with the best figures.
 */
export function chooseThreshold(predictions: readonly HeldOutPrediction[], opts: ThresholdOptions = {}): ThresholdChoice {
  const target = opts.target ?? 0.95;
  const minItems = opts.minItems ?? 30;
  if (!(target > 0 && target <= 1)) throw new LabelingError('invalid-input', `must be in (0, 1], got ${target}`, { field: 'target' });
  if (!Number.isInteger(minItems) || minItems < 1) throw new LabelingError('invalid-input', `must be a whole number >= 1, got ${minItems}`, { field: 'minItems' });
  const curve = precisionCurve(predictions, opts.z ?? Z95);
  const heldOut = predictions.length;
  let chosen: ThresholdPoint | undefined;
  let best: ThresholdPoint | undefined;
  for (const p of curve) {
    if (p.items < minItems) continue;
    if (p.lower >= target) chosen = p; // the curve runs from high to low thresholds: the last one wins
    if (!best || p.lower > best.lower) best = p;
  }
  if (chosen) {
    return {
      ok: true,
      threshold: chosen.threshold,
      point: chosen,
      heldOut,
      target,
      minItems,
      message: `threshold ${fmt(chosen.threshold)}, validated precision ${fmt(chosen.precision)} on ${chosen.items} items`,
    };
  }
  best ??= curve[curve.length - 1];
  const message = best
    ? `best: precision ${fmt(best.precision)} on ${best.items} items; more labels needed`
    : 'no held-out predictions; more labels needed';
  return { ok: false, best, heldOut, target, minItems, message };
}

function fmt(x: number): string {
  return x.toFixed(2);
}
