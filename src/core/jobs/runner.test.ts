import { strict as assert } from 'node:assert';
import { LabelingError } from '../errors';
import { MAX_LOG_LINES, JobRunner } from './runner';
import type { JobContext, JobEvent } from './types';

/** A job body the test finishes by hand. */
function gate<T>() {
  let open!: (v: T) => void;
  let fail!: (e: unknown) => void;
  const p = new Promise<T>((res, rej) => {
    open = res;
    fail = rej;
  });
  return { p, open, fail };
}

/** Waits until every pending promise callback has run. */
const settle = () => new Promise<void>((r) => setImmediate(r));

/** Work that stops at the next abort, like core's streaming loops: cleans up, then throws. */
function abortable(ctx: JobContext, cleanup: () => void): Promise<never> {
  return new Promise<never>((_res, rej) => {
    ctx.signal.addEventListener('abort', () => {
      cleanup();
      rej(new LabelingError('cancelled', 'Cancelled.'));
    });
  });
}

const summary = (events: JobEvent[]) => events.map((e) => `${e.job.id}:${e.cause}:${e.job.status}`);

describe('JobRunner', () => {
  it('runs a job: queued, running, succeeded, with start and end times and its result', async () => {
    let t = 1000;
    const r = new JobRunner({ now: () => t++ });
    const events: JobEvent[] = [];
    r.subscribe((e) => events.push(e));
    const h = r.submit({ title: 'Export', resource: 'p', run: async (ctx) => {
      ctx.progress(0.5, 'half');
      ctx.log('wrote a.json');
      return 42;
    } });
    assert.equal(await h.done, 42);
    assert.deepEqual(summary(events), ['job-1:queued:queued', 'job-1:started:running', 'job-1:progress:running', 'job-1:finished:succeeded']);
    assert.deepEqual(events.map((e) => e.seq), [1, 2, 3, 4]);
    const info = r.get(h.id)!;
    assert.equal(info.status, 'succeeded');
    assert.equal(info.queuedAt, 1000);
    assert.ok(info.startedAt! > info.queuedAt && info.endedAt! > info.startedAt!);
    assert.deepEqual(info.progress, { fraction: 0.5, message: 'half' });
    assert.deepEqual(info.log.map((l) => l.text), ['wrote a.json', 'succeeded']);
    assert.ok(info.log.every((l) => typeof l.at === 'number' && l.at >= info.startedAt!));
  });

  it('runs one job per resource at a time, in queue order; other resources run side by side', async () => {
    const r = new JobRunner();
    const a1 = gate<string>();
    const a2 = gate<string>();
    const b1 = gate<string>();
    const started: string[] = [];
    const job = (resource: string, name: string, g: ReturnType<typeof gate<string>>) =>
      r.submit({ title: name, resource, run: () => (started.push(name), g.p) });
    const h1 = job('a', 'a1', a1);
    const h2 = job('a', 'a2', a2);
    const h3 = job('b', 'b1', b1);
    await settle();
    assert.deepEqual(started, ['a1', 'b1']);
    assert.equal(r.get(h2.id)!.status, 'queued');
    assert.equal(r.active, 3);
    a1.open('x');
    await h1.done;
    await settle();
    assert.deepEqual(started, ['a1', 'b1', 'a2']);
    a2.open('y');
    b1.open('z');
    assert.deepEqual(await Promise.all([h2.done, h3.done]), ['y', 'z']);
    assert.equal(r.active, 0);
  });

  it('cancelling a queued job takes it off the queue: it never runs and is cancelled at once', async () => {
    const r = new JobRunner();
    const first = gate<void>();
    let ran = false;
    const h1 = r.submit({ title: 'one', resource: 'p', run: () => first.p });
    const h2 = r.submit({ title: 'two', resource: 'p', run: async () => void (ran = true) });
    h2.cancel();
    assert.equal(r.get(h2.id)!.status, 'cancelled');
    assert.equal(r.get(h2.id)!.startedAt, undefined);
    await assert.rejects(h2.done, (e: unknown) => e instanceof LabelingError && e.reason === 'cancelled');
    first.open();
    await h1.done;
    await settle();
    assert.equal(ran, false);
    assert.equal(h2.cancel(), false, 'a finished job cannot be cancelled again');
    assert.equal(r.cancel('job-99'), false, 'nor an unknown one');
  });

  it('cancelling mid-way aborts the signal; the job is cancelled only after its cleanup ran', async () => {
    const r = new JobRunner();
    const events: JobEvent[] = [];
    r.subscribe((e) => events.push(e));
    let cleaned = false;
    let cleanedAtFinish: boolean | undefined;
    r.subscribe((e) => {
      if (e.cause === 'finished') cleanedAtFinish = cleaned;
    });
    const h = r.submit({ title: 'long', resource: 'p', run: async (ctx) => {
      ctx.progress(0.3, 'a third');
      try {
        await abortable(ctx, () => undefined);
      } finally {
        await settle(); // cleanup that takes a while (removing a staging folder)
        cleaned = true;
      }
    } });
    await settle();
    assert.equal(r.get(h.id)!.status, 'running');
    h.cancel('Stopped by the user.');
    assert.equal(r.get(h.id)!.status, 'running', 'still running until its work has stopped');
    await assert.rejects(h.done, (e: unknown) => e instanceof LabelingError && e.reason === 'cancelled');
    assert.equal(cleaned, true);
    assert.equal(cleanedAtFinish, true, 'cancelled only after the cleanup ran');
    const info = r.get(h.id)!;
    assert.equal(info.status, 'cancelled');
    assert.deepEqual(info.error, { message: 'Stopped by the user.', reason: 'cancelled' });
    assert.ok(info.endedAt !== undefined);
    assert.deepEqual(summary(events).slice(-1), ['job-1:finished:cancelled']);
    assert.ok(info.log.some((l) => l.text === 'cancel requested: Stopped by the user.'));
  });

  it('a job that throws something else while stopping after a cancel is still cancelled; the log keeps what it threw', async () => {
    const r = new JobRunner();
    const h = r.submit({ title: 'x', resource: 'p', run: (ctx) => new Promise((_res, rej) => ctx.signal.addEventListener('abort', () => rej(new Error('socket closed')))) });
    await settle();
    h.cancel();
    await assert.rejects(h.done, (e: unknown) => e instanceof LabelingError && e.reason === 'cancelled');
    const info = r.get(h.id)!;
    assert.equal(info.status, 'cancelled');
    assert.ok(info.log.some((l) => l.text === 'stopped with: socket closed'));
  });

  it('a job that throws is failed with its message and typed reason, and the queue goes on', async () => {
    const warned: string[] = [];
    const r = new JobRunner({ logger: { trace() {}, debug() {}, info() {}, warn: (m) => warned.push(m), error() {} } });
    const bad = r.submit({ title: 'bad', resource: 'p', run: async () => {
      throw new LabelingError('io', 'cannot write: the disk is full', { file: 'labels/p/coco.json' });
    } });
    const sync = r.submit({ title: 'sync', resource: 'p', run: () => {
      throw new Error('thrown before any await');
    } });
    const good = r.submit({ title: 'good', resource: 'p', run: async () => 'ok' });
    await assert.rejects(bad.done, /disk is full/);
    await assert.rejects(sync.done, /thrown before any await/);
    assert.equal(await good.done, 'ok');
    assert.deepEqual(r.get(bad.id)!.error, { message: 'labels/p/coco.json: cannot write: the disk is full', reason: 'io' });
    assert.equal(r.get(bad.id)!.status, 'failed');
    assert.deepEqual(r.get(sync.id)!.error, { message: 'thrown before any await' });
    assert.equal(r.get(good.id)!.status, 'succeeded');
    assert.equal(warned.length, 2);
  });

  it('emits every event in order across jobs, with a growing seq; a listener that throws changes nothing', async () => {
    const r = new JobRunner();
    r.subscribe(() => {
      throw new Error('bad listener');
    });
    const events: JobEvent[] = [];
    const off = r.subscribe((e) => events.push(e));
    const g = gate<void>();
    const h1 = r.submit({ title: 'one', resource: 'p', run: () => g.p });
    const h2 = r.submit({ title: 'two', resource: 'p', run: async () => {
      throw new Error('no');
    } });
    g.open();
    await h1.done;
    await h2.done.catch(() => undefined);
    assert.deepEqual(summary(events), [
      'job-1:queued:queued',
      'job-1:started:running',
      'job-2:queued:queued',
      'job-1:finished:succeeded',
      'job-2:started:running',
      'job-2:finished:failed',
    ]);
    assert.deepEqual(events.map((e) => e.seq), [1, 2, 3, 4, 5, 6]);
    assert.equal(r.seq, 6);
    off();
    await r.submit({ title: 'three', resource: 'p', run: async () => undefined }).done;
    assert.equal(events.length, 6, 'unsubscribed');
  });

  it('keeps the log bounded, counting the lines dropped; clamps progress and keeps the last message', async () => {
    const r = new JobRunner({ maxLogLines: 3 });
    const seen: (number | undefined)[] = [];
    const h = r.submit({ title: 'chatty', resource: 'p', run: async (ctx) => {
      for (let i = 0; i < 5; i++) ctx.log(`line ${i}`);
      ctx.progress(7, 'too far');
      seen.push(r.get('job-1')!.progress.fraction);
      ctx.progress(-1);
      seen.push(r.get('job-1')!.progress.fraction);
      ctx.progress(Number.NaN);
    } });
    await h.done;
    const info = r.get(h.id)!;
    assert.deepEqual(info.log.map((l) => l.text), ['line 3', 'line 4', 'succeeded']);
    assert.equal(info.logDropped, 3);
    assert.deepEqual(seen, [1, 0]);
    assert.deepEqual(info.progress, { message: 'too far' });
    assert.ok(MAX_LOG_LINES >= 100);
  });

  it('the job list keeps queued and running jobs and only the most recent finished ones', async () => {
    const r = new JobRunner({ maxRecentJobs: 2 });
    const g = gate<void>();
    const running = r.submit({ title: 'held', resource: 'held', run: () => g.p });
    for (let i = 0; i < 4; i++) await r.submit({ title: `done ${i}`, resource: 'p', run: async () => undefined }).done;
    assert.deepEqual(r.list().map((j) => `${j.title}:${j.status}`), ['held:running', 'done 2:succeeded', 'done 3:succeeded']);
    g.open();
    await running.done;
    assert.deepEqual(r.list().map((j) => j.title), ['held', 'done 3'], 'the earliest to finish is forgotten first');
  });

  it('cancelAll stops queued and running jobs', async () => {
    const r = new JobRunner();
    let cleaned = 0;
    const a = r.submit({ title: 'a', resource: 'p', run: (ctx) => abortable(ctx, () => cleaned++) });
    const b = r.submit({ title: 'b', resource: 'p', run: (ctx) => abortable(ctx, () => cleaned++) });
    await settle();
    r.cancelAll('The extension is shutting down.');
    await Promise.allSettled([a.done, b.done]);
    assert.deepEqual(r.list().map((j) => j.status), ['cancelled', 'cancelled']);
    assert.equal(cleaned, 1, 'only the running job had work to clean up');
  });
});
