/**
 * A/B probe of the snapshot save after a rebuild, run against any tree:
 *   node --expose-gc --max-old-space-size=4096 --import tsx scripts/bench-save.ts <tree> [items=1000000] [saves=3] [--worker] [--recheck]
 * <tree> is the checkout whose src/ is imported (this one, or a `git worktree` of an older commit). Writes the bench's
 * project (scripts/bench-data.ts: 3 labelers, ~2.9 annotations per item), rebuilds its index right away, as
 * scripts/bench.ts does, then saves the snapshot `saves` times, each split as the store's saveSnapshot runs it:
 * sql.js's export (the backup API into one buffer), the write into the page cache, the fsync, the rename; with the
 * kernel's dirty page count (/proc/meminfo) before each save and the collections V8 ran during it. --worker scans in
 * dist/worker.js as the extension does; --recheck times the journal marks' recheck (bench.ts's, before its save);
 * --atomic writes with the tree's own writeFileAtomic (src/core/project/fsutil.ts: write, fsync and rename as one
 * figure), as its saveSnapshot does, instead of this probe's single write call; --image takes the bytes from the
 * tree's fileImage (src/core/store/snapshot.ts: a view of sql.js's in-memory file, no copy) instead of export().
 * What it showed (2026-12-02): the export and the write are bound by first-touch page faults of this VM (585 MB of
 * fresh memory each, 0.5-2.2 s and 0.2-1.7 s for the same bytes), not by GC, the recheck or the code, which is
 * the same in 4bf45e2. Not a test: nothing is asserted.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gcLog, writeBenchProject } from './bench-data';

const [treeArg, nArg, kArg] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const TREE = path.resolve(treeArg ?? path.join(__dirname, '..'));
const N = Number(nArg ?? 1_000_000);
const K = Number(kArg ?? 3);
const WASM = path.join(TREE, 'node_modules/sql.js/dist/sql-wasm.wasm');

const now = (): number => performance.now();
const mod = async <T>(rel: string): Promise<T> => (await import(pathToFileURL(path.join(TREE, rel)).href)) as T;
const gcWithin = gcLog();
const gcText = async (from: number, to: number): Promise<string> =>
  [...(await gcWithin(from, to))].map(([kind, k]) => `kind ${kind} ${k.ms.toFixed(0)} ms / ${k.n}`).join(', ') || 'none';
const dirtyMb = (): string => {
  const m = /^Dirty:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'));
  return m ? `${(Number(m[1]) / 1024).toFixed(0)} MB` : 'n/a';
};

async function run(): Promise<void> {
  const { createProject } = await mod<typeof import('../src/core/project/create')>('src/core/project/create.ts');
  const { loadProject } = await mod<typeof import('../src/core/project/load')>('src/core/project/load.ts');
  const dbm = await mod<typeof import('../src/core/store/db')>('src/core/store/db.ts');
  const loader = await mod<typeof import('../src/core/store/loader')>('src/core/store/loader.ts');

  console.log(`bench-save ${TREE} n=${N} saves=${K} (node ${process.version}, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')})`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `labeling-bsave-${N}-`));
  try {
    await writeBenchProject(createProject, root, N);
    const def = await loadProject(root, 'bench');
    const SQL = await dbm.loadSqlJs(WASM);
    let t = now();
    // --worker: the data sources scanned in the bundled worker thread (dist/worker.js), as the extension and bench.ts build.
    const worker = path.join(TREE, 'dist/worker.js');
    const built = await loader.buildIndex(SQL, root, def, process.argv.includes('--worker') ? { workerFile: worker } : {});
    console.log(`  rebuilt ${(now() - t).toFixed(0)} ms; rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`);
    if (process.argv.includes('--recheck')) {
      const { recheckMark } = await mod<typeof import('../src/core/journal/marks')>('src/core/journal/marks.ts');
      const { listJournalFiles } = await mod<typeof import('../src/core/journal/files')>('src/core/journal/files.ts');
      const abs = new Map(listJournalFiles(root, 'bench').map((f) => [f.rel, f.abs]));
      for (const wait of [0, 3500]) {
        await new Promise((r) => setTimeout(r, wait));
        const parts = [...built.marks].map(([rel, mark]) => {
          const t1 = now();
          const same = recheckMark(abs.get(rel)!, mark) === mark;
          return `${rel.split('/').at(-2)} ${(now() - t1).toFixed(0)} ms${same ? '' : ' (hashed)'}`;
        });
        console.log(`  recheck after ${wait} ms: ${parts.join(', ')}`);
      }
    }
    const atomic = process.argv.includes('--atomic')
      ? (await mod<typeof import('../src/core/project/fsutil')>('src/core/project/fsutil.ts')).writeFileAtomic
      : undefined;
    const image = process.argv.includes('--image')
      ? (await mod<typeof import('../src/core/store/snapshot')>('src/core/store/snapshot.ts')).fileImage
      : undefined;
    const dir = path.join(root, '.labeling/.cache/bench');
    fs.mkdirSync(dir, { recursive: true });
    for (let i = 0; i < K; i++) {
      const dirty = dirtyMb();
      const parts: string[] = [];
      const lap = (name: string, t0: number): number => {
        const t1 = now();
        parts.push(`${name} ${(t1 - t0).toFixed(0)}`);
        return t1;
      };
      const t0 = (t = now());
      const bytes = image ? image(built.idx.db)! : built.idx.db.export();
      t = lap(image ? 'fileImage' : 'export', t);
      if (atomic) {
        await atomic(path.join(dir, 'index.sqlite'), bytes);
        lap('writeFileAtomic', t);
      } else {
        const tmp = path.join(dir, `index.sqlite.${i}.tmp`);
        const h = await fs.promises.open(tmp, 'w');
        await h.writeFile(bytes);
        t = lap('write', t);
        await h.sync();
        t = lap('fsync', t);
        await h.close();
        await fs.promises.rename(tmp, path.join(dir, 'index.sqlite'));
        lap('close+rename', t);
      }
      const t1 = now();
      console.log(`  save ${i + 1}: ${(t1 - t0).toFixed(0)} ms (${parts.join(', ')}); ${(bytes.byteLength / 1048576).toFixed(0)} MB, dirty before ${dirty}; GC ${await gcText(t0, t1)}`);
    }
    built.idx.free();
    built.idx.db.close();
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

run().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
