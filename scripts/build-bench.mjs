// Bundles the store benchmark (scripts/bench.ts and the src/ it imports) as esbuild.mjs bundles
// dist/cli.js, so `npm run bench:store` measures the code as shipped (tsx transpiles each module on its
// own: imported bindings become getter calls). Also bundles the scan worker as esbuild.mjs bundles
// dist/worker.js, next to it. Only dist/bench/ is written: `node esbuild.mjs` is left as it is.
//   node scripts/build-bench.mjs   -> dist/bench/bench.js, dist/bench/worker.js
import * as esbuild from 'esbuild';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist/bench');

/** esbuild.mjs's options for its node bundles (development build). */
const node = {
  bundle: true,
  sourcemap: true,
  minify: false,
  logLevel: 'warning',
  legalComments: 'linked',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  absWorkingDir: root,
};

rmSync(out, { recursive: true, force: true });
const t0 = Date.now();
await Promise.all([
  esbuild.build({
    ...node,
    entryPoints: ['scripts/bench.ts'],
    outfile: 'dist/bench/bench.js',
    // The bench bundles the worker itself only under tsx (bundleWorker): esbuild is not bundled into it.
    external: [...node.external, 'esbuild'],
    define: { BENCH_BUNDLE: JSON.stringify('dist/bench/bench.js') },
  }),
  esbuild.build({ ...node, entryPoints: ['src/core/jobs/worker-main.ts'], outfile: 'dist/bench/worker.js' }),
]);
console.log(`[build-bench] dist/bench/bench.js, dist/bench/worker.js in ${Date.now() - t0} ms`);
