/**
 * Rows encoded for binding: per cell its kind, its number (or its text's byte offset) and its text's
 * byte length, the texts' UTF-8 bytes in one buffer. RawInsert (raw-insert.ts) binds such rows in place;
 * a worker thread encodes rows the same way and transfers the buffers (scan-stream.ts), so the main
 * thread binds them without decoding or copying a string.
 */

/** What a row may hold. */
export type Cell = string | number | null;

/** Cell kinds. */
export const NULL = 0;
export const INT = 1;
export const DOUBLE = 2;
export const TEXT = 3;

/** A chunk of encoded rows; its buffers may be transferred between threads. */
export interface EncodedRows {
  rows: number;
  width: number;
  kinds: Uint8Array;
  nums: Float64Array;
  lens: Int32Array;
  /** UTF-8 text bytes; text cell c is bytes[nums[c], nums[c] + lens[c]). */
  bytes: Uint8Array;
}

export class RowEncoder {
  rows = 0;
  kinds: Uint8Array;
  nums: Float64Array;
  lens: Int32Array;
  /** Not from Buffer's shared pool: its ArrayBuffer may be transferred. */
  bytes: Buffer;
  used = 0;

  constructor(
    readonly width: number,
    private readonly capRows: number,
    bytes = 1 << 16,
  ) {
    const cells = width * capRows;
    this.kinds = new Uint8Array(cells);
    this.nums = new Float64Array(cells);
    this.lens = new Int32Array(cells);
    this.bytes = Buffer.allocUnsafeSlow(bytes);
  }

  get full(): boolean {
    return this.rows >= this.capRows;
  }

  /** Appends one row of `width` values (the caller checks `full` first). */
  add(values: readonly Cell[]): void {
    let c = this.rows * this.width;
    for (let i = 0; i < values.length; i++, c++) {
      const v = values[i]!;
      if (typeof v === 'string') {
        if (this.bytes.length - this.used < v.length * 3) this.growBytes(this.used + v.length * 3);
        const n = this.bytes.write(v, this.used, 'utf8');
        this.kinds[c] = TEXT;
        this.nums[c] = this.used;
        this.lens[c] = n;
        this.used += n;
      } else if (v === null) this.kinds[c] = NULL;
      else {
        this.kinds[c] = v === (v | 0) ? INT : DOUBLE;
        this.nums[c] = v;
      }
    }
    this.rows++;
  }

  /** Empties the encoder (its buffers are reused). */
  clear(): void {
    this.rows = 0;
    this.used = 0;
  }

  /** The rows so far, in buffers of their own (the encoder starts empty with new ones). */
  take(): EncodedRows {
    const cells = this.rows * this.width;
    const out: EncodedRows = {
      rows: this.rows,
      width: this.width,
      kinds: this.kinds.slice(0, cells),
      nums: this.nums.slice(0, cells),
      lens: this.lens.slice(0, cells),
      bytes: new Uint8Array(this.bytes.buffer, this.bytes.byteOffset, this.used).slice(),
    };
    this.clear();
    return out;
  }

  private growBytes(min: number): void {
    let cap = this.bytes.length * 2;
    while (cap < min) cap *= 2;
    const b = Buffer.allocUnsafeSlow(cap);
    this.bytes.copy(b, 0, 0, this.used);
    this.bytes = b;
  }
}

/** The buffers of a chunk, to transfer it. */
export function transferList(e: EncodedRows): ArrayBuffer[] {
  return [e.kinds.buffer, e.nums.buffer, e.lens.buffer, e.bytes.buffer] as ArrayBuffer[];
}

/** Cell `col` of row `r`, decoded. */
export function cellOf(e: EncodedRows, r: number, col: number): Cell {
  const c = r * e.width + col;
  const k = e.kinds[c];
  if (k === NULL) return null;
  if (k !== TEXT) return e.nums[c]!;
  const start = e.nums[c]!;
  return Buffer.from(e.bytes.buffer, e.bytes.byteOffset + start, e.lens[c]!).toString('utf8');
}
