import { assert } from 'chai';
import type { Annotation } from '../../src/core/model';
import { LabelerStateNotification, type LabelerState, type SubmitParams } from '../../src/protocol/labeler';
import type { LblBoxEditor } from '../components/box-editor';
import type { LblClassEditor } from '../components/class-editor';
import type { LblNerEditor } from '../components/ner-editor';
import { FakeTransport } from '../shared/fake-transport';
import { HostIpc } from '../shared/host-ipc';
import './app';
import type { LblLabelerApp } from './app';
import { aState, anItem, drag, key, mountApp, pointerAt, unmountAll, withAnnotation } from './test-builders';

const app = (state: LabelerState, transport = new FakeTransport()) => mountApp(state, transport);

const text = (el: LblLabelerApp) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ');
const submitted = (t: FakeTransport) => t.lastParams('labeler/submit') as SubmitParams | undefined;
const settle = () => new Promise((r) => setTimeout(r, 0));

/** After a refused submit in a paused project: one banner, and it says the label was not saved. */
function assertOneNotSavedBanner(el: LblLabelerApp): void {
  const banners = el.shadowRoot!.querySelectorAll('.banner');
  assert.lengthOf(banners, 1, 'one banner about the pause, not two');
  assert.include(banners[0]!.textContent!, 'this label was not saved');
}

