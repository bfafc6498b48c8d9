/**
 * A/B probe of the durable submit and the snapshot save, run against any tree of this repository:
 *   node --expose-gc --import tsx scripts/bench-submit.ts <tree> [items=200000] [submits=3000] [--stmts] [--tail]
 * <tree> is the checkout whose src/ is imported (this one, or a `git worktree` of an older commit), so the
 * same script measures both. Builds the bench's project (3 labelers, ~2.9 annotations per item), saves a
 * snapshot with its parts timed (export, write, fsync) and its page figures, opens the store from it and
 * times `submits` durable submits after nextItem, as `npm run bench:store` does. With --stmts it also counts,
 * per SQL text, the statements one submit prepares, steps and executes (sql.js's Database and Statement
 * methods wrapped), to compare per statement. Not a test: nothing is asserted.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { Database, SqlJsStatic } from 'sql.js';
import { LABELS, startProfile, writeBenchProject } from './bench-data';

const [treeArg, nArg, kArg] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const TREE = path.resolve(treeArg ?? path.join(__dirname, '..'));
const N = Number(nArg ?? 200_000);
const K = Number(kArg ?? 3000);
const STMTS = process.argv.includes('--stmts');
/** --tail: the slowest 1% of submits, each with its time in fs writes, fdatasync and sql.js calls, and the collections that overlapped it. */
const TAIL = process.argv.includes('--tail');
/** --prof=<file>: a CPU profile (.cpuprofile) of the submit loop alone, taken with node:inspector. */
const PROF = process.argv.find((a) => a.startsWith('--prof='))?.slice('--prof='.length);
const WASM = path.join(TREE, 'node_modules/sql.js/dist/sql-wasm.wasm');
const fsCjs = createRequire(__filename)('node:fs') as typeof fs;

const now = (): number => performance.now();
const pct = (s: number[], p: number): number => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const mod = async <T>(rel: string): Promise<T> => (await import(pathToFileURL(path.join(TREE, rel)).href)) as T;

const one = (db: Database, sql: string): unknown => db.exec(sql)[0]?.values[0]?.[0];

/** Counts and times, per SQL text, what sql.js is asked to do while on (times include nested calls: a Database.run steps its statement). */
function countStatements(SQL: SqlJsStatic): { start(): void; stop(): Map<string, { n: number; ms: number }> } {
  const counts = new Map<string, { n: number; ms: number }>();
  let on = false;
  const bump = (what: string, sql: string, ms: number): void => {
    if (!on) return;
    const k = `${what} ${sql.replace(/\s+/g, ' ').slice(0, 100)}`;
    const c = counts.get(k) ?? { n: 0, ms: 0 };
    c.n++;
    c.ms += ms;
    counts.set(k, c);
  };
  const D = SQL.Database.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const m of ['prepare', 'exec', 'run']) {
    const orig = D[m]!;
    D[m] = function (this: unknown, ...a: unknown[]) {
      const t0 = now();
      const r = orig.apply(this, a);
      bump(m, String(a[0]), now() - t0);
      if (m === 'prepare' && r && typeof r === 'object') {
        const st = r as Record<string, unknown> & { __sql?: string };
        st.__sql = String(a[0]);
      }
      return r;
    };
  }
  const probe = new SQL.Database();
  const S = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, (...a: unknown[]) => unknown>;
  probe.close();
  for (const m of ['step', 'run', 'getAsObject']) {
    const orig = S[m]!;
    S[m] = function (this: { __sql?: string }, ...a: unknown[]) {
      const t0 = now();
      const r = orig.apply(this, a);
      bump(`st.${m}`, this.__sql ?? '?', now() - t0);
      return r;
    };
  }
  return {
    start: () => {
      counts.clear();
      on = true;
    },
    stop: () => {
      on = false;
      return counts;
    },
  };
}

