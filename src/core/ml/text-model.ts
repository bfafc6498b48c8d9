/**
 * The built-in text classification model (issue 12, item 2): hashed word and word-pair TF-IDF
 * (text-features.ts) with softmax logistic regression for multi-class and one-vs-rest sigmoids for
 * multi-label (logreg.ts). Training is deterministic; a model saves to a compact, versioned JSON
 * (typed arrays as little-endian base64) and loads back predicting exactly the same.
 */
import { LabelingError } from '../errors';
import { badField, classifierHeader, fromBase64, toBase64 } from './model-json';
import { DEFAULT_C, logRegSettings, predictRow, trainLogReg, type LogRegOptions, type LogRegWeights } from './logreg';
import { featureSettings, fitTextVectorizer, TextVectorizer, type TextFeatureOptions } from './text-features';

export type TextModelKind = 'multi-class' | 'multi-label';

export interface TextModelOptions extends TextFeatureOptions, LogRegOptions {}

export interface TextPrediction {
  /** The most probable label. */
  label: string;
  /** Its probability. */
  confidence: number;
  /** Every label's probability (multi-class: they sum to 1; multi-label: each on its own). */
  probs: Record<string, number>;
}

export interface MultiLabelPrediction {
  /** The labels whose probability reaches the threshold, most probable first. */
  labels: string[];
  probs: Record<string, number>;
}

export const TEXT_MODEL_FORMAT = 'data-labeling.text-model';
export const TEXT_MODEL_VERSION = 1;

/** What `toJSON` writes: small header fields and typed arrays as base64. */
export interface TextModelJson {
  format: typeof TEXT_MODEL_FORMAT;
  version: number;
  kind: TextModelKind;
  labels: string[];
  trainedOn: number;
  C: number;
  iterations: number;
  hashBits: number;
  bigrams: boolean;
  /** Int32Array: the hash slot of each column, ascending. */
  slots: string;
  /** Float32Array: each column's idf. */
  idf: string;
  /** Float32Array: columns x labels, `weights[column * labels + k]`. */
  weights: string;
  /** Float32Array: one intercept per label. */
  bias: string;
}

export class TextModel {
  private readonly probsBuffer: Float64Array;

  constructor(
    readonly kind: TextModelKind,
    readonly labels: readonly string[],
    private readonly vectorizer: TextVectorizer,
    private readonly weights: LogRegWeights,
    /** Training facts kept with the model. */
    readonly info: { trainedOn: number; C: number; iterations: number },
  ) {
    this.probsBuffer = new Float64Array(labels.length);
  }

  /** Each label's probability, in the order of `labels` (a new array). */
  probabilities(text: string): Float64Array {
    return Float64Array.from(this.scores(text));
  }

  /** The most probable label with its probability (for a multi-label model too). */
  predict(text: string): TextPrediction {
    const p = this.scores(text);
    let best = 0;
    for (let k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
    return { label: this.labels[best], confidence: p[best], probs: this.record(p) };
  }

  /** The labels whose probability is at least `threshold` (default 0.5), most probable first. */
  predictLabels(text: string, threshold = 0.5): MultiLabelPrediction {
    const p = this.scores(text);
    const order: number[] = [];
    for (let k = 0; k < p.length; k++) if (p[k] >= threshold) order.push(k);
    order.sort((a, b) => p[b] - p[a] || a - b);
    return { labels: order.map((k) => this.labels[k]), probs: this.record(p) };
  }

  toJSON(): TextModelJson {
    const { settings, slots, idf } = this.vectorizer.parts();
    return {
      format: TEXT_MODEL_FORMAT,
      version: TEXT_MODEL_VERSION,
      kind: this.kind,
      labels: [...this.labels],
      trainedOn: this.info.trainedOn,
      C: this.info.C,
      iterations: this.info.iterations,
      hashBits: settings.hashBits,
      bigrams: settings.bigrams,
      slots: toBase64(slots),
      idf: toBase64(idf),
      weights: toBase64(this.weights.weights),
      bias: toBase64(this.weights.bias),
    };
  }

  /** Loads what `toJSON` wrote; a bad field is a LabelingError naming it (and `file` when given). */
  static fromJSON(json: unknown, file?: string): TextModel {
    const bad = badField(file);
    const { o, kind, labels } = classifierHeader(json, 'text', TEXT_MODEL_FORMAT, TEXT_MODEL_VERSION, bad);
    if (typeof o.bigrams !== 'boolean') throw bad('bigrams', 'must be true or false');
    let settings;
    try {
      settings = featureSettings({ hashBits: o.hashBits as number, bigrams: o.bigrams });
    } catch (e) {
      throw e instanceof LabelingError ? bad('hashBits', e.message.replace(/^hashBits: /, '')) : e;
    }
    const slots = new Int32Array(fromBase64(o.slots, 'slots', bad));
    const idf = new Float32Array(fromBase64(o.idf, 'idf', bad));
    const weights = new Float32Array(fromBase64(o.weights, 'weights', bad));
    const bias = new Float32Array(fromBase64(o.bias, 'bias', bad));
    const k = labels.length;
    if (idf.length !== slots.length) throw bad('idf', `${idf.length} values for ${slots.length} slots`);
    if (weights.length !== slots.length * k) throw bad('weights', `${weights.length} values, expected ${slots.length} columns x ${k} labels`);
    if (bias.length !== k) throw bad('bias', `${bias.length} values for ${k} labels`);
    const size = 1 << settings.hashBits;
    for (let c = 0; c < slots.length; c++) {
      if (slots[c] < 0 || slots[c] >= size || (c > 0 && slots[c] <= slots[c - 1])) {
        throw bad('slots', `must be ascending slots below 2^${settings.hashBits}; column ${c} is ${slots[c]}`);
      }
    }
    const mode = kind === 'multi-class' ? 'softmax' : 'ovr';
    return new TextModel(
      kind,
      labels,
      new TextVectorizer({ settings, slots, idf }),
      { mode, classes: k, features: slots.length, weights, bias },
      { trainedOn: o.trainedOn as number, C: o.C as number, iterations: o.iterations as number },
    );
  }

  /** The probabilities into a buffer reused by the next call. */
  private scores(text: string): Float64Array {
    const row = this.vectorizer.transform(text);
    return predictRow(this.weights, row.indices, row.values, row.size, this.probsBuffer);
  }

  private record(p: Float64Array): Record<string, number> {
    const probs: Record<string, number> = {};
    for (let k = 0; k < p.length; k++) probs[this.labels[k]] = p[k];
    return probs;
  }
}

/**
 * Trains a multi-class model: one label per text. Needs at least two texts and two distinct labels.
 * Labels are ordered by code unit, so the model does not depend on the order they first appear in.
 */
export async function trainTextModel(
  texts: readonly string[],
  labels: readonly string[],
  opts: TextModelOptions = {},
): Promise<TextModel> {
  checkTexts(texts, labels);
  const names = new Set<string>();
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (typeof l !== 'string' || l === '') throw invalid(`labels[${i}]`, `must be a non-empty string, got ${JSON.stringify(l)}`);
    names.add(l);
  }
  if (names.size < 2) {
    throw invalid('labels', `every text has the label ${JSON.stringify([...names][0])}: a classifier needs at least two different labels`);
  }
  const classes = sortedLabels(names);
  const index = new Map(classes.map((l, k) => [l, k]));
  const targets = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) targets[i] = index.get(labels[i])!;
  return train('multi-class', texts, classes, targets, opts);
}

