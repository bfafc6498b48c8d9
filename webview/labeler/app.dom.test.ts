import { assert } from 'chai';
import type { Annotation } from '../../src/core/model';
import { LabelerStateNotification, type LabelerState, type SubmitParams } from '../../src/protocol/labeler';
import type { LblBoxEditor } from '../components/box-editor';
import type { LblNerEditor } from '../components/ner-editor';
import { FakeTransport } from '../shared/fake-transport';
import { HostIpc } from '../shared/host-ipc';
import './app';
import type { LblLabelerApp } from './app';
import { aState, anItem, drag, key, mount, pointerAt, unmountAll, withAnnotation } from './test-builders';

async function app(state: LabelerState, transport = new FakeTransport()) {
  const el = document.createElement('lbl-labeler-app');
  el.ipc = new HostIpc(transport, 2000);
  const mounted = mount(el, 1000, 700);
  transport.notify(LabelerStateNotification, state);
  await mounted;
  await el.updateComplete;
  return { el, transport };
}

const text = (el: LblLabelerApp) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ');
const submitted = (t: FakeTransport) => t.lastParams('labeler/submit') as SubmitParams | undefined;
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('lbl-labeler-app', () => {
  afterEach(unmountAll);

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

  it('paused: a banner says so, Submit is disabled and Enter sends nothing', async () => {
    const s = aState('text-classification');
    const { el, transport } = await app({ ...s, project: { ...s.project, status: 'paused' } });
    assert.include(text(el), 'This project is paused');
    const submit = [...el.shadowRoot!.querySelectorAll('vscode-button')].find((b) => b.textContent!.includes('Submit'))!;
    assert.isTrue(submit.disabled);
    key(window, '1');
    key(window, 'Enter');
    await settle();
    assert.notInclude(transport.methods, 'labeler/submit');
  });

  it('empty queue: shows what to do next, and Check again asks the host for the next item', async () => {
    const { el, transport } = await app(aState('text-ner', { item: null }));
    assert.include(text(el), 'No more items in the queue');
    const again = [...el.shadowRoot!.querySelectorAll('vscode-button')].find((b) => b.textContent!.includes('Check again'))!;
    again.click();
    await settle();
    assert.include(transport.methods, 'labeler/next');
  });

  it('prelabels show as suggested; Enter confirms, then Enter submits as fromPrelabel', async () => {
    const prelabel: Annotation = { kind: 'classes', labels: ['LOC'] };
    const { el, transport } = await app(aState('image-classification', { item: anItem('image-classification', { prelabel: { annotation: prelabel, confidence: 0.9 } }) }));
    assert.include(text(el), 'suggested');
    key(window, 'Enter');
    await settle();
    assert.include(transport.methods, 'labeler/confirmPrelabel');
    assert.notInclude(transport.methods, 'labeler/submit');
    assert.isFalse(el.draft!.suggested);
    key(window, 'Enter');
    await settle();
    assert.deepEqual(submitted(transport)!.annotation, prelabel);
    assert.isTrue(submitted(transport)!.fromPrelabel);
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

  {
    it('image-detection: Esc pressed while drawing leaves no box; hotkey relabels the selected box; Del deletes', async () => {
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
      assert.deepEqual(el.draft!.annotation, { kind: 'boxes', boxes: [{ label: 'ORG', x: 10, y: 10, w: 90, h: 90 }] });
      key(window, 'Delete');
      assert.deepEqual(el.draft!.annotation, { kind: 'boxes', boxes: [] });
    });
  }

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
