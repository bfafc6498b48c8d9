import { assert } from 'chai';
import type { LabelerItem, LabelerView, SubmitParams } from '../../src/protocol/labeler';
import { LabelerUpcomingNotification, LabelerViewNotification } from '../../src/protocol/labeler';
import '../components/box-editor';
import type { LblBoxEditor } from '../components/box-editor';
import type { LblMaskEditor } from '../components/mask-editor';
import { FakeTransport } from '../shared/fake-transport';
import { decodedImage, forgetDecoded, heldBitmap, rememberBitmap, rememberDecoded } from '../shared/image-cache';
import './app';
import { BITMAPS, BLOB_DECODE_PIXELS } from './prefetch';
import { aState, anItem, blankImage, drag, key, mount, mountApp, someLabels, unmountAll } from './test-builders';

const TYPE = 'image-semantic-segmentation';
const settle = () => new Promise((r) => setTimeout(r, 0));
const frame = () => new Promise((r) => requestAnimationFrame(() => r(undefined)));
const maskEditor = (el: HTMLElement) => el.shadowRoot!.querySelector('lbl-mask-editor') as LblMaskEditor;

/** What the canvases drew an image from (drawImage's first argument) while `run` ran. */
async function drawnSources(run: () => Promise<void>): Promise<CanvasImageSource[]> {
  const proto = CanvasRenderingContext2D.prototype;
  const original = proto.drawImage;
  const seen: CanvasImageSource[] = [];
  proto.drawImage = function (this: CanvasRenderingContext2D, ...args: unknown[]) {
    seen.push(args[0] as CanvasImageSource);
    return (original as (...a: unknown[]) => void).apply(this, args);
  } as typeof proto.drawImage;
  try {
    await run();
  } finally {
    proto.drawImage = original;
  }
  return seen;
}

/** A distinct image per item (a data: URI is its own cache key). */
function imageItem(n: number, w = 64, h = 48): LabelerItem {
  return anItem(TYPE, { key: `images/${n}.png`, ref: { path: `images/${n}.png` }, imageUri: blankImage(w, h + n), width: w, height: h + n, version: 1 });
}

async function decodedElement(uri: string): Promise<HTMLImageElement> {
  const img = new Image();
  img.src = uri;
  await img.decode();
  return img;
}

