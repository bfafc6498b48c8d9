#!/usr/bin/env node
// Where a traced bench:ui action's time went: the long tasks of a Chromium trace (BENCH_UI_TRACE=1 writes
// test-results/bench-ui-trace-<project>.json), per thread, each with its longest inner events.
//   node scripts/bench-ui-trace.mjs test-results/bench-ui-trace-mask-4000.json [min task ms, 20]
// Times are ms from the first event of the renderer's main thread; keydown events are listed for reference.
import { readFileSync } from 'node:fs';

const [file, minArg] = process.argv.slice(2);
if (!file) throw new Error('usage: node scripts/bench-ui-trace.mjs <trace.json> [min task ms]');
const minMs = Number(minArg ?? 20);
const doc = JSON.parse(readFileSync(file, 'utf8'));
const events = Array.isArray(doc) ? doc : doc.traceEvents;
const threadName = new Map();
const processName = new Map();
for (const e of events) {
  if (e.ph !== 'M') continue;
  if (e.name === 'thread_name') threadName.set(`${e.pid}:${e.tid}`, e.args.name);
  if (e.name === 'process_name') processName.set(e.pid, e.args.name);
}
const complete = events.filter((e) => e.ph === 'X' && typeof e.dur === 'number');
const mainKey = [...threadName].find(([k, n]) => n === 'CrRendererMain' && processName.get(Number(k.split(':')[0])) === 'Renderer')?.[0];
const t0 = Math.min(...complete.filter((e) => `${e.pid}:${e.tid}` === mainKey).map((e) => e.ts));
const at = (e) => ((e.ts - t0) / 1000).toFixed(0);
const TASKS = new Set(['RunTask', 'ThreadControllerImpl::RunTask', 'ThreadPool_RunTask']);

for (const e of events) {
  if (e.name === 'EventDispatch' && e.args?.data?.type === 'keydown') console.log(`keydown at ${at(e)} ms (${(e.dur / 1000).toFixed(1)} ms)`);
}
const byThread = new Map();
for (const e of complete) {
  const k = `${e.pid}:${e.tid}`;
  if (!byThread.has(k)) byThread.set(k, []);
  byThread.get(k).push(e);
}
for (const [k, list] of byThread) {
  // The outermost task events only (RunTask wraps ThreadControllerImpl::RunTask).
  const long = [];
  for (const e of list.filter((x) => TASKS.has(x.name) && x.dur >= minMs * 1000).sort((a, b) => a.ts - b.ts || b.dur - a.dur)) {
    const last = long.at(-1);
    if (!last || e.ts >= last.ts + last.dur) long.push(e);
  }
  if (!long.length) continue;
  console.log(`\n${processName.get(Number(k.split(':')[0])) ?? '?'} ${threadName.get(k) ?? k}:`);
  for (const task of long) {
    const inner = list.filter((e) => e !== task && !TASKS.has(e.name) && e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur).sort((a, b) => b.dur - a.dur);
    const names = [];
    for (const e of inner) if (!names.some((n) => n.name === e.name) && names.length < 5) names.push(e);
    console.log(`  ${at(task)} ms: ${(task.dur / 1000).toFixed(1)} ms  ${names.map((e) => `${e.name} ${(e.dur / 1000).toFixed(1)}`).join(', ')}`);
  }
}
