import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { LabelingError } from '../errors';
import { fixture } from '../formats/test-support';
import { bioToSpans, tagsToTokenSpans, textToBio, tokenSpansToTags } from './ner-bio';
import { entityScores, NerModel, trainNer, type NerSentence } from './ner-perceptron';
import { chooseThreshold } from './validation';

const trainTxt = fixture(
  'azureml-examples', 'sdk', 'python', 'jobs', 'automl-standalone-jobs', 'automl-nlp-text-named-entity-recognition-task', 'training-mltable-folder', 'train.txt',
);

/** `token TAG` lines, blank lines between sentences, -DOCSTART- lines dropped. */
function readConll(file: string): NerSentence[] {
  return readFileSync(file, 'utf8')
    .split(/\n\s*\n/)
    .map((block) => block.split('\n').filter((l) => l.trim() && !l.startsWith('-DOCSTART-')).map((l) => l.trim().split(' ')))
    .filter((s) => s.length)
    .map((s) => ({ tokens: s.map((f) => f[0]!), tags: s.map((f) => f[f.length - 1]!) }));
}

const isCancelled = (e: unknown): boolean => e instanceof LabelingError && e.reason === 'cancelled';
const invalidAt = (field: RegExp) => (e: unknown): boolean => e instanceof LabelingError && e.reason === 'invalid-input' && field.test(e.message);

