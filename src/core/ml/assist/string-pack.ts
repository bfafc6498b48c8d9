/**
 * Pairs of strings (a key and its text or file) packed for a worker thread: each column joined and
 * encoded as UTF-16 code units (exactly the strings, lone surrogates too) in chunks of CHUNK pairs, with
 * the lengths in one Int32Array, so posting moves the buffers (a transfer list) instead of cloning
 * 100k objects or copying millions of characters in one turn of the extension host. Used by the training
 * set (assist-worker.ts) and the queue order's items (queue-order.ts).
 */
import { LabelingError } from '../../errors';

/** Pairs a packer joins and encodes at a time (~0.2 ms a chunk). */
export const CHUNK = 1024;

/** A string's UTF-16 code units as bytes, in a buffer of its own (it is transferred). */
export function utf16Bytes(s: string): Uint8Array {
  const bytes = new Uint8Array(2 * s.length);
  if (s.length) Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).write(s, 'utf16le');
  return bytes;
}

/** The string of utf16Bytes' chunks, joined. */
export function utf16String(chunks: readonly Uint8Array[]): string {
  return chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString('utf16le')).join('');
}

/** Strings joined by `sep` and encoded chunk by chunk (flush() ends a chunk). */
export class Utf16Chunks {
  private parts: string[] = [];
  readonly chunks: Uint8Array[] = [];
  constructor(private readonly sep = '') {}

  push(s: string): void {
    this.parts.push(s);
  }

  flush(): void {
    if (!this.parts.length) return;
    this.chunks.push(utf16Bytes(this.parts.join(this.sep)));
    this.parts = [];
  }
}

export interface PackedPairs {
  count: number;
  first: Uint8Array[];
  second: Uint8Array[];
  /** The first strings' lengths, then the second ones': 2 x count entries. */
  lengths: Int32Array;
}

/** Packs pairs one by one as they are read; `flushed` runs whenever a chunk ends (a caller's own columns end theirs). */
export class PairPacker {
  private readonly first = new Utf16Chunks();
  private readonly second = new Utf16Chunks();
  private firstLengths = new Int32Array(CHUNK);
  private secondLengths = new Int32Array(CHUNK);
  /** Pairs added. */
  count = 0;
  constructor(private readonly flushed: () => void = () => undefined) {}

  add(a: string, b: string): void {
    if (this.count === this.firstLengths.length) {
      const grow = (x: Int32Array) => {
        const y = new Int32Array(2 * x.length);
        y.set(x);
        return y;
      };
      this.firstLengths = grow(this.firstLengths);
      this.secondLengths = grow(this.secondLengths);
    }
    this.firstLengths[this.count] = a.length;
    this.secondLengths[this.count] = b.length;
    this.count++;
    this.first.push(a);
    this.second.push(b);
    if (this.count % CHUNK === 0) this.flush();
  }

  finish(): PackedPairs {
    this.flush();
    const n = this.count;
    const lengths = new Int32Array(2 * n);
    lengths.set(this.firstLengths.subarray(0, n));
    lengths.set(this.secondLengths.subarray(0, n), n);
    return { count: n, first: this.first.chunks, second: this.second.chunks, lengths };
  }

  private flush(): void {
    this.first.flush();
    this.second.flush();
    this.flushed();
  }
}

type Bad = (field: string, message: string) => LabelingError;

/** Refuses a field of a posted object that is not a list of UTF-16 byte chunks (`packed.<field>`). */
export function checkUtf16Chunks(p: Record<string, unknown>, fields: readonly string[], bad: Bad): void {
  for (const f of fields) {
    const v = p[f];
    if (!Array.isArray(v) || !v.every((c) => c instanceof Uint8Array && c.byteLength % 2 === 0)) throw bad(`packed.${f}`, 'must be a list of UTF-16 byte chunks');
  }
}

/**
 * The n pairs of packed columns (their lengths checked against n by the caller), in order; lengths that
 * do not cover the columns exactly are refused, naming them (`names`).
 */
export function splitPairs(first: readonly Uint8Array[], second: readonly Uint8Array[], lengths: Int32Array, n: number, bad: Bad, names: readonly [string, string]): [string, string][] {
  const a = utf16String(first);
  const b = utf16String(second);
  const out: [string, string][] = new Array(n);
  let i1 = 0;
  let i2 = 0;
  for (let i = 0; i < n; i++) out[i] = [a.slice(i1, (i1 += lengths[i]!)), b.slice(i2, (i2 += lengths[n + i]!))];
  if (i1 !== a.length || i2 !== b.length) throw bad('packed.lengths', `the lengths do not cover the ${names[0]} and ${names[1]}`);
  return out;
}
