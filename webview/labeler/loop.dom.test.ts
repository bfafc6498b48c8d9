import { assert } from 'chai';
import type { IpcNotification, WireMessage } from '../../src/protocol/ipc';
import { LabelerStateNotification, LabelerUpcomingNotification, LabelerViewNotification, type LabelerState, type LabelerView } from '../../src/protocol/labeler';
import type { Transport } from '../shared/host-ipc';
import './app';
import type { LblLabelerApp } from './app';
import { aState, anItem, blankImage, key, mountApp, unmountAll } from './test-builders';

/** A transport whose requests stay unanswered until the test answers them (a journal append in progress). */
class ManualTransport implements Transport {
  readonly sent: WireMessage[] = [];
  private receiver?: (m: WireMessage) => void;
  post(m: WireMessage): void {
    this.sent.push(m);
  }
  listen(r: (m: WireMessage) => void): () => void {
    this.receiver = r;
    return () => (this.receiver = undefined);
  }
  getState(): unknown {
    return undefined;
  }
  setState(): void {}
  notify<P>(n: IpcNotification<P>, params: P): void {
    this.receiver?.({ type: 'notification', method: n.method, params });
  }
  /** The last request with this method. */
  request(method: string): Extract<WireMessage, { type: 'request' }> | undefined {
    return this.sent.filter((m): m is Extract<WireMessage, { type: 'request' }> => m.type === 'request' && m.method === method).at(-1);
  }
  answer(id: number, result: unknown): void {
    this.receiver?.({ type: 'response', id, ok: true, result });
  }
  fail(id: number, reason: string, message: string): void {
    this.receiver?.({ type: 'response', id, ok: false, error: { reason, message } });
  }
  get methods(): string[] {
    return this.sent.map((m) => ('method' in m ? m.method : m.type));
  }
}

const A = anItem('text-classification', { key: 'data/reviews.csv#1', ref: { path: 'data/reviews.csv', row: '1' }, text: 'First review.', version: 3 });
const B = anItem('text-classification', { key: 'data/reviews.csv#2', ref: { path: 'data/reviews.csv', row: '2' }, text: 'Second review, prefetched.', version: 5 });
const C = anItem('text-classification', { key: 'data/reviews.csv#3', ref: { path: 'data/reviews.csv', row: '3' }, text: 'Third review.', version: 1 });

async function app(state: LabelerState) {
  const { el, transport } = await mountApp(state, new ManualTransport(), 5000);
  return { el, t: transport };
}

const shownText = (el: LblLabelerApp) => el.shadowRoot!.querySelector('lbl-class-editor')!.shadowRoot!.textContent!;
const header = (el: LblLabelerApp) => el.shadowRoot!.querySelector('header')!.textContent!.replace(/\s+/g, ' ');
const settle = async (el: LblLabelerApp) => {
  await new Promise((r) => setTimeout(r, 0));
  await el.updateComplete;
};
const nextView = (over: Partial<LabelerView> = {}): LabelerView => ({
  base: 1, version: 2, itemFromUpcoming: B.key, progress: { labeled: 313, total: 5000, mine: 42 }, canGoBack: true, upcomingKeys: [C.key], upcoming: [C], ...over,
});

