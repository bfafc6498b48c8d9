import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Span } from '../../model';
import { classes, cleanupWorkspaces } from '../../store/test-support';
import { seededRandom } from '../../random';
import { open, seededProject } from './assist-fixture';
import { saveModel } from './model-store';
import { loadLatestModel } from './model-load';
import { predictQueue, readSuggestions } from './predict-queue';
import { trainAndValidate } from './train';
import { collectTrainingSet } from './training-set';

const PEOPLE = ['Alice', 'Bruno', 'Chen', 'Dana', 'Emeka', 'Farah', 'Goran', 'Hana', 'Ivan', 'Jun', 'Kemal', 'Lena'];
const CITIES = ['Paris', 'Lagos', 'Osaka', 'Lima', 'Oslo', 'Quito', 'Hanoi', 'Porto', 'Accra', 'Riga'];
const FRAMES = ['{P} flew to {C} on Monday.', 'Yesterday {P} met friends in {C}.', 'In {C}, {P} opened a bakery.', 'The trip of {P} ended in {C} at night.'];

/** Template sentences with a person and a city, and their spans. */
function nerTexts(n: number): { texts: string[]; spans: Span[][] } {
  const random = seededRandom(3);
  const pick = <T>(a: readonly T[]) => a[Math.floor(random() * a.length)]!;
  const texts: string[] = [];
  const spans: Span[][] = [];
  for (let i = 0; i < n; i++) {
    const person = pick(PEOPLE);
    const city = pick(CITIES);
    const frame = pick(FRAMES);
    const text = frame.replace('{P}', person).replace('{C}', city);
    const ps = text.indexOf(person);
    const cs = text.indexOf(city);
    texts.push(text);
    spans.push([{ start: ps, end: ps + person.length, label: 'PER' }, { start: cs, end: cs + city.length, label: 'LOC' }].sort((a, b) => a.start - b.start));
  }
  return { texts, spans };
}

describe('ML assist pipeline: NER and multi-label projects', function () {
  this.timeout(60_000);
  after(cleanupWorkspaces);

  it('NER: trains on final spans, validates per span, suggests spans and writes "spans" prediction lines', async () => {
    const { texts, spans } = nerTexts(240);
    const p = await seededProject(texts, ['ann'], (_by, i) => (i <= 200 ? { kind: 'spans', spans: spans[i - 1]! } : undefined), { type: 'text-ner', labels: ['PER', 'LOC'] });
    const store = await open(p);
    try {
      const set = await collectTrainingSet(store);
      assert.equal(set.examples.length, 200);
      const r = await trainAndValidate(set, store.def, { ner: { epochs: 5 } });
      assert.equal(r.name, 'ner-perceptron');
      assert.ok(r.validation.accuracy > 0.9, `entity F1 ${r.validation.accuracy}`);
      assert.ok(r.heldOut.length >= 2 * r.validation.items - 5, 'one held-out prediction per predicted span');
      const m = await saveModel(p.root, p.id, r);
      const { loaded } = await loadLatestModel(p.root, p.id);
      const predictionsFile = path.join(p.root, 'ner.jsonl');
      const q = await predictQueue(store, { model: loaded!.model, version: m.version }, 0.5, { root: p.root, predictionsFile });
      assert.equal(q.predicted, 40);
      const lines = fs.readFileSync(predictionsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { item: string; spans: (Span & { confidence: number })[]; confidence: number | null });
      let right = 0;
      for (const l of lines) {
        assert.deepEqual(Object.keys(l), ['item', 'spans', 'confidence']);
        const i = Number(l.item.split('#r')[1]);
        if (JSON.stringify(l.spans.map(({ start, end, label }) => ({ start, end, label }))) === JSON.stringify(spans[i - 1])) right++;
      }
      assert.ok(right >= 36, `${right} of 40 unlabeled items predicted exactly`);
      const sug = await readSuggestions(p.root, p.id);
      assert.ok(sug.suggestions.length > 0);
      for (const s of sug.suggestions) {
        assert.equal(s.annotation.kind, 'spans');
        const line = lines.find((l) => l.item === s.item)!;
        assert.deepEqual(s.annotation, { kind: 'spans', spans: line.spans.filter((x) => x.confidence >= 0.5).map(({ start, end, label }) => ({ start, end, label })) });
      }
    } finally {
      await store.close();
    }
  });

  it('multi-label: the predicted set must equal the final set, "labels" prediction lines', async () => {
    const random = seededRandom(5);
    const words = { sport: ['match', 'goal', 'team', 'coach'], money: ['price', 'bank', 'market', 'loan'] };
    const texts: string[] = [];
    const sets: string[][] = [];
    for (let i = 0; i < 300; i++) {
      const set = (['sport', 'money'] as const).filter(() => random() < 0.5);
      const bag = ['the', 'a', 'today', 'news', ...set.flatMap((l) => words[l].filter(() => random() < 0.7).concat(words[l][0]!))];
      texts.push(bag.sort(() => random() - 0.5).join(' '));
      sets.push([...set].sort());
    }
    const p = await seededProject(texts, ['ann'], (_by, i) => (i <= 250 ? classes(...sets[i - 1]!) : undefined), { type: 'text-multilabel', labels: ['money', 'sport'] });
    const store = await open(p);
    try {
      const r = await trainAndValidate(await collectTrainingSet(store), store.def);
      assert.equal(r.name, 'tfidf-logreg-ovr');
      assert.ok(r.validation.accuracy > 0.9, `exact-set accuracy ${r.validation.accuracy}`);
      const predictionsFile = path.join(p.root, 'ml.jsonl');
      await predictQueue(store, { model: r.model, version: 1 }, r.validation.threshold, { root: p.root, predictionsFile });
      const lines = fs.readFileSync(predictionsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { item: string; labels: string[]; confidence: number });
      assert.equal(lines.length, 50);
      for (const l of lines) assert.deepEqual(Object.keys(l), ['item', 'labels', 'confidence']);
    } finally {
      await store.close();
    }
  });
});
