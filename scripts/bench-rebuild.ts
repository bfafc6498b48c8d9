/**
 * A focused rebuild measurement (issue 15): the bench's project at N items (BENCH_N, default 200,000) with
 * 3 labelers' journals (~2.9 events per item), raw JSON.parse of one journal, then one bulk build from the
 * journals as the extension runs it (BENCH_WORKER=0: without the worker file; BENCH_ROWS_WORKER=0: the worker only
 * scans, the rows are made in this thread; BENCH_JOURNAL_HELPER=0: no second worker reads the last journals; BENCH_PHASES=1: when each kind of progress message came). Prints rebuild events/s,
 * the process's CPU time during the build (steadier than the clock on a loaded machine), its ratio to json_parse_raw of the same run and the peak RSS. Run with `node --cpu-prof` to profile it.
 * Not a test: nothing here is asserted.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createProject } from '../src/core/project/create';
import { loadProject } from '../src/core/project/load';
import { loadSqlJs } from '../src/core/store/db';
import { buildIndex } from '../src/core/store/loader';

const N = Number(process.env.BENCH_N ?? 200_000);
const LABELS = ['pos', 'neg', 'neutral'];

function writeLines(file: string, count: number, line: (j: number) => string, head = ''): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, head);
  for (let i = 0; i < count; i += 10_000) {
    const parts: string[] = [];
    for (let j = i; j < Math.min(count, i + 10_000); j++) parts.push(line(j));
    fs.writeSync(fd, parts.join(''));
  }
  fs.closeSync(fd);
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `labeling-rebuild-${N}-`));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labeling-rebuild-worker-'));
  try {
    writeLines(path.join(root, 'data/items.csv'), N, (j) => `i${j},"Review number ${j}: the product was fine, shipping slow."\n`, 'id,text\n');
    await createProject(root, {
      id: 'bench', type: 'text-classification', labels: LABELS,
      dataSources: [{ kind: 'table', glob: 'data/*.csv', textColumn: 'text', idColumn: 'id' }],
      consensus: { minLabelers: 3, maxLabelers: 3 }, queueSeed: 42,
    });
    let events = 0;
    const files: string[] = [];
    ['ann', 'bob', 'cat'].forEach((by, li) => {
      const count = li === 2 ? Math.floor(N * 0.9) : N;
      const base = Date.UTC(2026, 10, 1) + li * 1000;
      const file = path.join(root, '.labeling/bench/journal', by, 'laptop.jsonl');
      writeLines(file, count, (j) => {
        const label = LABELS[(j + (j % 7 === 0 ? li : 0)) % 3];
        return `{"v":1,"at":"${new Date(base + j * 3000).toISOString()}","by":"${by}","dev":"laptop","seq":${j + 1},"type":"submit","item":"data/items.csv#i${j}","ann":{"kind":"classes","labels":["${label}"]}}\n`;
      });
      files.push(file);
      events += count;
    });
    const lines = fs.readFileSync(files[0]!, 'utf8').split('\n').filter(Boolean);
    let t = performance.now();
    let sink = 0;
    for (const l of lines) sink += (JSON.parse(l) as { seq: number }).seq;
    const raw = lines.length / ((performance.now() - t) / 1000);
    lines.length = 0;
    if (sink < 0) console.log(sink);
    const def = await loadProject(root, 'bench');
    const SQL = await loadSqlJs(path.resolve(__dirname, '../node_modules/sql.js/dist/sql-wasm.wasm'));
    let workerFile: string | undefined;
    if (process.env.BENCH_WORKER !== '0') {
      const esbuild = await import('esbuild');
      workerFile = path.join(dir, 'worker.js');
      await esbuild.build({ entryPoints: [path.resolve(__dirname, '../src/core/jobs/worker-main.ts')], outfile: workerFile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
    }
    (globalThis as { gc?: () => void }).gc?.();
    t = performance.now();
    const cpu = process.cpuUsage();
    const wasmPath = path.resolve(__dirname, '../node_modules/sql.js/dist/sql-wasm.wasm');
    // BENCH_PHASES=1: when each kind of progress message (digits aside) came first and last, in s from the start.
    const phases = new Map<string, [number, number]>();
    const onProgress = (p: { message: string }): void => {
      const at = (performance.now() - t) / 1000;
      const kind = p.message.replace(/\d+/g, 'N');
      const seen = phases.get(kind);
      if (seen) seen[1] = at;
      else phases.set(kind, [at, at]);
    };
    const built = await buildIndex(SQL, root, def, {
      ...(workerFile ? { workerFile, ...(process.env.BENCH_ROWS_WORKER !== '0' ? { wasmPath } : {}), ...(process.env.BENCH_JOURNAL_HELPER === '0' ? { journalHelper: false } : {}) } : {}),
      ...(process.env.BENCH_PHASES === '1' ? { onProgress } : {}),
    });
    const secs = (performance.now() - t) / 1000;
    const used = process.cpuUsage(cpu);
    const rate = events / secs;
    console.log(`n=${N} events=${events} json_parse_raw=${Math.round(raw)} lines/s rebuild=${Math.round(rate)} events/s (${secs.toFixed(2)} s, this thread's process CPU ${((used.user + used.system) / 1e6).toFixed(2)} s) ratio=${(rate / raw).toFixed(4)} peak_rss=${Math.round(process.resourceUsage().maxRSS / 1024)} MB load=${os.loadavg()[0]!.toFixed(2)}`);
    for (const [kind, [first, last]] of phases) console.log(`  ${first.toFixed(2)}-${last.toFixed(2)} s  ${kind}`);
    built.idx.free();
    built.idx.db.close();
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
