/**
 * Sparse rows in compressed sparse row (CSR) form over typed arrays: row r holds the entries
 * `indices[indptr[r] .. indptr[r + 1])` with their `values`. Pure TypeScript, no dependency.
 */

export interface CsrMatrix {
  /** Number of rows. */
  readonly rows: number;
  /** Number of columns: every index is in 0..cols-1. */
  readonly cols: number;
  /** rows + 1 offsets into indices/values, indptr[0] = 0, indptr[rows] = nnz. */
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

/** Builds a CSR matrix row by row; the arrays grow by doubling and are trimmed by `finish`. */
export class CsrBuilder {
  private indptr: Int32Array;
  private indices: Int32Array;
  private values: Float32Array;
  private rows = 0;
  private nnz = 0;

  constructor(
    private readonly cols: number,
    expectedRows = 16,
    expectedNnz = 256,
  ) {
    this.indptr = new Int32Array(Math.max(1, expectedRows) + 1);
    this.indices = new Int32Array(Math.max(1, expectedNnz));
    this.values = new Float32Array(Math.max(1, expectedNnz));
  }

  /** Appends one entry to the row being built. */
  push(index: number, value: number): void {
    if (this.nnz === this.indices.length) {
      const indices = new Int32Array(this.indices.length * 2);
      indices.set(this.indices);
      this.indices = indices;
      const values = new Float32Array(this.values.length * 2);
      values.set(this.values);
      this.values = values;
    }
    this.indices[this.nnz] = index;
    this.values[this.nnz] = value;
    this.nnz++;
  }

  /** Closes the row being built (an empty row is fine). */
  endRow(): void {
    if (this.rows + 2 > this.indptr.length) {
      const indptr = new Int32Array(this.indptr.length * 2);
      indptr.set(this.indptr);
      this.indptr = indptr;
    }
    this.rows++;
    this.indptr[this.rows] = this.nnz;
  }

  finish(): CsrMatrix {
    return {
      rows: this.rows,
      cols: this.cols,
      indptr: this.indptr.slice(0, this.rows + 1),
      indices: this.indices.slice(0, this.nnz),
      values: this.values.slice(0, this.nnz),
    };
  }
}

/** The rows of `m` listed in `rows`, in that order (a train/validation split, a shuffle). */
export function selectRows(m: CsrMatrix, rows: ArrayLike<number>): CsrMatrix {
  let nnz = 0;
  for (let i = 0; i < rows.length; i++) nnz += m.indptr[rows[i] + 1] - m.indptr[rows[i]];
  const indptr = new Int32Array(rows.length + 1);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let at = 0;
  for (let i = 0; i < rows.length; i++) {
    const start = m.indptr[rows[i]];
    const end = m.indptr[rows[i] + 1];
    indices.set(m.indices.subarray(start, end), at);
    values.set(m.values.subarray(start, end), at);
    at += end - start;
    indptr[i + 1] = at;
  }
  return { rows: rows.length, cols: m.cols, indptr, indices, values };
}
