/**
 * A/B probe of opening a project from its snapshot (ProjectStore.open with an empty tail), run against any tree:
 *   node --expose-gc --max-old-space-size=4096 --import tsx scripts/bench-open.ts <tree> [items=1000000] [opens=5] [--keep=<dir>] [--prof=<file>]
 * <tree> is the checkout whose src/ is imported (this one, or a `git worktree` of an older commit). Builds the bench's
 * project (scripts/bench.ts's data: 3 labelers, ~2.9 annotations per item) and saves its snapshot once (into
 * --keep=<dir> when given, reused by the next run on the same tree), then opens it `opens` times and prints each
 * open's phases, timed from outside the store: reading the file, sql.js's Database over the bytes, the pragmas,
 * the migrations check and the secondary schema (db.ts openSnapshot), the meta row (loadSnapshot), the IndexDb and
 * the tail replay (openFromSnapshot), the store's constructor; with the process's RSS after each. --prof writes a
 * CPU profile (node:inspector) of the opens alone. Not a test: nothing is asserted.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LABELS, startProfile, writeBenchProject } from './bench-data';

const [treeArg, nArg, kArg] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const TREE = path.resolve(treeArg ?? path.join(__dirname, '..'));
const N = Number(nArg ?? 1_000_000);
const K = Number(kArg ?? 5);
const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const KEEP = arg('keep');
const PROF = arg('prof');
const WASM = path.join(TREE, 'node_modules/sql.js/dist/sql-wasm.wasm');

const now = (): number => performance.now();
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const rss = (): string => `${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`;
const mod = async <T>(rel: string): Promise<T> => (await import(pathToFileURL(path.join(TREE, rel)).href)) as T;

async function run(): Promise<void> {
  const { createProject } = await mod<typeof import('../src/core/project/create')>('src/core/project/create.ts');
  const { loadProject } = await mod<typeof import('../src/core/project/load')>('src/core/project/load.ts');
  const dbm = await mod<typeof import('../src/core/store/db')>('src/core/store/db.ts');
  const loader = await mod<typeof import('../src/core/store/loader')>('src/core/store/loader.ts');
  const { ProjectStore } = await mod<typeof import('../src/core/store/project-store')>('src/core/store/project-store.ts');
  const snap = await mod<typeof import('../src/core/store/snapshot')>('src/core/store/snapshot.ts');
  const { SCHEMA_VERSION } = await mod<typeof import('../src/core/store/schema')>('src/core/store/schema.ts');
  const { nullLogger } = await mod<typeof import('../src/core/logger')>('src/core/logger.ts');

  console.log(`bench-open ${TREE} n=${N} opens=${K} (node ${process.version}, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')})`);
  const root = KEEP ? path.resolve(KEEP) : fs.mkdtempSync(path.join(os.tmpdir(), `labeling-bopen-${N}-`));
  const snapFile = path.join(root, '.labeling/.cache/bench/index.sqlite');
  const SQL = await dbm.loadSqlJs(WASM);
  try {
    if (!fs.existsSync(snapFile)) {
      fs.mkdirSync(root, { recursive: true });
      await writeBenchProject(createProject, root, N);
      const def = await loadProject(root, 'bench');
      const t = now();
      // --phases: each progress message of the build with its time (ms since the epoch), for an outside RSS sampler.
      const onProgress = process.argv.includes('--phases') ? (p: { message: string }): void => console.log(`  phase ${Date.now()} ${p.message}`) : undefined;
      const built = await loader.buildIndex(SQL, root, def, onProgress ? { onProgress } : {});
      if (onProgress) console.log(`  phase ${Date.now()} built`);
      console.log(`  built ${(now() - t).toFixed(0)} ms, peak RSS so far ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
      // The build's marks may be racy (taken < 3 s after the journals were written): wait, as a later open would see them.
      await snap.saveSnapshot(path.dirname(snapFile), built.idx.db, {
        format: snap.SNAPSHOT_FORMAT, schema: SCHEMA_VERSION, defHash: snap.indexDefHash(def), labels: LABELS,
        files: Object.fromEntries(built.marks), problems: built.problems, savedAt: new Date().toISOString(),
      } as Parameters<typeof snap.saveSnapshot>[2]);
      built.idx.free();
      built.idx.db.close();
      gc();
    }
    console.log(`  snapshot ${(fs.statSync(snapFile).size / 1048576).toFixed(1)} MB, rss ${rss()}`);
    const def = await loadProject(root, 'bench');
    const stopProfile = PROF ? await startProfile(PROF) : undefined;
    for (let i = 0; i < K; i++) {
      gc();
      const parts: string[] = [];
      const lap = (name: string, t0: number): number => {
        const t1 = now();
        parts.push(`${name} ${(t1 - t0).toFixed(0)}`);
        return t1;
      };
      // The phases one by one, as snapshot.ts / db.ts / loader.ts run them.
      let t = now();
      const bytes = fs.readFileSync(snapFile);
      t = lap('read', t);
      const db = new SQL.Database(bytes);
      t = lap('Database', t);
      db.exec('SELECT 1 FROM migrations LIMIT 1');
      t = lap('firstStmt', t);
      db.close();
      gc();
      const rssAfterParts = rss();
      t = now();
      const db2 = dbm.openSnapshot(SQL, fs.readFileSync(snapFile));
      t = lap('read+openSnapshot', t);
      db2?.close();
      gc();
      t = now();
      const loaded = await loader.openFromSnapshot(SQL, root, def, nullLogger); // sync before 2026-12-02, a promise since
      t = lap('openFromSnapshot', t);
      loaded?.idx.free();
      loaded?.idx.db.close();
      gc();
      t = now();
      const store = await ProjectStore.open({ root, id: 'bench', labeler: 'zoe', device: 'bench', wasmPath: WASM });
      t = lap('ProjectStore.open', t);
      const rssOpen = rss();
      await store.close();
      console.log(`  open ${i + 1}: ${parts.join(', ')} ms; rss after the parts ${rssAfterParts}, with the store open ${rssOpen}`);
    }
    await stopProfile?.();
  } finally {
    if (!KEEP) fs.rmSync(root, { recursive: true, force: true });
  }
}

run().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
