import { strict as assert } from 'node:assert';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LabelingError } from '../errors';
import type { Span } from '../model';
import { conllLines } from './conll-export';
import { exportLabels } from './export';
import { importLabels } from './import';
import { cleanupWorkspaces } from '../store/test-support';
import { journalText, runImport, workspace } from './bounds-test-support';
import { summaryLines } from './summary-import';
import { aDef, anItem, fixture, itemsFromRecords, useTempDir } from './test-support';

const NER = ['azureml-examples', 'sdk', 'python', 'jobs', 'automl-standalone-jobs', 'automl-nlp-text-named-entity-recognition-task', 'training-mltable-folder'];
const trainTxt = fixture(...NER, 'train.txt');
const doccano = (name: string): string => fixture('doccano', 'backend', 'data_import', 'tests', 'data', 'sequence_labeling', name);
const spansOf = (a: { kind: string; spans?: Span[] }): Span[] => a.spans ?? [];

/** Sentences of a CoNLL file as `token TAG` lines, -DOCSTART- dropped. */
function sentences(text: string): string[][] {
  return text
    .split(/\n\s*\n/)
    .map((block) => block.split('\n').filter((l) => l.trim() && !l.startsWith('-DOCSTART-')))
    .filter((s) => s.length);
}

describe('CoNLL import', () => {
  const tmp = useTempDir();
  it('reads the Azure NER sample: 722 sentences, 9,179 tokens, LOC 526 / PER 454 / ORG 241 / MISC 192', async () => {
    const r = await importLabels('conll', trainTxt, { target: 'spans' });
    assert.equal(r.records.length, 722);
    assert.equal(r.records.reduce((n, x) => n + x.ref.split(' ').length, 0), 9179);
    const count: Record<string, number> = {};
    for (const s of r.records.flatMap((x) => spansOf(x.annotation))) count[s.label] = (count[s.label] ?? 0) + 1;
    assert.deepEqual(count, { LOC: 526, PER: 454, ORG: 241, MISC: 192 });
    assert.equal(r.records[0]!.ref, 'EU rejects German call to boycott British lamb .');
    assert.deepEqual(spansOf(r.records[0]!.annotation), [
      { start: 0, end: 2, label: 'ORG' },
      { start: 11, end: 17, label: 'MISC' },
      { start: 34, end: 41, label: 'MISC' },
    ]);
  });

  it('reads doccano tab-separated CoNLL into the expected texts and spans', async () => {
    const r = await importLabels('conll', doccano('example.conll'), { target: 'spans' });
    assert.deepEqual(
      r.records.map((x) => [x.ref, spansOf(x.annotation).map((s) => [s.start, s.end, s.label])]),
      [
        ['JAPAN GET', [[0, 5, 'LOC']]],
        ['Nadim Ladki', [[0, 11, 'PER']]],
      ],
    );
  });

  it('rejects the malformed doccano file with its line number', async () => {
    await assert.rejects(importLabels('conll', doccano('labeling.invalid.conll'), { target: 'spans' }), (e: unknown) => {
      assert.ok(e instanceof LabelingError);
      assert.equal(e.reason, 'invalid-input');
      assert.equal(e.where.line, 1);
      assert.match(e.message, /labeling\.invalid\.conll:1: .*3 space-separated fields/);
      return true;
    });
  });

  it("reads Label Studio's `token -X- _ TAG` form after `-DOCSTART- -X- O`", async () => {
    const dir = tmp();
    const file = join(dir, 'ls.conll');
    await import('node:fs/promises').then((fs) => fs.writeFile(file, '-DOCSTART- -X- O\nJane -X- _ B-Person\nSmith -X- _ I-Person\nsaid -X- _ O\n\n'));
    const r = await importLabels('conll', file, { target: 'spans' });
    assert.deepEqual(r.records.map((x) => [x.ref, spansOf(x.annotation)]), [['Jane Smith said', [{ start: 0, end: 10, label: 'Person' }]]]);
  });
});