/** Times, per submit, the journal's write and fdatasync (node:fs patched, ESM bindings synced) and sql.js's statement calls. */
function timePhases(SQL: SqlJsStatic): { reset(): void; read(): string } {
  const acc = { write: 0, sync: 0, sql: 0 };
  let depth = 0;
  const wrap = <O extends object>(o: O, m: string, bucket: keyof typeof acc): void => {
    const rec = o as Record<string, (...a: unknown[]) => unknown>;
    const orig = rec[m]!;
    rec[m] = function (this: unknown, ...a: unknown[]) {
      if (depth++ > 0) {
        try {
          return orig.apply(this, a);
        } finally {
          depth--;
        }
      }
      const t0 = now();
      try {
        return orig.apply(this, a);
      } finally {
        depth--;
        acc[bucket] += now() - t0;
      }
    };
  };
  wrap(fsCjs, 'writeSync', 'write');
  wrap(fsCjs, 'fdatasyncSync', 'sync');
  syncBuiltinESMExports();
  for (const m of ['prepare', 'exec', 'run']) wrap(SQL.Database.prototype, m, 'sql');
  const probe = new SQL.Database();
  const S = Object.getPrototypeOf(probe.prepare('SELECT 1')) as object;
  probe.close();
  for (const m of ['step', 'run', 'bind', 'get', 'getAsObject', 'reset']) wrap(S, m, 'sql');
  return {
    reset: () => {
      acc.write = acc.sync = acc.sql = 0;
    },
    read: () => `write ${acc.write.toFixed(2)}, fdatasync ${acc.sync.toFixed(2)}, sql ${acc.sql.toFixed(2)}`,
  };
}

