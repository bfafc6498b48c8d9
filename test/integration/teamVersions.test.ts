import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { JOURNAL_VERSION } from '../../src/core/journal/events';
import { CONSENSUS_RULE_VERSION } from '../../src/core/store/agreement';
import type { ExtensionApi } from '../../src/host/extension';
import { activateExtension, eventually, workspaceRoot } from './helpers';

/**
 * Issue 11 item 3: the consensus rule is versioned; a clone older than a teammate is warned once (a
 * notification) and Project Details' Team section says who writes with a newer or an older rule.
 */
describe('teammates on other versions (inside the VS Code extension host)', function () {
  this.timeout(60000);
  let api: ExtensionApi;
  const id = 'team-versions';
  const entry = () => api.registry.find(id)!;
  const warnings: string[] = [];
  const original = vscode.window.showWarningMessage;

  before(async () => {
    api = await activateExtension();
    (vscode.window as { showWarningMessage: unknown }).showWarningMessage = async (m: string) => {
      warnings.push(m);
      return undefined;
    };
    await vscode.commands.executeCommand('labeling.createProject', {
      name: 'Team Versions',
      type: 'text-classification',
      labels: ['positive', 'negative'],
      dataSources: [{ kind: 'table', glob: 'data/reviews.csv', textColumn: 'text', idColumn: 'id' }],
    });
    await eventually(() => entry()?.def, 'the project in the registry');
  });

  after(() => {
    (vscode.window as { showWarningMessage: unknown }).showWarningMessage = original;
  });

  const line = (by: string, seq: number, item: string, k: number) => ({ v: JOURNAL_VERSION, k, at: new Date(Date.UTC(2026, 10, 27, 10, 0, seq)).toISOString(), by, dev: 'd', seq, type: 'skip', item });
  const writeJournal = (by: string, lines: object[]) =>
    vscode.workspace.fs.writeFile(vscode.Uri.joinPath(workspaceRoot(), `.labeling/${id}/journal/${by}/d.jsonl`), Buffer.from(lines.map((l) => JSON.stringify(l) + '\n').join('')));

  it('a teammate on rule 99 is a warning (once) and in Project Details; one on rule 1 is listed to update', async () => {
    const store = await api.stores.get(entry());
    const [a, b, c] = store.page('queue', undefined, 3).items.map((i) => i.key);
    await vscode.commands.executeCommand('labeling.projectDetails', id);
    const panel = await eventually(() => api.details.all.find((p) => p.project.id === id), 'the details panel');
    await eventually(() => panel.lastState?.versions, 'the Team section');
    assert.deepEqual(panel.lastState!.versions, { newer: [], older: [] });

    await writeJournal('vera', [line('vera', 1, a!, 99)]);
    await writeJournal('otto', [line('otto', 1, b!, 1)]);
    const newer = `Labeler vera writes with consensus rule 99; this extension computes rule ${CONSENSUS_RULE_VERSION}, so consensus and review states can differ from theirs: update the Data Labeling extension.`;
    const older = `otto's extension computes consensus rule 1 (their last line at 2026-11-27T10:00:01.000Z): ask them to update so every clone computes the same states.`;
    const state = await eventually(() => (panel.lastState?.versions?.newer.length && panel.lastState.versions.older.length ? panel.lastState : undefined), 'both teammates in Project Details', 20000);
    assert.deepEqual(state.versions, { newer: [newer], older: [older] });
    await eventually(() => warnings.includes(newer), 'the warning notification');

    // Another line of vera's arrives: the same warning is not shown again in this session.
    await writeJournal('vera', [line('vera', 1, a!, 99), line('vera', 2, c!, 99)]);
    await eventually(async () => (await api.stores.get(entry())).teamVersions().find((t) => t.labeler === 'vera')?.lastAt.endsWith(':02.000Z'), "vera's second line read");
    await new Promise((r) => setTimeout(r, 500)); // past the change feed's coalescing window
    assert.equal(warnings.filter((w) => w === newer).length, 1);
    panel.panel.dispose();
  });
});
