import { assert } from 'chai';
import type { Annotation, Box } from '../../src/core/model';
import { blankImage, drag, mount, pointerAt, someLabels, unmountAll } from '../labeler/test-builders';
import './box-editor';
import type { LblBoxEditor } from './box-editor';

async function editor(boxes: Box[] = []): Promise<{ el: LblBoxEditor; changes: Annotation[] }> {
  const el = document.createElement('lbl-box-editor');
  Object.assign(el, { imageUri: blankImage(), imageWidth: 400, imageHeight: 300, labels: someLabels('car', 'person'), activeLabel: 'car', boxes });
  const changes: Annotation[] = [];
  el.addEventListener('lbl-change', (e) => changes.push(e.detail.annotation));
  await mount(el);
  return { el, changes };
}

const box = (x: number, y: number, w: number, h: number, label = 'car'): Box => ({ label, x, y, w, h });

describe('lbl-box-editor', () => {
  afterEach(unmountAll);

  it('draws a box by dragging, in image pixels, with the active label; the new box is not selected', async () => {
    const { el, changes } = await editor();
    drag(el, [10, 20], [110, 70]);
    await el.updateComplete;
    assert.equal(changes.length, 1);
    assert.deepEqual(el.boxes, [box(10, 20, 100, 50)]);
    assert.equal(el.selected, -1);
    assert.isFalse(el.applyLabel('person'), 'a label after drawing is for the next box, not a relabel');
    assert.equal(el.boxes[0]!.label, 'car');
  });

  it('a new active label does not redraw the boxes, except a box being drawn in its colour', async () => {
    const { el } = await editor([box(10, 10, 50, 50), box(100, 100, 40, 40, 'person')]);
    let draws = 0;
    const spied = el as unknown as { drawShapes(...a: unknown[]): void };
    const own = spied.drawShapes.bind(el);
    spied.drawShapes = (...a: unknown[]) => {
      draws++;
      own(...a);
    };
    el.activeLabel = 'person';
    await el.updateComplete;
    assert.equal(draws, 0, 'the canvas is not redrawn for a hotkey');
    drag(el, [200, 200], [260, 250], 2, false);
    await el.updateComplete;
    const before = draws;
    el.activeLabel = 'car';
    await el.updateComplete;
    assert.equal(draws, before + 1, 'the box being drawn takes the new colour');
    pointerAt(el, 'pointerup', 260, 250);
    await el.updateComplete;
    assert.equal(el.boxes[2]!.label, 'car');
  });

  /** Counts the canvas calls of one full draw. */
  const countCalls = (el: Awaited<ReturnType<typeof editor>>['el']) => {
    const ctx = el.shadowRoot!.querySelector('canvas')!.getContext('2d')!;
    const calls = { stroke: 0, strokeRect: 0, fillText: 0 };
    const orig = { stroke: ctx.stroke, strokeRect: ctx.strokeRect, fillText: ctx.fillText };
    for (const k of Object.keys(calls) as (keyof typeof calls)[]) {
      (ctx as unknown as Record<string, unknown>)[k] = function (this: CanvasRenderingContext2D, ...a: unknown[]) {
        calls[k]++;
        return (orig[k] as (...x: unknown[]) => unknown).apply(this, a);
      };
    }
    el.flush();
    for (const k of Object.keys(calls) as (keyof typeof calls)[]) (ctx as unknown as Record<string, unknown>)[k] = orig[k];
    return calls;
  };

  it('a few boxes show every tag, however small the box; a dense scene (over 100) only the tags that fit on their box', async () => {
    const few = await editor([box(10, 10, 4, 4, 'car'), box(30, 10, 5, 5, 'person'), box(50, 10, 300, 40, 'car')]);
    assert.equal(countCalls(few.el).fillText, 3);
    // 1,000 boxes: the odd ones wide enough for their tag, the even ones 7 px wide.
    const many = Array.from({ length: 1000 }, (_, b) => box((b % 40) * 9 + 1, Math.floor(b / 40) * 11 + 1, b % 2 ? 400 : 7, 9, b % 2 ? 'car' : 'person'));
    const dense = await editor(many);
    assert.deepEqual(countCalls(dense.el), { stroke: 0, strokeRect: 1000, fillText: 500 }, 'every box, the 500 tags that fit');
  });

  it('draws 1,000 suggested boxes as translucent rectangles grouped by colour (drawTags)', async () => {
    const many = Array.from({ length: 1000 }, (_, b) => box((b % 40) * 9 + 1, Math.floor(b / 40) * 11 + 1, 300, 9, b % 2 ? 'car' : 'person'));
    const { el } = await editor(many);
    el.suggested = true;
    await el.updateComplete;
    const ctx = el.shadowRoot!.querySelector('canvas')!.getContext('2d')!;
    assert.deepEqual(countCalls(el), { stroke: 0, strokeRect: 1000, fillText: 1000 }, 'one strokeRect a box (no path), and every tag');
    assert.deepEqual(ctx.getLineDash(), [], 'suggested boxes are not dashed (dashing 1,000 boxes is slow to raster)');
    assert.equal(ctx.globalAlpha, 1, 'the tags are drawn opaque after the translucent outlines');
  });

  it('the hint line says what a label hotkey does: label the next box, or relabel the selected one', async () => {
    const { el } = await editor([box(10, 10, 50, 50)]);
    const hint = () => el.shadowRoot!.querySelector('.hint')!.textContent!;
    assert.match(hint(), /^1,2: label for the next box · /);
    drag(el, [30, 30], [30, 30]);
    await el.updateComplete;
    assert.match(hint(), /^1,2: relabel the selected box · /);
    el.handleKey(new KeyboardEvent('keydown', { key: 'Escape' }));
    await el.updateComplete;
    assert.match(hint(), /^1,2: label for the next box/);
  });

  it('Esc while drawing cancels and leaves no box', async () => {
    const { el, changes } = await editor();
    drag(el, [10, 20], [200, 200], 3, false);
    assert.isTrue(el.drawing);
    el.handleKey(new KeyboardEvent('keydown', { key: 'Escape' }));
    pointerAt(el, 'pointerup', 200, 200);
    await el.updateComplete;
    assert.isFalse(el.drawing);
    assert.lengthOf(el.boxes, 0);
    assert.lengthOf(changes, 0);
  });

  it('discards boxes smaller than 4x4 image pixels', async () => {
    const { el, changes } = await editor();
    drag(el, [50, 50], [52, 90]);
    drag(el, [150, 150], [150, 150]);
    assert.lengthOf(el.boxes, 0);
    assert.lengthOf(changes, 0);
  });

  it('selects a box by click, Del deletes it', async () => {
    const { el, changes } = await editor([box(10, 10, 50, 50), box(200, 100, 80, 80, 'person')]);
    drag(el, [240, 140], [240, 140]);
    assert.equal(el.selected, 1);
    assert.isTrue(el.handleKey(new KeyboardEvent('keydown', { key: 'Delete' })));
    assert.deepEqual(changes.at(-1), { kind: 'boxes', boxes: [box(10, 10, 50, 50)] });
  });

  it('moves a box by dragging it, clamped to the image', async () => {
    const { el } = await editor([box(10, 10, 50, 50)]);
    drag(el, [30, 30], [-100, 40]);
    assert.deepEqual(el.boxes[0], box(0, 20, 50, 50));
  });

  it('resizes the selected box by its south-east handle', async () => {
    const { el } = await editor([box(10, 10, 50, 50)]);
    drag(el, [30, 30], [30, 30]);
    drag(el, [60, 60], [100, 90]);
    assert.deepEqual(el.boxes[0], box(10, 10, 90, 80));
  });

  it('nudges with arrows (Shift = 10 px) and relabels with applyLabel', async () => {
    const { el } = await editor([box(10, 10, 50, 50)]);
    drag(el, [30, 30], [30, 30]);
    el.handleKey(new KeyboardEvent('keydown', { key: 'ArrowRight' }));
    el.handleKey(new KeyboardEvent('keydown', { key: 'ArrowDown', shiftKey: true }));
    assert.deepEqual(el.boxes[0], box(11, 20, 50, 50));
    assert.isTrue(el.applyLabel('person'));
    assert.equal(el.boxes[0]!.label, 'person');
  });

  it('zooms with the keyboard and hides labels with Shift+L', async () => {
    const { el } = await editor();
    const before = el.transform.scale;
    el.handleKey(new KeyboardEvent('keydown', { key: '+' }));
    assert.isAbove(el.transform.scale, before);
    el.handleKey(new KeyboardEvent('keydown', { key: '0' }));
    assert.equal(el.transform.scale, before);
    el.handleKey(new KeyboardEvent('keydown', { key: 'L', shiftKey: true }));
    assert.isFalse(el.showLabels);
  });

  it('a new image drops the selection and refits', async () => {
    const { el } = await editor([box(10, 10, 50, 50)]);
    drag(el, [30, 30], [30, 30]);
    el.handleKey(new KeyboardEvent('keydown', { key: '+' }));
    const fitted = el.transform.scale / 1.25;
    el.imageUri = blankImage(400, 301);
    el.boxes = [box(0, 0, 10, 10), box(20, 20, 10, 10)];
    await el.updateComplete;
    assert.equal(el.selected, -1);
    assert.closeTo(el.transform.scale, fitted, 1e-9);
  });

  it('wheel zooms around the cursor; middle-button drag pans', async () => {
    const { el } = await editor();
    const canvas = el.shadowRoot!.querySelector('canvas')!;
    const r = canvas.getBoundingClientRect();
    const before = el.transform.scale;
    canvas.dispatchEvent(new WheelEvent('wheel', { deltaY: -200, clientX: r.left + 100, clientY: r.top + 100, bubbles: true, cancelable: true }));
    assert.isAbove(el.transform.scale, before);
    const ty = el.transform.ty;
    pointerAt(el, 'pointerdown', 50, 50, { button: 1 });
    pointerAt(el, 'pointermove', 50, 90, { button: 1 });
    pointerAt(el, 'pointerup', 50, 90, { button: 1 });
    assert.isAbove(el.transform.ty, ty);
    assert.lengthOf(el.boxes, 0);
  });

  it('pans with space-drag without drawing', async () => {
    const { el } = await editor();
    const tx = el.transform.tx;
    el.handleKey(new KeyboardEvent('keydown', { key: ' ' }));
    drag(el, [100, 100], [150, 100]);
    el.handleKeyUp(new KeyboardEvent('keyup', { key: ' ' }));
    assert.isAbove(el.transform.tx, tx);
    assert.lengthOf(el.boxes, 0);
  });
});
