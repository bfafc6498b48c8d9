import { assert } from 'chai';
import { decodeRuns, encodeRuns } from '../../src/protocol/mask-transport';
import { blankImage, drag, mount, pointerAt, someLabels, unmountAll } from '../labeler/test-builders';
import './mask-editor';
import type { LblMaskEditor, MaskChangeDetail } from './mask-editor';
import { encodeMaskRuns, StrokeHistory, type Stroke } from './mask-editor-ops';

const W = 400;
const H = 300;

async function editor(over: Partial<LblMaskEditor> = {}) {
  const el = document.createElement('lbl-mask-editor');
  Object.assign(el, { imageUri: blankImage(), imageWidth: W, imageHeight: H, labels: someLabels('cat', 'dog', 'void'), activeLabel: 'dog', ...over });
  const changes: MaskChangeDetail[] = [];
  el.addEventListener('lbl-mask-change', (e) => changes.push({ ...e.detail, raster: e.detail.raster.slice() }));
  await mount(el);
  return { el, changes };
}
const press = (el: LblMaskEditor, key: string, init: KeyboardEventInit = {}) => el.handleKey(new KeyboardEvent('keydown', { key, ...init }));
const click = (el: LblMaskEditor, x: number, y: number) => drag(el, [x, y], [x, y], 0);
const at = (el: LblMaskEditor, x: number, y: number) => el.raster![y * W + x];
const count = (r: Uint8Array, v: number) => r.reduce((n, b) => n + (b === v ? 1 : 0), 0);
/** Pixels of a brush dab of `size` px (the disc of radius size / 2 around a pixel centre). */
function makeDiscCount(size: number): number {
  const r = size / 2;
  let n = 0;
  for (let dy = -Math.floor(r); dy <= Math.floor(r); dy++) n += 2 * Math.floor(Math.sqrt(r * r - dy * dy)) + 1;
  return n;
}
const frame = () => new Promise((r) => requestAnimationFrame(() => r(undefined)));

/** A raster with class `v` in the rectangle [x0, x1) x [y0, y1). */
function withRect(r: Uint8Array, x0: number, y0: number, x1: number, y1: number, v: number): Uint8Array {
  for (let y = y0; y < y1; y++) r.fill(v, y * W + x0, y * W + x1);
  return r;
}

/** The overlay canvas pixel (RGBA) over image pixel (x, y). */
async function overlayPixel(el: LblMaskEditor, x: number, y: number): Promise<number[]> {
  await el.updateComplete;
  await frame();
  const view = el.shadowRoot!.querySelector('canvas.overlay') as HTMLCanvasElement;
  const dpr = window.devicePixelRatio || 1;
  const t = el.transform;
  const d = view.getContext('2d')!.getImageData(Math.floor(dpr * ((x + 0.5) * t.scale + t.tx)), Math.floor(dpr * ((y + 0.5) * t.scale + t.ty)), 1, 1).data;
  return [...d];
}

