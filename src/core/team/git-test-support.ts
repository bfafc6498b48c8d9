/**
 * Git for the team tests (imported only by *.test.ts): a bare remote with clones of a workspace,
 * driven through the `git` CLI as a user would. Every call runs without the system and global git
 * configuration (identity is set in each repository's local config), so the machine's settings
 * (pull.rebase, merge tools, hooks paths) cannot change the outcome, and nothing outside the temp
 * folders is written.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { listFiles } from '../formats/test-support';
import { tempWorkspace } from '../store/test-support';

export interface GitResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** The environment of every git call: inherited, minus GIT_* variables, with no system or global config. */
const GIT_ENV: NodeJS.ProcessEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_'))),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: os.devNull,
  GIT_TERMINAL_PROMPT: '0',
  LC_ALL: 'C',
};

/** Runs git in `cwd`; throws with its output unless it exits with one of `ok` (default: 0). */
export function git(cwd: string, args: string[], ok: number[] = [0]): GitResult {
  const r = spawnSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  const res = { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  if (!ok.includes(res.status)) {
    throw new Error(`git ${args.join(' ')} in ${cwd} exited with ${res.status}\n${res.stdout}${res.stderr}`);
  }
  return res;
}

export type PullMode = 'merge' | 'rebase';

export interface Clones {
  remote: string;
  /** Working folder of each clone, by name. */
  dirs: Record<string, string>;
}

/**
 * Makes `seed` (a workspace folder) a repository, commits all of it as it is, pushes it to a new bare
 * remote and clones that once per name, each clone with its own local user.name/user.email. Every
 * folder is made with tempWorkspace(), so cleanupWorkspaces() removes them.
 */
export function cloneWorkspace(seed: string, names: string[]): Clones {
  const base = tempWorkspace();
  const remote = path.join(base, 'remote.git');
  git(base, ['init', '-q', '--bare', '--initial-branch=main', remote]);
  git(seed, ['init', '-q', '--initial-branch=main']);
  identify(seed, 'seed');
  git(seed, ['add', '-A']);
  git(seed, ['commit', '-q', '-m', 'Create the labeling project']);
  git(seed, ['push', '-q', remote, 'main']);
  const dirs: Record<string, string> = {};
  for (const name of names) {
    const dir = path.join(base, name);
    git(base, ['clone', '-q', remote, dir]);
    identify(dir, name);
    dirs[name] = dir;
  }
  return { remote, dirs };
}

function identify(dir: string, name: string): void {
  git(dir, ['config', 'user.name', `Clone ${name}`]);
  git(dir, ['config', 'user.email', `${name}@clones.example`]);
  git(dir, ['config', 'core.autocrlf', 'false']);
}

/** `git add -A` and a commit when anything changed; returns whether a commit was made. */
export function commitAll(dir: string, message: string): boolean {
  git(dir, ['add', '-A']);
  if (git(dir, ['diff', '--cached', '--quiet'], [0, 1]).status === 0) return false;
  git(dir, ['commit', '-q', '-m', message]);
  return true;
}

export function push(dir: string): void {
  git(dir, ['push', '-q', 'origin', 'HEAD:main']);
}

/** Pulls main with a merge (never fast-forward only) or a rebase; asserts a clean result (exit 0, nothing unmerged, no conflict markers). */
export function pull(dir: string, mode: PullMode): void {
  const r = git(dir, ['pull', '-q', mode === 'merge' ? '--no-rebase' : '--rebase', '--no-edit', 'origin', 'main'], [0, 1, 128]);
  const unmerged = git(dir, ['diff', '--name-only', '--diff-filter=U']).stdout.trim();
  assert.equal(r.status, 0, `git pull --${mode} in ${path.basename(dir)} exited with ${r.status}${unmerged ? ` (conflict in ${unmerged})` : ''}\n${r.stdout}${r.stderr}`);
  assert.equal(unmerged, '', `unmerged paths after git pull --${mode}`);
  assertNoConflictMarkers(dir);
}

/** No tracked file of the working tree holds a conflict marker line. */
export function assertNoConflictMarkers(dir: string): void {
  const r = git(dir, ['grep', '-n', '-I', '-E', '^(<{7}|>{7})( |$)'], [0, 1]);
  assert.equal(r.status, 1, `conflict markers in ${path.basename(dir)}:\n${r.stdout}`);
}

/**
 * One exchange through the remote: both clones commit what they wrote, `first` pushes, `second` pulls
 * (merge or rebase) and pushes, `first` pulls. Afterwards both clones hold the same commit.
 */
export function exchange(first: string, second: string, mode: PullMode, message: string): void {
  commitAll(first, message);
  commitAll(second, message);
  push(first);
  pull(second, mode);
  push(second);
  pull(first, 'merge');
  assert.equal(head(first), head(second), 'both clones are at the same commit');
  for (const dir of [first, second]) assert.equal(git(dir, ['status', '--porcelain']).stdout, '', `${path.basename(dir)} has uncommitted changes after the exchange`);
}

export function head(dir: string): string {
  return git(dir, ['rev-parse', 'HEAD']).stdout.trim();
}

/** The files git tracks in a clone, sorted. */
export function trackedFiles(dir: string): string[] {
  return git(dir, ['ls-files', '-z']).stdout.split('\0').filter(Boolean).sort();
}

/** Whether git ignores a (workspace-relative) path of the clone. */
export function isIgnored(dir: string, rel: string): boolean {
  return git(dir, ['check-ignore', '-q', '--no-index', rel], [0, 1]).status === 0;
}

/** Asserts two folders hold the same files with the same bytes. */
export async function assertSameFiles(a: string, b: string): Promise<void> {
  const files = await listFiles(a);
  assert.deepEqual(await listFiles(b), files, `the same files in ${a} and ${b}`);
  assert.ok(files.length > 0, `files in ${a}`);
  for (const f of files) {
    const [x, y] = await Promise.all([readFile(path.join(a, f)), readFile(path.join(b, f))]);
    assert.ok(x.equals(y), `${f} differs:\n${x.toString('utf8').slice(0, 2000)}\n----\n${y.toString('utf8').slice(0, 2000)}`);
  }
}
