import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { cleanupWorkspaces, tempWorkspace, textProject, writeFiles } from '../core/store/test-support';
import { resolveLabeler, settingsPlaces, type Environment } from './identity';
import { cli, journalLines, readBack } from './test-support';

const linux = (home: string, env: NodeJS.ProcessEnv = {}): Environment => ({ platform: 'linux', env, home });

/** A workspace that is a git repository with its own user.email (so the fallback does not depend on this machine). */
function gitWorkspace(email: string): string {
  const root = tempWorkspace();
  execFileSync('git', ['init', '-q', root]);
  execFileSync('git', ['config', 'user.email', email], { cwd: root });
  return root;
}

describe('CLI identity: --as, else labeling.labeler, else git user.email', () => {
  after(cleanupWorkspaces);

  it('looks where each editor keeps its user settings, per platform', () => {
    const files = (e: Environment) => settingsPlaces(e).map((p) => `${p.editor}: ${p.file}`);
    assert.deepEqual(files(linux('/home/u')), [
      'VS Code: /home/u/.config/Code/User/settings.json',
      'VS Code Insiders: /home/u/.config/Code - Insiders/User/settings.json',
      'VSCodium: /home/u/.config/VSCodium/User/settings.json',
      'code-server: /home/u/.local/share/code-server/User/settings.json',
    ]);
    assert.deepEqual(files(linux('/home/u', { XDG_CONFIG_HOME: '/cfg', XDG_DATA_HOME: '/data' })), [
      'VS Code: /cfg/Code/User/settings.json',
      'VS Code Insiders: /cfg/Code - Insiders/User/settings.json',
      'VSCodium: /cfg/VSCodium/User/settings.json',
      'code-server: /data/code-server/User/settings.json',
    ]);
    assert.deepEqual(files({ platform: 'darwin', env: {}, home: '/Users/u' }).slice(0, 1), ['VS Code: /Users/u/Library/Application Support/Code/User/settings.json']);
    assert.deepEqual(files({ platform: 'win32', env: { APPDATA: 'C:\\Users\\u\\AppData\\Roaming', LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, home: 'C:\\Users\\u' }), [
      'VS Code: C:\\Users\\u\\AppData\\Roaming\\Code\\User\\settings.json',
      'VS Code Insiders: C:\\Users\\u\\AppData\\Roaming\\Code - Insiders\\User\\settings.json',
      'VSCodium: C:\\Users\\u\\AppData\\Roaming\\VSCodium\\User\\settings.json',
      'code-server: C:\\Users\\u\\AppData\\Local\\code-server\\Data\\User\\settings.json',
    ]);
    // VS Code's own override of its data folder.
    assert.equal(settingsPlaces(linux('/home/u', { VSCODE_APPDATA: '/portable' }))[0]!.file, '/portable/Code/User/settings.json');
  });

  it('takes the first settings file that sets labeling.labeler (JSONC), notes another that disagrees, else git', () => {
    const root = gitWorkspace('git@example.com');
    const home = tempWorkspace();
    const env = linux(home);
    assert.deepEqual(resolveLabeler(root, undefined, env), { labeler: 'git@example.com', from: 'git config user.email, else the OS user name' });
    // A settings file without the setting, or with an empty one (the extension's default), changes nothing.
    writeFiles(home, { '.config/Code/User/settings.json': '{ "editor.fontSize": 14, "labeling.labeler": "  ", }' });
    assert.equal(resolveLabeler(root, undefined, env).labeler, 'git@example.com');
    writeFiles(home, { '.local/share/code-server/User/settings.json': '// code-server\n{\n  "labeling.labeler": " server@example.com ", // mine\n}\n' });
    assert.deepEqual(resolveLabeler(root, undefined, env), { labeler: 'server@example.com', from: path.join(home, '.local/share/code-server/User/settings.json') });
    writeFiles(home, { '.config/Code - Insiders/User/settings.json': '{ /* insiders */ "labeling.labeler": "ins@example.com" }' });
    const both = resolveLabeler(root, undefined, env);
    assert.equal(both.labeler, 'ins@example.com');
    assert.match(both.note!, /^note: acting as ins@example\.com \(labeling\.labeler of VS Code Insiders, .*\); code-server sets server@example\.com \(.*\); pass --as to choose$/);
    assert.deepEqual(resolveLabeler(root, ' cli@example.com ', env), { labeler: 'cli@example.com', from: '--as' });
    assert.throws(() => resolveLabeler(root, ' ', env), /--as: --as needs a labeler id/);
  });

  it('a settings file it cannot read is one line naming the file, the line and what to do', () => {
    const root = gitWorkspace('git@example.com');
    const home = tempWorkspace();
    const file = path.join(home, '.config/Code/User/settings.json');
    writeFiles(home, { '.config/Code/User/settings.json': '{\n  "a": 1\n  "labeling.labeler": "x"\n}' });
    assert.throws(() => resolveLabeler(root, undefined, linux(home)), { message: `${file}:3: expected , or } after the value of "a", found """ (col 3); fix it or pass --as <labeler>` });
    writeFiles(home, { '.config/Code/User/settings.json': '{ "labeling.labeler": 42 }' });
    assert.throws(() => resolveLabeler(root, undefined, linux(home)), { message: `${file}: labeling.labeler: must be a string, got 42; fix it or pass --as <labeler>` });
    writeFiles(home, { '.config/Code/User/settings.json': '[]' });
    assert.throws(() => resolveLabeler(root, undefined, linux(home)), { message: `${file}: settings must be a JSON object; fix it or pass --as <labeler>` });
    // --as does not read the settings at all.
    assert.equal(resolveLabeler(root, 'me', linux(home)).labeler, 'me');
  });

  it('a command without --as writes as the labeling.labeler of the user settings', async () => {
    const p = await textProject(1);
    const home = tempWorkspace();
    writeFiles(home, { 'Code/User/settings.json': '{\n  // who I am\n  "labeling.labeler": "settings@example.com",\n}\n' });
    const saved = { VSCODE_APPDATA: process.env.VSCODE_APPDATA, XDG_DATA_HOME: process.env.XDG_DATA_HOME };
    process.env.VSCODE_APPDATA = home;
    process.env.XDG_DATA_HOME = home;
    try {
      const r = await cli('assign', p.root, p.id, '--to', 'bob', p.keys[0]!);
      assert.deepEqual([r.code, r.err], [0, '']);
      // Another editor naming someone else: the first is used, and stderr says so.
      writeFiles(home, { 'code-server/User/settings.json': '{ "labeling.labeler": "other@example.com" }' });
      const noted = await cli('assign', p.root, p.id, '--unassign', p.keys[0]!);
      assert.equal(noted.code, 0, noted.err);
      assert.match(noted.err, /^note: acting as settings@example\.com \(labeling\.labeler of VS Code, .*\); code-server sets other@example\.com .*\n$/);
      assert.equal((await cli('assign', p.root, p.id, '--to', 'bob', p.keys[0]!, '--as', 'cli@example.com')).err, '', '--as reads no settings');
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    assert.equal(await readBack(p, (s) => s.getItem(p.keys[0]!)!.assignee), 'bob');
    const events = journalLines(p).map((l) => JSON.parse(l) as { by: string; type: string });
    assert.deepEqual(events.map((e) => `${e.type} ${e.by}`).sort(), ['assign cli@example.com', 'assign settings@example.com', 'assign settings@example.com']);
  });
});
