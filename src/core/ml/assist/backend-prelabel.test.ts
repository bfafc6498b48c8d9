import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { LabelingError } from '../../errors';
import type { ProjectStore } from '../../store/project-store';
import { LsBackend } from '../ls/client';
import { CANNED, flaskError, startTestBackend, type TestBackend } from '../ls/test-server';
import { hashTree, open, seededProject, sentimentRows, tempFiles } from './assist-fixture';
import { PNG } from 'pngjs';
import { createProject } from '../../project/create';
import { event, openStore, tempWorkspace, writeFiles, writeJournal } from '../../store/test-support';
import { prelabelWithBackend } from './backend-prelabel';
import { readSuggestions, suggestionsFile } from './predict-queue';
import * as path from 'node:path';

const N = 200;
const LABELED = 120;

describe('prelabels from a Label Studio ML backend (backend-prelabel.ts)', function () {
  this.timeout(60000);
  const { texts, labels } = sentimentRows();
  const rows = texts.slice(0, N);
  let backend: TestBackend;
  let store: ProjectStore;
  let root: string;

  beforeEach(async () => {
    backend = await startTestBackend();
    // An "oracle" model: right with score 0.9, except every 5th item, wrong with score 0.3.
    backend.predict = (task) => {
      const i = rows.indexOf(String(task.data.text));
      const right = i % 5 !== 0;
      const label = right ? labels[i]! : labels[i] === 'positive' ? 'negative' : 'positive';
      return { result: [{ from_name: 'choice', to_name: 'text', type: 'choices', value: { choices: [label] } }], score: right ? 0.9 : 0.3, model_version: 'oracle-2' };
    };
    const p = await seededProject(rows, ['ann'], (_by, i) => (i <= LABELED ? { kind: 'classes', labels: [labels[i - 1]!] } : undefined));
    root = p.root;
    store = await open(p);
  });
  afterEach(async () => {
    await store.close();
    await backend.close();
  });

  it('validates on the final labels, then suggests the queue items scored at or above the threshold', async () => {
    const r = await prelabelWithBackend(store, { root, backend: new LsBackend({ url: backend.url }), imageUrlOf: (i) => i.key, now: new Date('2026-12-01T00:00:00Z') });
    assert.equal(r.model, 'backend:test-model-1', 'named by /setup');
    assert.equal(r.modelVersion, 1);
    assert.equal(r.validation.items, LABELED);
    assert.equal(r.validation.accuracy, 0.8, 'every 5th prediction is wrong');
    assert.equal(r.validation.threshold, 0.9, 'the wrong ones score 0.3: all 96 at 0.9 are right');
    assert.equal(r.validation.precisionAtThreshold, 1);
    assert.equal(r.predicted, N - LABELED);
    const { header, suggestions, problems } = await readSuggestions(root, store.def.id);
    assert.deepEqual(problems, []);
    assert.equal(header?.model, 'backend:test-model-1');
    assert.equal(header?.threshold, 0.9);
    const expected = rows.map((_, i) => i).filter((i) => i >= LABELED && i % 5 !== 0);
    assert.equal(r.suggested, expected.length);
    assert.deepEqual(suggestions.map((s) => s.item).sort(), expected.map((i) => `data/items.csv#r${i + 1}`).sort());
    for (const s of suggestions) {
      const i = Number(s.item.split('#r')[1]) - 1;
      assert.deepEqual(s.annotation, { kind: 'classes', labels: [labels[i]!] });
      assert.equal(s.confidence, 0.9);
      assert.equal(s.itemVersion, store.getItem(s.item)!.version);
    }
    // The labeled items were asked about once (validation), the queue once: never an item twice.
    const asked = backend.requests.filter((q) => q.path === '/predict').flatMap((q) => ((q.body as { tasks: { data: { text: string } }[] }).tasks).map((t) => t.data.text));
    assert.equal(asked.length, N);
    assert.equal(new Set(asked).size, N);
  });

  it('a new model version is a new suggestions version; the same one keeps its number', async () => {
    const opts = { root, backend: new LsBackend({ url: backend.url }), imageUrlOf: (i: { key: string }) => i.key };
    assert.equal((await prelabelWithBackend(store, opts)).modelVersion, 1);
    assert.equal((await prelabelWithBackend(store, opts)).modelVersion, 1);
    backend.modelVersion = 'test-model-2';
    const r = await prelabelWithBackend(store, opts);
    assert.equal(r.model, 'backend:test-model-2');
    assert.equal(r.modelVersion, 2);
  });

  it('no threshold qualifies: no suggestion, and the message gives the best figures', async () => {
    backend.predict = (task) => {
      const i = rows.indexOf(String(task.data.text));
      return { result: [{ from_name: 'choice', to_name: 'text', type: 'choices', value: { choices: [i % 2 ? 'positive' : 'negative'] } }], score: 0.8 };
    };
    const r = await prelabelWithBackend(store, { root, backend: new LsBackend({ url: backend.url }), imageUrlOf: (i) => i.key });
    assert.equal(r.validation.threshold, null);
    assert.equal(r.suggested, 0);
    assert.match(r.validation.message, /best: precision 0\.\d+ on \d+ items; more labels needed/);
    const { header, suggestions } = await readSuggestions(root, store.def.id);
    assert.equal(header?.threshold, null);
    assert.deepEqual(suggestions, []);
  });

  it('a backend failing mid-way, or a cancel, leaves the previous suggestions file as it was', async () => {
    await prelabelWithBackend(store, { root, backend: new LsBackend({ url: backend.url }), imageUrlOf: (i) => i.key });
    const file = suggestionsFile(root, store.def.id);
    const before = fs.readFileSync(file);
    const dir = path.dirname(file);
    const treeBefore = hashTree(dir);
    // The backend answers the validation and two queue batches, then fails (Flask's error shape, HTTP 500).
    let calls = 0;
    const oracle = backend.predict;
    backend.override['/predict'] = (req) => {
      const body = req.body as { tasks: { id: number; data: Record<string, unknown> }[] } & Record<string, unknown>;
      if (++calls > Math.ceil(LABELED / 32) + 2) return flaskError('RuntimeError: out of memory');
      return { status: 200, body: { results: body.tasks.map((t) => oracle(t, body)) } };
    };
    await assert.rejects(
      prelabelWithBackend(store, { root, backend: new LsBackend({ url: backend.url }), imageUrlOf: (i) => i.key }),
      (e: unknown) => e instanceof LabelingError && /out of memory/.test(e.message) && e.message.includes('/predict'),
    );
    assert.ok(fs.readFileSync(file).equals(before));
    assert.deepEqual(tempFiles(dir), []);
    delete backend.override['/predict'];
    const abort = new AbortController();
    const p = prelabelWithBackend(store, {
      root,
      backend: new LsBackend({ url: backend.url }),
      imageUrlOf: (i) => i.key,
      signal: abort.signal,
      onProgress: (f) => f > 0.3 && abort.abort(),
    });
    await assert.rejects(p, (e: unknown) => e instanceof LabelingError && e.reason === 'cancelled');
    assert.deepEqual(hashTree(dir), treeBefore, 'nothing added, nothing changed');
  });

  it("an object detection project: the backend's boxes are validated on the labeled images (sizes read from their headers) and suggested", async () => {
    const root = tempWorkspace();
    const png = PNG.sync.write(new PNG({ width: 640, height: 480 }));
    const files: Record<string, Buffer> = {};
    for (let i = 1; i <= 50; i++) files[`img/${String(i).padStart(2, '0')}.png`] = png;
    writeFiles(root, files);
    await createProject(root, { id: 'boxes', type: 'image-detection', labels: [{ name: 'cat' }, { name: 'dog' }], dataSources: [{ kind: 'images', glob: 'img/*.png' }], queueSeed: 3, mlAssist: { enabled: true, targetPrecision: 0.8 } });
    const dog = { kind: 'boxes' as const, boxes: [{ label: 'dog', x: 160, y: 240, w: 80, h: 120 }] };
    writeJournal(root, 'boxes', 'ann', 'd', Array.from({ length: 40 }, (_, i) => event({ type: 'submit', item: `img/${String(i + 1).padStart(2, '0')}.png`, ann: dog }, { by: 'ann', dev: 'd', seq: i + 1 })));
    const boxes = await openStore({ root, id: 'boxes' }, 'viewer', 'v');
    try {
      backend.predict = () => ({ result: CANNED['image-detection'].result, score: 0.9 });
      const r = await prelabelWithBackend(boxes, { root, backend: new LsBackend({ url: backend.url }), imageUrlOf: (i) => i.key });
      assert.equal(r.validation.items, 40);
      assert.equal(r.validation.accuracy, 1, 'the boxes match the final labels (sizes known, percent converted)');
      assert.equal(r.validation.threshold, 0.9);
      const { suggestions, problems } = await readSuggestions(root, 'boxes');
      assert.deepEqual(problems, [], 'box suggestions read back');
      assert.equal(suggestions.length, 10);
      assert.deepEqual(suggestions[0]!.annotation, dog);
    } finally {
      await boxes.close();
    }
  });
});
