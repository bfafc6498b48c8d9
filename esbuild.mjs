// Builds every bundle the extension ships, declared as data below.
//   node esbuild.mjs               development build (sourcemaps)
//   node esbuild.mjs --production  minified, no sourcemaps (used by `npm run package`)
//   node esbuild.mjs --watch       rebuild on change
import * as esbuild from 'esbuild';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Node bundles: extension host, CLI, integration tests. 'vscode' is provided by the host. */
const nodeBundles = [
  { name: 'extension', entry: 'src/host/extension.ts', out: 'dist/extension.js' },
  { name: 'cli', entry: 'src/cli/main.ts', out: 'dist/cli.js', banner: '#!/usr/bin/env node' },
  // Worker threads for CPU tasks of jobs (src/core/jobs/tasks.ts), started by runWorkerTask.
  { name: 'worker', entry: 'src/core/jobs/worker-main.ts', out: 'dist/worker.js' },
];

/** One browser bundle per webview app: webview/<app>/main.ts -> dist/webview/<app>.js */
const webviewApps = ['details', 'labeler', 'review', 'dashboard'];

/** Integration tests run inside the VS Code extension host (mocha is loaded from node_modules). */
const integrationTests = existsSync('test/integration')
  ? readdirSync('test/integration').filter((f) => f.endsWith('.ts')).map((f) => `test/integration/${f}`)
  : [];

/** Static files copied next to the bundles. */
const copies = [
  { from: 'node_modules/sql.js/dist/sql-wasm.wasm', to: 'dist/sql-wasm.wasm' },
  { from: 'node_modules/@vscode/codicons/dist/codicon.css', to: 'dist/webview/codicon.css' },
  { from: 'node_modules/@vscode/codicons/dist/codicon.ttf', to: 'dist/webview/codicon.ttf' },
];

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'linked',
};

const configs = [
  ...nodeBundles.map((b) => ({
    ...common,
    entryPoints: [b.entry],
    outfile: b.out,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    banner: b.banner ? { js: b.banner } : undefined,
  })),
  ...webviewApps
    .filter((app) => existsSync(`webview/${app}/main.ts`))
    .map((app) => ({
      ...common,
      entryPoints: [`webview/${app}/main.ts`],
      outfile: `dist/webview/${app}.js`,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      tsconfig: 'webview/tsconfig.json',
    })),
  ...(integrationTests.length && !production
    ? [
        {
          ...common,
          entryPoints: integrationTests,
          outdir: 'dist/test/integration',
          platform: 'node',
          format: 'cjs',
          target: 'node20',
          external: ['vscode', 'mocha'],
        },
      ]
    : []),
];

function copyStatic() {
  for (const c of copies) {
    mkdirSync(path.dirname(c.to), { recursive: true });
    copyFileSync(c.from, c.to);
  }
  if (existsSync('schemas')) cpSync('schemas', 'dist/schemas', { recursive: true });
}

if (!watch) rmSync('dist', { recursive: true, force: true });
copyStatic();
if (watch) {
  const contexts = await Promise.all(configs.map((c) => esbuild.context(c)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log(`[esbuild] watching ${configs.length} bundles`);
} else {
  const t0 = Date.now();
  await Promise.all(configs.map((c) => esbuild.build(c)));
  console.log(`[esbuild] built ${configs.length} bundles${production ? ' (production)' : ''} in ${Date.now() - t0} ms`);
}
