/** The worker of the tests (not shipped: only *.test.ts import it): worker-main.ts bundled as esbuild.mjs bundles dist/worker.js. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

/** Bundles worker-main.ts into a temp folder; `dispose` removes it. Real worker_threads Workers run the file. */
export async function bundleWorker(): Promise<{ file: string; dispose(): void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labeling-worker-'));
  const file = path.join(dir, 'worker.js');
  await esbuild.build({ entryPoints: [path.join(__dirname, 'worker-main.ts')], outfile: file, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  return { file, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** The suite's bundled worker: made before its first test, removed after its last (`file` is set by then). */
export function suiteWorker(): { file: string } {
  const w = { file: '' };
  let made: { file: string; dispose(): void } | undefined;
  before(async () => {
    made = await bundleWorker();
    w.file = made.file;
  });
  after(() => made?.dispose());
  return w;
}
