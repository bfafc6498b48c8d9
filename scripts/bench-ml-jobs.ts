/**
 * The "jobs" section of `npm run bench:ml` (issue 12, item 8): the ML-assist jobs as the extension runs
 * them (src/host/assist/assistService.ts): trainAssistModel, validateAssistModel and prelabelQueue of
 * pipeline.ts (training, validation and inference, three jobs timed one by one) with a
 * bundled worker (worker-main.ts, as esbuild.mjs bundles dist/worker.js), on a ProjectStore of a text
 * project of BENCH_ML_ITEMS items (default 200,000; the figures per 1M items are extrapolated linearly,
 * said so in the output) whose journals hold BENCH_ML_LABELS final labels (default 100,000, at most
 * half the items). The inference job is cancelled once it runs past its budget (BENCH_ML_INFER_CAP_MS,
 * default 60 s), its figure then extrapolated from what it predicted. Not a test: nothing is asserted.
 * BENCH_ML_PROFILE=1 adds a CPU profile of this thread per phase; BENCH_ML_WORKER_NICE=n is an
 * experiment (the worker thread lowers its own priority first; see niceWorker).
 *
 * While each job runs a labeler submits on this thread at a steady pace (store.nextItem + store.submit
 * every SUBMIT_EVERY_MS, as the panel does); the same labeler just before, with no job running, is the
 * raw limit each figure is compared with (the machine is shared and noisy: only figures of the same run
 * compare). Per phase of each job: wall time, this thread's event-loop utilisation (how much of the
 * phase the main thread was busy), the event-loop lag (perf_hooks monitorEventLoopDelay) and the submits
 * whose press fell in it. Two submit latencies: "call" (store.submit's promise alone) and "seen" (from the
 * moment the labeler pressed, i.e. the timer was due, to the submit done and the next item read: what
 * a blocked main thread adds shows here, not in "call").
 *
 * Raw limits of the same run beside the jobs: the model predicting in this thread (no worker, no
 * queue), and the main-thread costs of the model's JSON (parse + fromJSON, toJSON + stringify, a
 * structured clone as posting it costs) and of posting the training set to a worker.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { Session } from 'node:inspector/promises';
import * as path from 'node:path';
import { monitorEventLoopDelay, performance, PerformanceObserver, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';
import { bundleWorker } from '../src/core/jobs/worker-fixture';
import { JOURNAL_VERSION } from '../src/core/journal/events';
import { AssistModel } from '../src/core/ml/assist/assist-model';
import { loadLatestModel } from '../src/core/ml/assist/model-load';
import { prelabelQueue, trainAssistModel, validateAssistModel } from '../src/core/ml/assist/pipeline';
import { suggestionsFile, type QueueSource } from '../src/core/ml/assist/predict-queue';
import type { TrainingExample } from '../src/core/ml/assist/training-set';
import { LabelingError } from '../src/core/errors';
import { syntheticTexts } from '../src/core/ml/text-model-testdata';
import { createProject } from '../src/core/project/create';
import { ProjectStore } from '../src/core/store/project-store';

const WASM = path.resolve(__dirname, '../node_modules/sql.js/dist/sql-wasm.wasm');
const MILLION = 1_000_000;
/** Items by default: 100k labeled and a queue of 100k (a 1M project takes minutes more to build and collect; its figures are extrapolated). */
const DEFAULT_ITEMS = 200_000;
const TOPICS = 5;
const SUBMIT_EVERY_MS = 20;
/** How long the labeler submits with no job running before each job (the raw limit). */
const IDLE_MS = 5_000;

const now = (): number => performance.now();
const sleep = (ms: number): Promise<void> => new Promise((res) => setTimeout(res, ms));
const fmt = (x: number): string => x.toLocaleString('en');
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const msf = (x: number): string => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0));

function pct(sorted: readonly number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
}

/** p50 / p95 / p99 / max of a list of ms. */
function spread(values: readonly number[]): { n: number; p50: number; p95: number; p99: number; max: number } {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, p50: pct(s, 50), p95: pct(s, 95), p99: pct(s, 99), max: s.at(-1) ?? NaN };
}
const spreadText = (v: readonly number[]): string => {
  const s = spread(v);
  return s.n ? `p50 ${msf(s.p50)} / p95 ${msf(s.p95)} / p99 ${msf(s.p99)} / max ${msf(s.max)} ms (${s.n})` : 'no submit';
};

// --- the project ---------------------------------------------------------------------------------

const itemKey = (i: number): string => `data/items.csv#r${i}`;

interface JobsProject {
  root: string;
  id: string;
  items: number;
  labels: number;
}

/** The labeled items of buildProject as collectTrainingSet reads them, built again (for costs measured alone, after the jobs: not held in this heap while they run). */
function labeledExamples(items: number, labels: number): TrainingExample[] {
  const data = syntheticTexts(items, TOPICS, 11);
  const step = items / labels;
  return Array.from({ length: labels }, (_, k) => {
    const j = Math.floor(k * step);
    return { key: itemKey(j), text: data.texts[j]!, final: { kind: 'classes', labels: [data.labels[j]!] } };
  });
}

/**
 * data/items.csv of `items` synthetic texts (8-30 words, TOPICS topics) and two labelers' journals
 * holding `labels` final labels: every (items/labels)-th item, ann and bob in turn, each label the
 * text's topic. Written in chunks, as scripts/bench.ts builds its projects.
 */
