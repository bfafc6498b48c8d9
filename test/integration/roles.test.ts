import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/host/extension';
import { activateExtension, eventually, readText, workspaceRoot } from './helpers';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Runs a workbench command the way a key press does, then lets the quick input update. */
async function key(command: string): Promise<void> {
  await vscode.commands.executeCommand(command);
  await pause(200);
}

/** Counts the quick picks shown (the real ones: this only observes window.showQuickPick). */
function observePicks(): { shown: () => number; dispose(): void } {
  const w = vscode.window as { showQuickPick: (...a: unknown[]) => Thenable<unknown> };
  const real = w.showQuickPick;
  let n = 0;
  w.showQuickPick = (...a: unknown[]) => {
    n++;
    return real.apply(vscode.window, a);
  };
  return { shown: () => n, dispose: () => void (w.showQuickPick = real) };
}

/** Issue 10, item 4: "Labeling: Manage Roles..." writes role events through the store. */
describe('Manage Roles (inside the VS Code extension host)', function () {
  this.timeout(60000);
  let api: ExtensionApi;
  const id = 'roles-reviews';
  const store = () => api.stores.get(api.registry.find(id)!);
  const journal = async () => readText(vscode.Uri.joinPath(workspaceRoot(), (await store()).journalFile));

  before(async () => {
    api = await activateExtension();
    await vscode.commands.executeCommand('labeling.createProject', {
      name: 'Roles Reviews',
      type: 'text-classification',
      labels: ['positive', 'negative'],
      dataSources: [{ kind: 'table', glob: 'data/reviews.csv', textColumn: 'text', idColumn: 'id' }],
    });
    await eventually(() => api.registry.find(id)?.def, 'the project in the registry');
    await store(); // indexed before the command runs, so its first list comes at once
  });

  after(() => vscode.commands.executeCommand('workbench.action.closeQuickOpen'));

  it('keyboard only: in a project without roles, Enter on yourself, toggle manager, Enter, Escape', async () => {
    const me = api.identity.labeler;
    const projectJson = await readText(vscode.Uri.joinPath(workspaceRoot(), '.labeling', id, 'project.json'));
    assert.equal((await store()).def.roles, undefined);
    const picks = observePicks();
    const shown = async (n: number) => {
      await eventually(() => picks.shown() >= n, `quick pick ${n}`);
      await pause(500); // rendered
    };
    const run = Promise.resolve(vscode.commands.executeCommand<number | undefined>('labeling.manageRoles', id)).finally(() => picks.dispose());
    await shown(1);
    await key('workbench.action.acceptSelectedQuickOpenItem'); // the first row: you, with no role
    await shown(2);
    // the roles, none picked and none active yet: Down three times reaches manager
    await key('workbench.action.quickOpenSelectNext'); // labeler
    await key('workbench.action.quickOpenSelectNext'); // reviewer
    await key('workbench.action.quickOpenSelectNext'); // manager
    await key('workbench.action.quickPickManyToggle');
    await key('workbench.action.acceptSelectedQuickOpenItem');
    await eventually(async () => (await store()).def.roles?.[me]?.includes('manager'), 'you are a manager');
    await shown(3);
    await key('workbench.action.closeQuickOpen'); // the list again, with your roles: Escape ends
    assert.equal(await run, 1, 'one change written');
    assert.deepEqual((await store()).def.roles, { [me]: ['manager'] });
    const last = JSON.parse((await journal()).trim().split('\n').pop()!) as { type: string; set: unknown };
    assert.deepEqual([last.type, last.set], ['roles', { [me]: ['manager'] }], 'a roles event in your journal');
    assert.equal(await readText(vscode.Uri.joinPath(workspaceRoot(), '.labeling', id, 'project.json')), projectJson, 'project.json is not rewritten');
  });

  it('from a script: set roles directly; a change the store refuses changes nothing', async () => {
    const me = api.identity.labeler;
    assert.equal(await vscode.commands.executeCommand('labeling.manageRoles', { project: id, set: { 'Ann@Example.com': ['labeler', 'reviewer'] } }), 1);
    assert.deepEqual((await store()).def.roles?.['Ann@Example.com'], ['labeler', 'reviewer']);
    const before = await journal();
    // taking the only manager's role away is refused by the store (the message is shown; the command settles)
    assert.equal(await vscode.commands.executeCommand('labeling.manageRoles', { project: id, set: { [me]: ['labeler'] } }), undefined);
    assert.deepEqual((await store()).def.roles?.[me], ['manager']);
    assert.equal(await journal(), before, 'nothing written');
  });
});