/**
 * Trains a multi-label model: a set of labels per text (an empty set is a text with none of them).
 * Needs at least two texts and one label somewhere.
 */
export async function trainMultiLabelTextModel(
  texts: readonly string[],
  labels: readonly (readonly string[])[],
  opts: TextModelOptions = {},
): Promise<TextModel> {
  checkTexts(texts, labels);
  const names = new Set<string>();
  for (let i = 0; i < labels.length; i++) {
    const set = labels[i];
    if (!Array.isArray(set)) throw invalid(`labels[${i}]`, `must be an array of label names, got ${JSON.stringify(set)}`);
    for (let j = 0; j < set.length; j++) {
      const l: unknown = set[j];
      if (typeof l !== 'string' || l === '') throw invalid(`labels[${i}][${j}]`, `must be a non-empty string, got ${JSON.stringify(l)}`);
      names.add(l);
    }
  }
  if (names.size === 0) throw invalid('labels', 'no text has a label: a classifier needs labeled examples');
  const classes = sortedLabels(names);
  const index = new Map(classes.map((l, k) => [l, k]));
  const k = classes.length;
  const targets = new Uint8Array(labels.length * k);
  for (let i = 0; i < labels.length; i++) for (const l of labels[i]) targets[i * k + index.get(l)!] = 1;
  return train('multi-label', texts, classes, targets, opts);
}

/** Share of the progress bar given to featurisation (the rest is training). */
const FEATURE_SHARE = 0.1;

async function train(
  kind: TextModelKind,
  texts: readonly string[],
  classes: string[],
  targets: Int32Array | Uint8Array,
  opts: TextModelOptions,
): Promise<TextModel> {
  // Options are checked before the (long) featurisation.
  featureSettings(opts);
  logRegSettings(opts);
  const progress = opts.onProgress;
  const { vectorizer, matrix } = await fitTextVectorizer(texts, opts, {
    signal: opts.signal,
    onProgress: progress && ((f, m) => progress(f * FEATURE_SHARE, m)),
  });
  const C = opts.C ?? DEFAULT_C;
  const result = await trainLogReg(matrix, kind === 'multi-class' ? 'softmax' : 'ovr', classes.length, targets, {
    ...opts,
    onProgress: progress && ((f, m) => progress(FEATURE_SHARE + f * (1 - FEATURE_SHARE), m)),
  });
  return new TextModel(kind, classes, vectorizer, result.model, { trainedOn: texts.length, C, iterations: result.iterations });
}

function checkTexts(texts: readonly string[], labels: readonly unknown[]): void {
  if (!Array.isArray(texts)) throw invalid('texts', 'must be an array of strings');
  if (!Array.isArray(labels)) throw invalid('labels', 'must be an array');
  if (texts.length !== labels.length) throw invalid('labels', `${labels.length} labels for ${texts.length} texts: give one per text`);
  if (texts.length === 0) throw invalid('texts', 'the training set is empty');
  if (texts.length < 2) throw invalid('texts', 'one text is not enough to train on');
  for (let i = 0; i < texts.length; i++) {
    if (typeof texts[i] !== 'string') throw invalid(`texts[${i}]`, `must be a string, got ${JSON.stringify(texts[i])}`);
  }
}

function invalid(field: string, message: string): LabelingError {
  return new LabelingError('invalid-input', message, { field });
}

function sortedLabels(names: Set<string>): string[] {
  return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

