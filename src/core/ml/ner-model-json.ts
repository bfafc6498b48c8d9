/**
 * The NER perceptron's serialised form (./ner-perceptron.ts): writing and checking it, and the checks
 * the training options share with it.
 */
import { LabelingError } from '../errors';
import { fromBase64, toBase64 } from './model-json';

/** The serialised model: compact (only non-zero weights, as base64 typed arrays) and versioned. */
export interface NerModelJson {
  format: typeof FORMAT;
  version: typeof VERSION;
  /** Tag names by index; `O` first. */
  tags: string[];
  buckets: number;
  /** Sentences trained on and epochs, for the record. */
  trainedOn: number;
  epochs: number;
  /** Of the span confidences. */
  temperature: number;
  /** (tags + 1) x tags transition scores, the first row from the sentence start: base64 Float32. */
  transitions: string;
  /** Flat indices (row * tags + tag) of the non-zero weights, delta-coded, base64 Uint32; and their values, base64 Float32. */
  weights: { index: string; value: string };
}

const FORMAT = 'data-labeling/ner-perceptron';
const VERSION = 1;
export const TAG_RE = /^(O|[BI]-\S+)$/;

/** What a NER model is made of: what toJSON writes and fromJSON reads back. */
export interface NerModelParts {
  tags: readonly string[];
  buckets: number;
  transitions: Float32Array;
  weights: Float32Array;
  trainedOn: number;
  epochs: number;
  temperature: number;
}

export function nerModelToJson(m: NerModelParts): NerModelJson {
  const idx: number[] = [];
  const val: number[] = [];
  let prev = 0;
  for (let k = 0; k < m.weights.length; k++) {
    if (m.weights[k] === 0) continue;
    idx.push(k - prev);
    val.push(m.weights[k]!);
    prev = k;
  }
  return {
    format: FORMAT,
    version: VERSION,
    tags: [...m.tags],
    buckets: m.buckets,
    trainedOn: m.trainedOn,
    epochs: m.epochs,
    temperature: m.temperature,
    transitions: toBase64(m.transitions),
    weights: { index: toBase64(Uint32Array.from(idx)), value: toBase64(Float32Array.from(val)) },
  };
}

/** Checks what nerModelToJson wrote and reads it back; `file` names the source in error messages. */
export function nerModelFromJson(json: unknown, file?: string): NerModelParts {
  const bad = (field: string, message: string): LabelingError => new LabelingError('invalid-input', message, { file, field });
  if (!json || typeof json !== 'object') throw bad('format', 'expected a NER model object');
  const j = json as Partial<Record<keyof NerModelJson, unknown>>;
  if (j.format !== FORMAT) throw bad('format', `expected "${FORMAT}", found ${JSON.stringify(j.format)}`);
  if (j.version !== VERSION) throw bad('version', `this extension reads version ${VERSION}, found ${JSON.stringify(j.version)}`);
  const tags = j.tags;
  if (!Array.isArray(tags) || tags[0] !== 'O' || tags.some((t) => typeof t !== 'string' || !TAG_RE.test(t)) || new Set(tags).size !== tags.length) {
    throw bad('tags', 'expected distinct IOB2 tags, "O" first');
  }
  const buckets = j.buckets;
  if (!isPowerOfTwo(buckets)) throw bad('buckets', `expected a power of two, found ${JSON.stringify(buckets)}`);
  const T = tags.length;
  const transitions = new Float32Array(fromBase64(j.transitions, 'transitions', bad));
  if (transitions.length !== (T + 1) * T) throw bad('transitions', `expected ${(T + 1) * T} values, found ${transitions.length}`);
  const w = j.weights as { index?: unknown; value?: unknown } | undefined;
  if (!w || typeof w !== 'object') throw bad('weights', 'missing');
  const index = new Uint32Array(fromBase64(w.index, 'weights.index', bad));
  const value = new Float32Array(fromBase64(w.value, 'weights.value', bad));
  if (index.length !== value.length) throw bad('weights', `${index.length} indices but ${value.length} values`);
  const weights = new Float32Array(buckets * T);
  let k = 0;
  for (let i = 0; i < index.length; i++) {
    k += index[i]!;
    if (k >= weights.length) throw bad('weights.index', `index ${k} is beyond ${weights.length} weights`);
    weights[k] = value[i]!;
  }
  const trainedOn = typeof j.trainedOn === 'number' ? j.trainedOn : 0;
  const epochs = typeof j.epochs === 'number' ? j.epochs : 0;
  if (!isPositive(j.temperature)) throw bad('temperature', `expected a number > 0, found ${JSON.stringify(j.temperature)}`);
  return { tags: tags as string[], buckets, transitions, weights, trainedOn, epochs, temperature: j.temperature };
}

export function isPositive(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x) && x > 0;
}

export function isPowerOfTwo(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 2 && x <= 2 ** 26 && (x & (x - 1)) === 0;
}
