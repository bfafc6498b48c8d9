import { assert } from 'chai';
import type { MaskAnnotation } from '../../src/core/model';
import { maskMessage } from '../../src/protocol/mask-transport';
import type { ReviewItem } from '../../src/protocol/review';
import type { LblMaskEditor } from '../components/mask-editor';
import { blankImage, drag, mount, someLabels, unmountAll } from '../labeler/test-builders';
import './viewer';

const W = 40;
const H = 30;
const rect = (x1: number, v: number): Uint8Array => {
  const r = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) r.fill(v, y * W, y * W + x1);
  return r;
};
const mask = (blob: string): MaskAnnotation => ({ kind: 'mask', classes: ['car'], width: W, height: H, blob });

function anItem(): ReviewItem {
  const a = mask('a'.repeat(64));
  const b = mask('b'.repeat(64));
  return {
    key: 'img/a.png', ref: { path: 'img/a.png' }, media: 'image', imageUri: blankImage(W, H), width: W, height: H, state: 'needs-review', version: 2,
    annotations: [{ labeler: 'ann', annotation: a, at: '2026-12-01T10:00:00.000Z' }, { labeler: 'bob', annotation: b, at: '2026-12-01T10:01:00.000Z' }],
    skippedBy: [], settled: false,
    masks: { [a.blob]: maskMessage(rect(10, 1), W, H), [b.blob]: maskMessage(rect(20, 2), W, H) },
  };
}

describe('lbl-review-viewer: masks', () => {
  afterEach(unmountAll);

  it("the overlay shows each labeler's mask in a read-only editor under their name; one annotation shows alone", async () => {
    const el = document.createElement('lbl-review-viewer');
    const item = anItem();
    Object.assign(el, { item, type: 'image-semantic-segmentation', labels: someLabels('car', 'road'), overlay: item.annotations, ignoreLabel: 'void' });
    await mount(el);
    const editors = [...el.shadowRoot!.querySelectorAll('lbl-mask-editor')] as LblMaskEditor[];
    assert.lengthOf(editors, 2);
    await Promise.all(editors.map((e) => e.updateComplete));
    assert.deepEqual([...el.shadowRoot!.querySelectorAll('.mask-of .who')].map((w) => w.textContent), ['ann', 'bob']);
    assert.deepEqual(editors[0]!.raster, rect(10, 1));
    assert.deepEqual(editors[1]!.raster, rect(20, 2));
    assert.deepEqual(editors.map((e) => e.ignoreLabel), ['void', 'void'], "the project's ignore class");
    drag(editors[0]!, [30.5, 15.5], [35.5, 15.5], 3);
    assert.deepEqual(editors[0]!.raster, rect(10, 1), 'nothing painted: read-only');
    el.overlay = undefined;
    el.annotation = item.annotations[1]!.annotation;
    await el.updateComplete;
    const one = el.shadowRoot!.querySelector('#editor') as LblMaskEditor;
    await one.updateComplete;
    assert.deepEqual(one.raster, rect(20, 2));
    el.editable = true;
    await el.updateComplete;
    drag(one, [30.5, 15.5], [35.5, 15.5], 3);
    assert.deepEqual(one.raster, rect(20, 2), 'Decide takes the mask as it is');
  });
});
