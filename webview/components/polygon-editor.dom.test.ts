import { assert } from 'chai';
import type { Polygon } from '../../src/core/model';
import { blankImage, drag, mount, pointerAt, someLabels, unmountAll } from '../labeler/test-builders';
import './polygon-editor';
import type { LblPolygonEditor } from './polygon-editor';

async function editor(polygons: Polygon[] = []) {
  const el = document.createElement('lbl-polygon-editor');
  Object.assign(el, { imageUri: blankImage(), imageWidth: 400, imageHeight: 300, labels: someLabels('cat', 'dog'), activeLabel: 'cat', polygons });
  const changes: Polygon[][] = [];
  el.addEventListener('lbl-change', (e) => e.detail.annotation.kind === 'polygons' && changes.push(e.detail.annotation.polygons));
  await mount(el);
  return { el, changes };
}
const click = (el: LblPolygonEditor, x: number, y: number) => drag(el, [x, y], [x, y], 0);
const press = (el: LblPolygonEditor, key: string) => el.handleKey(new KeyboardEvent('keydown', { key }));
const square: Polygon = { label: 'cat', rings: [[100, 100, 200, 100, 200, 200, 100, 200]] };

describe('lbl-polygon-editor', () => {
  afterEach(unmountAll);

  it('fills every ring of an object as one even-odd path: a ring inside another is a hole, as consensus counts it', async () => {
    const fills: unknown[] = [];
    const orig = CanvasRenderingContext2D.prototype.fill;
    CanvasRenderingContext2D.prototype.fill = function (this: CanvasRenderingContext2D, ...args: unknown[]) {
      fills.push(args[0]);
      return (orig as (...a: unknown[]) => void).apply(this, args);
    } as typeof orig;
    try {
      const holed: Polygon = { label: 'cat', rings: [[50, 50, 250, 50, 250, 250, 50, 250], [100, 100, 200, 100, 200, 200, 100, 200]] };
      const { el } = await editor([holed]);
      fills.length = 0;
      el.requestUpdate();
      await el.updateComplete;
      await new Promise((r) => requestAnimationFrame(() => r(undefined)));
      assert.include(fills, 'evenodd', 'the object is filled as one even-odd path, not ring by ring');
    } finally {
      CanvasRenderingContext2D.prototype.fill = orig;
    }
  });

  it('places vertices by clicking and closes on the first point', async () => {
    const { el, changes } = await editor();
    click(el, 10, 10);
    click(el, 100, 10);
    click(el, 100, 100);
    assert.isTrue(el.drawing);
    click(el, 11, 11);
    assert.isFalse(el.drawing);
    assert.deepEqual(changes.at(-1), [{ label: 'cat', rings: [[10, 10, 100, 10, 100, 100]] }]);
    assert.equal(el.selected, -1, 'a closed polygon is not selected');
    assert.isFalse(el.applyLabel('dog'), 'a label after drawing is for the next polygon');
    await el.updateComplete;
    assert.match(el.shadowRoot!.querySelector('.hint')!.textContent!, /^1,2: label for the next polygon · /);
  });

  it('Enter closes the polygon; Esc cancels a drawing and leaves nothing', async () => {
    const { el, changes } = await editor();
    click(el, 10, 10);
    click(el, 100, 10);
    assert.isTrue(press(el, 'Escape'));
    assert.isFalse(el.drawing);
    assert.lengthOf(changes, 0);
    click(el, 10, 10);
    click(el, 100, 10);
    click(el, 50, 80);
    press(el, 'Enter');
    assert.lengthOf(el.polygons, 1);
  });

  it('moves a vertex of the selected polygon by dragging it, and deletes it with Del', async () => {
    const { el } = await editor([square]);
    click(el, 150, 150);
    assert.equal(el.selected, 0);
    await el.updateComplete;
    assert.match(el.shadowRoot!.querySelector('.hint')!.textContent!, /^1,2: relabel the selected polygon · /);
    drag(el, [200, 200], [250, 260]);
    assert.deepEqual(el.polygons[0]!.rings[0], [100, 100, 200, 100, 250, 260, 100, 200]);
    press(el, 'Delete');
    assert.deepEqual(el.polygons[0]!.rings[0], [100, 100, 200, 100, 100, 200]);
  });

  it('inserts a vertex on an edge of the selected polygon', async () => {
    const { el } = await editor([square]);
    click(el, 150, 150);
    click(el, 150, 100);
    assert.deepEqual(el.polygons[0]!.rings[0], [100, 100, 150, 100, 200, 100, 200, 200, 100, 200]);
  });

  it('moves the whole polygon, relabels it and deletes it', async () => {
    const { el, changes } = await editor([square]);
    drag(el, [150, 150], [160, 140]);
    assert.deepEqual(el.polygons[0]!.rings[0], [110, 90, 210, 90, 210, 190, 110, 190]);
    el.applyLabel('dog');
    assert.equal(el.polygons[0]!.label, 'dog');
    press(el, 'Delete');
    assert.deepEqual(changes.at(-1), []);
  });

  it('discards a polygon of fewer than 3 points on Enter', async () => {
    const { el, changes } = await editor();
    click(el, 10, 10);
    pointerAt(el, 'pointermove', 50, 50);
    click(el, 60, 60);
    press(el, 'Enter');
    assert.lengthOf(changes, 0);
  });
});