async function buildProject(items: number, labels: number): Promise<JobsProject> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `labeling-bench-ml-jobs-${items}-`));
  const id = 'jobs';
  const data = syntheticTexts(items, TOPICS, 11);
  fs.mkdirSync(path.join(root, 'data'), { recursive: true });
  const csv = fs.openSync(path.join(root, 'data/items.csv'), 'w');
  fs.writeSync(csv, 'id,text\n');
  for (let i = 0; i < items; i += 10_000) {
    let chunk = '';
    for (let j = i; j < Math.min(items, i + 10_000); j++) chunk += `r${j},"${data.texts[j]}"\n`;
    fs.writeSync(csv, chunk);
  }
  fs.closeSync(csv);
  await createProject(root, {
    id,
    type: 'text-classification',
    labels: Array.from({ length: TOPICS }, (_, t) => `topic${t}`),
    dataSources: [{ kind: 'table', glob: 'data/*.csv', textColumn: 'text', idColumn: 'id' }],
    queueSeed: 42,
    mlAssist: { enabled: true },
  });
  const step = items / labels;
  const base = Date.UTC(2026, 10, 1);
  ['ann', 'bob'].forEach((by, w) => {
    const dir = path.join(root, '.labeling', id, 'journal', by);
    fs.mkdirSync(dir, { recursive: true });
    const fd = fs.openSync(path.join(dir, 'laptop.jsonl'), 'w');
    let seq = 0;
    let chunk = '';
    for (let k = w; k < labels; k += 2) {
      const j = Math.floor(k * step);
      const at = new Date(base + k * 3000).toISOString();
      chunk += `{"v":${JOURNAL_VERSION},"at":"${at}","by":"${by}","dev":"laptop","seq":${++seq},"type":"submit","item":"${itemKey(j)}","ann":{"kind":"classes","labels":["${data.labels[j]}"]}}\n`;
      if (chunk.length > 1 << 20) {
        fs.writeSync(fd, chunk);
        chunk = '';
      }
    }
    fs.writeSync(fd, chunk);
    fs.closeSync(fd);
  });
  return { root, id, items, labels };
}

// --- what runs on this thread while a job runs ---------------------------------------------------

interface PhaseFigures {
  name: string;
  start: number;
  end: number;
  wallMs: number;
  /** Share of the phase this thread was busy. */
  elu: number;
  lag: { p50: number; p99: number; max: number };
  /** CPU ms per thread group in the phase (ThreadClock). */
  cpu: { main: number; worker: number; helpers: number };
}

/**
 * CPU time per thread of this process from /proc/self/task/<tid>/stat (Linux; elsewhere nothing), in
 * ms (10 ms ticks): this thread (tid = pid), the threads that began after `mark()` (the jobs' worker
 * threads) and the rest ("helpers": V8's platform threads, which run the parallel and concurrent parts of
 * every isolate's garbage collection and compiles, and libuv's pool). What a submit's latency cannot show:
 * whether another thread of this process took the second core while it ran.
 */
class ThreadClock {
  private known = new Set<string>();
  private readonly ok = fs.existsSync('/proc/self/task');

  /** The threads alive now are "helpers" (plus this one); later ones are workers. */
  mark(): void {
    if (this.ok) this.known = new Set(fs.readdirSync('/proc/self/task'));
  }

  /** ms of CPU so far: this thread, workers, helpers (threads that ended are lost: compare deltas of live ones). */
  sample(): { main: number; worker: number; helpers: number; at: Map<string, number> } {
    const at = new Map<string, number>();
    let main = 0;
    let worker = 0;
    let helpers = 0;
    if (!this.ok) return { main, worker, helpers, at };
    for (const tid of fs.readdirSync('/proc/self/task')) {
      let stat: string;
      try {
        stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      } catch {
        continue; // ended meanwhile
      }
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = (Number(f[11]) + Number(f[12])) * 10;
      at.set(tid, ms);
      if (tid === String(process.pid)) main += ms;
      else if (this.known.has(tid)) helpers += ms;
      else worker += ms;
    }
    return { main, worker, helpers, at };
  }

  /** CPU ms between two samples, per group, counting only threads alive in both or born between. */
  static delta(a: ReturnType<ThreadClock['sample']>, b: ReturnType<ThreadClock['sample']>, clock: ThreadClock): { main: number; worker: number; helpers: number } {
    const d = { main: 0, worker: 0, helpers: 0 };
    for (const [tid, ms] of b.at) {
      const was = a.at.get(tid) ?? 0;
      const g = tid === String(process.pid) ? 'main' : clock.known.has(tid) ? 'helpers' : 'worker';
      d[g] += ms - was;
    }
    return d;
  }
}

/** A turn of the event loop that came late: where the main thread was blocked. */
interface Gap {
  phase: string;
  /** ms since the phase began. */
  at: number;
  ms: number;
  /** Share of the gap this thread was running (event-loop utilisation): ~1 blocked by work here, ~0 waiting for a CPU. */
  busy: number;
  /** The job's last log line or progress message before it. */
  after: string;
  /** The job's last message at its end (another one when the job said something in the blocked turn). */
  until: string;
  /** performance.now() at the previous tick and at this one. */
  from: number;
  to: number;
}

/** Gaps above this are kept, with the job's message before them. */
const GAP_MS = 25;
const TICK_MS = 2;