async function run(): Promise<void> {
  const { createProject } = await mod<typeof import('../src/core/project/create')>('src/core/project/create.ts');
  const { loadProject } = await mod<typeof import('../src/core/project/load')>('src/core/project/load.ts');
  const { loadSqlJs } = await mod<typeof import('../src/core/store/db')>('src/core/store/db.ts');
  const { buildIndex } = await mod<typeof import('../src/core/store/loader')>('src/core/store/loader.ts');
  const { ProjectStore } = await mod<typeof import('../src/core/store/project-store')>('src/core/store/project-store.ts');
  const snap = await mod<typeof import('../src/core/store/snapshot')>('src/core/store/snapshot.ts');
  const { SCHEMA_VERSION } = await mod<typeof import('../src/core/store/schema')>('src/core/store/schema.ts');

  console.log(`bench-submit ${TREE} n=${N} k=${K} (node ${process.version}, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')})`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `labeling-bsub-${N}-`));
  try {
    await writeBenchProject(createProject, root, N);
    const def = await loadProject(root, 'bench');
    const SQL = await loadSqlJs(WASM);
    const startMs = Date.now();
    let t = now();
    const built = await buildIndex(SQL, root, def, {});
    console.log(`  rebuild ${(now() - t).toFixed(0)} ms`);
    // When the build opened each journal (its mark's stat.at), after the build started: a mark taken less than
    // marks.ts's RACY_MS after the file's last change is not trusted, and the bench's save re-hashes that journal.
    const { recheckMark } = await mod<typeof import('../src/core/journal/marks')>('src/core/journal/marks.ts');
    const { listJournalFiles } = await mod<typeof import('../src/core/journal/files')>('src/core/journal/files.ts');
    const abs = new Map(listJournalFiles(root, 'bench').map((f) => [f.rel, f.abs]));
    for (const [rel, mark] of built.marks) {
      const at = mark.stat?.at ?? NaN;
      const mtime = Number(BigInt(mark.stat?.mtimeNs ?? 0) / 1_000_000n);
      const t1 = now();
      const again = recheckMark(abs.get(rel)!, mark);
      console.log(`  ${rel}: opened ${(at - startMs).toFixed(0)} ms into the build, ${(at - mtime).toFixed(0)} ms after its last change; recheck ${(now() - t1).toFixed(1)} ms${again === mark ? '' : ' (hashed)'}`);
    }
    const db = built.idx.db;
    const pages = Number(one(db, 'PRAGMA page_count'));
    const pageSize = Number(one(db, 'PRAGMA page_size'));
    console.log(`  pages ${pages} x ${pageSize} = ${((pages * pageSize) / 1048576).toFixed(1)} MB, freelist ${String(one(db, 'PRAGMA freelist_count'))}, cache_size ${String(one(db, 'PRAGMA cache_size'))}, journal_mode ${String(one(db, 'PRAGMA journal_mode'))}`);
    // The parts of a save, then the save as the store calls it.
    gc();
    t = now();
    const bytes = db.export();
    const tExport = now() - t;
    const tmp = path.join(root, 'probe.sqlite');
    t = now();
    const fd = fs.openSync(tmp, 'w');
    fs.writeSync(fd, bytes);
    const tWrite = now() - t;
    t = now();
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    const tSync = now() - t;
    fs.rmSync(tmp);
    console.log(`  parts: export ${tExport.toFixed(0)} ms, write ${tWrite.toFixed(0)} ms, fsync ${tSync.toFixed(0)} ms, ${(bytes.byteLength / 1048576).toFixed(1)} MB`);
    gc();
    t = now();
    const saved = await snap.saveSnapshot(path.join(root, '.labeling/.cache/bench'), db, {
      format: snap.SNAPSHOT_FORMAT, schema: SCHEMA_VERSION, defHash: snap.indexDefHash(def), labels: LABELS,
      files: Object.fromEntries(built.marks), problems: built.problems, savedAt: new Date().toISOString(),
    } as Parameters<typeof snap.saveSnapshot>[2]);
    const tSave = now() - t;
    console.log(`  snapshot_save ${tSave.toFixed(0)} ms, ${(saved / 1048576).toFixed(1)} MB, ${(saved / 1048576 / (tSave / 1000)).toFixed(0)} MB/s`);
    built.idx.free();
    db.close();
    gc();

    const counter = STMTS ? countStatements(SQL) : undefined;
    const phases = TAIL ? timePhases(SQL) : undefined;
    const store = await ProjectStore.open({ root, id: 'bench', labeler: 'zoe', device: 'bench', wasmPath: WASM });
    // The open store's pages: headroom.ts adds free pages on open (trees before it: freelist 0).
    const storeDb = (store as unknown as { idx: { db: Database } }).idx.db;
    const pagesNow = (): string => `pages ${String(one(storeDb, 'PRAGMA page_count'))}, freelist ${String(one(storeDb, 'PRAGMA freelist_count'))}`;
    console.log(`  opened: ${pagesNow()}`);
    const stopProfile = PROF ? await startProfile(PROF) : undefined;
    // Garbage collections seen while submitting, to tell a slow submit's own work from a collection inside it.
    const gcs: { start: number; ms: number; kind: number }[] = [];
    const obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) gcs.push({ start: e.startTime, ms: e.duration, kind: (e.detail as { kind?: number } | undefined)?.kind ?? 0 });
    });
    obs.observe({ entryTypes: ['gc'] });
    const times: number[] = [];
    const spans: { i: number; t0: number; ms: number; parts?: string }[] = [];
    for (let i = 0; i < K; i++) {
      const it = store.nextItem();
      if (!it) break;
      if (i === Math.floor(K / 2)) counter?.start();
      phases?.reset();
      const t0 = now();
      await store.submit(it.key, { kind: 'classes', labels: [LABELS[i % 3]!] });
      times.push(now() - t0);
      spans.push({ i, t0, ms: now() - t0, ...(phases ? { parts: phases.read() } : {}) });
    }
    const counts = counter?.stop();
    console.log(`  after ${times.length} submits: ${pagesNow()}`);
    await stopProfile?.();
    await new Promise((r) => setTimeout(r, 50));
    obs.disconnect();
    if (TAIL) {
      // The slowest 1% with the collections that overlapped each (kind: 1 minor, 2 major, 4 incremental, 8 weak).
      const slow = [...spans].sort((a, b) => b.ms - a.ms).slice(0, Math.max(10, Math.ceil(spans.length / 100)));
      let inGc = 0;
      for (const s of slow) {
        const over = gcs.filter((g) => g.start < s.t0 + s.ms && g.start + g.ms > s.t0);
        const gcMs = over.reduce((a, g) => a + g.ms, 0);
        if (gcMs > 0) inGc++;
        console.log(`    #${s.i} ${s.ms.toFixed(2)} ms${s.parts ? ` (${s.parts})` : ''}${over.length ? `, gc ${over.map((g) => `${g.kind}:${g.ms.toFixed(2)}`).join(' ')}` : ''}`);
      }
      const tot = (k: number): string => gcs.filter((g) => g.kind === k).reduce((a, g) => a + g.ms, 0).toFixed(0);
      console.log(`  tail: ${inGc} of ${slow.length} slowest overlap a collection; gc during submits: minor ${gcs.filter((g) => g.kind === 1).length} (${tot(1)} ms), major ${gcs.filter((g) => g.kind === 2).length} (${tot(2)} ms), incremental ${gcs.filter((g) => g.kind === 4).length} (${tot(4)} ms)`);
    }
    times.sort((a, b) => a - b);
    console.log(`  submit p50 ${pct(times, 50).toFixed(3)} ms, p90 ${pct(times, 90).toFixed(3)}, p99 ${pct(times, 99).toFixed(3)} (${times.length})`);
    const per = K - Math.floor(K / 2);
    if (counts) {
      for (const [k, v] of [...counts].sort()) {
        console.log(`    ${(v.n / per).toFixed(2).padStart(5)}x ${((v.ms / per) * 1000).toFixed(1).padStart(6)} us  ${k}`);
      }
    }
    await store.close();
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

run().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
