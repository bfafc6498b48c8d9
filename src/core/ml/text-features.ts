/**
 * Text features for the built-in text classifier (issue 12, item 2): hashed word unigrams and word
 * pairs, weighted by TF-IDF with sublinear tf (1 + ln tf) and an idf fitted on the training texts,
 * each row l2-normalised. The same recipe as scikit-learn's
 * `TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)` (smooth idf, lower case, words of two or
 * more word characters), except that terms are hashed into 2^hashBits slots instead of kept in a
 * vocabulary. Deterministic: a fixed string hash written here, columns in hash order.
 */
import { LabelingError, throwIfAborted } from '../errors';
import { checkpoint, type WorkHooks } from './logreg';
import { CsrBuilder, type CsrMatrix } from './sparse';

export interface TextFeatureOptions {
  /** Terms are hashed into 2^hashBits slots (default 18, 10..22). */
  hashBits?: number;
  /** Adds word pairs (bigrams) to the single words (default true). */
  bigrams?: boolean;
}

export const DEFAULT_HASH_BITS = 18;
export const MIN_HASH_BITS = 10;
export const MAX_HASH_BITS = 22;

/** Validated feature options with their defaults filled in. */
export interface TextFeatureSettings {
  hashBits: number;
  bigrams: boolean;
}

export function featureSettings(opts: TextFeatureOptions = {}, field = 'hashBits'): TextFeatureSettings {
  const hashBits = opts.hashBits ?? DEFAULT_HASH_BITS;
  if (!Number.isInteger(hashBits) || hashBits < MIN_HASH_BITS || hashBits > MAX_HASH_BITS) {
    throw new LabelingError('invalid-input', `must be an integer from ${MIN_HASH_BITS} to ${MAX_HASH_BITS}, got ${String(hashBits)}`, { field });
  }
  return { hashBits, bigrams: opts.bigrams ?? true };
}

// --- hashing ---------------------------------------------------------------------------------------

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** murmur3's 32-bit finaliser: spreads FNV's weak low bits over the whole word. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over the string's code points, finalised by fmix32: an unsigned 32-bit hash. */
export function hashString(s: string): number {
  let h = FNV_OFFSET;
  for (const ch of s) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, FNV_PRIME);
  }
  return fmix32(h);
}

/** The hash of a word pair from its words' hashes (order matters: "not good" is not "good not"). */
function pairHash(first: number, second: number): number {
  return fmix32(((first << 15) | (first >>> 17)) ^ Math.imul(second, 0xcc9e2d51) ^ 0x1b873593);
}

// --- tokens ----------------------------------------------------------------------------------------

const ASCII_WORD = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  ASCII_WORD[c] = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 ? 1 : 0;
}
const UNICODE_WORD = /^[\p{L}\p{N}\p{M}_]$/u;

function isWordChar(cp: number, ch: string): boolean {
  return cp < 128 ? ASCII_WORD[cp] === 1 : UNICODE_WORD.test(ch);
}

/**
 * Calls `onToken(hash)` for each word of the text, in order: runs of two or more word characters
 * (letters, digits, marks, underscore) of the lower-cased text. Returns nothing; allocates nothing
 * per word.
 */
function scanWords(text: string, onToken: (hash: number) => void): void {
  const lower = text.toLowerCase();
  let h = FNV_OFFSET;
  let len = 0;
  for (const ch of lower) {
    const cp = ch.codePointAt(0)!;
    if (isWordChar(cp, ch)) {
      h ^= cp;
      h = Math.imul(h, FNV_PRIME);
      len++;
    } else {
      if (len >= 2) onToken(fmix32(h));
      h = FNV_OFFSET;
      len = 0;
    }
  }
  if (len >= 2) onToken(fmix32(h));
}

/** The words the features are made of (lower case, two or more word characters), for inspection. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}\p{M}_]{2,}/gu) ?? [];
}

/**
 * The hashed terms of one text with their counts, sorted by slot. Reuses its buffers: read `slots`
 * and `counts` up to `size` before the next call.
 */
export class TermCounter {
  slots = new Int32Array(64);
  counts = new Int32Array(64);
  size = 0;
  private raw = new Int32Array(64);
  private rawSize = 0;
  private readonly mask: number;

  constructor(private readonly settings: TextFeatureSettings) {
    this.mask = (1 << settings.hashBits) - 1;
  }

  count(text: string): void {
    this.rawSize = 0;
    let prev = -1;
    const mask = this.mask;
    const bigrams = this.settings.bigrams;
    scanWords(text, (h) => {
      this.add(h & mask);
      if (bigrams && prev !== -1) this.add(pairHash(prev, h) & mask);
      prev = h;
    });
    const raw = this.raw.subarray(0, this.rawSize).sort();
    if (this.slots.length < raw.length) {
      this.slots = new Int32Array(this.raw.length);
      this.counts = new Int32Array(this.raw.length);
    }
    let size = 0;
    for (let i = 0; i < raw.length; i++) {
      if (size > 0 && this.slots[size - 1] === raw[i]) this.counts[size - 1]++;
      else {
        this.slots[size] = raw[i];
        this.counts[size] = 1;
        size++;
      }
    }
    this.size = size;
  }

  private add(slot: number): void {
    if (this.rawSize === this.raw.length) {
      const raw = new Int32Array(this.raw.length * 2);
      raw.set(this.raw);
      this.raw = raw;
    }
    this.raw[this.rawSize++] = slot;
  }
}

