import { strict as assert } from 'node:assert';
import { cursorFromRange, cursorRange, moveCursor } from './cursor';
import { tokenize } from './tokenize';

const text = 'We gave Jane Smith the ball.';
const tokens = tokenize(text);
const sel = (c: { anchor: number; focus: number }) => {
  const r = cursorRange(tokens, c);
  return text.slice(r.start, r.end);
};

describe('token cursor', () => {
  it('starts on the first token and moves by whole tokens', () => {
    let c = moveCursor(undefined, 'ArrowRight', false, tokens.length)!;
    assert.equal(sel(c), 'We');
    c = moveCursor(c, 'ArrowRight', false, tokens.length)!;
    c = moveCursor(c, 'ArrowRight', false, tokens.length)!;
    assert.equal(sel(c), 'Jane');
  });
  it('extends with Shift and collapses without it', () => {
    let c = { anchor: 2, focus: 2 };
    c = moveCursor(c, 'ArrowRight', true, tokens.length)!;
    assert.equal(sel(c), 'Jane Smith');
    c = moveCursor(c, 'ArrowLeft', true, tokens.length)!;
    c = moveCursor(c, 'ArrowLeft', true, tokens.length)!;
    assert.equal(sel(c), 'gave Jane', 'extends backwards past the anchor');
    assert.equal(sel(moveCursor(c, 'ArrowRight', false, tokens.length)!), 'Jane');
  });
  it('stops at both ends; Home and End jump', () => {
    assert.equal(sel(moveCursor({ anchor: 0, focus: 0 }, 'ArrowLeft', false, tokens.length)!), 'We');
    assert.equal(sel(moveCursor({ anchor: 0, focus: 0 }, 'End', false, tokens.length)!), '.');
    assert.equal(sel(moveCursor({ anchor: 6, focus: 6 }, 'Home', true, tokens.length)!), text);
    assert.equal(moveCursor(undefined, 'ArrowRight', false, 0), undefined);
  });
  it('maps a snapped mouse selection back to a cursor', () => {
    const c = cursorFromRange(tokens, 8, 18)!;
    assert.equal(sel(c), 'Jane Smith');
    assert.equal(cursorFromRange(tokens, 28, 28), undefined);
  });
});
