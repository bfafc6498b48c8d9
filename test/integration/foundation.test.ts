import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { ContextKeys, Views, WebviewTypes } from '../../src/host/constants';
import type { ExtensionApi } from '../../src/host/extension';
import { activateExtension, EXT_ID, eventually, readText, workspaceRoot } from './helpers';

describe('foundation (inside the VS Code extension host)', () => {
  let api: ExtensionApi;
  before(async () => {
    api = await activateExtension();
  });

  it('runs in a real extension host', function () {
    assert.ok(vscode.version.startsWith('1.'), vscode.version);
    const ui = vscode.env.uiKind === vscode.UIKind.Web ? 'Web' : 'Desktop';
    this.test!.title += ` [vscode ${vscode.version}, uiKind ${ui}, node ${process.version}]`;
  });

  it('package.json commands and registered commands are the same set', async () => {
    const pkg = vscode.extensions.getExtension(EXT_ID)!.packageJSON as { contributes: { commands: { command: string; category?: string }[] } };
    const declared = pkg.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual([...api.commands].sort(), declared);
    const all = new Set(await vscode.commands.getCommands(true));
    for (const c of declared) assert.ok(all.has(c), `${c} is not registered with VS Code`);
    for (const c of pkg.contributes.commands) assert.equal(c.category, 'Labeling', `${c.command} has no "Labeling" category`);
  });

  it('every command a menu or view welcome names exists', () => {
    const pkg = vscode.extensions.getExtension(EXT_ID)!.packageJSON as {
      contributes: { commands: { command: string }[]; menus: Record<string, { command: string }[]>; viewsWelcome: { contents: string }[] };
    };
    const declared = new Set(pkg.contributes.commands.map((c) => c.command));
    for (const [menu, entries] of Object.entries(pkg.contributes.menus)) {
      for (const e of entries) assert.ok(declared.has(e.command), `menu ${menu} names unknown ${e.command}`);
    }
    for (const w of pkg.contributes.viewsWelcome) {
      for (const m of w.contents.matchAll(/command:(labeling\.[\w.]+)/g)) assert.ok(declared.has(m[1]!), `viewsWelcome names unknown ${m[1]}`);
    }
  });

  it('every labeling.* context key a when clause uses is one the extension sets (constants ContextKeys)', () => {
    const pkg = vscode.extensions.getExtension(EXT_ID)!.packageJSON as { contributes: { menus: Record<string, { when?: string }[]>; viewsWelcome: { when?: string }[] } };
    const whens = [...Object.values(pkg.contributes.menus).flat(), ...pkg.contributes.viewsWelcome].map((e) => e.when ?? '');
    const views = new Set<string>(Object.values(Views));
    const keys = new Set<string>(Object.values(ContextKeys));
    for (const w of whens) for (const [k] of w.matchAll(/\blabeling\.[A-Za-z]+\b/g)) if (!views.has(k)) assert.ok(keys.has(k), `when clause "${w}" uses unknown context key ${k}`);
    assert.ok(whens.some((w) => w.includes(ContextKeys.HasPausedProjects)), 'Resume is offered only with a paused project');
  });

  it('every webview panel can be restored after a reload, and the labeler is a user setting', () => {
    const pkg = vscode.extensions.getExtension(EXT_ID)!.packageJSON as {
      activationEvents: string[];
      contributes: { configuration: { properties: Record<string, { scope?: string }> } };
    };
    for (const viewType of Object.values(WebviewTypes)) {
      assert.ok(pkg.activationEvents.includes(`onWebviewPanel:${viewType}`), `no onWebviewPanel:${viewType} activation event`);
      assert.ok(api.panelSerializers[viewType], `no serializer for ${viewType}`);
    }
    // machine-overridable hid it from the Settings UI's User tab in a remote or browser workbench.
    assert.equal(pkg.contributes.configuration.properties['labeling.labeler']?.scope, 'application');
  });

  it('creates a project without prompts and lists it', async () => {
    const def = await vscode.commands.executeCommand<{ id: string }>('labeling.createProject', {
      name: 'Foundation Reviews',
      type: 'text-classification',
      labels: ['positive', 'negative'],
      dataSources: [{ kind: 'table', glob: 'data/reviews.csv', textColumn: 'text', idColumn: 'id' }],
    });
    assert.equal(def?.id, 'foundation-reviews');
    const root = workspaceRoot();
    const json = JSON.parse(await readText(vscode.Uri.joinPath(root, '.labeling/foundation-reviews/project.json')));
    assert.equal(json.type, 'text-classification');
    assert.deepEqual(json.labels.map((l: { hotkey: string }) => l.hotkey), ['1', '2']);
    assert.match(await readText(vscode.Uri.joinPath(root, '.labeling/.gitignore')), /\.cache\//);
    await eventually(() => api.registry.find('foundation-reviews')?.def, 'the project in the registry');
  });

  it('a labeling.labeler change applies at once: the identity and the open stores follow it', async () => {
    const cfg = () => vscode.workspace.getConfiguration('labeling');
    const entry = api.registry.find('foundation-reviews')!;
    await api.stores.get(entry);
    await cfg().update('labeler', 'settings-test@example.com', vscode.ConfigurationTarget.Global);
    try {
      await eventually(() => api.identity.labeler === 'settings-test@example.com', 'the new identity');
      await eventually(async () => (await api.stores.get(api.registry.find('foundation-reviews')!)).labeler === 'settings-test@example.com', 'the store under the new labeler');
    } finally {
      await cfg().update('labeler', undefined, vscode.ConfigurationTarget.Global);
      await eventually(() => api.identity.labeler !== 'settings-test@example.com', 'the identity back');
    }
  });

  it('a broken project.json shows as broken instead of breaking the extension', async () => {
    const root = workspaceRoot();
    const file = vscode.Uri.joinPath(root, '.labeling/broken/project.json');
    await vscode.workspace.fs.writeFile(file, Buffer.from('{"schemaVersion": 1, "id": "broken", "type": "audio"}'));
    await vscode.commands.executeCommand('labeling.refreshProjects');
    const entry = await eventually(() => api.registry.find('broken'), 'the broken project');
    assert.ok(entry.error, 'expected an error');
    assert.match(entry.error.message, /\.labeling\/broken\/project\.json/);
    assert.ok(api.registry.find('foundation-reviews')?.def, 'the good project still loads');
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(root, '.labeling/broken'), { recursive: true });
    await vscode.commands.executeCommand('labeling.refreshProjects');
    assert.equal(api.registry.find('broken'), undefined);
  });

  it('opens Project Details as a webview with a strict CSP', async () => {
    await vscode.commands.executeCommand('labeling.projectDetails', 'foundation-reviews');
    const tab = await eventually(
      () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === 'Project: Foundation Reviews'),
      'the details tab',
    );
    assert.ok(tab.input instanceof vscode.TabInputWebview, 'a webview tab');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Edit Instructions opens instructions.md', async () => {
    await vscode.commands.executeCommand('labeling.editInstructions', 'foundation-reviews');
    const ed = await eventually(() => vscode.window.activeTextEditor, 'an editor');
    assert.ok(ed.document.uri.path.endsWith('.labeling/foundation-reviews/instructions.md'), ed.document.uri.path);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