// --- the fitted vectorizer -------------------------------------------------------------------------

/** What a fitted vectorizer is made of (and what a saved model stores). */
export interface TextVectorizerParts {
  settings: TextFeatureSettings;
  /** The hash slots seen in training, ascending; column c of the features is slot slots[c]. */
  slots: Int32Array;
  /** The idf of each column. */
  idf: Float32Array;
}

/**
 * Turns a text into its TF-IDF row over the columns seen in training; slots never seen in training
 * are left out (as a vocabulary would leave out unknown words).
 */
export class TextVectorizer {
  readonly settings: TextFeatureSettings;
  readonly slots: Int32Array;
  readonly idf: Float32Array;
  /** Slot -> column, -1 for a slot not seen in training. */
  private readonly columnOf: Int32Array;
  private readonly counter: TermCounter;
  private values = new Float32Array(64);

  constructor(parts: TextVectorizerParts) {
    this.settings = parts.settings;
    this.slots = parts.slots;
    this.idf = parts.idf;
    this.columnOf = new Int32Array(1 << parts.settings.hashBits).fill(-1);
    for (let c = 0; c < parts.slots.length; c++) this.columnOf[parts.slots[c]] = c;
    this.counter = new TermCounter(parts.settings);
  }

  /** Number of columns. */
  get columns(): number {
    return this.slots.length;
  }

  /**
   * The row of one text: `size` entries of `indices` (ascending columns) and `values`, in buffers
   * reused by the next call (copy what you keep).
   */
  transform(text: string): { indices: Int32Array; values: Float32Array; size: number } {
    const counter = this.counter;
    counter.count(text);
    let size = 0;
    for (let i = 0; i < counter.size; i++) {
      const column = this.columnOf[counter.slots[i]];
      if (column === -1) continue;
      // Compacted in place: `size` never passes `i`.
      counter.slots[size] = column;
      counter.counts[size] = counter.counts[i];
      size++;
    }
    if (this.values.length < size) this.values = new Float32Array(counter.slots.length);
    weighRow(counter.slots, counter.counts, size, this.idf, this.values);
    return { indices: counter.slots, values: this.values, size };
  }

  parts(): TextVectorizerParts {
    return { settings: { ...this.settings }, slots: this.slots, idf: this.idf };
  }
}

/**
 * out[i] = (1 + ln counts[i]) * idf, l2-normalised over the row (float64 sums, float32 results);
 * `out` may be `counts` itself.
 */
function weighRow(columns: Int32Array, counts: ArrayLike<number>, size: number, idf: Float32Array, out: Float32Array): void {
  let norm = 0;
  for (let i = 0; i < size; i++) {
    const w = (1 + Math.log(counts[i])) * idf[columns[i]];
    out[i] = w;
    norm += w * w;
  }
  if (norm === 0) return;
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < size; i++) out[i] = out[i] * scale;
}

/** How many texts are featurised between two looks at the signal (and a turn of the event loop). */
const TEXTS_PER_SLICE = 2048;

/**
 * Fits the idf on `texts` and returns the vectorizer with the texts' TF-IDF rows. Async only to give
 * the event loop a turn between slices of texts, so an abort can arrive; throws the cancelled
 * LabelingError once `signal` is aborted.
 */
export async function fitTextVectorizer(
  texts: readonly string[],
  opts: TextFeatureOptions = {},
  hooks: WorkHooks = {},
): Promise<{ vectorizer: TextVectorizer; matrix: CsrMatrix }> {
  const settings = featureSettings(opts);
  const n = texts.length;
  const counter = new TermCounter(settings);
  // Counts are stored as values first (small integers, exact in float32), weighted later in place.
  const raw = new CsrBuilder(1 << settings.hashBits, n, n * 32);
  const df = new Int32Array(1 << settings.hashBits);
  for (let r = 0; r < n; r++) {
    if (r % TEXTS_PER_SLICE === 0 && r > 0) {
      await checkpoint(hooks, r / n, `features: ${r} of ${n} texts`);
    }
    counter.count(texts[r]);
    for (let i = 0; i < counter.size; i++) {
      raw.push(counter.slots[i], counter.counts[i]);
      df[counter.slots[i]]++;
    }
    raw.endRow();
  }
  throwIfAborted(hooks.signal);

  let columns = 0;
  for (let s = 0; s < df.length; s++) if (df[s] > 0) columns++;
  const slots = new Int32Array(columns);
  const idf = new Float32Array(columns);
  const columnOf = new Int32Array(df.length);
  for (let s = 0, c = 0; s < df.length; s++) {
    if (df[s] === 0) continue;
    slots[c] = s;
    idf[c] = Math.log((1 + n) / (1 + df[s])) + 1;
    columnOf[s] = c++;
  }

  // Slots -> columns keeps each row ascending; the counts become TF-IDF weights in place.
  const m = raw.finish();
  for (let j = 0; j < m.indices.length; j++) m.indices[j] = columnOf[m.indices[j]];
  for (let r = 0; r < n; r++) {
    const start = m.indptr[r];
    const end = m.indptr[r + 1];
    const values = m.values.subarray(start, end);
    weighRow(m.indices.subarray(start, end), values, end - start, idf, values);
  }
  const matrix: CsrMatrix = { rows: n, cols: columns, indptr: m.indptr, indices: m.indices, values: m.values };
  return { vectorizer: new TextVectorizer({ settings, slots, idf }), matrix };
}
