import { strict as assert } from 'node:assert';
import { heldWindow } from './labelerHeld';

/** webview/labeler/prefetch.ts BITMAPS: the first keys whose images the webview keeps as bitmaps. */
const BITMAPS = 3;

const queue = (keys: string[]) => (limit: number) => keys.slice(0, limit);

describe('heldWindow', () => {
  it('puts the item Back shows among the first keys, whose images the webview keeps as bitmaps', () => {
    const history = ['h1', 'h2', 'h3', 'h4', 'h5'];
    // At the queue head: Back shows the newest own item.
    const head = heldWindow(queue(['cur', 'q1', 'q2', 'q3']), 'cur', history);
    assert.deepEqual(head.slice(0, BITMAPS), ['q1', 'h1', 'q2']);
    assert.deepEqual([...head].sort(), ['h1', 'h2', 'h3', 'q1', 'q2', 'q3']);
    // After one Back (h1 on screen): Back shows h2 next; h1's neighbours stay held.
    const back = heldWindow(queue(['q0', 'q1', 'q2', 'q3']), 'h1', history);
    assert.deepEqual(back.slice(0, BITMAPS), ['q0', 'h2', 'q1']);
    assert.deepEqual([...back].sort(), ['h2', 'h3', 'h4', 'q0', 'q1', 'q2']);
    // No history: only the queue.
    assert.deepEqual(heldWindow(queue(['cur', 'q1']), 'cur', []), ['q1']);
  });
});
