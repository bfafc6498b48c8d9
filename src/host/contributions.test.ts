/**
 * package.json contributions against the constants module, in plain Node (the in-VS Code test checks the
 * registered commands too): commands, menus, when-clause context keys, view ids and restore activation.
 */
import { assert } from 'chai';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Commands, ContextKeys, Views, WebviewTypes } from './constants';

interface Pkg {
  activationEvents: string[];
  contributes: {
    commands: { command: string; category?: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    views: Record<string, { id: string }[]>;
    viewsWelcome: { view: string; contents: string; when?: string }[];
    configuration: { properties: Record<string, { scope?: string }> };
  };
}

const pkg = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as Pkg;

describe('package.json contributions', () => {
  it('declares exactly the commands of the constants module, each in the Labeling category', () => {
    assert.deepEqual(pkg.contributes.commands.map((c) => c.command).sort(), Object.values(Commands).sort());
    for (const c of pkg.contributes.commands) assert.equal(c.category, 'Labeling', c.command);
  });

  it('menus and view welcomes name declared commands, views and context keys only', () => {
    const commands = new Set<string>(Object.values(Commands));
    const views = new Set<string>(Object.values(Views));
    const keys = new Set<string>(Object.values(ContextKeys));
    const whens: string[] = [];
    for (const [menu, entries] of Object.entries(pkg.contributes.menus)) {
      for (const e of entries) {
        assert.ok(commands.has(e.command), `menu ${menu} names unknown ${e.command}`);
        whens.push(e.when ?? '');
      }
    }
    for (const w of pkg.contributes.viewsWelcome) {
      assert.ok(views.has(w.view), `viewsWelcome for unknown view ${w.view}`);
      for (const m of w.contents.matchAll(/command:(labeling\.[\w.]+)/g)) assert.ok(commands.has(m[1]!), `viewsWelcome names unknown ${m[1]}`);
      whens.push(w.when ?? '');
    }
    for (const w of whens) for (const [k] of w.matchAll(/\blabeling\.[A-Za-z]+\b/g)) assert.ok(views.has(k) || keys.has(k), `when clause "${w}" uses unknown ${k}`);
    assert.deepEqual(Object.values(pkg.contributes.views).flat().map((v) => v.id).sort(), Object.values(Views).filter((v) => v !== Views.Container).sort());
  });

  it('Pause and Resume are offered in the palette only when some project can take them', () => {
    const palette = pkg.contributes.menus.commandPalette!;
    assert.equal(palette.find((e) => e.command === Commands.ResumeProject)?.when, ContextKeys.HasPausedProjects);
    assert.equal(palette.find((e) => e.command === Commands.PauseProject)?.when, ContextKeys.HasRunningProjects);
  });

  it('every webview panel type activates the extension to be restored; the labeler is a user (application) setting', () => {
    for (const viewType of Object.values(WebviewTypes)) assert.include(pkg.activationEvents, `onWebviewPanel:${viewType}`);
    assert.equal(pkg.contributes.configuration.properties['labeling.labeler']?.scope, 'application');
  });
});
