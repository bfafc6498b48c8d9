/**
 * NER model (issue 12 item 2): an averaged structured perceptron over IOB2 tags with Viterbi decoding.
 *
 * Features of token i (hashed, FNV-1a, into `buckets` rows of one weight per tag): a bias, the word, its
 * lower case, its shape (`Xxxx`, `dddd-dd-dd`: runs capped at 4) and short shape (`Xx`, `d-d-d`),
 * prefixes and suffixes of 1-3 characters, the lower-cased neighbours at -2..+2 and the neighbours'
 * short shapes at -1, +1, the pair (previous word, word); the previous tag through a transition matrix
 * (with a row for the sentence start). Decoding never produces `I-X` after anything but `B-X`/`I-X`.
 *
 * Training is deterministic: sentences are shuffled per epoch with a seeded generator, weights are
 * averaged over every step (lazy averaging: w - u / c). Span confidence is the span's marginal
 * probability under a CRF-like reading of the averaged scores (forward-backward over exp(score)): the
 * probability that exactly these tokens carry B-X I-X... and the next token does not continue it. It is
 * not calibrated (the perceptron was not trained for probabilities) but it ranks spans, which is what
 * the validated threshold of ./validation.ts needs. Scores are divided by a temperature (default 4)
 * first: at 1 most spans of the CoNLL sample scored 0.9999+ (ties at the top, thresholds printed as
 * "1.00"); at 4 the ranking is the same (AUC of right over wrong spans 0.91 either way) and few saturate.
 */
import { LabelingError, throwIfAborted } from '../errors';
import { tagsToTokenSpans, type TokenSpan } from './ner-bio';
import { seededRandom, shuffleInPlace } from '../random';
import { fromBase64, toBase64 } from './model-json';

export interface NerSentence {
  tokens: readonly string[];
  tags: readonly string[];
}

export interface TrainNerOptions {
  /** Passes over the data. Default 10. */
  epochs?: number;
  /** Seed of the per-epoch shuffle. Default 0. */
  seed?: number;
  /** Hashed feature rows, a power of two. Default 2^18. */
  buckets?: number;
  /** Checked before training and between epochs: an aborted signal throws LabelingError 'cancelled'. */
  signal?: AbortSignal;
  /** Called after each epoch with the share done (0..1]. */
  onProgress?: (fraction: number, message: string) => void;
  /** Scores are divided by this before span confidences are computed (see the header). Default 4. */
  temperature?: number;
}

export interface NerSpan extends TokenSpan {
  /** Marginal probability of the span, 0..1 (see the header). */
  confidence: number;
}

export interface NerPrediction {
  tags: string[];
  spans: NerSpan[];
}

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
const TAG_RE = /^(O|[BI]-\S+)$/;

// ---------------------------------------------------------------------------------------------------
// Features

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function shape(word: string, cap: number): string {
  let out = '';
  let last = '';
  let run = 0;
  for (const ch of word) {
    const c = /\p{Lu}/u.test(ch) ? 'X' : /\p{L}/u.test(ch) ? 'x' : /\p{N}/u.test(ch) ? 'd' : ch;
    run = c === last ? run + 1 : 1;
    last = c;
    if (run <= cap) out += c;
  }
  return out;
}

/** Hashed feature rows of every token of a sentence: ids[offsets[i]..offsets[i+1]) for token i. */
interface SentenceFeatures {
  ids: Uint32Array;
  offsets: Uint32Array;
}

function featurize(tokens: readonly string[], mask: number): SentenceFeatures {
  const n = tokens.length;
  const lower = tokens.map((t) => t.toLowerCase());
  const short = tokens.map((t) => shape(t, 1));
  const at = (a: string[], i: number): string => (i < 0 ? '<s>' : i >= n ? '</s>' : a[i]!);
  const ids: number[] = [];
  const offsets = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const w = tokens[i]!;
    const l = lower[i]!;
    const f = [
      'b',
      `w=${w}`,
      `l=${l}`,
      `s=${shape(w, 4)}`,
      `S=${short[i]}`,
      `p1=${l.slice(0, 1)}`,
      `p2=${l.slice(0, 2)}`,
      `p3=${l.slice(0, 3)}`,
      `x1=${l.slice(-1)}`,
      `x2=${l.slice(-2)}`,
      `x3=${l.slice(-3)}`,
      `l-1=${at(lower, i - 1)}`,
      `l+1=${at(lower, i + 1)}`,
      `l-2=${at(lower, i - 2)}`,
      `l+2=${at(lower, i + 2)}`,
      `S-1=${at(short, i - 1)}`,
      `S+1=${at(short, i + 1)}`,
      `l-1|l=${at(lower, i - 1)}|${l}`,
    ];
    for (const s of f) ids.push(fnv1a(s) & mask);
    offsets[i + 1] = ids.length;
  }
  return { ids: Uint32Array.from(ids), offsets };
}

