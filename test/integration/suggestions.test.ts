import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SUGGESTIONS_FORMAT, SUGGESTIONS_VERSION, suggestionsFile } from '../../src/core/ml/assist/predict-queue';
import type { ExtensionApi } from '../../src/host/extension';
import { activateExtension, eventually, workspaceRoot } from './helpers';

/** Issue 12 items 3 and 4: ML assist's local suggestions in the labeling panel, and what a submit records of them. */
describe('local ML suggestions in the labeling panel (inside the VS Code extension host)', function () {
  this.timeout(60000);
  let api: ExtensionApi;
  const id = 'assist-suggestions';
  const entry = () => api.registry.find(id)!;
  const positive = { kind: 'classes' as const, labels: ['positive'] };

  /** Writes the project's suggestions file as ML assist's inference does (header, then one line per suggestion). */
  function writeSuggestions(modelVersion: number, lines: { item: string; itemVersion: number; confidence: number }[]): void {
    const file = suggestionsFile(workspaceRoot().fsPath, id);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const header = { format: SUGGESTIONS_FORMAT, formatVersion: SUGGESTIONS_VERSION, projectId: id, model: 'text-logreg', modelVersion, threshold: 0.8, createdAt: new Date().toISOString() };
    const body = lines.map((l) => JSON.stringify({ ...l, annotation: positive }));
    fs.writeFileSync(`${file}.tmp`, [JSON.stringify(header), ...body, 'not json'].join('\n') + '\n');
    fs.renameSync(`${file}.tmp`, file);
  }

  /** This project's submit lines in the journals, by item. */
  function journalSubmits(): Map<string, Record<string, unknown>> {
    const out = new Map<string, Record<string, unknown>>();
    const dir = path.join(workspaceRoot().fsPath, '.labeling', id, 'journal');
    for (const f of fs.readdirSync(dir, { recursive: true }) as string[]) {
      if (!f.endsWith('.jsonl')) continue;
      for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
        if (!line) continue;
        const e = JSON.parse(line) as Record<string, unknown>;
        if (e.type === 'submit') out.set(e.item as string, e);
      }
    }
    return out;
  }

  before(async () => {
    api = await activateExtension();
    await vscode.commands.executeCommand('labeling.createProject', {
      name: 'Assist Suggestions',
      type: 'text-classification',
      labels: ['positive', 'negative'],
      dataSources: [{ kind: 'table', glob: 'data/reviews.csv', textColumn: 'text', idColumn: 'id' }],
    });
    await eventually(() => entry(), 'the project in the registry');
  });
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('shows a suggestion as the prelabel with its model; a submit records it as src, with chg when changed', async () => {
    const store = await api.stores.get(entry());
    const [k1, k2, k3] = store.upcomingKeys(3) as [string, string, string];
    // k3's suggestion was made at another version of the item: stale, not shown.
    writeSuggestions(3, [{ item: k1, itemVersion: 0, confidence: 0.93 }, { item: k2, itemVersion: 0, confidence: 0.88 }, { item: k3, itemVersion: 5, confidence: 0.99 }]);
    const panel = await api.labelers.show(entry());
    const first = await eventually(() => panel.lastState?.item, 'the panel on an item');
    assert.equal(first.key, k1);
    assert.deepEqual(first.prelabel, { annotation: positive, source: 'text-logreg v3', confidence: 0.93 });
    assert.deepEqual(api.suggestions.summary(entry()), { count: 3, model: 'text-logreg', modelVersion: 3, threshold: 0.8 });

    // Confirmed as it is (by reference, as Enter does): src, no chg.
    await panel.submit({ key: k1, version: first.version, fromPrelabel: true });
    assert.equal(panel.lastState?.item?.key, k2);
    const second = panel.lastState!.item!;
    assert.equal(second.prelabel?.source, 'text-logreg v3');
    // Changed before submitting: src and chg: true.
    await panel.submit({ key: k2, version: second.version, annotation: { kind: 'classes', labels: ['negative'] } });
    const lines = journalSubmits();
    assert.deepEqual([lines.get(k1)!.src, lines.get(k1)!.chg, lines.get(k1)!.ann], ['model:text-logreg@3', undefined, positive]);
    assert.deepEqual([lines.get(k2)!.src, lines.get(k2)!.chg], ['model:text-logreg@3', true]);
    assert.deepEqual(store.suggestionOutcomes(), [{ source: 'model:text-logreg@3', confirmed: 1, total: 2 }]);
    // Back on k1 (the labeler's own label on screen), corrected: the submit carries the suggestion's source, changed.
    await panel.openItem(k1);
    const again = panel.lastState!.item!;
    assert.deepEqual([again.annotation, again.prelabel], [positive, undefined]);
    await panel.submit({ key: k1, version: again.version, annotation: { kind: 'classes', labels: ['negative'] } });
    assert.deepEqual([journalSubmits().get(k1)!.src, journalSubmits().get(k1)!.chg], ['model:text-logreg@3', true]);
    assert.deepEqual(store.suggestionOutcomes(), [{ source: 'model:text-logreg@3', confirmed: 0, total: 2 }], 'the correction replaces the confirmation');

    // k3 on screen without a suggestion (stale); a newer model's file reaches the open panel by the file watcher.
    await panel.openItem(k3);
    assert.equal(panel.lastState!.item!.key, k3);
    assert.equal(panel.lastState!.item!.prelabel, undefined);
    writeSuggestions(4, [{ item: k3, itemVersion: 0, confidence: 0.91 }]);
    const shown = await eventually(() => (panel.lastState?.item?.key === k3 && panel.lastState.item.prelabel) || undefined, 'the new suggestion on the item on screen', 20000);
    assert.equal(shown.source, 'text-logreg v4');
    await panel.submit({ key: k3, version: 0, fromPrelabel: true });
    assert.equal(journalSubmits().get(k3)!.src, 'model:text-logreg@4');
    assert.deepEqual(store.suggestionOutcomes().map((o) => o.source), ['model:text-logreg@4', 'model:text-logreg@3'], 'newest model version first');
    panel.panel.dispose();
  });
});