describe('lbl-labeler-app: the labeling loop (prefetch, views, failed submits)', () => {
  afterEach(unmountAll);

  it('holds the prefetched next item, and shows it only once the submit was answered', async () => {
    const { el, t } = await app(aState('text-classification', { item: A, upcoming: [B], upcomingKeys: [B.key] }));
    assert.equal(el.prefetch.get(B.key)?.text, 'Second review, prefetched.');
    key(window, '2');
    key(window, 'Enter');
    await settle(el);
    const req = t.request('labeler/submit');
    assert.ok(req, 'the submit was sent');
    assert.deepEqual(req.params, { key: A.key, annotation: { kind: 'classes', labels: ['ORG'] }, version: 3, fromPrelabel: undefined });
    // The append has not returned: the current item stays, even though the next one is held.
    await new Promise((r) => setTimeout(r, 50));
    await el.updateComplete;
    assert.include(shownText(el), 'First review.');
    assert.include(header(el), A.key);
    t.answer(req.id, { savedAt: '2026-12-01T08:00:00.000Z', view: nextView() });
    await settle(el);
    assert.include(shownText(el), 'Second review, prefetched.');
    assert.include(header(el), '313 of 5,000 labeled, 42 by you');
    assert.equal(el.draft?.key, B.key);
    assert.deepEqual(el.draft?.annotation, { kind: 'classes', labels: [] }, 'the next item starts without the last labels');
    assert.deepEqual(el.prefetch.keys(), [B.key, C.key], 'the new upcoming one came in; the shown one stays until the next view');
    assert.equal(el.state?.version, 2);
    // An answer's new upcoming items follow it in a notification.
    const D = anItem('text-classification', { key: 'data/reviews.csv#4', ref: { path: 'data/reviews.csv', row: '4' }, text: 'Fourth.', version: 1 });
    t.notify(LabelerUpcomingNotification, { upcoming: [D] });
    assert.deepEqual(el.prefetch.keys(), [B.key, C.key, D.key]);
  });

  it('a submit in flight blocks a second one at once, but the buttons are drawn disabled only when the answer is slow', async () => {
    const { el, t } = await app(aState('text-classification', { item: A, upcoming: [B], upcomingKeys: [B.key] }));
    const submitButton = () => [...el.shadowRoot!.querySelectorAll('vscode-button')].find((b) => b.textContent!.includes('Submit'))! as HTMLElement & { disabled: boolean };
    key(window, '2');
    key(window, 'Enter');
    key(window, 'Enter');
    await settle(el);
    assert.equal(t.sent.filter((m) => m.type === 'request' && m.method === 'labeler/submit').length, 1, 'one submit, whatever Enter does meanwhile');
    // No redraw as it goes out (that redraw held the shared page thread and delayed the message itself).
    assert.isFalse(submitButton().disabled, 'not redrawn as disabled for a quick answer');
    await new Promise((r) => setTimeout(r, 250));
    await el.updateComplete;
    assert.isTrue(submitButton().disabled, 'a slow answer shows the buttons disabled');
    t.answer(t.request('labeler/submit')!.id, { savedAt: '2026-12-01T08:00:00.000Z', view: nextView() });
    await settle(el);
    assert.isFalse(submitButton().disabled, 'enabled again with the next item');
    assert.include(shownText(el), 'Second review, prefetched.');
  });

  it('a failed submit keeps the current item with its labels and says why; the held item is not shown', async () => {
    const { el, t } = await app(aState('text-classification', { item: A, upcoming: [B], upcomingKeys: [B.key] }));
    key(window, '3');
    key(window, 'Enter');
    await settle(el);
    const req = t.request('labeler/submit')!;
    t.fail(req.id, 'io', '.labeling/p1/journal/ann/d1.jsonl: cannot append (ENOSPC: no space left on device)');
    await settle(el);
    assert.include(shownText(el), 'First review.');
    assert.equal(el.draft?.key, A.key);
    assert.deepEqual(el.draft?.annotation, { kind: 'classes', labels: ['LOC'] }, 'the labels given stay');
    const banner = el.shadowRoot!.querySelector('.banner.error');
    assert.ok(banner, 'an error banner');
    assert.include(banner.textContent!, 'no space left on device');
    assert.equal(banner.getAttribute('role'), 'alert');
    // Enter again sends the same labels once more.
    key(window, 'Enter');
    await settle(el);
    const again = t.request('labeler/submit')!;
    assert.notEqual(again.id, req.id);
    assert.deepEqual((again.params as { annotation: unknown }).annotation, { kind: 'classes', labels: ['LOC'] });
  });

  it('Back shows the previous item held ahead only once answered, with its own labels and the position of the view', async () => {
    const P = anItem('text-classification', {
      key: 'data/reviews.csv#0', ref: { path: 'data/reviews.csv', row: '0' }, text: 'My earlier review.', version: 9,
      annotation: { kind: 'classes', labels: ['LOC'] }, state: 'labeled', position: { index: 41, count: 41 },
    });
    const { el, t } = await app(aState('text-classification', { item: A, upcoming: [B, P], upcomingKeys: [B.key, P.key] }));
    assert.deepEqual(el.prefetch.keys(), [B.key, P.key]);
    const back = [...el.shadowRoot!.querySelectorAll('vscode-button')].find((b) => b.textContent!.includes('Back'))!;
    back.click();
    await settle(el);
    const req = t.request('labeler/back')!;
    assert.include(shownText(el), 'First review.', 'nothing moves before the answer');
    t.answer(req.id, { moved: true, view: nextView({ itemFromUpcoming: P.key, position: { index: 41, count: 42 }, upcoming: undefined, upcomingKeys: [B.key] }) });
    await settle(el);
    assert.include(shownText(el), 'My earlier review.');
    assert.deepEqual(el.draft?.annotation, { kind: 'classes', labels: ['LOC'] }, 'its saved labels');
    assert.include(header(el), '41 / 42', 'the position from the view, not the one held');
    assert.deepEqual(el.prefetch.keys(), [B.key, P.key], 'the shown one stays until the next view');
  });

  it('the item just submitted is held for Back from its answer (heldSubmitted), with the labels submitted, without the host sending it', async () => {
    const { el, t } = await app(aState('text-classification', { item: { ...A, position: { index: 3, count: 3 } }, upcoming: [B], upcomingKeys: [B.key] }));
    key(window, '2');
    key(window, 'Enter');
    await settle(el);
    const req = t.request('labeler/submit')!;
    t.answer(req.id, { savedAt: '2026-12-01T08:00:00.000Z', view: nextView({ upcoming: undefined, upcomingKeys: [C.key, A.key], heldSubmitted: { key: A.key, version: 4, state: 'labeled' } }) });
    await settle(el);
    assert.include(shownText(el), 'Second review, prefetched.');
    const kept = el.prefetch.get(A.key);
    assert.ok(kept, 'the submitted item is held');
    const { position: _shown, ...shownA } = A;
    assert.deepEqual(kept, { ...shownA, annotation: { kind: 'classes', labels: ['ORG'] }, version: 4, state: 'labeled' }, 'as the host would send it: the labels submitted, the new version and state');
    // Back to it: the answer names it, and it is shown with its labels (no resync, nothing sent again).
    const back = [...el.shadowRoot!.querySelectorAll('vscode-button')].find((b) => b.textContent!.includes('Back'))!;
    back.click();
    await settle(el);
    t.answer(t.request('labeler/back')!.id, { moved: true, view: nextView({ base: 2, version: 3, itemFromUpcoming: A.key, position: { index: 4, count: 4 }, upcoming: undefined, upcomingKeys: [B.key, C.key] }) });
    await settle(el);
    assert.notInclude(t.methods, 'labeler/resync');
    assert.include(shownText(el), 'First review.');
    assert.deepEqual(el.draft?.annotation, { kind: 'classes', labels: ['ORG'] });
    assert.equal(el.draft?.version, 4);
    assert.include(header(el), '4 / 4');
  });

  it('a confirmed suggestion is held for Back with the suggestion as its annotation', async () => {
    const boxes = [{ label: 'PER', x: 10, y: 10, w: 50, h: 40 }];
    const cur = anItem('image-detection', { key: 'images/a.png', ref: { path: 'images/a.png' }, prelabel: { annotation: { kind: 'boxes', boxes }, confidence: 0.8 }, version: 4 });
    const next = anItem('image-detection', { key: 'images/b.png', ref: { path: 'images/b.png' }, version: 2 });
    const { el, t } = await app(aState('image-detection', { item: cur, upcoming: [next], upcomingKeys: [next.key] }));
    key(window, 'Enter');
    await settle(el);
    const req = t.request('labeler/submit')!;
    assert.deepEqual(req.params, { key: cur.key, version: 4, fromPrelabel: true }, 'still by reference');
    t.answer(req.id, { savedAt: '2026-12-01T08:00:00.000Z', view: nextView({ itemFromUpcoming: next.key, upcoming: undefined, upcomingKeys: [cur.key], heldSubmitted: { key: cur.key, version: 5, state: 'labeled' } }) });
    await settle(el);
    const { prelabel: _p, ...rest } = cur;
    assert.deepEqual(el.prefetch.get(cur.key), { ...rest, annotation: { kind: 'boxes', boxes }, version: 5, state: 'labeled' });
  });

  it('Enter on a suggestion keeps it drawn as suggested while the submit is in flight; a failure draws it confirmed', async () => {
    const boxes = [{ label: 'PER', x: 10, y: 10, w: 50, h: 40 }];
    const cur = anItem('image-detection', { key: 'images/a.png', ref: { path: 'images/a.png' }, prelabel: { annotation: { kind: 'boxes', boxes } }, version: 4 });
    const { el, t } = await app(aState('image-detection', { item: cur }));
    const editor = () => el.shadowRoot!.querySelector('lbl-box-editor')!;
    assert.isTrue(editor().suggested);
    key(window, 'Enter');
    await settle(el);
    const req = t.request('labeler/submit')!;
    assert.deepEqual(req.params, { key: cur.key, version: 4, fromPrelabel: true });
    assert.isFalse(el.draft!.suggested, 'confirmed in the draft');
    assert.isTrue(editor().suggested, 'not redrawn while the append runs');
    t.fail(req.id, 'io', '.labeling/p1/journal/ann/d1.jsonl: cannot append (EIO)');
    await settle(el);
    await el.updateComplete;
    assert.isFalse(editor().suggested, 'drawn as the labeler own now');
    assert.deepEqual(el.draft!.annotation, { kind: 'boxes', boxes });
    assert.include(el.shadowRoot!.querySelector('.banner.error')!.textContent!, 'cannot append (EIO)');
    key(window, 'Enter');
    await settle(el);
    const again = t.request('labeler/submit')!;
    assert.notEqual(again.id, req.id);
    assert.deepEqual(again.params, { key: cur.key, version: 4, fromPrelabel: true }, 'sent again as the confirmed prelabel');
  });

  it('a view on another version is ignored and a full snapshot asked for; one on this version applies', async () => {
    const { el, t } = await app(aState('text-classification', { item: A }));
    t.notify(LabelerViewNotification, nextView({ base: 7, version: 8, itemFromUpcoming: undefined, item: C }));
    await settle(el);
    assert.include(shownText(el), 'First review.');
    assert.include(t.methods, 'labeler/resync');
    t.notify(LabelerViewNotification, nextView({ itemFromUpcoming: undefined, item: C }));
    await settle(el);
    assert.include(shownText(el), 'Third review.');
  });

  it('a view naming an upcoming item this webview does not hold asks for the snapshot', async () => {
    const { el, t } = await app(aState('text-classification', { item: A }));
    t.notify(LabelerViewNotification, nextView());
    await settle(el);
    assert.include(shownText(el), 'First review.');
    assert.include(t.methods, 'labeler/resync');
  });

  it('a teammate changing the current item arrives as a view: the new version replaces the draft; progress alone keeps it', async () => {
    const { el, t } = await app(aState('text-classification', { item: A }));
    key(window, '1');
    await el.updateComplete;
    t.notify(LabelerViewNotification, nextView({ itemFromUpcoming: undefined, item: A, upcoming: undefined, upcomingKeys: undefined }));
    await settle(el);
    assert.deepEqual(el.draft?.annotation, { kind: 'classes', labels: ['PER'] }, 'same item and version: the draft stays');
    t.notify(LabelerViewNotification, nextView({ base: 2, version: 3, itemFromUpcoming: undefined, item: { ...A, version: 4, state: 'labeled' } }));
    await settle(el);
    assert.equal(el.draft?.version, 4);
  });

  it('an unchanged project keeps its object across snapshots (the palette and instructions are not re-rendered)', async () => {
    const s = aState('text-classification', { item: A });
    const { el, t } = await app(s);
    const project = el.state!.project;
    t.notify(LabelerStateNotification, { ...JSON.parse(JSON.stringify(s)) as LabelerState, version: 2 });
    await settle(el);
    assert.strictEqual(el.state!.project, project);
    t.notify(LabelerStateNotification, { ...s, version: 3, project: { ...s.project, name: 'Renamed' } });
    await settle(el);
    assert.notStrictEqual(el.state!.project, project);
    assert.include(header(el), 'Renamed');
  });

  it('the next image is drawn from the element decoded ahead (no second fetch and decode)', async () => {
    const cur = anItem('image-detection', { key: 'images/a.png', ref: { path: 'images/a.png' }, imageUri: blankImage(), version: 1 });
    const next = anItem('image-detection', { key: 'images/b.png', ref: { path: 'images/b.png' }, imageUri: blankImage(64, 48), width: 64, height: 48, version: 2 });
    const { el, t } = await app(aState('image-detection', { item: cur, upcoming: [next], upcomingKeys: [next.key] }));
    assert.isTrue(await el.prefetch.decode(next.imageUri!));
    key(window, 'Enter');
    await settle(el);
    const req = t.request('labeler/submit')!;
    t.answer(req.id, { savedAt: '2026-12-01T08:00:00.000Z', view: nextView({ itemFromUpcoming: next.key, upcoming: undefined, upcomingKeys: [] }) });
    await settle(el);
    const editor = el.shadowRoot!.querySelector('lbl-box-editor') as unknown as { image?: HTMLImageElement; imageLoaded: boolean };
    assert.equal(el.state?.item?.key, next.key);
    assert.ok(editor.image && editor.image.src === next.imageUri);
    assert.isTrue(editor.imageLoaded, 'loaded at once');
    assert.isTrue(editor.image.complete);
  });

  it('upcoming images are fetched and decoded ahead', async () => {
    const img = anItem('image-classification', { key: 'images/b.png', ref: { path: 'images/b.png' }, imageUri: blankImage(64, 48) });
    const { el } = await app(aState('image-classification', { upcoming: [img], upcomingKeys: [img.key] }));
    assert.isTrue(await el.prefetch.decode(img.imageUri!));
  });
});