describe('image bitmaps held ahead for the canvas editors', () => {
  afterEach(unmountAll);

  it('an editor whose image is held as a bitmap draws the bitmap, and the element once the bitmap is closed', async () => {
    const uri = blankImage(80, 60);
    const img = await decodedElement(uri);
    const bitmap = await createImageBitmap(img);
    rememberDecoded(uri, img);
    rememberBitmap(uri, bitmap);
    try {
      let el!: LblBoxEditor;
      const first = await drawnSources(async () => {
        el = document.createElement('lbl-box-editor');
        Object.assign(el, { imageUri: uri, imageWidth: 80, imageHeight: 60, labels: someLabels('cat'), boxes: [] });
        await mount(el);
      });
      assert.isNotEmpty(first);
      assert.isTrue(first.every((s) => s === bitmap), 'every draw came from the held bitmap');

      forgetDecoded(uri);
      assert.equal(bitmap.width, 0, 'a forgotten bitmap is closed');
      assert.isUndefined(heldBitmap(uri));
      const after = await drawnSources(async () => {
        el.flush();
        await frame();
      });
      assert.isNotEmpty(after);
      assert.isTrue(after.every((s) => s === img), 'then the element it loaded with');
    } finally {
      forgetDecoded(uri);
    }
  });

  it('the prefetch makes a bitmap of the next image; after the submit succeeded the mask editor draws it', async () => {
    const cur = imageItem(1);
    const next = imageItem(2);
    const view: LabelerView = { base: 1, version: 2, itemFromUpcoming: next.key, progress: { labeled: 1, total: 3, mine: 1 }, canGoBack: true, upcomingKeys: [] };
    const t = new FakeTransport((method) => (method === 'labeler/submit' ? { ok: true, result: { savedAt: '2026-12-01T08:00:00.000Z', view } } : { ok: true, result: {} }));
    const state = aState(TYPE, { item: cur, upcoming: [next], upcomingKeys: [next.key] });
    state.project = { ...state.project, labels: someLabels('car', 'road'), ignoreLabel: 'void' };
    const { el } = await mountApp(state, t);
    assert.isTrue(await el.prefetch.decode(next.imageUri!));
    assert.isTrue(await el.prefetch.bitmapMade(next.imageUri!), 'a bitmap of the next image is made while the current one is shown');
    const bitmap = heldBitmap(next.imageUri!)!;
    assert.deepEqual([bitmap.width, bitmap.height], [next.width, next.height]);

    const ed = maskEditor(el);
    key(window, '2');
    await el.updateComplete;
    ed.setBrushSize(10);
    drag(ed, [10.5, 10.5], [30.5, 10.5], 3);
    await el.updateComplete;
    const drawn = await drawnSources(async () => {
      key(window, 'Enter');
      await settle();
      await settle();
      await el.updateComplete;
      await maskEditor(el).updateComplete;
      await frame();
    });
    assert.equal((t.lastParams('labeler/submit') as SubmitParams).key, cur.key);
    assert.equal(el.state?.item?.key, next.key, 'the next item is shown once the submit was answered');
    assert.include(drawn, bitmap, 'the mask editor drew the next image from the held bitmap');
    assert.notInclude(drawn, decodedImage(next.imageUri!), 'not from the decoded element');
    assert.isAbove(bitmap.width, 0, 'the shown one is kept until the next view');

    // The next view moves on: the bitmap of the item no longer shown or upcoming is closed.
    t.notify(LabelerViewNotification, { ...view, base: 2, version: 3, itemFromUpcoming: undefined, item: imageItem(3), upcomingKeys: [] });
    await settle();
    assert.equal(bitmap.width, 0, 'the forgotten bitmap was closed');
    assert.isUndefined(heldBitmap(next.imageUri!));
  });

  it(`holds bitmaps for the first ${BITMAPS} upcoming images only, and closes one that leaves them`, async () => {
    const items = [1, 2, 3, 4, 5].map((n) => imageItem(10 + n));
    const state = aState(TYPE, { item: imageItem(10), upcoming: items, upcomingKeys: items.map((i) => i.key) });
    const { el, transport } = await mountApp(state, new FakeTransport());
    for (const it of items) assert.isTrue(await el.prefetch.decode(it.imageUri!));
    const made = await Promise.all(items.map((it) => el.prefetch.bitmapMade(it.imageUri!)));
    assert.deepEqual(made, items.map((_, i) => i < BITMAPS));
    assert.deepEqual(items.map((it) => heldBitmap(it.imageUri!) !== undefined), made);
    const first = heldBitmap(items[0]!.imageUri!)!;

    // The window moves one on (the first left it): its bitmap is closed, the fourth gets one.
    const keys = items.slice(1).map((i) => i.key);
    transport.notify(LabelerViewNotification, { base: 1, version: 2, progress: { labeled: 1, total: 6, mine: 1 }, canGoBack: true, upcomingKeys: keys });
    transport.notify(LabelerUpcomingNotification, { upcoming: [] });
    await settle();
    assert.equal(first.width, 0, 'closed');
    assert.isTrue(await el.prefetch.bitmapMade(items[BITMAPS]!.imageUri!));
    assert.deepEqual(items.map((it) => heldBitmap(it.imageUri!) !== undefined), items.map((_, i) => i >= 1 && i <= BITMAPS));

    el.prefetch.clear();
    assert.deepEqual(items.map((it) => heldBitmap(it.imageUri!) !== undefined), items.map(() => false), 'clear() closes them all');
  });

  it(`the bitmap of an upcoming image over ${BLOB_DECODE_PIXELS.toLocaleString('en-US')} pixels is decoded from its file as a Blob (off the page's thread), a smaller one's from the element`, async () => {
    const items = [imageItem(31, 1200, 900), imageItem(32)];
    const original = window.createImageBitmap;
    const sources: string[] = [];
    window.createImageBitmap = ((...args: Parameters<typeof createImageBitmap>) => {
      const src = args[0];
      sources.push(src instanceof Blob ? `blob ${src.type}` : src instanceof HTMLImageElement ? 'element' : String(src));
      return original(...args);
    }) as typeof createImageBitmap;
    try {
      const { el } = await mountApp(aState(TYPE, { item: imageItem(30), upcoming: items, upcomingKeys: items.map((i) => i.key) }), new FakeTransport());
      for (const it of items) assert.isTrue(await el.prefetch.decode(it.imageUri!));
      for (const it of items) assert.isTrue(await el.prefetch.bitmapMade(it.imageUri!));
      assert.deepEqual(sources.sort(), ['blob image/png', 'element'], 'the large one from its file, the small one from its element');
      for (const it of items) assert.isDefined(heldBitmap(it.imageUri!));
    } finally {
      window.createImageBitmap = original;
    }
  });

  it('a view that brings an image into the bitmap window makes its bitmap only after the view was drawn', async () => {
    const items = [1, 2, 3, 4, 5].map((n) => imageItem(20 + n));
    const state = aState(TYPE, { item: imageItem(20), upcoming: items, upcomingKeys: items.map((i) => i.key) });
    const { el, transport } = await mountApp(state, new FakeTransport());
    for (const it of items) assert.isTrue(await el.prefetch.decode(it.imageUri!));
    await Promise.all(items.map((it) => el.prefetch.bitmapMade(it.imageUri!)));
    const fourth = items[BITMAPS]!.imageUri!;
    assert.isUndefined(heldBitmap(fourth));

    // createImageBitmap of an element decodes its file again on the page's thread: not before the view is on screen.
    const original = window.createImageBitmap;
    const calls: string[] = [];
    window.createImageBitmap = ((...args: Parameters<typeof createImageBitmap>) => {
      calls.push(el.state?.version === 2 && el.shadowRoot!.querySelector('.progress')?.textContent?.startsWith('2 of') ? 'after view drawn' : 'before view drawn');
      return original(...args);
    }) as typeof createImageBitmap;
    try {
      transport.notify(LabelerViewNotification, { base: 1, version: 2, item: imageItem(20), progress: { labeled: 2, total: 6, mine: 1 }, canGoBack: true, upcomingKeys: items.slice(1).map((i) => i.key) });
      await el.updateComplete;
      assert.deepEqual(calls, [], 'no bitmap is made while the view is applied and drawn');
      assert.isTrue(await el.prefetch.bitmapMade(fourth));
      assert.deepEqual(calls, ['after view drawn']);
      assert.isDefined(heldBitmap(fourth));
    } finally {
      window.createImageBitmap = original;
    }
  });
});
