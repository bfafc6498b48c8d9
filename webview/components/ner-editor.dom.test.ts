import { assert } from 'chai';
import type { Span } from '../../src/core/model';
import { mount, someLabels, unmountAll } from '../labeler/test-builders';
import './ner-editor';
import type { LblNerEditor } from './ner-editor';

const TEXT = 'John Smith works at Acme Corp in Paris.';

async function editor(spans: Span[] = [], text = TEXT) {
  const el = document.createElement('lbl-ner-editor');
  Object.assign(el, { text, spans, labels: someLabels() });
  const changes: Span[][] = [];
  const notices: string[] = [];
  el.addEventListener('lbl-change', (e) => e.detail.annotation.kind === 'spans' && changes.push(e.detail.annotation.spans));
  el.addEventListener('lbl-notice', (e) => notices.push(e.detail.text));
  await mount(el);
  return { el, changes, notices };
}
/** The text node of a segment (Lit also leaves comment markers). */
const textIn = (e: Element) => [...e.childNodes].find((n) => n.nodeType === Node.TEXT_NODE)!;
const press = (el: LblNerEditor, key: string, shiftKey = false) => el.handleKey(new KeyboardEvent('keydown', { key, shiftKey }));

describe('lbl-ner-editor', () => {
  afterEach(unmountAll);

  it('renders the text as text, spans with their label and colour', async () => {
    const { el } = await editor([{ start: 0, end: 10, label: 'PER' }], `<img src=x onerror=alert(1)> ${TEXT}`);
    const root = el.shadowRoot!;
    assert.isNull(root.querySelector('img'));
    assert.include(root.querySelector('.text')!.textContent!, '<img src=x onerror=alert(1)>');
    const mark = root.querySelector('mark')!;
    assert.equal(mark.dataset.label, 'PER');
    assert.include(mark.getAttribute('style')!, '#1f77b4');
  });

  it('keyboard: arrows move a whole-token cursor, Shift extends, a label tags it', async () => {
    const { el, changes } = await editor();
    press(el, 'ArrowRight');
    press(el, 'ArrowRight', true);
    assert.deepEqual(el.selection, { start: 0, end: 10 });
    assert.isTrue(el.applyLabel('PER'));
    for (let i = 0; i < 2; i++) press(el, 'ArrowRight');
    press(el, 'ArrowRight', true);
    el.applyLabel('ORG');
    assert.deepEqual(changes.at(-1), [{ start: 0, end: 10, label: 'PER' }, { start: 20, end: 29, label: 'ORG' }]);
    await el.updateComplete;
    assert.lengthOf(el.shadowRoot!.querySelectorAll('mark'), 2);
  });

  it('mouse selections snap to whole tokens', async () => {
    const { el } = await editor();
    el.selectRange(22, 26);
    assert.deepEqual(el.selection, { start: 20, end: 29 }, '"me Co" grows to "Acme Corp"');
  });

  it('a real mouse selection in the DOM is read, snapped and cleared', async () => {
    const { el } = await editor();
    const node = textIn(el.shadowRoot!.querySelector('[data-o]')!);
    const range = document.createRange();
    range.setStart(node, 2);
    range.setEnd(node, 7);
    const sel = document.getSelection()!;
    sel.removeAllRanges();
    sel.addRange(range);
    el.shadowRoot!.querySelector('.text')!.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
    assert.deepEqual(el.selection, { start: 0, end: 10 });
  });

  it('refuses an overlapping span with a message and no change', async () => {
    const { el, changes, notices } = await editor([{ start: 20, end: 29, label: 'ORG' }]);
    el.selectRange(25, 32);
    el.applyLabel('LOC');
    assert.lengthOf(changes, 0);
    assert.match(notices[0]!, /overlap/);
  });

  it('click a span to select it; a hotkey relabels, Del deletes', async () => {
    const { el, changes } = await editor([{ start: 33, end: 38, label: 'PER' }]);
    const inner = textIn(el.shadowRoot!.querySelector('mark [data-o]')!);
    const range = document.createRange();
    range.setStart(inner, 1);
    range.collapse(true);
    document.getSelection()!.removeAllRanges();
    document.getSelection()!.addRange(range);
    el.shadowRoot!.querySelector('.text')!.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
    assert.equal(el.selectedSpan, 0);
    el.applyLabel('LOC');
    assert.deepEqual(changes.at(-1), [{ start: 33, end: 38, label: 'LOC' }]);
    assert.isTrue(press(el, 'Delete'));
    assert.deepEqual(changes.at(-1), []);
  });

  it('a 100 KB text with 2,000 spans renders in chunks, all spans present', async () => {
    const sentence = 'Alice met Bob in Berlin yesterday and they talked. ';
    const text = sentence.repeat(2000);
    assert.isAtLeast(text.length, 100_000);
    const spans: Span[] = [];
    for (let i = 0; spans.length < 2000; i++) spans.push({ start: i * sentence.length, end: i * sentence.length + 5, label: 'PER' });
    const { el } = await editor(spans, text);
    assert.lengthOf(el.shadowRoot!.querySelectorAll('mark'), 2000);
    assert.isAbove(el.shadowRoot!.querySelectorAll('.chunk').length, 20);
  });
});