describe('lbl-mask-editor', () => {
  afterEach(unmountAll);

  it('a brush stroke paints the active class along the path, within the brush radius', async () => {
    const { el, changes } = await editor({ brushSize: 20 } as Partial<LblMaskEditor>);
    drag(el, [50.5, 100.5], [250.5, 100.5], 10);
    const r = el.raster!;
    assert.equal(at(el, 150, 100), 2, 'dog is class 2');
    assert.equal(at(el, 150, 92), 2, 'inside the radius');
    assert.equal(at(el, 150, 108), 2, 'inside the radius');
    assert.equal(at(el, 150, 88), 0, 'outside the radius');
    assert.equal(at(el, 150, 112), 0, 'outside the radius');
    assert.equal(at(el, 41, 100), 2, 'the round start');
    assert.equal(at(el, 38, 100), 0);
    assert.equal(at(el, 259, 100), 2, 'the round end');
    assert.equal(at(el, 262, 100), 0);
    const painted = count(r, 2);
    // The pixels within 10 px of the 200 px path: 21 rows of it, and the two round ends making one disc.
    const expected = 200 * 21 + makeDiscCount(20);
    assert.closeTo(painted, expected, expected * 0.005);
    assert.equal(painted + count(r, 0), r.length, 'nothing but class 2 and unlabeled');
    assert.lengthOf(changes, 1, 'one change per stroke, not per move');
    assert.isTrue(changes[0]!.modified);
    assert.deepEqual(changes[0]!.raster, r);
  });

  it('a wide stroke has straight edges: its top and bottom rows are one run each, no one-pixel ticks', async () => {
    const { el } = await editor({ brushSize: 60 } as Partial<LblMaskEditor>);
    drag(el, [60.5, 150.5], [340.5, 150.5], 12);
    const r = el.raster!;
    const rows = [...Array(H).keys()].filter((y) => r.subarray(y * W, (y + 1) * W).includes(2));
    assert.deepEqual([rows[0], rows.at(-1)], [120, 180], 'the brush reaches 30 px above and below the path');
    for (const y of [rows[0]!, rows.at(-1)!]) {
      const row = r.subarray(y * W, (y + 1) * W);
      let runs = 0;
      for (let x = 0; x < W; x++) if (row[x] === 2 && (x === 0 || row[x - 1] !== 2)) runs++;
      assert.equal(runs, 1, `row ${y}: ${runs} runs`);
      assert.isAbove(count(row, 2), 250, `row ${y} spans the stroke`);
    }
  });

  it('undo history keeps the touched tiles of a stroke, not whole rasters', async () => {
    const { el } = await editor({ brushSize: 10 } as Partial<LblMaskEditor>);
    drag(el, [10.5, 10.5], [40.5, 40.5], 4); // inside the first 64 x 64 tile
    assert.equal(el.historyBytes, 2 * 64 * 64);
  });

  it('the eraser clears what the brush painted', async () => {
    const { el } = await editor({ brushSize: 20 } as Partial<LblMaskEditor>);
    drag(el, [50.5, 100.5], [250.5, 100.5], 10);
    assert.isTrue(press(el, 'e'));
    assert.equal(el.tool, 'eraser');
    drag(el, [150.5, 60.5], [150.5, 140.5], 8);
    assert.equal(at(el, 150, 100), 0, 'erased');
    assert.equal(at(el, 141, 100), 0, 'erased within the radius');
    assert.equal(at(el, 138, 100), 2, 'outside the eraser radius: kept');
    assert.equal(at(el, 100, 100), 2, 'left of the eraser: kept');
    assert.equal(at(el, 200, 100), 2, 'right of the eraser: kept');
    el.applyLabel('cat');
    assert.equal(el.tool, 'brush', 'picking a class while erasing goes back to the brush');
  });

  it('[ and ] change the brush size, and the slider shows it', async () => {
    const { el } = await editor({ brushSize: 20 } as Partial<LblMaskEditor>);
    assert.isTrue(press(el, ']'));
    assert.equal(el.brushSize, 24);
    press(el, ']');
    press(el, ']');
    press(el, ']');
    assert.equal(el.brushSize, 42, '20 -> 24 -> 29 -> 35 -> 42: steps of about 20 %');
    await el.updateComplete;
    assert.equal((el.shadowRoot!.querySelector('input.size') as HTMLInputElement).value, '42');
    click(el, 200.5, 150.5);
    assert.equal(at(el, 200, 150 + 21), 2, 'a 42 px brush reaches 21 px from its centre');
    assert.equal(at(el, 200, 150 + 22), 0);
    assert.isTrue(press(el, '['));
    assert.equal(el.brushSize, 34);
    for (let i = 0; i < 20; i++) press(el, '[');
    assert.equal(el.brushSize, 1);
    const slider = el.shadowRoot!.querySelector('input.size') as HTMLInputElement;
    slider.value = '60';
    slider.dispatchEvent(new Event('input'));
    assert.equal(el.brushSize, 60);
  });

  it('polygon fill paints the inside of the polygon (Enter or a double-click closes it)', async () => {
    const { el, changes } = await editor();
    assert.isTrue(press(el, 'p'));
    for (const [x, y] of [[100, 100], [200, 100], [200, 200], [100, 200]] as const) click(el, x, y);
    assert.isTrue(el.drawing);
    assert.equal(count(el.raster!, 2), 0, 'nothing painted before it closes');
    assert.isTrue(press(el, 'Enter'));
    assert.isFalse(el.drawing);
    assert.equal(count(el.raster!, 2), 100 * 100, 'the pixels whose centres are inside');
    assert.equal(at(el, 100, 100), 2);
    assert.equal(at(el, 200, 150), 0);
    assert.lengthOf(changes, 1);
    el.activeLabel = 'cat';
    // A triangle of area 0.5 * 120 * 90 = 5,400, closed by a double-click (its second click is not a new point).
    for (const [x, y] of [[250, 20], [370, 20], [250, 110]] as const) click(el, x, y);
    click(el, 250, 110);
    el.shadowRoot!.querySelector('canvas')!.dispatchEvent(new MouseEvent('dblclick', { bubbles: true }));
    assert.isFalse(el.drawing);
    assert.closeTo(count(el.raster!, 1), 5400, 5400 * 0.02);
  });

  it('flood fill fills exactly the 4-connected region of the clicked class, not the same class elsewhere', async () => {
    const mask = new Uint8Array(W * H);
    withRect(mask, 10, 10, 50, 50, 1); // A
    withRect(mask, 50, 50, 90, 90, 1); // B: touches A only at a corner (diagonally)
    withRect(mask, 200, 10, 260, 60, 1); // C: elsewhere
    withRect(mask, 20, 20, 30, 30, 3); // a hole of another class in A
    const { el, changes } = await editor({ mask, activeLabel: 'dog' } as Partial<LblMaskEditor>);
    assert.isTrue(press(el, 'g'));
    click(el, 12.5, 12.5);
    await el.fillDone; // at once for a small region, unless the machine is slow
    const expected = withRect(withRect(mask.slice(), 10, 10, 50, 50, 2), 20, 20, 30, 30, 3);
    assert.deepEqual(el.raster, expected, 'only A changed (its hole kept), not B nor C');
    assert.deepEqual(mask, withRect(withRect(withRect(withRect(new Uint8Array(W * H), 10, 10, 50, 50, 1), 50, 50, 90, 90, 1), 200, 10, 260, 60, 1), 20, 20, 30, 30, 3), 'the given mask is not mutated');
    assert.lengthOf(changes, 1);
    // The unlabeled background is one region around all of them.
    el.activeLabel = 'void';
    click(el, 399.5, 299.5);
    await el.fillDone;
    assert.equal(count(el.raster!, 3), W * H - 40 * 40 - 40 * 40 - 60 * 50 + 10 * 10, 'the background, plus the hole already of class 3');
    assert.equal(count(el.raster!, 2), 40 * 40 - 10 * 10);
    click(el, 0.5, 0.5);
    await el.fillDone;
    assert.lengthOf(changes, 2, 'filling a region with its own class changes nothing');
  });

  it('a large flood fill goes on over several tasks, so the panel keeps painting; edits wait for it', async () => {
    // Class 1 on every 4th column but in the first and last rows: the background is one region of ~300 x 100 spans.
    const mask = new Uint8Array(W * H);
    for (let y = 1; y < H - 1; y++) for (let x = 0; x < W; x += 4) mask[y * W + x] = 1;
    const { el, changes } = await editor({ mask, activeLabel: 'void', brushSize: 20 } as Partial<LblMaskEditor>);
    click(el, 200.5, 150.5); // a dab of class 3 first, to see that Ctrl+Z in the middle of the fill keeps it
    const afterDab = el.raster!.slice();
    const c1 = count(afterDab, 1);
    const c3 = count(afterDab, 3);
    el.fillSliceMs = 0; // one step (512 spans or one band of re-colouring) per task
    el.activeLabel = 'dog';
    press(el, 'g');
    click(el, 1.5, 1.5);
    assert.isTrue(el.filling, 'not finished in the click');
    const partial = count(el.raster!, 2);
    assert.isBelow(partial, 3000, 'only the first 512 spans (of 3 px) are filled before the panel gets the thread back');
    assert.lengthOf(changes, 1, 'the dab only');
    press(el, 'z', { ctrlKey: true });
    assert.equal(count(el.raster!, 3), c3, 'no undo in the middle of a fill');
    el.activeLabel = 'cat';
    press(el, 'b');
    click(el, 300.5, 200.5);
    await el.fillDone;
    assert.isFalse(el.filling);
    assert.equal(count(el.raster!, 2), W * H - c1 - c3, 'the whole background, in the end');
    assert.equal(count(el.raster!, 1), c1, 'the brush click during the fill painted nothing');
    assert.equal(count(el.raster!, 3), c3);
    assert.lengthOf(changes, 2);
    press(el, 'z', { ctrlKey: true });
    assert.deepEqual(el.raster, afterDab, 'the fill is one undo step');
  });

  it('undo and redo restore the exact bytes of each stroke (Ctrl+Z, Ctrl+Shift+Z)', async () => {
    const mask = withRect(new Uint8Array(W * H), 300, 200, 350, 250, 1);
    const { el, changes } = await editor({ mask, brushSize: 30 } as Partial<LblMaskEditor>);
    const s0 = el.raster!.slice();
    drag(el, [20.5, 20.5], [380.5, 280.5], 12);
    const s1 = el.raster!.slice();
    press(el, 'g');
    click(el, 345.5, 205.5); // the class-1 rectangle, away from the stroke
    await el.fillDone;
    const s2 = el.raster!.slice();
    press(el, 'e');
    drag(el, [200.5, 0.5], [200.5, 299.5], 6);
    const s3 = el.raster!.slice();
    assert.notDeepEqual(s1, s0);
    assert.notDeepEqual(s2, s1);
    assert.notDeepEqual(s3, s2);
    assert.isTrue(press(el, 'z', { ctrlKey: true }));
    assert.deepEqual(el.raster, s2);
    press(el, 'z', { ctrlKey: true });
    assert.deepEqual(el.raster, s1);
    press(el, 'z', { metaKey: true });
    assert.deepEqual(el.raster, s0);
    assert.isFalse(el.modified, 'back to the given mask');
    assert.isFalse(el.canUndo);
    assert.isTrue(press(el, 'Z', { ctrlKey: true, shiftKey: true }));
    assert.deepEqual(el.raster, s1);
    press(el, 'y', { ctrlKey: true });
    assert.deepEqual(el.raster, s2);
    press(el, 'z', { ctrlKey: true, shiftKey: true });
    assert.deepEqual(el.raster, s3);
    assert.isFalse(el.canRedo);
    assert.deepEqual(changes.at(-1)!.raster, s3);
    assert.lengthOf(changes, 3 + 6, 'every stroke, undo and redo tells the app');
    // A new stroke after an undo drops the redo branch.
    press(el, 'z', { ctrlKey: true });
    press(el, 'b');
    click(el, 10.5, 290.5);
    assert.isFalse(el.canRedo);
  });

  it('O toggles the overlay and the slider sets its opacity', async () => {
    const { el } = await editor({ brushSize: 20 } as Partial<LblMaskEditor>);
    drag(el, [50.5, 100.5], [250.5, 100.5], 10);
    pointerAt(el, 'pointermove', 390, 290); // the brush cursor away from the pixel read
    const dog = [0xff, 0x7f, 0x0e]; // someLabels' second colour
    let px = await overlayPixel(el, 150, 100);
    assert.closeTo(px[3]!, 128, 3, 'half opacity by default');
    assert.closeTo(px[0]!, dog[0]!, 3);
    assert.closeTo(px[1]!, dog[1]!, 3);
    assert.closeTo(px[2]!, dog[2]!, 3);
    assert.deepEqual(await overlayPixel(el, 150, 200), [0, 0, 0, 0], 'unlabeled is transparent');
    assert.isTrue(press(el, 'o'));
    assert.isFalse(el.showOverlay);
    assert.equal((await overlayPixel(el, 150, 100))[3], 0, 'hidden');
    assert.equal(el.shadowRoot!.querySelector('.overlay-toggle')!.getAttribute('aria-pressed'), 'false');
    press(el, 'o');
    const slider = el.shadowRoot!.querySelector('input.opacity') as HTMLInputElement;
    slider.value = '100';
    slider.dispatchEvent(new Event('input'));
    assert.equal(el.opacity, 1);
    px = await overlayPixel(el, 150, 100);
    assert.equal(px[3], 255, 'opaque');
    slider.value = '25';
    slider.dispatchEvent(new Event('input'));
    assert.closeTo((await overlayPixel(el, 150, 100))[3]!, 64, 3);
  });

  it('the output encoding round-trips to the same raster', async () => {
    const mask = withRect(new Uint8Array(W * H), 0, 0, 400, 10, 255);
    const { el } = await editor({ mask, ignoreLabel: 'void', activeLabel: 'cat', brushSize: 25 } as Partial<LblMaskEditor>);
    assert.equal(el.classIndex('cat'), 1);
    assert.equal(el.classIndex('dog'), 2);
    assert.equal(el.classIndex('void'), 255, 'the ignore class paints 255');
    drag(el, [30.5, 30.5], [300.5, 250.5], 9);
    el.activeLabel = 'void';
    drag(el, [300.5, 30.5], [30.5, 250.5], 9);
    const msg = JSON.parse(JSON.stringify(el.encoded()));
    assert.equal(msg.width, W);
    assert.equal(msg.height, H);
    const back = decodeRuns(msg.runs, W, H, { classCount: 2 });
    assert.deepEqual(back, el.raster);
    assert.isAbove(count(back, 1), 1000);
    assert.isAbove(count(back, 255), 4000);
    assert.isBelow(msg.runs.length, 3000, 'runs, not pixels');
  });

  it('the fast run encoding is encodeRuns exactly: runs ending inside a word, at its edges, in the tail, an unaligned view', () => {
    const cases: Uint8Array[] = [new Uint8Array(0), Uint8Array.of(3), new Uint8Array(4099), new Uint8Array(4099).fill(255)];
    for (const len of [1, 2, 3, 4, 5, 7, 8, 9, 13, 64]) {
      const r = new Uint8Array(4 * 256 + 3);
      for (let k = 0, v = 1; k < r.length; k += len, v = (v % 4) + 1) r.fill(k % (3 * len) === 0 ? 0 : v, k, k + len);
      cases.push(r, r.subarray(1), r.subarray(2, r.length - 1));
    }
    let seed = 7;
    const noise = Uint8Array.from({ length: 5000 }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 29) % 3);
    cases.push(noise, noise.subarray(3));
    for (const [k, r] of cases.entries()) assert.deepEqual(encodeMaskRuns(r), encodeRuns(r), `case ${k} (${r.length} px, offset ${r.byteOffset})`);
  });

  it('tool buttons are labelled, pressed for the current tool and switch tools', async () => {
    const { el } = await editor();
    const buttons = [...el.shadowRoot!.querySelectorAll('.tools vscode-button[data-tool]')] as HTMLElement[];
    assert.deepEqual(buttons.map((b) => b.getAttribute('aria-label')), ['Brush (B)', 'Eraser (E)', 'Polygon fill (P)', 'Flood fill (G)']);
    assert.deepEqual(buttons.map((b) => b.getAttribute('aria-pressed')), ['true', 'false', 'false', 'false']);
    buttons[3]!.click();
    await el.updateComplete;
    assert.equal(el.tool, 'fill');
    assert.deepEqual(buttons.map((b) => b.getAttribute('aria-pressed')), ['false', 'false', 'false', 'true']);
    for (const s of ['input.size', 'input.opacity']) assert.isNotEmpty(el.shadowRoot!.querySelector(s)!.getAttribute('aria-label'));
  });

  it('re-colours the whole mask only when a label colour changes, not for every new labels array', async () => {
    const mask = withRect(new Uint8Array(W * H), 0, 0, 100, 100, 1);
    const { el } = await editor({ mask } as Partial<LblMaskEditor>);
    const puts: number[] = [];
    const orig = CanvasRenderingContext2D.prototype.putImageData;
    CanvasRenderingContext2D.prototype.putImageData = function (this: CanvasRenderingContext2D, img: ImageData, ...rest: number[]) {
      puts.push(img.width * img.height);
      return (orig as (...a: unknown[]) => void).call(this, img, ...rest);
    } as typeof orig;
    try {
      el.labels = someLabels('cat', 'dog', 'void');
      await el.updateComplete;
      assert.deepEqual(puts, []);
      el.labels = [{ ...el.labels[0]!, color: '#00ff00' }, ...el.labels.slice(1)];
      await el.updateComplete;
      assert.deepEqual(puts, [W * H]);
    } finally {
      CanvasRenderingContext2D.prototype.putImageData = orig;
    }
    el.opacity = 1;
    const px = await overlayPixel(el, 50, 50);
    assert.deepEqual(px, [0, 255, 0, 255], 'cat in its new colour');
  });

  it('an item without a mask draws no overlay until something is painted, and a new item clears what was', async () => {
    const { el } = await editor({ brushSize: 20 } as Partial<LblMaskEditor>);
    const view = el.shadowRoot!.querySelector('canvas.overlay') as HTMLCanvasElement;
    const offscreenDraws: number[] = [];
    const orig = CanvasRenderingContext2D.prototype.drawImage;
    CanvasRenderingContext2D.prototype.drawImage = function (this: CanvasRenderingContext2D, src: CanvasImageSource, ...rest: number[]) {
      if (this.canvas === view) offscreenDraws.push((src as HTMLCanvasElement).width);
      return (orig as (...a: unknown[]) => void).call(this, src, ...rest);
    } as typeof orig;
    try {
      el.panZoom.zoomBy(1.25); // a view change repaints the whole overlay
      await el.updateComplete;
      await frame();
      assert.deepEqual(offscreenDraws, [], 'nothing painted: the blank offscreen is not drawn');
      drag(el, [50.5, 100.5], [250.5, 100.5], 10);
      assert.isAbove(offscreenDraws.length, 0, 'a stroke draws the offscreen');
      assert.isAbove((await overlayPixel(el, 150, 100))[3]!, 0, 'the stroke shows');
      el.imageUri = blankImage(W + 1, H); // the next item (another URI; its size is still given as W x H), no mask
      await el.updateComplete;
      await frame();
      assert.deepEqual(await overlayPixel(el, 150, 100), [0, 0, 0, 0], 'the next item starts with a clear overlay');
      offscreenDraws.length = 0;
      el.panZoom.zoomBy(0.8);
      await el.updateComplete;
      await frame();
      assert.deepEqual(offscreenDraws, [], 'blank again');
    } finally {
      CanvasRenderingContext2D.prototype.drawImage = orig;
    }
  });

  it('zooms and pans as the other image editors: strokes land on the image pixel under the pointer, a space-drag paints nothing', async () => {
    const { el } = await editor({ brushSize: 4 } as Partial<LblMaskEditor>);
    const before = el.transform.scale;
    assert.isTrue(press(el, '+'));
    assert.closeTo(el.transform.scale, before * 1.25, 1e-9);
    click(el, 123.5, 77.5);
    assert.equal(at(el, 123, 77), 2);
    assert.equal(at(el, 123, 79), 2);
    assert.equal(at(el, 123, 80), 0);
    assert.isTrue(press(el, ' '));
    const tx = el.transform.tx;
    drag(el, [200.5, 200.5], [250.5, 220.5], 4);
    el.handleKeyUp(new KeyboardEvent('keyup', { key: ' ' }));
    assert.notEqual(el.transform.tx, tx, 'panned');
    assert.equal(count(el.raster!, 2), makeDiscCount(4), 'only the first dab');
  });

  it('caps the undo history memory: the oldest strokes go first, the newest is always kept', () => {
    const stroke = (bytes: number): Stroke => ({ tiles: [0], before: [new Uint8Array(bytes / 2)], after: [new Uint8Array(bytes / 2)], bytes, rect: { x0: 0, y0: 0, x1: 1, y1: 1 }, tilesX: 1 });
    const h = new StrokeHistory(1000);
    const a = stroke(400);
    const b = stroke(400);
    const c = stroke(400);
    h.push(a);
    h.push(b);
    assert.equal(h.bytes, 800);
    h.push(c);
    assert.equal(h.bytes, 800, 'a dropped');
    assert.equal(h.position, 3, 'still counts the dropped stroke as applied');
    assert.equal(h.undo(), c);
    assert.equal(h.undo(), b);
    assert.isUndefined(h.undo(), 'a is gone');
    h.push(stroke(5000));
    assert.equal(h.bytes, 5000, 'a stroke over the cap alone is kept');
    assert.isTrue(h.canUndo);
  });

  it('refuses a mask of the wrong size with a message, and needs a label before painting', async () => {
    const notices: string[] = [];
    const onNotice = (e: Event) => notices.push((e as CustomEvent<{ text: string }>).detail.text);
    document.addEventListener('lbl-notice', onNotice);
    const { el } = await editor({ mask: new Uint8Array(10) } as Partial<LblMaskEditor>);
    document.removeEventListener('lbl-notice', onNotice);
    el.addEventListener('lbl-notice', onNotice);
    assert.isUndefined(el.raster);
    assert.match(notices.join('\n'), /The mask has 10 class indices but the 400 x 300 image needs 120000/);
    el.mask = undefined;
    el.activeLabel = undefined;
    await el.updateComplete;
    drag(el, [50.5, 50.5], [60.5, 60.5]);
    assert.equal(count(el.raster!, 0), W * H);
    assert.match(notices.at(-1)!, /Pick a label first/);
  });
});