// ---------------------------------------------------------------------------------------------------
// Scoring and decoding

/** May tag `t` follow tag `p` (p = -1: the sentence start)? `I-X` only continues `B-X` or `I-X`. */
function allowedTransitions(tags: readonly string[]): Uint8Array {
  const T = tags.length;
  const ok = new Uint8Array((T + 1) * T);
  for (let p = -1; p < T; p++) {
    for (let t = 0; t < T; t++) {
      const tag = tags[t]!;
      const prev = p < 0 ? 'O' : tags[p]!;
      ok[(p + 1) * T + t] = tag[0] !== 'I' || (prev !== 'O' && prev.slice(2) === tag.slice(2)) ? 1 : 0;
    }
  }
  return ok;
}

function emissions(f: SentenceFeatures, weights: Float32Array, T: number): Float64Array {
  const n = f.offsets.length - 1;
  const e = new Float64Array(n * T);
  for (let i = 0; i < n; i++) {
    for (let k = f.offsets[i]!; k < f.offsets[i + 1]!; k++) {
      const row = f.ids[k]! * T;
      for (let t = 0; t < T; t++) e[i * T + t] += weights[row + t]!;
    }
  }
  return e;
}

function viterbi(e: Float64Array, n: number, T: number, trans: Float32Array, ok: Uint8Array): Int32Array {
  const path = new Int32Array(n);
  if (!n) return path;
  const score = new Float64Array(n * T);
  const back = new Int32Array(n * T);
  for (let t = 0; t < T; t++) score[t] = ok[t] ? trans[t]! + e[t]! : -Infinity;
  for (let i = 1; i < n; i++) {
    for (let t = 0; t < T; t++) {
      let best = -Infinity;
      let arg = 0;
      for (let p = 0; p < T; p++) {
        const k = (p + 1) * T + t;
        if (!ok[k]) continue;
        const s = score[(i - 1) * T + p]! + trans[k]!;
        if (s > best) {
          best = s;
          arg = p;
        }
      }
      score[i * T + t] = best + e[i * T + t]!;
      back[i * T + t] = arg;
    }
  }
  let best = -Infinity;
  for (let t = 0; t < T; t++) {
    if (score[(n - 1) * T + t]! > best) {
      best = score[(n - 1) * T + t]!;
      path[n - 1] = t;
    }
  }
  for (let i = n - 1; i > 0; i--) path[i - 1] = back[i * T + path[i]!]!;
  return path;
}

function logSumExp(a: Float64Array | number[]): number {
  let m = -Infinity;
  for (const x of a) if (x > m) m = x;
  if (m === -Infinity) return m;
  let s = 0;
  for (const x of a) s += Math.exp(x - m);
  return m + Math.log(s);
}

/** Marginal probability of each span (exactly B-X I-X... over its tokens, not continued after). */
function spanConfidences(
  scores: Float64Array,
  n: number,
  T: number,
  trans: Float32Array,
  ok: Uint8Array,
  tags: readonly string[],
  spans: TokenSpan[],
  temperature: number,
): number[] {
  const e = scores.map((x) => x / temperature);
  const tr = (p: number, t: number): number => (ok[(p + 1) * T + t] ? trans[(p + 1) * T + t]! / temperature : -Infinity);
  const alpha = new Float64Array(n * T);
  const beta = new Float64Array(n * T); // beta[n-1][*] = 0
  const tmp = new Float64Array(T);
  for (let t = 0; t < T; t++) alpha[t] = tr(-1, t) + e[t]!;
  for (let i = 1; i < n; i++) {
    for (let t = 0; t < T; t++) {
      for (let p = 0; p < T; p++) tmp[p] = alpha[(i - 1) * T + p]! + tr(p, t);
      alpha[i * T + t] = logSumExp(tmp) + e[i * T + t]!;
    }
  }
  for (let i = n - 2; i >= 0; i--) {
    for (let t = 0; t < T; t++) {
      for (let u = 0; u < T; u++) tmp[u] = tr(t, u) + e[(i + 1) * T + u]! + beta[(i + 1) * T + u]!;
      beta[i * T + t] = logSumExp(tmp);
    }
  }
  const logZ = logSumExp(alpha.subarray((n - 1) * T));
  const index = new Map(tags.map((t, i) => [t, i]));
  return spans.map((s) => {
    const b = index.get(`B-${s.label}`)!;
    const it = index.get(`I-${s.label}`)!;
    let lp = alpha[s.start * T + b]!;
    let last = b;
    for (let k = s.start + 1; k < s.end; k++) {
      lp += tr(last, it) + e[k * T + it]!;
      last = it;
    }
    if (s.end < n) {
      const rest: number[] = [];
      for (let u = 0; u < T; u++) if (u !== it) rest.push(tr(last, u) + e[s.end * T + u]! + beta[s.end * T + u]!);
      lp += logSumExp(rest);
    }
    return Math.min(1, Math.exp(lp - logZ));
  });
}

