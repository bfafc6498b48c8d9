import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { LabelingError } from '../errors';
import { HASH_CHUNK } from '../journal/marks';
import type { WorkerTaskName } from './tasks';
import { runWorkerTask } from './worker-client';

/** worker-main.ts bundled as esbuild.mjs bundles dist/worker.js, run in real worker_threads Workers. */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labeling-worker-'));
const WORKER = path.join(dir, 'worker.js');

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('worker tasks in a real worker thread', () => {
  before(async () => {
    await esbuild.build({ entryPoints: [path.join(__dirname, 'worker-main.ts')], outfile: WORKER, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('hash-chunks gives the SHA-256 of every HASH_CHUNK bytes, the last one short, and moves the buffer', async () => {
    const bytes = randomBytes(2 * HASH_CHUNK + 12345);
    const expected = [sha(bytes.subarray(0, HASH_CHUNK)), sha(bytes.subarray(HASH_CHUNK, 2 * HASH_CHUNK)), sha(bytes.subarray(2 * HASH_CHUNK))];
    const copy = new Uint8Array(bytes);
    const out = await runWorkerTask(WORKER, 'hash-chunks', { bytes: copy }, { transfer: [copy.buffer] });
    assert.deepEqual(out, expected);
    assert.equal(copy.byteLength, 0, 'the bytes were transferred, not copied');
  });

  it('hash-chunks of nothing is no chunk', async () => {
    assert.deepEqual(await runWorkerTask(WORKER, 'hash-chunks', { bytes: new Uint8Array(0) }), []);
  });

  it("a task's error comes back as a LabelingError with its reason; an unknown task is refused", async () => {
    await assert.rejects(
      runWorkerTask(WORKER, 'hash-chunks', { bytes: 'text' as unknown as Uint8Array }),
      (e: unknown) => e instanceof LabelingError && e.reason === 'invalid-input' && /hash-chunks takes bytes/.test(e.message),
    );
    await assert.rejects(runWorkerTask(WORKER, 'nope' as WorkerTaskName, { bytes: new Uint8Array(1) }), /no worker task named "nope"/);
  });

  it('an abort terminates the thread and rejects as cancelled', async () => {
    const abort = new AbortController();
    const p = runWorkerTask(WORKER, 'hash-chunks', { bytes: new Uint8Array(64 * HASH_CHUNK) }, { signal: abort.signal });
    abort.abort();
    await assert.rejects(p, (e: unknown) => e instanceof LabelingError && e.reason === 'cancelled');
    await assert.rejects(runWorkerTask(WORKER, 'hash-chunks', { bytes: new Uint8Array(1) }, { signal: abort.signal }), (e: unknown) => e instanceof LabelingError && e.reason === 'cancelled');
  });
});
