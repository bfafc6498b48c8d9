/**
 * The Review panel's reads at scale (issue 11 item 7: review_page_p99, the counts beside the filter
 * choices, opening an item): N items (MEASURE_N, default 1,000,000), 3 labelers (cat labels 90%, 1% of
 * items skipped by bob instead, 5% with a prelabel), a reviewer's approvals and rejections on 1%.
 * Prints each filter's page p99 (pages of 100, walked by keyset), the counts' time and an item's open.
 *   npx tsx scripts/measure-review.ts        (not part of npm test; takes a few minutes at 1M)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createProject } from '../src/core/project/create';
import { ProjectStore } from '../src/core/store/project-store';
import { REVIEW_ASSETS, reviewReadsOf, type ReviewFilter } from '../src/core/store/review-reads';

const N = Number(process.env.MEASURE_N ?? 1_000_000);
const WASM = require.resolve('sql.js/dist/sql-wasm.wasm');
const LABELS = ['pos', 'neg', 'neutral'];
const now = (): number => performance.now();
const p99 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))] ?? NaN;

function write(file: string, lines: (i: number) => string | undefined, n: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'w');
  for (let i = 0; i < n; i += 10_000) {
    let chunk = '';
    for (let j = i; j < Math.min(n, i + 10_000); j++) chunk += lines(j) ?? '';
    fs.writeSync(fd, chunk);
  }
  fs.closeSync(fd);
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'labeling-review-'));
  try {
    write(path.join(root, 'data/items.csv'), (j) => (j === 0 ? 'id,text\n' : '') + `i${j},"Review ${j}"\n`, N);
    await createProject(root, { id: 'r', type: 'text-classification', labels: LABELS, dataSources: [{ kind: 'table', glob: 'data/*.csv', textColumn: 'text', idColumn: 'id' }], consensus: { minLabelers: 2, maxLabelers: 3 }, queueSeed: 1 });
    const base = Date.UTC(2026, 10, 1);
    const line = (by: string, seq: number, j: number, body: string) =>
      `{"v":1,"at":"${new Date(base + j * 3000 + seq % 3).toISOString()}","by":"${by}","dev":"d","seq":${seq},${body}}\n`;
    ['ann', 'bob', 'cat'].forEach((by, li) => {
      write(path.join(root, `.labeling/r/journal/${by}/d.jsonl`), (j) => {
        if (li === 2 && j % 10 === 9) return undefined;
        if (li === 1 && j % 100 === 50) return line(by, j + 1, j, `"type":"skip","item":"data/items.csv#i${j}"`);
        const label = LABELS[(j + (j % 7 === 0 ? li : 0)) % 3];
        return line(by, j + 1, j, `"type":"submit","item":"data/items.csv#i${j}","ann":{"kind":"classes","labels":["${label}"]}`);
      }, N);
    });
    write(path.join(root, '.labeling/r/journal/model/d.jsonl'), (j) =>
      j % 20 === 3 ? line('model', j + 1, j, `"type":"submit","item":"data/items.csv#i${j}","ann":{"kind":"classes","labels":["pos"]},"pre":true,"conf":0.7`) : undefined, N);
    write(path.join(root, '.labeling/r/journal/rev/d.jsonl'), (j) =>
      j % 100 === 7 ? line('rev', j + 1, j + 1e6, `"type":"${j % 200 === 7 ? 'reject' : 'approve'}","item":"data/items.csv#i${j}","base":0`) : undefined, N);
    let t = now();
    const store = await ProjectStore.open({ root, id: 'r', labeler: 'rev', device: 'm', wasmPath: WASM });
    console.log(`built ${N.toLocaleString('en')} items in ${((now() - t) / 1000).toFixed(1)} s`);
    const { reads, counts } = reviewReadsOf(store);
    // As the panel does when it opens: the counts first.
    t = now();
    counts.counts(0.7);
    console.log(`review_counts (first)             ${(now() - t).toFixed(1)} ms`);
    const again: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = now();
      counts.counts(0.7);
      again.push(now() - t0);
    }
    console.log(`review_counts (cached scans)   p99 ${p99(again).toFixed(1)} ms`);
    const filters: [string, ReviewFilter][] = [
      ['all', {}],
      ...REVIEW_ASSETS.map((a): [string, ReviewFilter] => [a, { asset: a }]),
      ['labeler', { labeler: 'cat' }],
      ['label', { label: 'neg' }],
      ['labeler+label', { labeler: 'cat', label: 'neg' }],
      ['agreement<0.7', { agreementBelow: 0.7 }],
      ['time range', { from: base + 1000 * 3000, to: base + 5000 * 3000 }],
      ['labeler+time', { labeler: 'ann', from: base + 1000 * 3000, to: base + 5000 * 3000 }],
    ];
    for (const [name, f] of filters) {
      const times: number[] = [];
      let after: string | undefined;
      let rows = 0;
      reads.page(f, undefined, 100); // prepares the statements
      for (let i = 0; i < 50; i++) {
        const t0 = now();
        const p = reads.page(f, after, 100);
        times.push(now() - t0);
        rows += p.rows.length;
        after = p.next;
        if (!after) break;
      }
      const p50 = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
      console.log(`review_page_p99 ${name.padEnd(14)} ${p99(times).toFixed(2).padStart(9)} ms  p50 ${p50.toFixed(2).padStart(7)} ms  (${times.length} pages, ${rows} rows)`);
    }
    const opens: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = now();
      store.getItem(`data/items.csv#i${(i * 4999) % N}`);
      reads.skippers(`data/items.csv#i${(i * 4999) % N}`);
      opens.push(now() - t0);
    }
    console.log(`review_open_item p99 ${p99(opens).toFixed(2)} ms`);
    await store.close();
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

void main();
