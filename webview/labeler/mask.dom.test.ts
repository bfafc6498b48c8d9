import { assert } from 'chai';
import type { MaskAnnotation } from '../../src/core/model';
import type { SubmitParams } from '../../src/protocol/labeler';
import { decodeRuns, maskMessage } from '../../src/protocol/mask-transport';
import type { LblMaskEditor } from '../components/mask-editor';
import { FakeTransport } from '../shared/fake-transport';
import './app';
import type { LblLabelerApp } from './app';
import { aState, anItem, drag, key, mountApp, someLabels, unmountAll } from './test-builders';

const W = 400;
const H = 300;
const TYPE = 'image-semantic-segmentation';
const settle = () => new Promise((r) => setTimeout(r, 0));
const submitted = (t: FakeTransport) => t.lastParams('labeler/submit') as SubmitParams | undefined;
const maskEditor = (el: LblLabelerApp) => el.shadowRoot!.querySelector('lbl-mask-editor') as LblMaskEditor;
const blob = 'a'.repeat(64);

/** A raster with class `v` in [x0, x1) x [y0, y1). */
function rect(x0: number, y0: number, x1: number, y1: number, v: number): Uint8Array {
  const r = new Uint8Array(W * H);
  for (let y = y0; y < y1; y++) r.fill(v, y * W + x0, y * W + x1);
  return r;
}

async function app(over: Parameters<typeof anItem>[1] = {}, labels = someLabels('car', 'road')) {
  const state = aState(TYPE, { item: anItem(TYPE, over) });
  state.project = { ...state.project, labels, ignoreLabel: 'void' };
  const r = await mountApp(state, new FakeTransport());
  await maskEditor(r.el).updateComplete;
  return r;
}

describe('lbl-labeler-app: semantic segmentation', () => {
  afterEach(unmountAll);

  it('paints in lbl-mask-editor and Enter submits the raster as runs (no annotation), with the item version', async () => {
    const { el, transport } = await app({ version: 4 });
    const ed = maskEditor(el);
    key(window, '2'); // road
    await el.updateComplete;
    ed.setBrushSize(10);
    drag(ed, [50.5, 50.5], [150.5, 50.5], 5);
    await el.updateComplete;
    assert.equal(ed.raster![50 * W + 100], 2);
    key(window, 'Enter');
    await settle();
    const p = submitted(transport)!;
    assert.deepEqual([p.key, p.version, p.annotation, p.fromPrelabel], ['images/cat.png', 4, undefined, undefined]);
    assert.deepEqual([p.mask!.width, p.mask!.height], [W, H]);
    assert.deepEqual(decodeRuns(p.mask!.runs, W, H), ed.raster);
  });

  it("starts from the item's mask; Ctrl+Z and the Undo button undo strokes in the editor", async () => {
    const given = rect(10, 10, 60, 40, 1);
    const own: MaskAnnotation = { kind: 'mask', classes: ['car'], width: W, height: H, blob };
    const { el } = await app({ annotation: own, mask: maskMessage(given, W, H) });
    const ed = maskEditor(el);
    assert.deepEqual(ed.raster, given, 'decoded from the runs the host sent');
    const undoButton = () => [...el.shadowRoot!.querySelectorAll('vscode-button')].find((b) => b.getAttribute('aria-label')?.startsWith('Undo'))!;
    assert.isTrue(undoButton().hasAttribute('disabled'));
    ed.setBrushSize(6);
    drag(ed, [200.5, 200.5], [220.5, 200.5], 3);
    drag(ed, [300.5, 100.5], [320.5, 100.5], 3);
    await el.updateComplete;
    assert.isFalse(undoButton().hasAttribute('disabled'));
    assert.equal(ed.raster![200 * W + 210], 1);
    key(window, 'z', { ctrlKey: true });
    await el.updateComplete;
    assert.equal(ed.raster![100 * W + 310], 0, 'the last stroke undone');
    assert.equal(ed.raster![200 * W + 210], 1);
    undoButton().click();
    await el.updateComplete;
    assert.deepEqual(ed.raster, given, 'back to the given mask');
    assert.isTrue(undoButton().hasAttribute('disabled'));
  });

  it('a suggested mask is confirmed by reference; once painted over, the raster goes instead', async () => {
    const pre: MaskAnnotation = { kind: 'mask', classes: ['car'], width: W, height: H, blob };
    const { transport } = await app({ prelabel: { annotation: pre, confidence: 0.7 }, mask: maskMessage(rect(0, 0, 100, 100, 1), W, H) });
    key(window, 'Enter');
    await settle();
    assert.deepEqual(submitted(transport), { key: 'images/cat.png', version: 1, fromPrelabel: true });
    unmountAll();
    const second = await app({ prelabel: { annotation: pre }, mask: maskMessage(rect(0, 0, 100, 100, 1), W, H) });
    const ed = maskEditor(second.el);
    ed.setBrushSize(8);
    drag(ed, [200.5, 200.5], [230.5, 200.5], 3);
    await second.el.updateComplete;
    key(window, 'Enter');
    await settle();
    const p = submitted(second.transport)!;
    assert.isUndefined(p.fromPrelabel);
    const r = decodeRuns(p.mask!.runs, W, H);
    assert.deepEqual([r[50 * W + 50], r[200 * W + 215]], [1, 1]);
  });

  it("the editor's tool keys win over a label hotkey with the same key", async () => {
    const labels = [{ name: 'car', color: '#1f77b4', hotkey: 'e' }, { name: 'road', color: '#ff7f0e', hotkey: '2' }];
    const { el } = await app({}, labels);
    key(window, '2');
    key(window, 'e');
    await el.updateComplete;
    assert.equal(maskEditor(el).tool, 'eraser');
    assert.equal(el.activeLabel, 'road');
  });
});
