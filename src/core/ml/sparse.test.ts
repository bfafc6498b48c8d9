import { strict as assert } from 'node:assert';
import { CsrBuilder, selectRows } from './sparse';

describe('sparse rows', () => {
  it('builds CSR rows past its first capacity, empty rows included', () => {
    const b = new CsrBuilder(100, 1, 1);
    for (let r = 0; r < 50; r++) {
      for (let j = 0; j < r % 4; j++) b.push(r + j, r + j / 10);
      b.endRow();
    }
    const m = b.finish();
    assert.equal(m.rows, 50);
    assert.equal(m.indptr.length, 51);
    assert.equal(m.indptr[50], m.indices.length);
    assert.deepEqual([...m.indices.subarray(m.indptr[3], m.indptr[4])], [3, 4, 5]);
    assert.deepEqual([...m.values.subarray(m.indptr[3], m.indptr[4])], [3, 3.1, 3.2].map(Math.fround));
    assert.equal(m.indptr[4], m.indptr[5]); // row 4 is empty
  });

  it('selects rows in the order asked', () => {
    const b = new CsrBuilder(10);
    b.push(1, 1);
    b.endRow();
    b.endRow();
    b.push(2, 2);
    b.push(3, 3);
    b.endRow();
    const s = selectRows(b.finish(), [2, 0, 2, 1]);
    assert.deepEqual([...s.indptr], [0, 2, 3, 5, 5]);
    assert.deepEqual([...s.indices], [2, 3, 1, 2, 3]);
    assert.deepEqual([...s.values], [2, 3, 1, 2, 3]);
  });
});
