import { strict as assert } from 'node:assert';
import { LabelingError } from '../errors';
import { badField, fromBase64 } from './model-json';

describe('model JSON: base64 arrays (model-json.ts)', () => {
  const bad = badField('.labeling/.cache/models/p/model-1.json');

  it('decodes base64 of 4-byte values into an aligned buffer', () => {
    const f = new Float32Array([1.5, -2, 3.25, 4]);
    const text = Buffer.from(f.buffer).toString('base64');
    assert.ok(text.endsWith('='), 'the case with padding');
    assert.deepEqual([...new Float32Array(fromBase64(text, 'w', bad))], [1.5, -2, 3.25, 4]);
    assert.equal(fromBase64('', 'w', bad).byteLength, 0);
  });

  it('refuses what is not base64, naming the file and field: a foreign character, a space, a misplaced or missing pad', () => {
    for (const v of ['!!', 'AAA!AAAA', 'AA AAAAA', 'AAAA=AAA', 'AQ==AAAA', 'AAAAAAA', 'AAAA\nAAAA', 7, null]) {
      assert.throws(
        () => fromBase64(v, 'weights', bad),
        (e: unknown) => e instanceof LabelingError && e.message === '.labeling/.cache/models/p/model-1.json: weights: must be a base64 string',
        JSON.stringify(v),
      );
    }
  });

  it('refuses bytes that are not whole 4-byte values', () => {
    assert.throws(() => fromBase64(Buffer.from([1, 2, 3]).toString('base64'), 'bias', bad), /bias: 3 bytes is not a whole number of 4-byte values/);
  });
});
