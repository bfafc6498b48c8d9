import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readSuggestions } from '../../src/core/ml/assist/predict-queue';
import { startTestBackend, type TestBackend } from '../../src/core/ml/ls/test-server';
import { sentimentSplit } from '../../src/core/ml/text-model-testdata';
import type { ExtensionApi } from '../../src/host/extension';
import { activateExtension, eventually, workspaceRoot } from './helpers';

/**
 * Issue 12 item 5 in a real window: a project served by a Label Studio ML backend (the protocol's test
 * server, behind HTTP Basic auth whose login is in SecretStorage). This labeler's submits reach the
 * backend as ANNOTATION_CREATED webhooks; Start ML-Assisted Training asks it to train (START_TRAINING),
 * validates its predictions on the final labels and writes the ones above the threshold as local
 * suggestions, which the labeling panel shows.
 */
describe('ML assist through a Label Studio ML backend (inside the VS Code extension host)', function () {
  this.timeout(120000);
  const id = 'assist-backend';
  const N = 80;
  const LABELED = 40;
  let api: ExtensionApi;
  let backend: TestBackend;
  const entry = () => api.registry.find(id)!;
  const key = (i: number) => `data/backend-reviews.csv#r${i}`;
  const { train } = sentimentSplit();
  const texts = train.texts.slice(0, N);
  const labelOf = new Map(texts.map((t, i) => [t, train.labels[i]!]));

  before(async () => {
    api = await activateExtension();
    backend = await startTestBackend({ user: 'ml', password: 's3cret' });
    // The served model: right about every item, with score 0.9.
    backend.predict = (task) => ({ result: [{ from_name: 'choice', to_name: 'text', type: 'choices', value: { choices: [labelOf.get(String(task.data.text))] } }], score: 0.9 });
    const q = (s: string) => `"${s.replace(/"/g, '""').replace(/\r?\n/g, ' ')}"`;
    fs.writeFileSync(path.join(workspaceRoot().fsPath, 'data', 'backend-reviews.csv'), `id,text\n${texts.map((t, i) => `r${i + 1},${q(t)}`).join('\n')}\n`);
    await api.credentials.set(backend.url, { user: 'ml', password: 's3cret' });
    await vscode.commands.executeCommand('labeling.createProject', {
      id,
      name: 'Backend Reviews',
      type: 'text-classification',
      labels: ['negative', 'positive'],
      dataSources: [{ kind: 'table', glob: 'data/backend-reviews.csv', textColumn: 'text', idColumn: 'id' }],
      // Far from the automatic run's count: this test starts it on demand.
      mlAssist: { enabled: true, backendUrl: backend.url, minLabels: 10_000, targetPrecision: 0.8 },
    });
    await eventually(() => entry()?.def, 'the project in the registry');
  });
  after(async () => {
    await backend?.close();
  });

  it('sends this labeler\'s labels as annotation events, then trains, validates and suggests through the backend', async () => {
    const store = await api.stores.get(entry());
    for (let i = 1; i <= LABELED; i++) await store.submit(key(i), { kind: 'classes', labels: [labelOf.get(texts[i - 1]!)!] });
    const events = await eventually(() => {
      const hooks = backend.requests.filter((r) => r.path === '/webhook' && (r.body as { action?: string }).action === 'ANNOTATION_CREATED');
      return hooks.length >= LABELED ? hooks : undefined;
    }, 'an ANNOTATION_CREATED webhook per label', 30000);
    const first = events[0]!.body as { task: { data: { text: string } }; annotation: { result: { value: { choices: string[] } }[]; completed_by: string } };
    assert.equal(first.task.data.text, texts[0]);
    assert.deepEqual(first.annotation.result[0]!.value.choices, [labelOf.get(texts[0]!)]);
    assert.equal(first.annotation.completed_by, store.labeler);
    assert.ok(events.every((r) => r.authorization === `Basic ${Buffer.from('ml:s3cret').toString('base64')}`), 'the login from SecretStorage');

    const r = await vscode.commands.executeCommand<{ version: number; suggested: number }>('labeling.startAssistTraining', id);
    assert.ok(backend.requests.some((q) => q.path === '/webhook' && (q.body as { action?: string }).action === 'START_TRAINING'), 'asked to train');
    assert.equal(r.suggested, N - LABELED, 'every queue item, scored 0.9, is above the validated threshold');
    const { header, suggestions } = await readSuggestions(workspaceRoot().fsPath, id);
    assert.equal(header?.model, 'backend:test-model-1');
    assert.equal(header?.threshold, 0.9);
    assert.equal(suggestions.length, N - LABELED);
    const job = api.jobs.runner.list().find((j) => j.title === 'Prelabel the queue of Backend Reviews with its ML backend');
    assert.equal(job?.status, 'succeeded');
    assert.ok(job!.log.some((l) => /validation: threshold 0\.90/.test(l.text)), job!.log.map((l) => l.text).join(' | '));
    const json = fs.readFileSync(path.join(workspaceRoot().fsPath, '.labeling', id, 'project.json'), 'utf8');
    assert.ok(!json.includes('s3cret') && !json.includes('"ml"'), 'the login is not in project.json');

    // The panel shows the backend's suggestion on the next queue item.
    await vscode.commands.executeCommand('labeling.openItem', id, key(LABELED + 1));
    const panel = await eventually(() => api.labelers.all.find((p) => p.project.id === id), 'the labeling panel');
    const item = await eventually(() => (panel.lastState?.item?.key === key(LABELED + 1) ? panel.lastState.item : undefined), 'the panel on the queue item');
    assert.deepEqual(item.prelabel?.annotation, { kind: 'classes', labels: [labelOf.get(texts[LABELED]!)] });
    assert.match(item.prelabel?.source ?? '', /backend:test-model-1/);
    panel.panel.dispose();
  });

  it('a backend that refuses the login fails the job with the status and a hint, and writes nothing', async () => {
    const before = (await readSuggestions(workspaceRoot().fsPath, id)).suggestions.length;
    await api.credentials.set(backend.url, { user: 'ml', password: 'wrong' });
    try {
      await vscode.commands.executeCommand('labeling.startAssistTraining', id);
      const job = await eventually(() => api.jobs.runner.list().reverse().find((j) => j.title.endsWith('with its ML backend') && j.status === 'failed'), 'the failed job');
      assert.match(job.error!.message, /HTTP 401.*check the backend user name and password/);
      assert.equal((await readSuggestions(workspaceRoot().fsPath, id)).suggestions.length, before, 'the suggestions are as they were');
    } finally {
      await api.credentials.set(backend.url, { user: 'ml', password: 's3cret' });
    }
  });
});