// ---------------------------------------------------------------------------------------------------
// The model

export class NerModel {
  private readonly ok: Uint8Array;

  private constructor(
    /** Tag names by index, `O` first, then B-/I- of each label in name order. */
    readonly tags: readonly string[],
    private readonly buckets: number,
    private readonly transitions: Float32Array,
    private readonly weights: Float32Array,
    readonly trainedOn: number,
    readonly epochs: number,
    readonly temperature: number,
  ) {
    this.ok = allowedTransitions(tags);
  }

  /** @internal */
  static create(tags: readonly string[], buckets: number, transitions: Float32Array, weights: Float32Array, trainedOn: number, epochs: number, temperature: number): NerModel {
    return new NerModel(tags, buckets, transitions, weights, trainedOn, epochs, temperature);
  }

  /** Entity labels the model knows, in name order. */
  get labels(): string[] {
    return this.tags.filter((t) => t.startsWith('B-')).map((t) => t.slice(2));
  }

  predict(tokens: readonly string[]): NerPrediction {
    checkTokens(tokens, 'tokens');
    const n = tokens.length;
    if (!n) return { tags: [], spans: [] };
    const T = this.tags.length;
    const e = emissions(featurize(tokens, this.buckets - 1), this.weights, T);
    const path = viterbi(e, n, T, this.transitions, this.ok);
    const tags = Array.from(path, (t) => this.tags[t]!);
    const spans = tagsToTokenSpans(tags);
    const conf = spanConfidences(e, n, T, this.transitions, this.ok, this.tags, spans, this.temperature);
    return { tags, spans: spans.map((s, i) => ({ ...s, confidence: conf[i]! })) };
  }

  toJSON(): NerModelJson {
    const idx: number[] = [];
    const val: number[] = [];
    let prev = 0;
    for (let k = 0; k < this.weights.length; k++) {
      if (this.weights[k] === 0) continue;
      idx.push(k - prev);
      val.push(this.weights[k]!);
      prev = k;
    }
    return {
      format: FORMAT,
      version: VERSION,
      tags: [...this.tags],
      buckets: this.buckets,
      trainedOn: this.trainedOn,
      epochs: this.epochs,
      temperature: this.temperature,
      transitions: toBase64(this.transitions),
      weights: { index: toBase64(Uint32Array.from(idx)), value: toBase64(Float32Array.from(val)) },
    };
  }

  /** Reads what toJSON wrote; `file` names the source in error messages. */
  static fromJSON(json: unknown, file?: string): NerModel {
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
    return new NerModel(tags as string[], buckets, transitions, weights, trainedOn, epochs, j.temperature);
  }
}

function isPositive(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x) && x > 0;
}

function isPowerOfTwo(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 2 && x <= 2 ** 26 && (x & (x - 1)) === 0;
}

function checkTokens(tokens: readonly string[], field: string): void {
  if (!Array.isArray(tokens)) throw new LabelingError('invalid-input', 'expected an array of strings', { field });
  tokens.forEach((t, i) => {
    if (typeof t !== 'string' || !t) throw new LabelingError('invalid-input', 'expected a non-empty string', { field: `${field}[${i}]` });
  });
}

// ---------------------------------------------------------------------------------------------------
// Training

/**
 * Validates the sentences and returns their tags as IOB2: an `I-X` that does not continue an X span
 * (after `O`, another label or at the start) is read as `B-X`, as the CoNLL import reads it.
 */
function normalise(sentences: readonly NerSentence[]): string[][] {
  if (!Array.isArray(sentences) || !sentences.length) throw new LabelingError('invalid-input', 'no sentences to train on', { field: 'sentences' });
  return sentences.map((s, i) => {
    const where = `sentences[${i}]`;
    checkTokens(s?.tokens, `${where}.tokens`);
    const tags: readonly string[] = s.tags;
    if (!Array.isArray(tags)) throw new LabelingError('invalid-input', 'expected an array of tags', { field: `${where}.tags` });
    if (tags.length !== s.tokens.length) {
      throw new LabelingError('invalid-input', `${tags.length} tags for ${s.tokens.length} tokens`, { field: `${where}.tags` });
    }
    return tags.map((tag, k) => {
      if (typeof tag !== 'string' || !TAG_RE.test(tag)) {
        throw new LabelingError('invalid-input', `${JSON.stringify(tag)} is not an IOB2 tag (O, B-X, I-X)`, { field: `${where}.tags[${k}]` });
      }
      const prev = k ? tags[k - 1]! : 'O';
      return tag[0] === 'I' && (prev === 'O' || prev.slice(2) !== tag.slice(2)) ? `B-${tag.slice(2)}` : tag;
    });
  });
}