/**
 * Phases of a run: each closes with its wall time, event-loop utilisation and lag. A ticker every
 * TICK_MS keeps each late turn (> GAP_MS) with the job's message just before it, to say where it was,
 * and how busy this thread was meanwhile: a late turn with this thread busy is work here blocking it
 * (or that work slowed by a CPU taken elsewhere); one with this thread idle is a CPU taken elsewhere
 * (the worker, other processes of a shared machine) before the timer could run.
 */
class Phases {
  readonly done: PhaseFigures[] = [];
  readonly gaps: Gap[] = [];
  /** Garbage collections on this thread (perf_hooks 'gc' entries). */
  readonly gcs: { start: number; ms: number }[] = [];
  current = '';
  /** The job's last log line or progress message. */
  message = '';
  /** Each message of the job with when it came (performance.now()). */
  readonly messages: { t: number; message: string }[] = [];
  readonly clock = new ThreadClock();
  private cpuAt = this.clock.sample();
  private start = 0;
  private elu?: EventLoopUtilization;
  private readonly hist: IntervalHistogram = monitorEventLoopDelay({ resolution: 1 });
  private readonly ticker: NodeJS.Timeout;
  private readonly gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) this.gcs.push({ start: e.startTime, ms: e.duration });
  });

  constructor() {
    this.hist.enable();
    this.gcObserver.observe({ entryTypes: ['gc'] });
    // At the previous tick: when, the event-loop utilisation, the phase and the job's message.
    let last = { t: now(), elu: performance.eventLoopUtilization(), phase: '', start: 0, message: '' };
    this.ticker = setInterval(() => {
      const t = now();
      const elu = performance.eventLoopUtilization();
      const late = t - last.t - TICK_MS;
      // A gap belongs to the phase it began in.
      if (late > GAP_MS && last.phase) {
        const busy = performance.eventLoopUtilization(elu, last.elu).utilization;
        this.gaps.push({ phase: last.phase, at: last.t - last.start, ms: late, busy, after: last.message, until: this.message, from: last.t, to: t });
      }
      last = { t, elu, phase: this.current, start: this.start, message: this.message };
    }, TICK_MS);
  }

  /** The job's log line or progress message (what a gap after it is attributed to). */
  say(message: string): void {
    if (message) this.message = message;
    this.messages.push({ t: now(), message });
  }

  enter(name: string): void {
    if (name === this.current) return;
    this.close();
    this.current = name;
    this.start = now();
    this.elu = performance.eventLoopUtilization();
    this.cpuAt = this.clock.sample();
    this.hist.reset();
  }

  close(): void {
    if (!this.current) return;
    const ns = (x: number) => x / 1e6;
    const end = now();
    this.done.push({
      name: this.current,
      start: this.start,
      end,
      wallMs: end - this.start,
      elu: performance.eventLoopUtilization(this.elu).utilization,
      lag: { p50: ns(this.hist.percentile(50)), p99: ns(this.hist.percentile(99)), max: ns(this.hist.max) },
      cpu: ThreadClock.delta(this.cpuAt, this.clock.sample(), this.clock),
    });
    this.current = '';
  }

  stop(): void {
    this.close();
    this.hist.disable();
    clearInterval(this.ticker);
    this.gcObserver.disconnect();
  }

  /** The collections that began in [from, to): how many, their total and the longest. */
  gcIn(from: number, to: number): { n: number; ms: number; max: number } {
    const g = this.gcs.filter((x) => x.start >= from && x.start < to);
    return { n: g.length, ms: g.reduce((a, x) => a + x.ms, 0), max: Math.max(0, ...g.map((x) => x.ms)) };
  }
}

interface SubmitSample {
  phase: string;
  callMs: number;
  seenMs: number;
  /** performance.now() when it was due (pressed) and when it was done. */
  due: number;
  end: number;
  /** From the labeler's wake (its timer ran) to done: this thread on a CPU, and waiting for one (runnable), ms (schedstat). */
  runMs: number;
  queuedMs: number;
  /** How late its timer ran (this thread busy with other work, or waiting for a CPU). */
  lateMs: number;
}

const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;
const hasSchedstat = fs.existsSync(SCHEDSTAT);
/** This thread's time on a CPU and waiting on a run queue so far, ms (Linux schedstat; zeros elsewhere). */
function schedstat(): { run: number; queued: number } {
  if (!hasSchedstat) return { run: 0, queued: 0 };
  const [run, queued] = fs.readFileSync(SCHEDSTAT, 'utf8').split(' ');
  return { run: Number(run) / 1e6, queued: Number(queued) / 1e6 };
}

/**
 * A labeler on this thread: presses submit every SUBMIT_EVERY_MS (a press waits for the previous one:
 * the next press is due SUBMIT_EVERY_MS after the previous was due, or when it finished if later), on
 * the item nextItem gives, as the panel does. Each sample is tagged with the phase its press fell in.
 */
class Labeler {
  readonly samples: SubmitSample[] = [];
  private stopping = false;
  private readonly running: Promise<void>;

  constructor(
    private readonly store: ProjectStore,
    private readonly phases: Phases,
  ) {
    this.running = this.loop();
  }

