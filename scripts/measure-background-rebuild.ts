/**
 * Not a test, not part of `npm run bench`: how much slower a rebuild gets when it yields to the event
 * loop (background-build.ts) than the blocking bulk build, and the longest time the event loop was
 * held, at MEASURE_N items (default 200,000) with the journals of bench.ts (3 labelers, ~2.9 events
 * per item). Mode `worker` (MEASURE_MODES=blocking,sliced,worker): sliced, with the rows made in a worker thread
 * (bulk-stream.ts; the worker bundled from src/ first). Run: node --expose-gc --import tsx scripts/measure-background-rebuild.ts
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createProject } from '../src/core/project/create';
import { loadProject } from '../src/core/project/load';
import { loadSqlJs } from '../src/core/store/db';
import { buildIndex } from '../src/core/store/loader';
import { TimeSlicer } from '../src/core/store/time-slice';

const WASM = path.resolve(__dirname, '../node_modules/sql.js/dist/sql-wasm.wasm');
const N = Number(process.env.MEASURE_N ?? 200_000);
const ROUNDS = Number(process.env.MEASURE_ROUNDS ?? 3);
const LABELS = ['pos', 'neg', 'neutral'];
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

function writeData(root: string, id: string): number {
  fs.mkdirSync(path.join(root, 'data'), { recursive: true });
  let csv = 'id,text\n';
  for (let j = 0; j < N; j++) csv += `i${j},"Review number ${j}: the product was fine, shipping slow."\n`;
  fs.writeFileSync(path.join(root, 'data/items.csv'), csv);
  let events = 0;
  ['ann', 'bob', 'cat'].forEach((by, li) => {
    const dir = path.join(root, '.labeling', id, 'journal', by);
    fs.mkdirSync(dir, { recursive: true });
    const count = li === 2 ? Math.floor(N * 0.9) : N;
    const lines: string[] = [];
    for (let j = 0; j < count; j++) {
      const at = new Date(Date.UTC(2026, 10, 1) + li * 1000 + j * 3000).toISOString();
      lines.push(`{"v":1,"at":"${at}","by":"${by}","dev":"laptop","seq":${j + 1},"type":"submit","item":"data/items.csv#i${j}","ann":{"kind":"classes","labels":["${LABELS[(j + (j % 7 === 0 ? li : 0)) % 3]}"]}}`);
    }
    fs.writeFileSync(path.join(dir, 'laptop.jsonl'), lines.join('\n') + '\n');
    events += count;
  });
  return events;
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'labeling-measure-'));
  try {
    await createProject(root, {
      id: 'm', type: 'text-classification', labels: LABELS,
      dataSources: [{ kind: 'table', glob: 'data/*.csv', textColumn: 'text', idColumn: 'id' }],
      consensus: { minLabelers: 3, maxLabelers: 3 }, queueSeed: 42,
    });
    const events = writeData(root, 'm');
    const def = await loadProject(root, 'm');
    const SQL = await loadSqlJs(WASM);
    console.log(`${N.toLocaleString('en')} items, ${events.toLocaleString('en')} events, ${ROUNDS} rounds each (alternating)`);
    type Mode = 'blocking' | 'sliced' | 'worker';
    const modes = (process.env.MEASURE_MODES ?? process.env.MEASURE_MODE ?? 'blocking,sliced').split(',') as Mode[];
    const times: Record<Mode, number[]> = { blocking: [], sliced: [], worker: [] };
    let longest = 0;
    let yields = 0;
    let workerFile = '';
    if (modes.includes('worker')) {
      const esbuild = await import('esbuild');
      workerFile = path.join(root, 'worker.js');
      await esbuild.build({ entryPoints: [path.resolve(__dirname, '../src/core/jobs/worker-main.ts')], outfile: workerFile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
    }
    for (let r = 0; r < ROUNDS; r++) {
      for (const mode of modes) {
        gc();
        const slicer = mode !== 'blocking' ? new TimeSlicer() : undefined;
        // The event-loop probe: the longest gap between two turns while the build runs.
        let phase = 'start';
        const onProgress = (p: { message: string }): void => void (phase = p.message);
        const t0 = performance.now();
        let last = t0;
        let gap = 0;
        let probing = true;
        const probe = (): void => {
          const t = performance.now();
          gap = Math.max(gap, t - last);
          if (process.env.MEASURE_TRACE && t - last > 30) console.log(`    gap ${(t - last).toFixed(0)} ms ending at ${(t - t0).toFixed(0)} ms (${phase})`);
          last = t;
          if (probing) setImmediate(probe);
        };
        setImmediate(probe);
        const built = await buildIndex(SQL, root, def, { onProgress, ...(slicer ? { slicer } : {}), ...(mode === 'worker' ? { workerFile, wasmPath: WASM } : {}) });
        const ms = performance.now() - t0;
        await new Promise((r) => setImmediate(r)); // the probe measures the build's last stretch too
        probing = false;
        times[mode].push(ms);
        if (mode === 'sliced' && slicer) {
          longest = Math.max(longest, gap);
          yields = slicer.yields;
        }
        console.log(`  ${mode.padEnd(8)} ${ms.toFixed(0).padStart(6)} ms  longest event-loop gap ${gap.toFixed(1)} ms${slicer ? `, ${slicer.yields} yields` : ''}`);
        built.idx.free();
        built.idx.db.close();
      }
    }
    const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
    const b = median(times.blocking);
    const s = median(times.sliced);
    console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
    if (times.worker.length) console.log(`median worker ${median(times.worker).toFixed(0)} ms`);
    if (!times.blocking.length || !times.sliced.length) return;
    console.log(`median blocking ${b.toFixed(0)} ms, sliced ${s.toFixed(0)} ms: ${(((s - b) / b) * 100).toFixed(1)}% slower; longest gap while sliced ${longest.toFixed(1)} ms (${yields} yields)`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
