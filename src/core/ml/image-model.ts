/**
 * The built-in image classification model (issue 12, item 2): the image features of
 * image-features.ts (colour histogram, HOG, pHash bits, downsampled pixels) with the logistic
 * regression of logreg.ts, softmax for multi-class and one-vs-rest sigmoids for multi-label. The dense
 * feature vectors go to logreg as sparse rows of their non-zero entries. Training is deterministic; a
 * model saves to a versioned JSON (typed arrays as little-endian base64) and loads back predicting
 * exactly the same.
 */
import { LabelingError } from '../errors';
import { badField, classifierHeader, fromBase64, toBase64 } from './model-json';
import { checkImage, featureLayout, imageFeatures, imageFeatureSettings, type ImageFeatureOptions, type ImageFeatureSettings, type ImageInput } from './image-features';
import { checkpoint, DEFAULT_C, logRegSettings, predictRow, trainLogReg, type LogRegOptions, type LogRegWeights } from './logreg';
import { CsrBuilder, type CsrMatrix } from './sparse';

export type ImageModelKind = 'multi-class' | 'multi-label';

export interface ImageModelOptions extends ImageFeatureOptions, LogRegOptions {}

export interface ImagePrediction {
  label: string;
  confidence: number;
  probs: Record<string, number>;
}

export const IMAGE_MODEL_FORMAT = 'data-labeling.image-model';
export const IMAGE_MODEL_VERSION = 1;

export interface ImageModelJson {
  format: typeof IMAGE_MODEL_FORMAT;
  version: number;
  kind: ImageModelKind;
  labels: string[];
  trainedOn: number;
  C: number;
  iterations: number;
  size: number;
  cell: number;
  pixels: number;
  /** Float32Array: features x labels, `weights[feature * labels + k]`. */
  weights: string;
  /** Float32Array: one intercept per label. */
  bias: string;
}

/** Dense feature vectors as a CSR matrix of their non-zero entries. */
export function denseToCsr(rows: readonly Float32Array[], cols: number): CsrMatrix {
  const builder = new CsrBuilder(cols, rows.length, rows.length * cols);
  for (const row of rows) {
    for (let j = 0; j < cols; j++) if (row[j] !== 0) builder.push(j, row[j]);
    builder.endRow();
  }
  return builder.finish();
}

export class ImageModel {
  private readonly probsBuffer: Float64Array;
  private readonly columns: Int32Array;

  constructor(
    readonly kind: ImageModelKind,
    readonly labels: readonly string[],
    readonly settings: ImageFeatureSettings,
    private readonly weights: LogRegWeights,
    readonly info: { trainedOn: number; C: number; iterations: number },
  ) {
    this.probsBuffer = new Float64Array(labels.length);
    this.columns = Int32Array.from({ length: weights.features }, (_, i) => i);
  }

  /** Each label's probability for a feature vector from `imageFeatures` with this model's settings (a new array). */
  probabilitiesOf(features: Float32Array): Float64Array {
    if (features.length !== this.weights.features) {
      throw new LabelingError('invalid-input', `${features.length} features, the model takes ${this.weights.features}`, { field: 'features' });
    }
    return Float64Array.from(predictRow(this.weights, this.columns, features, features.length, this.probsBuffer));
  }

  probabilities(image: ImageInput): Float64Array {
    return this.probabilitiesOf(imageFeatures(image, this.settings).vector);
  }