describe('CoNLL export', () => {
  const tmp = useTempDir();
  it('Azure NER sample import -> export (2 columns) is token- and tag-identical', async () => {
    const dir = tmp();
    const src = await importLabels('conll', trainTxt, { target: 'spans' });
    const items = itemsFromRecords(src.records, 'text');
    const sum = await exportLabels('conll', items, aDef('text-ner', ['LOC', 'PER', 'ORG', 'MISC']), dir, { conllTokens: 'whitespace' });
    assert.equal(sum.items, 722);
    const out = await readFile(join(dir, 'labels.conll'), 'utf8');
    assert.ok(!out.startsWith('\n'));
    assert.ok(!out.includes('\n\n\n'));
    assert.deepEqual(sentences(out), sentences(await readFile(trainTxt, 'utf8')));
  });

  it("snaps spans to the shared tokeniser's tokens (Label Studio's span -> token cases)", () => {
    const tags = (text: string, spans: Span[]): string => conllLines(text, spans, 2, 'tokenizer').join(' | ');
    const jane = 'We gave Jane Smith the ball.';
    const want = 'We O | gave O | Jane B-Person | Smith I-Person | the O | ball O | . O';
    assert.equal(tags(jane, [{ start: 7, end: 18, label: 'Person' }]), want);
    assert.equal(tags(jane, [{ start: 8, end: 19, label: 'Person' }]), want);
    assert.equal(tags(jane, [{ start: 9, end: 12, label: 'Person' }]), 'We O | gave O | Jane B-Person | Smith O | the O | ball O | . O');
    assert.equal(tags('A meal with $3.99 bill', [{ start: 12, end: 16, label: 'Person' }]), 'A O | meal O | with O | $ B-Person | 3.99 I-Person | bill O');
    const gf = 'A meal from Google/Facebook';
    assert.equal(
      tags(gf, [{ start: 12, end: 18, label: 'ORG' }, { start: 19, end: 23, label: 'ORG' }]),
      'A O | meal O | from O | Google B-ORG | / O | Facebook B-ORG',
    );
    assert.equal(conllLines('I need a break\nplease', [{ start: 9, end: 14, label: 'X' }], 2, 'tokenizer').length, 5);
  });

  it("doccano's span JSONL gives the CoNLL-2003 tags of the same sentences (British is O upstream)", async () => {
    const dir = tmp();
    const lines = (await readFile(fixture('doccano', 'backend', 'data_export', 'pipeline', 'examples', 'sequence_labeling', 'example.jsonl'), 'utf8')).trim().split('\n');
    const items = lines.map((l, i) => {
      const o = JSON.parse(l) as { text: string; label: [number, number, string][] };
      const spans = o.label.map(([start, end, label]) => ({ start, end, label }));
      return anItem('ex.jsonl', { ref: { path: 'ex.jsonl', row: String(i + 1) }, media: 'text', text: o.text, state: 'labeled', final: { kind: 'spans', spans } });
    });
    await exportLabels('conll', items, aDef('text-ner', ['ORG', 'MISC', 'PERSON']), dir);
    const ours = sentences(await readFile(join(dir, 'labels.conll'), 'utf8'));
    const azure = sentences(await readFile(trainTxt, 'utf8'));
    assert.deepEqual(ours[0], azure[0]!.map((l) => (l === 'British B-MISC' ? 'British O' : l)));
    assert.deepEqual(ours[1], ['Peter B-PERSON', 'Blackburn I-PERSON']);
    assert.deepEqual(ours[2], ['President O', 'Obama B-PERSON']);
  });

  it('writes the 4-column form with -X- _ placeholders, one blank line between items, none at the start', async () => {
    const dir = tmp();
    const text = (key: string, t: string, spans: Span[]) =>
      anItem('t.jsonl', { ref: { path: 't.jsonl', row: key }, media: 'text', text: t, state: 'labeled', final: { kind: 'spans', spans }, finalBy: ['ann'] });
    const items = [
      text('1', 'EU rejects German call to boycott British lamb.', [{ start: 0, end: 2, label: 'ORG' }, { start: 11, end: 17, label: 'MISC' }]),
      text('2', 'Peter Blackburn', [{ start: 0, end: 15, label: 'PER' }]),
    ];
    await exportLabels('conll', items, aDef('text-ner', ['ORG', 'MISC', 'PER']), dir, { conllColumns: 4 });
    assert.equal(
      await readFile(join(dir, 'labels.conll'), 'utf8'),
      'EU -X- _ B-ORG\nrejects -X- _ O\nGerman -X- _ B-MISC\ncall -X- _ O\nto -X- _ O\nboycott -X- _ O\nBritish -X- _ O\nlamb -X- _ O\n. -X- _ O\n' +
        '\nPeter -X- _ B-PER\nBlackburn -X- _ I-PER\n',
    );
  });
});

describe('CoNLL import: spans checked against their items', () => {
  after(cleanupWorkspaces);

  it('checks every span against the matched item text and states the rule in the summary', async () => {
    const ws = await workspace('text-ner', ['PER', 'LOC'], { 'txt/a.txt': 'Ann met Bob in Rome', 'txt/b.txt': 'Rome' }, 'txt/*.txt');
    const conll = ['Ann B-PER', 'met O', 'Bob B-PER', 'in O', 'Rome B-LOC', '', 'Rome B-LOC', ''].join('\n');
    const plan = await runImport(ws, 'conll', 'a.conll', conll);
    assert.deepEqual(plan.summary.bounds, { checked: true, clipped: 0, refused: 0, unreadable: 0 });
    assert.deepEqual([plan.summary.items, plan.summary.shapesByType.spans], [2, 4]);
    const text = summaryLines(plan.summary, plan.submits.length).join('\n');
    assert.match(text, /To import: 2 texts, 4 spans\.\nLabels: PER \(2\), LOC \(2\)\.\nBounds: spans must lie within the text \(never clipped\); 0 spans refused\./);
    assert.match(journalText(ws), /"start":15,"end":19,"label":"LOC"/);
    await ws.store.close();
  });
});