/**
 * Trains the model. Asynchronous only so that a cancel can arrive: it yields to the event loop between
 * epochs and checks `signal` there.
 */
export async function trainNer(sentences: readonly NerSentence[], opts: TrainNerOptions = {}): Promise<NerModel> {
  const epochs = opts.epochs ?? 10;
  const buckets = opts.buckets ?? 2 ** 18;
  if (!Number.isInteger(epochs) || epochs < 1) throw new LabelingError('invalid-input', `expected a whole number >= 1, got ${epochs}`, { field: 'epochs' });
  if (!isPowerOfTwo(buckets)) throw new LabelingError('invalid-input', `expected a power of two, got ${buckets}`, { field: 'buckets' });
  const temperature = opts.temperature ?? 4;
  if (!isPositive(temperature)) throw new LabelingError('invalid-input', `expected a number > 0, got ${temperature}`, { field: 'temperature' });
  throwIfAborted(opts.signal);
  const goldTags = normalise(sentences);
  const labels = [...new Set(goldTags.flat().filter((t) => t !== 'O').map((t) => t.slice(2)))].sort();
  const tags = ['O', ...labels.flatMap((l) => [`B-${l}`, `I-${l}`])];
  const T = tags.length;
  const tagIndex = new Map(tags.map((t, i) => [t, i]));
  const ok = allowedTransitions(tags);
  const mask = buckets - 1;
  const feats = sentences.map((s) => featurize(s.tokens, mask));
  const gold = goldTags.map((g) => Int32Array.from(g, (t) => tagIndex.get(t)!));

  const w = new Float32Array(buckets * T);
  const wu = new Float64Array(buckets * T);
  const tr = new Float32Array((T + 1) * T);
  const tu = new Float64Array((T + 1) * T);
  const order = Array.from({ length: sentences.length }, (_, i) => i);
  const random = seededRandom(opts.seed ?? 0);
  let c = 1;
  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffleInPlace(order, random);
    for (const s of order) {
      const f = feats[s]!;
      const g = gold[s]!;
      const n = g.length;
      if (n) {
        const p = viterbi(emissions(f, w, T), n, T, tr, ok);
        for (let i = 0; i < n; i++) {
          const gi = g[i]!;
          const pi = p[i]!;
          if (gi !== pi) {
            for (let k = f.offsets[i]!; k < f.offsets[i + 1]!; k++) {
              const row = f.ids[k]! * T;
              w[row + gi]! += 1;
              wu[row + gi]! += c;
              w[row + pi]! -= 1;
              wu[row + pi]! -= c;
            }
          }
          const gp = i ? g[i - 1]! + 1 : 0;
          const pp = i ? p[i - 1]! + 1 : 0;
          if (gp !== pp || gi !== pi) {
            tr[gp * T + gi]! += 1;
            tu[gp * T + gi]! += c;
            tr[pp * T + pi]! -= 1;
            tu[pp * T + pi]! -= c;
          }
        }
      }
      c++;
    }
    opts.onProgress?.((epoch + 1) / epochs, `NER training: epoch ${epoch + 1} of ${epochs}`);
    await new Promise<void>((resolve) => setImmediate(resolve));
    throwIfAborted(opts.signal);
  }
  const avg = (raw: Float32Array, acc: Float64Array): Float32Array => {
    const out = new Float32Array(raw.length);
    for (let k = 0; k < raw.length; k++) if (raw[k] || acc[k]) out[k] = raw[k]! - acc[k]! / c;
    return out;
  };
  return NerModel.create(tags, buckets, avg(tr, tu), avg(w, wu), sentences.length, epochs, temperature);
}

// ---------------------------------------------------------------------------------------------------
// Evaluation

export interface EntityScores {
  gold: number;
  predicted: number;
  correct: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Entity-level micro precision, recall and F1: a predicted span counts when start, end and label all match. */
export function entityScores(gold: readonly (readonly string[])[], predicted: readonly (readonly string[])[]): EntityScores {
  if (gold.length !== predicted.length) throw new LabelingError('invalid-input', `${predicted.length} predicted sentences for ${gold.length} gold ones`, { field: 'predicted' });
  let nGold = 0;
  let nPred = 0;
  let correct = 0;
  gold.forEach((g, i) => {
    const key = (s: TokenSpan): string => `${s.start}:${s.end}:${s.label}`;
    const gs = new Set(tagsToTokenSpans(g).map(key));
    const ps = tagsToTokenSpans(predicted[i]!).map(key);
    nGold += gs.size;
    nPred += ps.length;
    for (const p of ps) if (gs.has(p)) correct++;
  });
  const precision = nPred ? correct / nPred : 0;
  const recall = nGold ? correct / nGold : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { gold: nGold, predicted: nPred, correct, precision, recall, f1 };
}
