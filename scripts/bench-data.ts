/**
 * What the A/B probes (bench-submit.ts, bench-open.ts) share: a CPU profile, and scripts/bench.ts's data: n items in data/items.csv and the
 * journals of 3 labelers, where ann and bob label every item and cat 90% (the same lines as bench.ts writes).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Session } from 'node:inspector';

export const LABELS = ['pos', 'neg', 'neutral'];
const LABELERS = ['ann', 'bob', 'cat'];

/** Writes `count` lines made by `line`, 10,000 to a write, after `head`. */
function writeLines(file: string, head: string, count: number, line: (j: number) => string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, head);
  for (let i = 0; i < count; i += 10_000) {
    const end = Math.min(count, i + 10_000);
    const lines: string[] = [];
    for (let j = i; j < end; j++) lines.push(line(j));
    fs.writeSync(fd, lines.join(''));
  }
  fs.closeSync(fd);
}

/** scripts/bench.ts's data: n items, and journals where ann and bob label every item, cat 90% (the same lines). */
function writeData(root: string, n: number): void {
  writeLines(path.join(root, 'data/items.csv'), 'id,text\n', n, (j) => `i${j},"Review number ${j}: the product was fine, shipping slow."\n`);
  LABELERS.forEach((by, li) => {
    const base = Date.UTC(2026, 10, 1) + li * 1000;
    writeLines(path.join(root, '.labeling/bench/journal', by, 'laptop.jsonl'), '', li === 2 ? Math.floor(n * 0.9) : n, (j) => {
      const label = LABELS[(j + (j % 7 === 0 ? li : 0)) % 3];
      return `{"v":1,"at":"${new Date(base + j * 3000).toISOString()}","by":"${by}","dev":"laptop","seq":${j + 1},"type":"submit","item":"data/items.csv#i${j}","ann":{"kind":"classes","labels":["${label}"]}}\n`;
    });
  });
}

/** The bench's project (text classification, consensus 3, queue seed 42) with writeData's n items, made by the tree's createProject. */
export async function writeBenchProject(
  createProject: (root: string, input: { id: string; type: 'text-classification'; labels: string[]; dataSources: { kind: 'table'; glob: string; textColumn: string; idColumn: string }[]; consensus: { minLabelers: number; maxLabelers: number }; queueSeed: number }) => Promise<unknown>,
  root: string,
  n: number,
): Promise<void> {
  await createProject(root, {
    id: 'bench', type: 'text-classification', labels: LABELS,
    dataSources: [{ kind: 'table', glob: 'data/*.csv', textColumn: 'text', idColumn: 'id' }],
    consensus: { minLabelers: 3, maxLabelers: 3 }, queueSeed: 42,
  });
  writeData(root, n);
}

/**
 * Every collection V8 runs from the call on (a gc PerformanceObserver). The function returned gives the collections
 * that started between two performance.now() times, by kind (perf_hooks: 1 scavenge, 2 mark-compact, 4 incremental
 * marking, 8 weak callbacks), after a short wait for the observer's late entries.
 */
export function gcLog(): (from: number, to: number) => Promise<Map<number, { ms: number; n: number }>> {
  const entries: { start: number; ms: number; kind: number }[] = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) entries.push({ start: e.startTime, ms: e.duration, kind: (e.detail as { kind?: number } | undefined)?.kind ?? 0 });
  }).observe({ entryTypes: ['gc'] });
  return async (from, to) => {
    await new Promise((r) => setTimeout(r, 50));
    const by = new Map<number, { ms: number; n: number }>();
    for (const e of entries) {
      if (e.start < from || e.start >= to) continue;
      const k = by.get(e.kind) ?? { ms: 0, n: 0 };
      k.ms += e.ms;
      k.n++;
      by.set(e.kind, k);
    }
    return by;
  };
}

/** Starts a CPU profile (node:inspector); the function returned stops it and writes it to `file` (.cpuprofile). */
export async function startProfile(file: string): Promise<() => Promise<void>> {
  const session = new Session();
  const post = (method: string): Promise<unknown> => new Promise((res, rej) => session.post(method, (e, r) => (e ? rej(e) : res(r))));
  session.connect();
  await post('Profiler.enable');
  await post('Profiler.start');
  return async () => {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    fs.writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}