  /** The most probable label with its probability (for a multi-label model too). */
  predict(image: ImageInput): ImagePrediction {
    const p = this.probabilities(image);
    let best = 0;
    for (let k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
    return { label: this.labels[best], confidence: p[best], probs: this.record(p) };
  }

  /** Multi-label: the labels whose probability is at least `threshold` (default 0.5), most probable first. */
  predictLabels(image: ImageInput, threshold = 0.5): { labels: string[]; probs: Record<string, number> } {
    const p = this.probabilities(image);
    const order: number[] = [];
    for (let k = 0; k < p.length; k++) if (p[k] >= threshold) order.push(k);
    order.sort((a, b) => p[b] - p[a] || a - b);
    return { labels: order.map((k) => this.labels[k]), probs: this.record(p) };
  }

  toJSON(): ImageModelJson {
    return {
      format: IMAGE_MODEL_FORMAT,
      version: IMAGE_MODEL_VERSION,
      kind: this.kind,
      labels: [...this.labels],
      ...this.info,
      ...this.settings,
      weights: toBase64(this.weights.weights),
      bias: toBase64(this.weights.bias),
    };
  }

  /** Loads what `toJSON` wrote; a bad field is a LabelingError naming it (and `file` when given). */
  static fromJSON(json: unknown, file?: string): ImageModel {
    const bad = badField(file);
    const { o, kind, labels } = classifierHeader(json, 'image', IMAGE_MODEL_FORMAT, IMAGE_MODEL_VERSION, bad);
    let settings: ImageFeatureSettings;
    try {
      settings = imageFeatureSettings({ size: o.size as number, cell: o.cell as number, pixels: o.pixels as number });
    } catch (e) {
      if (e instanceof LabelingError && e.where.field) throw bad(e.where.field, e.message.slice(e.where.field.length + 2));
      throw e;
    }
    const floats = (field: 'weights' | 'bias'): Float32Array => new Float32Array(fromBase64(o[field], field, bad));
    const weights = floats('weights');
    const bias = floats('bias');
    const k = labels.length;
    const features = featureLayout(settings).length;
    if (weights.length !== features * k) throw bad('weights', `${weights.length} values, expected ${features} features x ${k} labels`);
    if (bias.length !== k) throw bad('bias', `${bias.length} values for ${k} labels`);
    return new ImageModel(
      kind,
      labels,
      settings,
      { mode: kind === 'multi-class' ? 'softmax' : 'ovr', classes: k, features, weights, bias },
      { trainedOn: o.trainedOn as number, C: o.C as number, iterations: o.iterations as number },
    );
  }

  private record(p: Float64Array): Record<string, number> {
    const probs: Record<string, number> = {};
    for (let k = 0; k < p.length; k++) probs[this.labels[k]] = p[k];
    return probs;
  }
}

function invalid(field: string, message: string): LabelingError {
  return new LabelingError('invalid-input', message, { field });
}

function sortedLabels(names: Set<string>): string[] {
  return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function checkInputs(images: readonly ImageInput[], labels: readonly unknown[]): void {
  if (!Array.isArray(images)) throw invalid('images', 'must be an array of images');
  if (!Array.isArray(labels)) throw invalid('labels', 'must be an array');
  if (images.length !== labels.length) throw invalid('labels', `${labels.length} labels for ${images.length} images: give one per image`);
  if (images.length === 0) throw invalid('images', 'the training set is empty');
  if (images.length < 2) throw invalid('images', 'one image is not enough to train on');
  for (let i = 0; i < images.length; i++) checkImage(images[i], `images[${i}]`);
}

/** Trains a multi-class model: one label per image; at least two images and two distinct labels. Labels are ordered by code unit. */
export async function trainImageModel(images: readonly ImageInput[], labels: readonly string[], opts: ImageModelOptions = {}): Promise<ImageModel> {
  checkInputs(images, labels);
  const names = new Set<string>();
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (typeof l !== 'string' || l === '') throw invalid(`labels[${i}]`, `must be a non-empty string, got ${JSON.stringify(l)}`);
    names.add(l);
  }
  if (names.size < 2) throw invalid('labels', `every image has the label ${JSON.stringify([...names][0])}: a classifier needs at least two different labels`);
  const classes = sortedLabels(names);
  const index = new Map(classes.map((l, k) => [l, k]));
  const targets = Int32Array.from(labels, (l) => index.get(l)!);
  return train('multi-class', images, classes, targets, opts);
}

/** Trains a multi-label model: a set of labels per image (possibly empty); at least one label somewhere. */
export async function trainMultiLabelImageModel(
  images: readonly ImageInput[],
  labels: readonly (readonly string[])[],
  opts: ImageModelOptions = {},
): Promise<ImageModel> {
  checkInputs(images, labels);
  const names = new Set<string>();
  for (let i = 0; i < labels.length; i++) {
    const set = labels[i];
    if (!Array.isArray(set)) throw invalid(`labels[${i}]`, `must be an array of label names, got ${JSON.stringify(set)}`);
    set.forEach((l: unknown, j) => {
      if (typeof l !== 'string' || l === '') throw invalid(`labels[${i}][${j}]`, `must be a non-empty string, got ${JSON.stringify(l)}`);
      names.add(l);
    });
  }
  if (names.size === 0) throw invalid('labels', 'no image has a label: a classifier needs labeled examples');
  const classes = sortedLabels(names);
  const index = new Map(classes.map((l, k) => [l, k]));
  const k = classes.length;
  const targets = new Uint8Array(labels.length * k);
  for (let i = 0; i < labels.length; i++) for (const l of labels[i]) targets[i * k + index.get(l)!] = 1;
  return train('multi-label', images, classes, targets, opts);
}

/** Share of the progress bar given to featurisation (the rest is training). */
const FEATURE_SHARE = 0.3;

/** Feature vectors of many images, with cancel and progress every 64 images. */
export async function featurizeImages(
  images: readonly ImageInput[],
  settings: ImageFeatureSettings,
  hooks: LogRegOptions = {},
): Promise<Float32Array[]> {
  const rows: Float32Array[] = [];
  for (let i = 0; i < images.length; i++) {
    if (i % 64 === 0) await checkpoint(hooks, i / images.length, `features: ${i} of ${images.length} images`);
    rows.push(imageFeatures(images[i], settings, `images[${i}]`).vector);
  }
  return rows;
}

async function train(kind: ImageModelKind, images: readonly ImageInput[], classes: string[], targets: Int32Array | Uint8Array, opts: ImageModelOptions): Promise<ImageModel> {
  const settings = imageFeatureSettings(opts);
  logRegSettings(opts);
  const progress = opts.onProgress;
  const rows = await featurizeImages(images, settings, { signal: opts.signal, onProgress: progress && ((f, m) => progress(f * FEATURE_SHARE, m)) });
  const matrix = denseToCsr(rows, featureLayout(settings).length);
  const result = await trainLogReg(matrix, kind === 'multi-class' ? 'softmax' : 'ovr', classes.length, targets, {
    ...opts,
    onProgress: progress && ((f, m) => progress(FEATURE_SHARE + f * (1 - FEATURE_SHARE), m)),
  });
  return new ImageModel(kind, classes, settings, result.model, { trainedOn: images.length, C: opts.C ?? DEFAULT_C, iterations: result.iterations });
}