  private async loop(): Promise<void> {
    let due = now();
    for (let i = 0; !this.stopping; i++) {
      const wait = due - now();
      if (wait > 0) await sleep(wait);
      else await new Promise((res) => setImmediate(res));
      if (this.stopping) break;
      const woke = now();
      const s0 = schedstat();
      const phase = this.phases.current;
      const item = this.store.nextItem();
      if (!item) break;
      const t0 = now();
      await this.store.submit(item.key, { kind: 'classes', labels: [`topic${i % TOPICS}`] });
      const t1 = now();
      const s1 = schedstat();
      this.samples.push({ phase, callMs: t1 - t0, seenMs: t1 - due, due, end: t1, runMs: s1.run - s0.run, queuedMs: s1.queued - s0.queued, lateMs: woke - due });
      due = Math.max(due + SUBMIT_EVERY_MS, t1);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  of(phase: string | ((p: string) => boolean)): SubmitSample[] {
    return this.samples.filter((s) => (typeof phase === 'string' ? s.phase === phase : phase(s.phase)));
  }
}

interface QueueReads {
  ms: number;
  pageMs: number;
  getItemMs: number;
  /** The longest page read with its items' briefItems call. */
  maxPageMs: number;
  pages: number;
  items: number;
}

/** A QueueSource over the store that times its synchronous reads (page, briefItems) on this thread. */
function timedQueue(store: ProjectStore, onLastPage: () => void): { source: QueueSource; reads: QueueReads } {
  const reads: QueueReads = { ms: 0, pageMs: 0, getItemMs: 0, maxPageMs: 0, pages: 0, items: 0 };
  let pageMs = 0;
  const took = (d: number) => {
    reads.ms += d;
    pageMs += d;
    reads.maxPageMs = Math.max(reads.maxPageMs, pageMs);
  };
  const source: QueueSource = {
    get def() {
      return store.def;
    },
    read: (name, signal) => store.read(name, signal),
    stats: () => store.stats(),
    page: (view, after, limit) => {
      pageMs = 0;
      const t = now();
      const p = store.page(view, after, limit);
      const d = now() - t;
      reads.pageMs += d;
      took(d);
      reads.pages++;
      if (p.next === undefined) onLastPage();
      return p;
    },
    briefItems: (keys) => {
      const t = now();
      const it = store.briefItems(keys);
      const d = now() - t;
      reads.getItemMs += d;
      took(d);
      reads.items += keys.length;
      return it;
    },
  };
  return { source, reads };
}

// --- an optional CPU profile of this thread (BENCH_ML_PROFILE=1) ----------------------------------

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The V8 sampling profiler on this thread through an in-process inspector session (the worker is not profiled). */
class MainProfiler {
  private readonly session = new Session();
  /** performance.now() when the profile began. */
  private startedAt = 0;

  async start(): Promise<void> {
    this.session.connect();
    await this.session.post('Profiler.enable');
    await this.session.post('Profiler.setSamplingInterval', { interval: 1000 });
    await this.session.post('Profiler.start');
    this.startedAt = now();
  }

  async stop(): Promise<{ profile: CpuProfile; startedAt: number }> {
    const { profile } = (await this.session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
    this.session.disconnect();
    return { profile, startedAt: this.startedAt };
  }
}

/**
 * Per phase: this thread's sampled busy time, the src/ functions it was spent under (inclusive, each
 * function once per sample) and the top functions by self time (sql.js's WebAssembly as one).
 */
function printProfile(p: { profile: CpuProfile; startedAt: number }, phases: readonly PhaseFigures[]): void {
  const { profile } = p;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (n: ProfileNode): string => {
    const f = n.callFrame;
    if (f.url.startsWith('wasm://') || /sql-wasm/.test(f.url)) return 'sql.js (WebAssembly)';
    if (!f.url) return f.functionName;
    // tsx's transpiled line numbers do not match the sources: a .ts file's functions go by name.
    const where = /\.ts$/.test(f.url) ? path.basename(f.url) : `${path.basename(f.url)}:${f.lineNumber + 1}`;
    return `${f.functionName || '(anonymous)'} ${where}`;
  };
  // Sample times in performance.now() terms: the profile's clock (startTime + the deltas) began when start() returned, within a ms.
  const times: number[] = [];
  let t = 0;
  for (const d of profile.timeDeltas) times.push((t += d));
  console.log(`  CPU profile of this thread (BENCH_ML_PROFILE=1, 1 ms samples): per phase the busy time, where it went (src/ functions, inclusive) and the top self time:`);
  for (const ph of phases) {
    const incl = new Map<string, number>();
    const self = new Map<string, number>();
    let busy = 0;
    for (let i = 0; i < profile.samples.length; i++) {
      const at = p.startedAt + times[i]! / 1000;
      if (at < ph.start || at >= ph.end) continue;
      const leaf = byId.get(profile.samples[i]!)!;
      if (leaf.callFrame.functionName === '(idle)') continue;
      const ms = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i]!) / 1000;
      busy += ms;
      self.set(keyOf(leaf), (self.get(keyOf(leaf)) ?? 0) + ms);
      const seen = new Set<string>();
      for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
        const n = byId.get(id)!;
        if (!/\/src\//.test(n.callFrame.url)) continue;
        const k = keyOf(n);
        if (seen.has(k)) continue;
        seen.add(k);
        incl.set(k, (incl.get(k) ?? 0) + ms);
      }
    }
    const top = (m: Map<string, number>, k: number) =>
      [...m.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, k)
        .map(([name, ms]) => `${name} ${ms.toFixed(0)} ms`)
        .join(', ');
    console.log(`    ${ph.name}: busy ${busy.toFixed(0)} ms of ${ph.wallMs.toFixed(0)}`);
    if (busy) console.log(`      under: ${top(incl, 8)}`);
    if (busy) console.log(`      self: ${top(self, 6)}`);
  }
}

/**
 * An experiment (BENCH_ML_WORKER_NICE=n), not what the extension runs: worker-main.ts bundled behind a
 * line that sets the worker thread's nice value first. On Linux os.setPriority(n) called in a thread
 * changes that thread only (nice is per thread there), so the extension host's thread keeps its
 * priority and wins a contended CPU over the job.
 */
async function niceWorker(nice: number): Promise<{ file: string; dispose(): void }> {
  const esbuild = await import('esbuild');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labeling-bench-worker-'));
  const file = path.join(dir, 'worker.js');
  const main = path.resolve(__dirname, '../src/core/jobs/worker-main.ts');
  await esbuild.build({
    stdin: { contents: `require('node:os').setPriority(${JSON.stringify(nice)});\nrequire(${JSON.stringify(main)});\n`, resolveDir: dir, loader: 'js' },
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
  });
  return { file, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

// --- the section ---------------------------------------------------------------------------------

export interface JobsRawFromEarlier {
  /** trainTextModel on 100k synthetic texts in this thread (the first section), ms. */
  train100kMs?: number;
}

/** The inference job is cancelled when it runs longer than this (its budget per 1M): the figure is then extrapolated from what it predicted. */
const INFER_CAP_MS = Number(process.env.BENCH_ML_INFER_CAP_MS ?? 60_000);

export async function jobsBench(earlier: JobsRawFromEarlier = {}): Promise<void> {
  const items = Number(process.env.BENCH_ML_ITEMS ?? DEFAULT_ITEMS);
  const labels = Number(process.env.BENCH_ML_LABELS ?? Math.min(100_000, Math.floor(items / 2)));
  if (!(items >= 1000) || !(labels >= 100 && labels <= items / 2)) {
    console.log(`jobs: BENCH_ML_ITEMS=${items} BENCH_ML_LABELS=${labels}: needs at least 1,000 items and 100 labels, at most half the items labeled; skipped`);
    return;
  }
  console.log(`jobs: ML-assist jobs in a worker thread through pipeline.ts, a labeler submitting every ${SUBMIT_EVERY_MS} ms on this thread (node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)})`);
  if (process.env.BENCH_ML_WORKER_NICE !== undefined) console.log(`  (BENCH_ML_WORKER_NICE=${process.env.BENCH_ML_WORKER_NICE}: an experiment, not what the extension does: each worker thread lowers its own priority first)`);
  let t = now();
  const project = await buildProject(items, labels);
  const builtMs = now() - t;
  const nice = process.env.BENCH_ML_WORKER_NICE;
  const worker = nice === undefined ? await bundleWorker() : await niceWorker(Number(nice));
  let store: ProjectStore | undefined;
  try {
    t = now();
    store = await ProjectStore.open({ root: project.root, id: project.id, labeler: 'zoe', device: 'bench', wasmPath: WASM });
    const openMs = now() - t;
    const st = store.stats();
    console.log(`  project: ${fmt(items)} synthetic texts (8-30 words, ${TOPICS} topics), ${fmt(st.labeled)} final labels in 2 journals; written in ${secs(builtMs)}, index built and opened in ${secs(openMs)}; ${fmt(st.unlabeled)} unlabeled`);
    if (items < MILLION) console.log(`  (BENCH_ML_ITEMS=${fmt(items)}: the figures per 1M items are extrapolated linearly from ${fmt(items)})`);
    if (labels !== 100_000) console.log(`  (${fmt(labels)} labels, not 100k: the training figures per 100k are extrapolated linearly, which L-BFGS does not promise)`);

    const profiler = process.env.BENCH_ML_PROFILE === '1' ? new MainProfiler() : undefined;
    await profiler?.start();
    const phases = new Phases();
    phases.clock.mark();
    const labeler = new Labeler(store, phases);
    const log: string[] = [];
    const logTo = (line: string) => {
      log.push(`    | ${line}`);
      phases.say(line);
    };

    // Training, as AssistService's trainJob runs it.
    phases.enter('idle before training');
    await sleep(IDLE_MS);
    phases.enter('collect');
    const trainStart = now();
    const trained = await trainAssistModel(store, {
      root: project.root,
      workerFile: worker.file,
      log: (line) => {
        if (/^training /.test(line)) phases.enter('post');
        logTo(line);
      },
      // The worker's steps by its progress messages (throttled to one per PROGRESS_MS): packing and posting
      // the set, featurising, L-BFGS (no validation: a job of its own, below), then the reply (the files'
      // bytes: the model, the validation model, the held-out examples) taken in here, then the save.
      onProgress: (_f, m) => {
        if (/^Training the validation model|^Training on all|^features: /.test(m)) phases.enter('featurise (worker)');
        else if (/^iteration |^trained: /.test(m)) phases.enter('fit (worker)');
        else if (m === 'Trained') phases.enter('reply');
        else if (m === 'Saving the model') phases.enter('save');
        phases.say(m);
      },
    });
    const trainMs = now() - trainStart;
    phases.close();

    // Validation, as AssistService's validateJob runs it: the held-out examples and the validation model
    // read and predicted in the worker, the figures written into the manifest.
    phases.enter('idle before validation');
    await sleep(IDLE_MS);
    phases.enter('validate (worker)');
    const validateStart = now();
    const validated = await validateAssistModel(store, {
      root: project.root,
      workerFile: worker.file,
      version: trained.manifest.version,
      log: logTo,
      onProgress: (_f, m) => {
        if (m === 'Writing the figures into the manifest') phases.enter('write manifest');
        phases.say(m);
      },
    });
    const validateMs = now() - validateStart;
    phases.close();

    // Inference, as AssistService's prelabelJob runs it; cancelled at INFER_CAP_MS.
    phases.enter('idle before inference');
    await sleep(IDLE_MS);
    phases.enter('load model');
    const { source, reads } = timedQueue(store, () => phases.enter('last page + commit'));
    const cap = new AbortController();
    const capTimer = setTimeout(() => cap.abort(), INFER_CAP_MS);
    let progressed = 0;
    const predictStart = now();
    let predicted: Awaited<ReturnType<typeof prelabelQueue>> | undefined;
    try {
      predicted = await prelabelQueue(source, {
        root: project.root,
        workerFile: worker.file,
        signal: cap.signal,
        log: (line) => {
          if (/^predicting /.test(line)) phases.enter('predict (worker) + lines');
          logTo(line);
        },
        onProgress: (_f, m) => {
          const k = /^Predicted (\d+)/.exec(m);
          if (k) progressed = Number(k[1]);
          phases.say(m);
        },
      });
    } catch (e) {
      if (!(e instanceof LabelingError && e.reason === 'cancelled')) throw e;
      logTo(`(cancelled by the bench at ${secs(INFER_CAP_MS)}, after ${fmt(progressed)} predictions)`);
    } finally {
      clearTimeout(capTimer);
    }
    const predictMs = now() - predictStart;
    phases.close();
    await labeler.stop();
    phases.stop();
    const profile = await profiler?.stop();

    console.log('  log of the jobs (pipeline.ts):');
    for (const l of log) console.log(l);

    // Budgets.
    const perTrain = (x: number) => (labels === 100_000 ? x : (x * 100_000) / labels);
    const byPhase = (name: string) => phases.done.find((p) => p.name === name);
    const trainPhases = ['collect', 'post', 'featurise (worker)', 'fit (worker)', 'reply', 'save'];
    console.log(`  training job: ${secs(trainMs)} on ${fmt(trained.trainedOn)} final labels${labels === 100_000 ? '' : ` -> ${secs(perTrain(trainMs))} per 100k (linear)`} (budget < 30 s) -> ${perTrain(trainMs) < 30_000 ? 'within' : 'OUTSIDE'}`);
    console.log(`    ${trainPhases.map((p) => `${p} ${secs(byPhase(p)?.wallMs ?? 0)}`).join(', ')}; ${fmt(trained.heldOut)} held out for the validation job`);
    console.log(`  validation job: ${secs(validateMs)} on ${fmt(validated.validation.items)} held-out items (validate (worker) ${secs(byPhase('validate (worker)')?.wallMs ?? 0)}, write manifest ${secs(byPhase('write manifest')?.wallMs ?? 0)}); ${validated.validation.message}`);
    const collectMs = byPhase('collect')?.wallMs ?? 0;
    if (items !== MILLION) console.log(`    collect reads the labeled items' rows (readItemsInState): at 1M items ${secs((collectMs * MILLION) / items)} (linear from ${fmt(items)})`);
    if (earlier.train100kMs !== undefined) console.log(`    raw limit: trainTextModel on 100k synthetic texts in this thread (section above) ${secs(earlier.train100kMs)}; the training job fits ${trained.manifest.validationInput?.validatorFile ? 'twice (80% to validate, then all)' : 'once (above RETRAIN_UP_TO labels the validation model is the one saved)'}`);
    const n = predicted ? predicted.result.predicted : progressed;
    const perMillion = n ? (predictMs * MILLION) / n : NaN;
    const what = predicted
      ? `${secs(predictMs)} for ${fmt(n)} unlabeled items (${fmt(predicted.result.suggested)} suggested)`
      : `cancelled at ${secs(predictMs)} after ${fmt(n)} predictions of ${fmt(st.unlabeled)}`;
    console.log(`  inference job: ${what}${n === MILLION ? '' : ` -> ${secs(perMillion)} per 1M (extrapolated linearly from ${fmt(n)})`} (budget < 60 s) -> ${perMillion < 60_000 ? 'within' : 'OUTSIDE'}`);
    const sugFile = suggestionsFile(project.root, project.id);
    const left = fs.existsSync(path.dirname(sugFile)) ? fs.readdirSync(path.dirname(sugFile)) : [];
    const written = predicted ? `suggestions file ${(fs.statSync(sugFile).size / 1024 / 1024).toFixed(1)} MB` : `after the cancel the suggestions folder holds ${left.length ? left.join(', ') : 'nothing'}`;
    console.log(
      `    store reads on this thread: ${secs(reads.ms)} (queue pages ${secs(reads.pageMs)} over ${fmt(reads.pages)} pages, briefItems ${secs(reads.getItemMs)} over ${fmt(reads.items)} items: ${((1000 * reads.getItemMs) / Math.max(1, reads.items)).toFixed(0)} us each); longest page with its items ${msf(reads.maxPageMs)} ms, in one turn; ${written}`,
    );

    // The same model in this thread: the worker's best case.
    const loaded = (await loadLatestModel(project.root, project.id)).loaded!;
    const sample = syntheticTexts(20_000, TOPICS, 12).texts;
    t = now();
    for (const text of sample) loaded.model.predict(text);
    const inThreadMs = now() - t;
    console.log(`    raw limit: the same model predicting ${fmt(sample.length)} texts in this thread, no queue: ${secs((inThreadMs * MILLION) / sample.length)} per 1M`);
    // What else a queue page costs this thread, alone: posting its texts, the predictions coming back, the suggestion lines.
    const pageTexts = sample.slice(0, 200);
    const pagePredictions = pageTexts.map((x) => loaded.model.predict(x));
    const rounds = 50;
    t = now();
    for (let r = 0; r < rounds; r++) structuredClone(pageTexts);
    const postUs = ((now() - t) * 1000) / (rounds * 200);
    t = now();
    for (let r = 0; r < rounds; r++) structuredClone(pagePredictions);
    const replyUs = ((now() - t) * 1000) / (rounds * 200);
    t = now();
    for (let r = 0; r < rounds; r++) for (const [i, pr] of pagePredictions.entries()) JSON.stringify({ item: `data/items.csv#r${i}`, itemVersion: 1, annotation: { kind: 'classes', labels: [pr.type === 'text-classification' ? pr.label : ''] }, confidence: pr.confidence });
    const lineUs = ((now() - t) * 1000) / (rounds * 200);
    console.log(`    per item alone, this thread: briefItems ${((1000 * reads.getItemMs) / Math.max(1, reads.items)).toFixed(0)} us (above), structuredClone of its text ${postUs.toFixed(1)} us and of its prediction ${replyUs.toFixed(1)} us (serialise + deserialise), its suggestion line's JSON ${lineUs.toFixed(1)} us`);

    // Phases and submits.
    console.log(`  per phase: wall, this thread busy (event-loop utilisation), event-loop lag p50/p99/max, garbage collection on this thread, submits pressed in it ("seen": press -> done and next item)`);
    for (const p of phases.done) {
      const seen = labeler.of(p.name).map((x) => x.seenMs);
      const gc = phases.gcIn(p.start, p.end);
      console.log(`    ${p.name.padEnd(26)} ${secs(p.wallMs).padStart(9)}  busy ${(100 * p.elu).toFixed(0).padStart(3)}%  lag ${msf(p.lag.p50)}/${msf(p.lag.p99)}/${msf(p.lag.max)} ms  gc ${msf(gc.ms)} ms (longest ${msf(gc.max)})  seen ${spreadText(seen)}`);
    }
    console.log(`  CPU per phase (/proc/self/task, 10 ms ticks), ms of CPU per second of the phase: this thread / the jobs' worker thread / helpers (V8's platform threads: parallel and concurrent GC of every isolate, compiles; libuv's pool)`);
    for (const p of phases.done) {
      const per = (x: number) => ((1000 * x) / Math.max(1, p.wallMs)).toFixed(0).padStart(4);
      console.log(`    ${p.name.padEnd(26)} ${per(p.cpu.main)} / ${per(p.cpu.worker)} / ${per(p.cpu.helpers)}   (total ${fmt(p.cpu.main)} / ${fmt(p.cpu.worker)} / ${fmt(p.cpu.helpers)} ms)`);
    }
    // The slow submits of the training job: in which phase, with a garbage collection of this thread in them, with a message of the job arriving in them.
    const slowOf = (names: string[], label: string) => {
      const run = labeler.of((ph) => names.includes(ph));
      const slow = run.filter((x) => x.seenMs > 10);
      const withGc = (x: SubmitSample) => phases.gcIn(x.due, x.end);
      const withMsg = (x: SubmitSample) => phases.messages.filter((m) => m.t >= x.due && m.t <= x.end).length;
      console.log(`  submits over 10 ms during ${label}: ${slow.length} of ${run.length}; with a gc of this thread in them ${slow.filter((x) => withGc(x).n).length}; with a message of the job arriving in them ${slow.filter((x) => withMsg(x)).length}`);
      for (const ph of names) {
        const all = run.filter((x) => x.phase === ph);
        const sl = slow.filter((x) => x.phase === ph);
        if (all.length) console.log(`    ${ph.padEnd(26)} ${String(sl.length).padStart(4)} of ${String(all.length).padStart(5)} (${((100 * sl.length) / all.length).toFixed(1)}%)  gc in ${sl.filter((x) => withGc(x).n).length}, message in ${sl.filter((x) => withMsg(x)).length}; seen-call (waiting to run) p99 ${msf(spread(all.map((x) => x.seenMs - x.callMs)).p99)} ms, call p99 ${msf(spread(all.map((x) => x.callMs)).p99)} ms`);
      }
      // Where the time of the slow ones went: its timer late, then this thread on a CPU (the submit and whatever ran between its turns), waiting for a CPU, or neither (waiting for I/O).
      const mean = (l: SubmitSample[], f: (x: SubmitSample) => number) => (l.length ? l.reduce((a, x) => a + f(x), 0) / l.length : 0);
      for (const [what, l] of [
        ['all', run],
        ['over 10 ms', slow],
      ] as const) {
        const late = mean(l, (x) => x.lateMs);
        const cpu = mean(l, (x) => x.runMs);
        const queued = mean(l, (x) => x.queuedMs);
        const rest = mean(l, (x) => x.seenMs - x.lateMs - x.runMs - x.queuedMs);
        if (l.length) console.log(`    mean of ${what} (${l.length}): seen ${msf(mean(l, (x) => x.seenMs))} ms = timer late ${msf(late)} + on a CPU ${msf(cpu)} + waiting for a CPU ${msf(queued)} + neither (I/O) ${msf(rest)}`);
      }
      const top = [...slow].sort((a, b) => b.seenMs - a.seenMs).slice(0, 8);
      for (const x of top) {
        const gc = withGc(x);
        console.log(`      ${msf(x.seenMs)} ms (call ${msf(x.callMs)}; late ${msf(x.lateMs)}, on a CPU ${msf(x.runMs)}, waiting for one ${msf(x.queuedMs)}) in ${x.phase} at +${secs(x.due - (phases.done.find((p) => p.name === x.phase)?.start ?? 0))}${gc.n ? `, gc ${msf(gc.ms)} ms in it` : ''}${withMsg(x) ? `, ${withMsg(x)} message(s) in it` : ''}`);
      }
    };
    slowOf(['idle before training'], 'the idle phase before training');
    slowOf(trainPhases, 'training');
    slowOf(['validate (worker)', 'write manifest'], 'validation');
    slowOf(['load model', 'predict (worker) + lines', 'last page + commit'], 'inference');
    const report = (job: string, idle: string, names: string[]) => {
      const base = labeler.of(idle);
      const run = labeler.of((ph) => names.includes(ph));
      const p99 = spread(run.map((x) => x.seenMs)).p99;
      console.log(`  submits during ${job}:`);
      console.log(`    seen: ${spreadText(run.map((x) => x.seenMs))}`);
      console.log(`    call: ${spreadText(run.map((x) => x.callMs))}`);
      console.log(`    raw limit, no job just before: seen ${spreadText(base.map((x) => x.seenMs))}; call ${spreadText(base.map((x) => x.callMs))}`);
      console.log(`    budget p99 < 10 ms -> ${p99 < 10 ? 'within' : 'OUTSIDE'} (seen p99 ${msf(p99)} ms)`);
    };
    report('training', 'idle before training', trainPhases);
    report('inference', 'idle before inference', ['load model', 'predict (worker) + lines', 'last page + commit']);

    // Where the main thread was blocked: the longest late turns per phase, with the job's message before each.
    console.log(`  late event-loop turns (> ${GAP_MS} ms, a ${TICK_MS} ms ticker) per phase: "blocked" with this thread busy >= 80% of the turn, "waiting" with it idle (a CPU taken elsewhere); the longest blocked ones with the job's message before each:`);
    for (const p of phases.done) {
      const g = phases.gaps.filter((x) => x.phase === p.name);
      if (!g.length) continue;
      const blocked = g.filter((x) => x.busy >= 0.8);
      const waiting = g.filter((x) => x.busy < 0.8);
      const sum = (l: Gap[]) => secs(l.reduce((a, x) => a + x.ms, 0));
      const top = [...blocked].sort((a, b) => b.ms - a.ms).slice(0, 3);
      const where = (x: Gap) => (x.until === x.after ? `after "${x.after.slice(0, 50)}"` : `between "${x.after.slice(0, 50)}" and "${x.until.slice(0, 50)}"`);
      const gcOf = (x: Gap) => {
        const gc = phases.gcIn(x.from, x.to);
        return gc.n ? `, gc ${msf(gc.ms)} ms in it` : '';
      };
      const longest = top.length ? `; longest ${top.map((x) => `${msf(x.ms)} ms at +${secs(x.at)}${gcOf(x)} ${where(x)}`).join('; ')}` : '';
      console.log(`    ${p.name}: blocked ${blocked.length} (${sum(blocked)}), waiting ${waiting.length} (${sum(waiting)}, longest ${msf(Math.max(0, ...waiting.map((x) => x.ms)))} ms)${longest}`);
    }

    // Main-thread costs the jobs pay, measured alone: what a long turn above points at.
    const modelText = fs.readFileSync(loaded.modelFile, 'utf8');
    t = now();
    const json = JSON.parse(modelText) as Parameters<typeof AssistModel.fromJSON>[0];
    const parseMs = now() - t;
    t = now();
    const again = AssistModel.fromJSON(json);
    const fromMs = now() - t;
    t = now();
    const out = JSON.stringify(again.toJSON());
    const stringifyMs = now() - t;
    t = now();
    structuredClone(json);
    const cloneMs = now() - t;
    console.log(
      `  main-thread costs alone: model JSON ${(modelText.length / 1024 / 1024).toFixed(1)} MB: JSON.parse ${msf(parseMs)} ms, AssistModel.fromJSON ${msf(fromMs)} ms, toJSON + stringify ${msf(stringifyMs)} ms (${out.length === modelText.length ? 'same size' : 'other size'}), structuredClone ${msf(cloneMs)} ms`,
    );
    const set = { projectId: project.id, type: 'text-classification', examples: labeledExamples(items, labels), withoutText: [] };
    t = now();
    structuredClone(set);
    const setCloneMs = now() - t;
    console.log(`    the training set (${fmt(set.examples.length)} examples as collectTrainingSet gives them): structuredClone (serialise + deserialise: at most what posting it to the worker costs this thread) ${msf(setCloneMs)} ms`);
    if (profile) printProfile(profile, phases.done);
    console.log(`  (load average at the end: ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores)`);
  } finally {
    await store?.close();
    worker.dispose();
    fs.rmSync(project.root, { recursive: true, force: true });
  }
}