describe('lbl-labeler-app', () => {
  afterEach(unmountAll);

  it('a rejected item that came back says who returned it and why', async () => {
    const { el } = await app(aState('text-classification', { item: anItem('text-classification', { rejected: { by: 'rita@x', at: '2026-12-01T10:00:00.000Z', reason: 'sarcasm is negative' } }) }));
    const banner = el.shadowRoot!.querySelector('.banner.rejected')!;
    assert.match(banner.textContent!.replace(/\s+/g, ' '), /Returned by rita@x: “sarcasm is negative”\. Label it again\./);
    const { el: plain } = await app(aState('text-classification'));
    assert.isNull(plain.shadowRoot!.querySelector('.banner.rejected'));
  });

  it('says ready, then shows the project, item, progress and instructions as text', async () => {
    const { el, transport } = await app(aState('text-classification', { project: { ...aState('text-classification').project, instructions: '# Rules\n<b>not html</b>' } }));
    assert.equal(transport.methods[0], 'ready');
    const t = text(el);
    assert.include(t, '312 of 5,000 labeled, 41 by you');
    assert.include(t, 'Demo project');
    const instr = el.shadowRoot!.querySelector('lbl-instructions')!;
    assert.include(instr.shadowRoot!.textContent!, '<b>not html</b>');
    assert.isNull(instr.shadowRoot!.querySelector('b'));
  });

  it('a state embedded in the page is drawn as it connects, without asking for one; a reload of that page asks', async () => {
    const state = aState('text-classification', { item: anItem('text-classification', { key: 'data/reviews.csv#9' }) });
    const transport = new FakeTransport();
    const el = document.createElement('lbl-labeler-app');
    el.ipc = new HostIpc(transport);
    el.initialState = state;
    document.body.append(el);
    await el.updateComplete;
    assert.include(text(el), 'data/reviews.csv#9', 'the item is on screen before any host message');
    assert.deepEqual(transport.methods, ['labeler/readyWith']);
    assert.deepEqual(transport.lastParams('labeler/readyWith'), { version: state.version });
    el.remove();
    // The same page loaded again (the panel hidden and shown): its embedded state may be old.
    const again = document.createElement('lbl-labeler-app');
    again.ipc = new HostIpc(transport);
    again.initialState = state;
    document.body.append(again);
    await again.updateComplete;
    assert.equal(transport.methods.at(-1), 'ready');
    assert.notInclude(text(again), 'data/reviews.csv#9');
    again.remove();
  });

  it('multi-class: a hotkey selects one label; Enter submits it with the item version', async () => {
    const { el, transport } = await app(aState('text-classification', { item: anItem('text-classification', { version: 7 }) }));
    key(window, '1');
    key(window, '2');
    await el.updateComplete;
    key(window, 'Enter');
    await settle();
    assert.deepEqual(submitted(transport), { key: 'data/reviews.csv#7', annotation: { kind: 'classes', labels: ['ORG'] }, version: 7, fromPrelabel: undefined });
  });

  it('multi-label: hotkeys toggle labels; Ctrl+Z undoes the last edit', async () => {
    const { el } = await app(aState('image-multilabel'));
    key(window, '1');
    key(window, '3');
    key(window, '1');
    assert.deepEqual(el.draft!.annotation, { kind: 'classes', labels: ['LOC'] });
    key(window, 'z', { ctrlKey: true });
    assert.deepEqual(el.draft!.annotation, { kind: 'classes', labels: ['PER', 'LOC'] });
  });

  it('clicking a label in the palette works like its hotkey', async () => {
    const { el } = await app(aState('text-classification'));
    const palette = el.shadowRoot!.querySelector('lbl-label-palette')!;
    const button = [...palette.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.includes('LOC'))!;
    button.click();
    await el.updateComplete;
    assert.deepEqual(el.draft!.annotation, { kind: 'classes', labels: ['LOC'] });
    await palette.updateComplete;
    assert.equal(button.getAttribute('aria-pressed'), 'true');
  });

  it('paused: one banner says so, Submit is disabled; Enter sends nothing and the same banner says it was not saved', async () => {
    const s = aState('text-classification');
    const { el, transport } = await app({ ...s, project: { ...s.project, status: 'paused' } });
    assert.include(text(el), 'This project is paused');
    const submit = [...el.shadowRoot!.querySelectorAll('vscode-button')].find((b) => b.textContent!.includes('Submit'))!;
    assert.isTrue(submit.disabled);
    key(window, '1');
    key(window, 'Enter');
    await settle();
    await el.updateComplete;
    assert.notInclude(transport.methods, 'labeler/submit');
    assertOneNotSavedBanner(el);
  });

  it('paused on the host side: the refused submit shows the one paused banner, not a second message', async () => {
    const t = new FakeTransport((m) => (m === 'labeler/submit' ? { ok: false, reason: 'paused', message: 'project "p1" is paused' } : { ok: true, result: {} }));
    const { el } = await app(aState('text-classification'), t);
    key(window, '1');
    key(window, 'Enter');
    await settle();
    await el.updateComplete;
    const s = aState('text-classification');
    t.notify(LabelerStateNotification, { ...s, project: { ...s.project, status: 'paused' } });
    await el.updateComplete;
    assertOneNotSavedBanner(el);
  });

  it('empty queue: shows what to do next, and Check again asks the host for the next item', async () => {
    const { el, transport } = await app(aState('text-ner', { item: null }));
    assert.include(text(el), 'No more items in the queue');
    const again = [...el.shadowRoot!.querySelectorAll('vscode-button')].find((b) => b.textContent!.includes('Check again'))!;
    again.click();
    await settle();
    assert.include(transport.methods, 'labeler/next');
  });

  it('prelabels show as suggested; one Enter confirms and submits as fromPrelabel', async () => {
    const prelabel: Annotation = { kind: 'classes', labels: ['LOC'] };
    const { el, transport } = await app(aState('image-classification', { item: anItem('image-classification', { prelabel: { annotation: prelabel, confidence: 0.9 } }) }));
    assert.include(text(el), 'suggested');
    key(window, 'Enter');
    await settle();
    assert.isFalse(el.draft!.suggested);
    assert.deepEqual(transport.methods.filter((m) => m === 'labeler/submit'), ['labeler/submit']);
    assert.equal(submitted(transport)!.annotation, undefined, 'the prelabel goes by reference: the host has it');
    assert.isTrue(submitted(transport)!.fromPrelabel);
  });

  it('the Confirm button on a suggestion confirms and submits in one click (it replaces Submit)', async () => {
    const prelabel: Annotation = { kind: 'classes', labels: ['ORG'] };
    const { el, transport } = await app(aState('text-classification', { item: anItem('text-classification', { prelabel: { annotation: prelabel } }) }));
    const buttons = () => [...el.shadowRoot!.querySelectorAll('vscode-button')];
    assert.isUndefined(buttons().find((b) => b.textContent!.trim() === 'Submit'));
    buttons().find((b) => b.textContent!.includes('Confirm'))!.click();
    await settle();
    assert.deepEqual(submitted(transport), { key: 'data/reviews.csv#7', version: 1, fromPrelabel: true }, 'the prelabel goes by reference');
  });

  it('editing a prelabel makes it the labeler own (no longer suggested)', async () => {
    const { el } = await app(aState('image-classification', { item: anItem('image-classification', { prelabel: { annotation: { kind: 'classes', labels: ['LOC'] } } }) }));
    key(window, '2');
    assert.isFalse(el.draft!.suggested);
    assert.deepEqual(el.draft!.annotation, { kind: 'classes', labels: ['ORG'] });
  });

  it('shows a host error answer (e.g. a stale version) as a message', async () => {
    const t = new FakeTransport((m) => (m === 'labeler/submit' ? { ok: false, reason: 'conflict', message: 'The item changed since you opened it.' } : { ok: true, result: {} }));
    const { el } = await app(aState('text-classification'), t);
    key(window, '1');
    key(window, 'Enter');
    await settle();
    await el.updateComplete;
    assert.include(text(el), 'The item changed since you opened it.');
  });

  it('a new snapshot for another item resets the draft and the undo history', async () => {
    const { el, transport } = await app(aState('text-classification'));
    key(window, '1');
    transport.notify(LabelerStateNotification, aState('text-classification', { item: anItem('text-classification', { key: 'b.txt', version: 2 }) }));
    assert.deepEqual(el.draft!.annotation, { kind: 'classes', labels: [] });
    assert.isFalse(el.draft!.canUndo);
  });

  it('image-detection: Esc while drawing leaves no box; after drawing a hotkey picks the next box label; relabelling needs a click; Del deletes', async () => {
    const { el } = await app(aState('image-detection'));
    await new Promise((r) => requestAnimationFrame(r));
    const ed = el.editor as LblBoxEditor;
    await ed.updateComplete;
    drag(ed, [10, 10], [100, 100], 2, false);
    key(window, 'Escape');
    pointerAt(ed, 'pointerup', 100, 100);
    assert.deepEqual(el.draft!.annotation, { kind: 'boxes', boxes: [] });
    drag(ed, [10, 10], [100, 100]);
    key(window, '2');
    assert.deepEqual(el.draft!.annotation, { kind: 'boxes', boxes: [{ label: 'PER', x: 10, y: 10, w: 90, h: 90 }] }, 'the drawn box keeps its label');
    assert.equal(el.activeLabel, 'ORG', 'the hotkey chose the next box label');
    await el.updateComplete;
    drag(ed, [150, 150], [250, 250]);
    assert.equal((el.draft!.annotation as { boxes: { label: string }[] }).boxes[1]!.label, 'ORG');
    drag(ed, [50, 50], [50, 50]); // click: selects the first box
    await ed.updateComplete;
    assert.include(ed.shadowRoot!.querySelector('.hint')!.textContent!, 'relabel the selected box');
    key(window, '3');
    assert.deepEqual((el.draft!.annotation as { boxes: { label: string }[] }).boxes.map((b) => b.label), ['LOC', 'ORG']);
    key(window, 'Delete');
    assert.deepEqual((el.draft!.annotation as { boxes: { label: string }[] }).boxes.map((b) => b.label), ['ORG']);
  });

  it('Ctrl+Z undoes even when the VS Code webview host already called preventDefault on it', async () => {
    // VS Code's webview host registers its keydown listener first and prevents the browser's own undo.
    const vscodeHost = (e: KeyboardEvent) => {
      if (e.ctrlKey && e.key === 'z') e.preventDefault();
    };
    window.addEventListener('keydown', vscodeHost);
    try {
      const { el } = await app(aState('text-classification'));
      key(window, '2');
      assert.deepEqual(el.draft!.annotation, { kind: 'classes', labels: ['ORG'] });
      key(window, 'z', { ctrlKey: true });
      assert.deepEqual(el.draft!.annotation, { kind: 'classes', labels: [] });
    } finally {
      window.removeEventListener('keydown', vscodeHost);
    }
  });

  it('a label with hotkey 0 gets key 0, before the image editor uses 0 for zoom to fit', async () => {
    const s = aState('image-classification');
    const labels = [{ name: '0', color: '#1f77b4', hotkey: '0' }, ...s.project.labels];
    const { el } = await app({ ...s, project: { ...s.project, labels } });
    key(window, '0');
    assert.deepEqual(el.draft!.annotation, { kind: 'classes', labels: ['0'] });
    await el.updateComplete;
    const ed = el.editor as LblClassEditor;
    await ed.updateComplete;
    assert.exists(ed.shadowRoot!.querySelector('vscode-button[aria-label="Zoom to fit"]'), 'the Fit button no longer promises key 0');
  });

  it('text-ner: keyboard selection + hotkey tags a span through the app, and Back is sent', async () => {
    const { el, transport } = await app(aState('text-ner', { item: withAnnotation(anItem('text-ner'), { kind: 'spans', spans: [] }) }));
    const ed = el.editor as LblNerEditor;
    await ed.updateComplete;
    key(window, 'ArrowRight');
    key(window, 'ArrowRight', { shiftKey: true });
    key(window, '1');
    assert.deepEqual(el.draft!.annotation, { kind: 'spans', spans: [{ start: 0, end: 10, label: 'PER' }] });
    [...el.shadowRoot!.querySelectorAll('vscode-button')].find((b) => b.textContent!.includes('Back'))!.click();
    await settle();
    assert.include(transport.methods, 'labeler/back');
  });
});
