import { assert } from 'chai';
import type { Annotation } from '../../src/core/model';
import { LabelerStateNotification, type SubmitParams } from '../../src/protocol/labeler';
import { FakeTransport } from '../shared/fake-transport';
import './app';
import type { LblLabelerApp } from './app';
import { aState, anItem, key, mountApp, unmountAll } from './test-builders';

const text = (el: LblLabelerApp) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ');
const settle = () => new Promise((r) => setTimeout(r, 0));

/** ML assist's local suggestions can arrive (or change) while their item is on screen, at the same item version. */
describe('lbl-labeler-app: a suggestion that arrives for the item on screen', () => {
  afterEach(unmountAll);
  const suggestion: Annotation = { kind: 'classes', labels: ['ORG'] };
  const withSuggestion = (labels = ['ORG']) => anItem('text-classification', { prelabel: { annotation: { kind: 'classes', labels }, confidence: 0.96, source: 'text-logreg v3' } });

  it('an untouched item takes it: shown suggested with its model, and Enter confirms it by reference', async () => {
    const transport = new FakeTransport();
    const { el } = await mountApp(aState('text-classification'), transport);
    assert.isFalse(el.draft!.suggested);
    transport.notify(LabelerStateNotification, aState('text-classification', { version: 2, item: withSuggestion() }));
    await el.updateComplete;
    assert.isTrue(el.draft!.suggested);
    assert.deepEqual(el.draft!.annotation, suggestion);
    assert.include(text(el), 'suggested · 96% · text-logreg v3');
    key(window, 'Enter');
    await settle();
    assert.deepEqual(transport.lastParams('labeler/submit') as SubmitParams, { key: 'data/reviews.csv#7', version: 1, fromPrelabel: true });
  });

  it("an edited item keeps the labeler's edit when a newer suggestion arrives", async () => {
    const transport = new FakeTransport();
    const { el } = await mountApp(aState('text-classification', { item: withSuggestion() }), transport);
    key(window, '1');
    assert.deepEqual(el.draft!.annotation, { kind: 'classes', labels: ['PER'] });
    transport.notify(LabelerStateNotification, aState('text-classification', { version: 2, item: withSuggestion(['LOC']) }));
    await el.updateComplete;
    assert.deepEqual(el.draft!.annotation, { kind: 'classes', labels: ['PER'] });
    assert.isFalse(el.draft!.suggested);
  });
});
