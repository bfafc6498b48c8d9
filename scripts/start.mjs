#!/usr/bin/env node
// `npm start`: VS Code for the browser (code-server on 127.0.0.1) with this extension installed and a sample
// workspace of real data (sample-workspace/, generated from npm packages). Prints the URL; Ctrl+C stops it.
//   PORT=8080 npm start     choose the port (default: 8080, or a free one if taken)
//   WORKSPACE=/path npm start   open another folder instead of the sample workspace
// On a fresh clone it first runs `npm install` and sets up the harness (scripts/setup-vscode-test.sh); so until
// the npm dependencies are installed only node: builtins are imported, the rest comes in by import() below.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDeps } from './ensure-deps.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const t0 = Date.now();
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
ensureDeps('start');
run('bash', ['scripts/setup-vscode-test.sh']);
run(process.execPath, ['esbuild.mjs']);
const { startCodeServer } = await import('./lib.mjs');
const { makeWorkspace } = await import('./make-workspace.mjs');

const workspace = path.resolve(process.env.WORKSPACE ?? path.join(ROOT, 'sample-workspace'));
if (!process.env.WORKSPACE) {
  const counts = makeWorkspace(workspace, { reviews: 100, digits: 10, sheets: 12, projects: true });
  console.log(`[start] sample workspace: ${counts.reviews} reviews, ${counts.digits} digits, ${counts.sheets} digit sheets, 5 projects`);
}

const free = (port) =>
  new Promise((res) => {
    const s = net.createServer().once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });
const wanted = Number(process.env.PORT ?? 8080);
const runDir = path.join(ROOT, '.vscode-test/start');
mkdirSync(runDir, { recursive: true });
const srv = await startCodeServer({
  runDir,
  linkExtension: ROOT,
  port: (await free(wanted)) ? wanted : undefined,
});
const url = `http://127.0.0.1:${srv.port}/?folder=${encodeURIComponent(workspace)}`;
console.log(`[start] ready in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
console.log(`\n  Data Labeling is running in VS Code for the browser:\n\n    ${url}\n\n  Open the "Data Labeling" view in the activity bar. Ctrl+C stops the server.\n`);
if (!existsSync(workspace)) console.warn(`[start] ${workspace} does not exist`);
await new Promise((r) => srv.child.once('exit', r));
