import { strict as assert } from 'node:assert';
import { snapToTokens, tokenize } from './tokenize';

const words = (t: string) => tokenize(t).map((k) => t.slice(k.start, k.end));

describe('tokenize', () => {
  it('splits punctuation off words (Label Studio CoNLL cases)', () => {
    assert.deepEqual(words('We gave Jane Smith the ball.'), ['We', 'gave', 'Jane', 'Smith', 'the', 'ball', '.']);
    assert.deepEqual(words('A meal with $3.99 bill'), ['A', 'meal', 'with', '$', '3.99', 'bill']);
    assert.deepEqual(words('A meal from Google/Facebook'), ['A', 'meal', 'from', 'Google', '/', 'Facebook']);
  });
  it('never makes a token of a newline', () => {
    assert.deepEqual(words('I need a break\nplease'), ['I', 'need', 'a', 'break', 'please']);
  });
  it('keeps internal apostrophes and hyphens, splits CJK per character', () => {
    assert.deepEqual(words("don't co-op 1,000"), ["don't", 'co-op', '1,000']);
    assert.deepEqual(words('東京都に行く abc'), ['東', '京', '都', 'に', '行', 'く', 'abc']);
    assert.deepEqual(words('x東y'), ['x', '東', 'y']);
  });
  it('offsets index the original string (astral characters included)', () => {
    const t = 'a 😀 b';
    for (const k of tokenize(t)) assert.notEqual(t.slice(k.start, k.end).trim(), '');
    assert.deepEqual(words(t), ['a', '😀', 'b']);
  });
});

describe('snapToTokens', () => {
  const text = 'We gave Jane Smith the ball.';
  const toks = tokenize(text);
  it('trims spaces and grows partial tokens', () => {
    assert.deepEqual(snapToTokens(toks, 7, 18), { start: 8, end: 18 }); // " Jane Smith"
    assert.deepEqual(snapToTokens(toks, 8, 19), { start: 8, end: 18 }); // "Jane Smith "
    assert.deepEqual(snapToTokens(toks, 9, 12), { start: 8, end: 12 }); // "ane" -> "Jane"
  });
  it('returns undefined for white space only or empty ranges', () => {
    assert.equal(snapToTokens(toks, 7, 8), undefined);
    assert.equal(snapToTokens(toks, 5, 5), undefined);
  });
});