describe('NER averaged perceptron on the CoNLL-2003 sample (722 sentences)', function () {
  const all = readConll(trainTxt);
  const train = all.filter((_, i) => i % 5 !== 4);
  const test = all.filter((_, i) => i % 5 === 4);
  let model: NerModel;

  before(async () => {
    const t0 = Date.now();
    model = await trainNer(train);
    console.log(`      trained on ${train.length} sentences in ${Date.now() - t0} ms`);
  });

  it('reads the fixture: 722 sentences, every 5th held out', () => {
    assert.equal(all.length, 722);
    assert.equal(test.length, 144);
    assert.deepEqual(model.labels, ['LOC', 'MISC', 'ORG', 'PER']);
  });

  it('entity-level micro F1 on the held-out sentences is above 0.75 (measured 0.88; most-frequent-tag 0.64, all-O 0)', () => {
    const t0 = Date.now();
    const pred = test.map((s) => model.predict(s.tokens).tags);
    const scores = entityScores(test.map((s) => s.tags), pred);
    console.log(`      F1 ${scores.f1.toFixed(3)} (P ${scores.precision.toFixed(3)}, R ${scores.recall.toFixed(3)}, ${scores.gold} gold spans), predicted in ${Date.now() - t0} ms`);
    assert.ok(scores.f1 > 0.75, `F1 ${scores.f1}`);
    assert.equal(entityScores(test.map((s) => s.tags), test.map((s) => s.tags.map(() => 'O'))).f1, 0);
  });

  it('never decodes I-X after O or after another label', () => {
    for (const s of test) {
      const { tags } = model.predict(s.tokens);
      tags.forEach((t, i) => {
        if (t.startsWith('I-')) assert.ok(i > 0 && tags[i - 1]!.slice(2) === t.slice(2) && tags[i - 1] !== 'O', `${tags.join(' ')}`);
      });
    }
  });

  it('span confidences are probabilities that rank right spans above wrong ones', () => {
    const right: number[] = [];
    const wrong: number[] = [];
    for (const s of test) {
      const gold = new Set(tagsToTokenSpans(s.tags).map((g) => `${g.start}:${g.end}:${g.label}`));
      const p = model.predict(s.tokens);
      assert.deepEqual(p.spans.map(({ start, end, label }) => ({ start, end, label })), tagsToTokenSpans(p.tags));
      for (const sp of p.spans) {
        assert.ok(sp.confidence >= 0 && sp.confidence <= 1, String(sp.confidence));
        (gold.has(`${sp.start}:${sp.end}:${sp.label}`) ? right : wrong).push(sp.confidence);
      }
    }
    const mean = (a: number[]): number => a.reduce((x, y) => x + y, 0) / a.length;
    assert.ok(wrong.length > 0 && mean(right) > mean(wrong) + 0.1, `right ${mean(right)}, wrong ${mean(wrong)}`);
    // Fed to the validated threshold: at temperature 4 the chosen threshold is not lost among ties at ~1.
    const choice = chooseThreshold([...right.map((c) => ({ confidence: c, correct: true })), ...wrong.map((c) => ({ confidence: c, correct: false }))]);
    console.log(`      ${choice.message}`);
    assert.ok(choice.ok && choice.threshold < 0.99, choice.message);
  });

  it('is deterministic: the same data and seed give the same model; another seed another', async () => {
    const a = JSON.stringify((await trainNer(train, { epochs: 2, seed: 5 })).toJSON());
    const b = JSON.stringify((await trainNer(train, { epochs: 2, seed: 5 })).toJSON());
    const c = JSON.stringify((await trainNer(train, { epochs: 2, seed: 6 })).toJSON());
    assert.equal(a, b);
    assert.notEqual(a, c);
  });

  it('survives a JSON round trip: same tags and confidences; only non-zero weights are written', () => {
    const json = JSON.stringify(model.toJSON());
    const back = NerModel.fromJSON(JSON.parse(json));
    for (const s of test) assert.deepEqual(back.predict(s.tokens), model.predict(s.tokens));
    assert.equal(JSON.stringify(back.toJSON()), json);
    // Dense weights would be 2^18 rows x 9 tags x 4 bytes = 9.4 MB before base64.
    assert.ok(json.length < 1_000_000, `${json.length} bytes`);
  });

  it('refuses a model file of another format or version, or with broken weights, naming the field', () => {
    const j = model.toJSON();
    assert.throws(() => NerModel.fromJSON({ ...j, version: 2 }, 'm.json'), invalidAt(/^m\.json: version: /));
    assert.throws(() => NerModel.fromJSON({ ...j, format: 'x' }), invalidAt(/^format: /));
    assert.throws(() => NerModel.fromJSON({ ...j, tags: ['B-X', 'O'] }), invalidAt(/^tags: /));
    assert.throws(() => NerModel.fromJSON({ ...j, transitions: 'AAAAAA==' }), invalidAt(/^transitions: expected 90 values/));
    assert.throws(() => NerModel.fromJSON({ ...j, weights: { index: j.weights.index, value: 'AAAAAA==' } }), invalidAt(/^weights: /));
    assert.throws(() => NerModel.fromJSON({ ...j, temperature: 0 }), invalidAt(/^temperature: /));
    assert.throws(() => NerModel.fromJSON('nonsense'), invalidAt(/^format: /));
  });

  it('reports progress per epoch and cancels between epochs', async () => {
    const seen: number[] = [];
    await trainNer(train.slice(0, 50), { epochs: 4, onProgress: (f) => seen.push(f) });
    assert.deepEqual(seen, [0.25, 0.5, 0.75, 1]);

    const ac = new AbortController();
    const calls: string[] = [];
    await assert.rejects(
      trainNer(train, {
        epochs: 5,
        signal: ac.signal,
        onProgress: (_f, message) => {
          calls.push(message);
          ac.abort();
        },
      }),
      isCancelled,
    );
    assert.deepEqual(calls, ['NER training: epoch 1 of 5']);
    const pre = new AbortController();
    pre.abort();
    await assert.rejects(trainNer(train, { signal: pre.signal }), isCancelled);
  });
});

