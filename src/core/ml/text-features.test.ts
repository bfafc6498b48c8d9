import { strict as assert } from 'node:assert';
import { LabelingError } from '../errors';
import { fitTextVectorizer, hashString, tokenize } from './text-features';

describe('text features', () => {
  it('tokenizes lower-cased runs of two or more word characters, as scikit-learn does', () => {
    assert.deepEqual(tokenize("I LOVED it, didn't I? 10/10 — café_au_lait naïve"), ['loved', 'it', 'didn', '10', '10', 'café_au_lait', 'naïve']);
  });

  it('hashes strings with a fixed function (saved models depend on it)', () => {
    // FNV-1a over code points ("a" is FNV-1a's published 0xe40c292c), then murmur3's finaliser;
    // the values were computed by an independent Python implementation.
    assert.deepEqual(
      ['', 'a', 'good', 'not good', 'ünïcode', '😀x'].map(hashString),
      [0xab3e7c0b, 0x1a80b1b3, 0xdc71d363, 0xd0487903, 0xc86cd89a, 0xd77667bb],
    );
  });

  it('weighs terms by sublinear tf times smooth idf, l2-normalised, over unigrams and ordered word pairs', async () => {
    const texts = ['good good movie', 'bad movie', 'good plot'];
    const { vectorizer, matrix } = await fitTextVectorizer(texts);
    // Columns: good, movie, bad, plot, "good good", "good movie", "bad movie", "good plot".
    assert.equal(matrix.cols, 8);
    assert.equal(matrix.rows, 3);
    const idf = (df: number) => Math.log(4 / (1 + df)) + 1;
    const row0 = rowOf(matrix, 0);
    const raw = [(1 + Math.log(2)) * idf(2), idf(2), idf(1), idf(1)]; // good (tf 2), movie, good good, good movie
    const norm = Math.hypot(...raw);
    const expected = raw.map((w) => w / norm).sort();
    [...row0.values].sort().forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-6, `${v} is ${expected[i]}`));
    for (let r = 0; r < 3; r++) {
      const { values } = rowOf(matrix, r);
      assert.ok(Math.abs(Math.hypot(...values) - 1) < 1e-6, `row ${r} has unit length`);
    }
    // A training text transformed again gives its training row exactly; columns ascend.
    const again = vectorizer.transform(texts[0]);
    assert.deepEqual([...again.indices.subarray(0, again.size)], [...row0.indices]);
    assert.deepEqual([...again.values.subarray(0, again.size)], [...row0.values]);
    assert.deepEqual([...row0.indices], [...row0.indices].sort((a, b) => a - b));
    // Words and pairs never seen in training are left out; "movie good" is not "good movie".
    const unseen = vectorizer.transform('movie good zebra');
    assert.equal(unseen.size, 2);
    const onlyGood = vectorizer.transform('good');
    assert.equal(onlyGood.size, 1);
    assert.equal(onlyGood.values[0], 1);
    assert.equal(vectorizer.transform('').size, 0);
  });

  it('leaves word pairs out when bigrams is false', async () => {
    const { matrix } = await fitTextVectorizer(['good good movie', 'bad movie'], { bigrams: false });
    assert.equal(matrix.cols, 3);
  });

  it('rejects a hash size out of range, naming the option', async () => {
    await assert.rejects(fitTextVectorizer(['a b'], { hashBits: 40 }), (e: unknown) => {
      assert.ok(e instanceof LabelingError);
      assert.equal(e.reason, 'invalid-input');
      assert.match(e.message, /^hashBits: must be an integer from 10 to 22, got 40$/);
      return true;
    });
  });
});

function rowOf(m: { indptr: Int32Array; indices: Int32Array; values: Float32Array }, r: number) {
  return { indices: m.indices.subarray(m.indptr[r], m.indptr[r + 1]), values: m.values.subarray(m.indptr[r], m.indptr[r + 1]) };
}
