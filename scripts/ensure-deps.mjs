// Lets `npm start` and `npm test` run on a fresh clone with no `npm install` before them: when a dependency of
// package.json is missing from node_modules, or is not the version package-lock.json pins, runs `npm install`
// (which also builds dist/ through the postinstall). Uses only node: builtins, since nothing else is installed yet.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** Why `npm install` is needed (a short reason), or null when node_modules matches package-lock.json. */
export function missingDeps(root = ROOT) {
  const pkg = readJson(path.join(root, 'package.json'));
  const lockFile = path.join(root, 'package-lock.json');
  const lock = existsSync(lockFile) ? readJson(lockFile).packages ?? {} : {};
  const names = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
  if (!existsSync(path.join(root, 'node_modules'))) return 'no node_modules yet';
  for (const name of names) {
    const file = path.join(root, 'node_modules', name, 'package.json');
    if (!existsSync(file)) return `${name} is not installed`;
    const want = lock[`node_modules/${name}`]?.version;
    const have = readJson(file).version;
    if (want && have !== want) return `${name} is ${have}, package-lock.json wants ${want}`;
  }
  return null;
}

/** Runs `npm install` when missingDeps() says so; exits the process if it fails. `tag` prefixes the messages. */
export function ensureDeps(tag) {
  const why = missingDeps();
  if (!why) return;
  const t0 = Date.now();
  console.log(`[${tag}] ${why}: npm install (measured with npm's cache warm: 25 s on 2 idle cores, up to 2 min on busy ones)`);
  // Under `npm start`/`npm test` npm_execpath is the npm that runs us; elsewhere the npm on PATH.
  const npm = process.env.npm_execpath;
  const [cmd, pre] = npm && npm.endsWith('.js') ? [process.execPath, [npm]] : ['npm', []];
  const r = spawnSync(cmd, [...pre, 'install', '--no-audit', '--no-fund'], { cwd: ROOT, stdio: 'inherit' });
  const still = missingDeps();
  if (still) {
    console.error(`[${tag}] npm install exited ${r.status ?? r.signal} and ${still}; fix the error above and run it again.`);
    process.exit(r.status || 1);
  }
  // Every dependency is in place but the postinstall (`node esbuild.mjs`) failed: the caller's own build step
  // reports it (npm test counts it as a failed "build" level instead of stopping before any test).
  const note = r.status === 0 ? '' : ` (it exited ${r.status ?? r.signal}: the build above failed; every dependency is installed)`;
  console.log(`[${tag}] npm install done in ${((Date.now() - t0) / 1000).toFixed(0)} s${note}`);
}