describe('NER training input', () => {
  it('refuses tags and tokens of different lengths, naming the sentence', async () => {
    const s = [
      { tokens: ['a'], tags: ['O'] },
      { tokens: ['b', 'c'], tags: ['O'] },
    ];
    await assert.rejects(trainNer(s), invalidAt(/^sentences\[1\]\.tags: 1 tags for 2 tokens/));
  });
  it('refuses a tag that is not IOB2 and an empty token, naming them', async () => {
    await assert.rejects(trainNer([{ tokens: ['a', 'b', 'c'], tags: ['O', 'O', 'E-PER'] }]), invalidAt(/^sentences\[0\]\.tags\[2\]: "E-PER" is not an IOB2 tag/));
    await assert.rejects(trainNer([{ tokens: ['a', ''], tags: ['O', 'O'] }]), invalidAt(/^sentences\[0\]\.tokens\[1\]: /));
    await assert.rejects(trainNer([]), invalidAt(/^sentences: no sentences/));
    await assert.rejects(trainNer([{ tokens: ['a'], tags: ['O'] }], { buckets: 1000 }), invalidAt(/^buckets: /));
  });
  it('reads an I-X that does not continue an X span as B-X', async () => {
    const data = Array.from({ length: 5 }, () => [
      { tokens: ['Peter', 'Blackburn', 'met', 'Anna'], tags: ['I-PER', 'I-PER', 'O', 'I-PER'] },
      { tokens: ['in', 'Paris', 'Mary'], tags: ['O', 'I-LOC', 'I-PER'] },
    ]).flat();
    const m = await trainNer(data, { epochs: 3 });
    assert.deepEqual(m.tags, ['O', 'B-LOC', 'I-LOC', 'B-PER', 'I-PER']);
    assert.deepEqual(m.predict(['Peter', 'Blackburn', 'met', 'Anna']).tags, ['B-PER', 'I-PER', 'O', 'B-PER']);
    assert.deepEqual(m.predict(['in', 'Paris', 'Mary']).tags, ['O', 'B-LOC', 'B-PER']);
    assert.deepEqual(m.predict([]), { tags: [], spans: [] });
  });
});

describe('NER tags <-> spans', () => {
  it('tags a text with the project tokeniser and reads the character spans back', () => {
    const text = "Dr. O'Neil flew to New York, didn't he?";
    const r = textToBio(text, [
      { start: 4, end: 10, label: 'PER' },
      { start: 19, end: 27, label: 'LOC' },
    ]);
    assert.deepEqual(r.words, ['Dr', '.', "O'Neil", 'flew', 'to', 'New', 'York', ',', "didn't", 'he', '?']);
    assert.deepEqual(r.tags, ['O', 'O', 'B-PER', 'O', 'O', 'B-LOC', 'I-LOC', 'O', 'O', 'O', 'O']);
    assert.deepEqual(bioToSpans(r.offsets, r.tags), [
      { start: 4, end: 10, label: 'PER' },
      { start: 19, end: 27, label: 'LOC' },
    ]);
  });
  it('a span that cuts into a token snaps outward to the whole token', () => {
    const r = textToBio('in Amsterdam today', [{ start: 5, end: 8, label: 'LOC' }]);
    assert.deepEqual(bioToSpans(r.offsets, r.tags), [{ start: 3, end: 12, label: 'LOC' }]);
  });
  it('token spans: I-X after O or another label starts a span; tags round-trip', () => {
    const tags = ['I-PER', 'I-PER', 'O', 'B-LOC', 'I-ORG', 'B-ORG', 'B-ORG'];
    const spans = tagsToTokenSpans(tags);
    assert.deepEqual(spans, [
      { start: 0, end: 2, label: 'PER' },
      { start: 3, end: 4, label: 'LOC' },
      { start: 4, end: 5, label: 'ORG' },
      { start: 5, end: 6, label: 'ORG' },
      { start: 6, end: 7, label: 'ORG' },
    ]);
    assert.deepEqual(tokenSpansToTags(7, spans), ['B-PER', 'I-PER', 'O', 'B-LOC', 'B-ORG', 'B-ORG', 'B-ORG']);
  });
});
