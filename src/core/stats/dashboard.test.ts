import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { importOrderKey, orderKey, type EventPayload, type JournalEvent } from '../journal/events';
import { labelsUsed, type Annotation, type ProjectType } from '../model';
import { seededRandom as rng } from '../random';
import { unpackAnn } from '../store/ann-text';
import type { IndexDb } from '../store/index-db';
import type { ProjectStore } from '../store/project-store';
import { classes, cleanupWorkspaces, event, openStore, tempWorkspace, textProject, writeJournal, type ProjectBuild } from '../store/test-support';
import type { DashboardModel } from '../../protocol/dashboard';
import { dashboardModel } from './dashboard';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 10, 20, 15, 30);

const index = (store: ProjectStore): IndexDb => (store as unknown as { live(): { index: IndexDb } }).live().index;
const all = <T>(store: ProjectStore, sql: string): T[] => index(store).all<T>(sql, []);

/** Every journal line of the workspace (each (by, dev, seq) once), batches and imports flattened with their sub-order. */
function journalRows(root: string, id: string): { ord: string; type: string; by: string; item: string; pre: boolean; imported: boolean }[] {
  const out: { ord: string; type: string; by: string; item: string; pre: boolean; imported: boolean }[] = [];
  const seen = new Set<string>();
  const dir = path.join(root, '.labeling', id, 'journal');
  for (const who of fs.readdirSync(dir)) {
    for (const f of fs.readdirSync(path.join(dir, who))) {
      for (const line of fs.readFileSync(path.join(dir, who, f), 'utf8').split('\n')) {
        if (!line) continue;
        const e = JSON.parse(line) as JournalEvent;
        const k = `${e.by}/${e.dev}/${e.seq}`;
        if (seen.has(k)) continue;
        seen.add(k);
        const ord = orderKey(e);
        if (e.type === 'import') e.submits.forEach((s, i) => out.push({ ord: importOrderKey(ord, i), type: 'submit', by: e.by, item: s.item, pre: !!s.pre, imported: true }));
        else if (e.type === 'batch') e.events.forEach((x, i) => out.push({ ord: importOrderKey(ord, i), type: x.type, by: e.by, item: x.item, pre: false, imported: false }));
        else if ('item' in e) out.push({ ord, type: e.type, by: e.by, item: e.item, pre: e.type === 'submit' && !!e.pre, imported: false });
      }
    }
  }
  return out.sort((a, b) => (a.ord < b.ord ? -1 : a.ord > b.ord ? 1 : 0));
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * The dashboard model recomputed from scratch, slowly: every item and done row of the index scanned, the
 * time figures and review facts from the journal lines themselves.
 */
function reference(store: ProjectStore, root: string, now: number): Omit<DashboardModel, 'jobs' | 'project' | 'modelVersion' | 'mlAssist' | 'now'> {
  const items = all<{ id: number; state: string; flags: number | null; final: string | null; final_labels: string | null; assignee: string | null; open: number }>(
    store,
    'SELECT id, state, flags, final, final_labels, assignee, open FROM items',
  );
  const done = all<{ item: number; labeler: string; kind: number }>(store, 'SELECT item, labeler, kind FROM done');
  const count = (s: string): number => items.filter((i) => i.state === s).length;
  const progress = {
    items: items.length,
    labeled: count('labeled'),
    approved: items.filter((i) => (i.flags ?? 0) & 2).length,
    skipped: count('skipped'),
    needsReview: count('needs-review'),
    incomplete: count('incomplete'),
    unlabeled: count('unlabeled'),
    missing: count('missing'),
  };
  const itemsOf = new Map<string, number>();
  const objectsOf = new Map<string, number>();
  for (const i of items) {
    for (const l of JSON.parse(i.final_labels ?? '[]') as string[]) itemsOf.set(l, (itemsOf.get(l) ?? 0) + 1);
    const a: Annotation | undefined = i.final ? unpackAnn(i.final) : undefined;
    if (a && a.kind !== 'classes') for (const l of labelsUsed(a)) objectsOf.set(l, (objectsOf.get(l) ?? 0) + 1);
  }
  const names = store.def.labels.map((l) => l.name);
  for (const l of [...itemsOf.keys(), ...objectsOf.keys()].sort(cmp)) if (!names.includes(l)) names.push(l);
  const labels = names.map((label) => ({ label, items: itemsOf.get(label) ?? 0, objects: objectsOf.size ? (objectsOf.get(label) ?? 0) : (itemsOf.get(label) ?? 0) }));

  const rows = journalRows(root, store.def.id);
  const own = rows.filter((r) => r.type === 'submit' && !r.pre && !r.imported);
  const nowHour = Math.floor(now / HOUR);
  const inHours = (r: { ord: string }, h: number): boolean => {
    const x = Math.floor(parseInt(r.ord.slice(0, 9), 36) / HOUR);
    return x > nowHour - h && x <= nowHour;
  };
  // Review facts: per item and labeler, the label reviews after their first own submit.
  const facts = new Map<string, { n: number; acc: number; rej: number }>();
  const byItem = new Map<string, typeof rows>();
  for (const r of rows) byItem.set(r.item, [...(byItem.get(r.item) ?? []), r]);
  for (const list of byItem.values()) {
    const firsts = new Map<string, number>();
    list.forEach((r, i) => {
      if (r.type === 'submit' && !r.pre && !r.imported && !firsts.has(r.by)) firsts.set(r.by, i);
    });
    for (const [who, i] of firsts) {
      const reviews = list.slice(i + 1).filter((r) => ['approve', 'reject', 'decide'].includes(r.type));
      if (!reviews.length) continue;
      const f = facts.get(who) ?? { n: 0, acc: 0, rej: 0 };
      f.n++;
      if (reviews[0]!.type === 'approve') f.acc++;
      if (reviews.some((r) => r.type === 'reject')) f.rej++;
      facts.set(who, f);
    }
  }
  const who = new Set<string>([...done.map((d) => d.labeler), ...items.flatMap((i) => (i.assignee ? [i.assignee] : [])), ...facts.keys(), ...own.filter((r) => inHours(r, 168)).map((r) => r.by)]);
  const labelers = [...who].sort(cmp).map((labeler) => {
    const mine = items.filter((i) => i.assignee === labeler);
    const f = facts.get(labeler);
    return {
      labeler,
      labeled: done.filter((d) => d.labeler === labeler && d.kind === 1).length,
      skipped: done.filter((d) => d.labeler === labeler && d.kind === 0).length,
      assigned: mine.length,
      assignedDone: mine.filter((i) => done.some((d) => d.item === i.id && d.labeler === labeler)).length,
      perHourDay: own.filter((r) => r.by === labeler && inHours(r, 24)).length / 24,
      perHourWeek: own.filter((r) => r.by === labeler && inHours(r, 168)).length / 168,
      acceptedFirstReview: f ? f.acc / f.n : null,
      rejections: f?.rej ?? 0,
    };
  });
  const assigned = new Map<string, number>();
  for (const i of items) if (i.assignee && i.open) assigned.set(i.assignee, (assigned.get(i.assignee) ?? 0) + 1);
  const perDay = new Map<string, number>();
  for (const r of own) {
    const ms = parseInt(r.ord.slice(0, 9), 36);
    if (Math.floor(ms / HOUR) <= nowHour) perDay.set(day(ms), (perDay.get(day(ms)) ?? 0) + 1);
  }
  const throughput = [...perDay].sort((a, b) => cmp(a[0], b[0])).slice(-30).map(([d, labels]) => ({ day: d, labels }));
  const rate = own.filter((r) => inHours(r, 168)).length / 7;
  const remaining = progress.unlabeled + progress.incomplete;
  return {
    progress,
    labels,
    labelers,
    queue: { awaitingFirst: progress.unlabeled, awaitingMore: progress.incomplete, assigned: [...assigned].sort((a, b) => cmp(a[0], b[0])).map(([labeler, n]) => ({ labeler, items: n })) },
    throughput,
    finishEstimate: { ratePerDay: rate, remaining, date: rate > 0 ? day(now + (remaining / rate) * DAY) : null },
  };
}

function check(store: ProjectStore, root: string, what: string): DashboardModel {
  assert.deepEqual(store.problems(), [], 'every journal line applied (the reference reads them all)');
  const m = dashboardModel(store, { now: new Date(NOW) });
  const { jobs, project, modelVersion, mlAssist, now, ...rest } = m;
  assert.deepEqual(rest, reference(store, root, NOW), what);
  assert.deepEqual([jobs, now, project.id], [[], new Date(NOW).toISOString(), store.def.id]);
  void modelVersion;
  void mlAssist;
  return m;
}

const LABELERS = ['ann', 'bob', 'cat'];

/** Random journal lines of three labelers, a reviewer and a lead over `keys`; label-set changes only when `labelSets`. */
function randomJournals(seed: number, keys: string[], type: ProjectType, n: number, labelSets: boolean, from: number, seqs: Map<string, number>): Map<string, JournalEvent[]> {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const ann = (): Annotation => {
    const l = pick(['pos', 'neg', 'neutral']);
    if (type !== 'text-ner') return classes(l);
    const spans = Array.from({ length: 1 + Math.floor(r() * 3) }, (_, i) => ({ start: i * 2, end: i * 2 + 1, label: pick(['pos', 'neg', 'neutral']) }));
    return { kind: 'spans', spans };
  };
  const files = new Map<string, JournalEvent[]>();
  const add = (by: string, payload: EventPayload): void => {
    const seq = (seqs.get(by) ?? 0) + 1;
    seqs.set(by, seq);
    // Over 45 days before now, some a few hours after it (left out of the time figures).
    const at = new Date(from + Math.floor(r() * 46 * DAY)).toISOString();
    const e = event(payload, { by, dev: 'd', seq, at });
    files.set(by, [...(files.get(by) ?? []), e]);
  };
  for (let i = 0; i < n; i++) {
    const x = r();
    const item = pick(keys);
    if (x < 0.42) add(pick(LABELERS), { type: 'submit', item, ann: ann() });
    else if (x < 0.5) add(pick(LABELERS), { type: 'skip', item });
    else if (x < 0.58) add('rev', { type: 'reject', item, base: 1 });
    else if (x < 0.67) add('rev', { type: 'approve', item, base: 1 });
    else if (x < 0.71) add('rev', { type: 'decide', item, ann: ann(), base: 1 });
    else if (x < 0.74) add('rev', { type: 'accept-skip', item, base: 1 });
    else if (x < 0.76) add('rev', { type: 'unskip', item });
    else if (x < 0.84) add('lead', { type: 'assign', item, to: r() < 0.2 ? null : pick(LABELERS) });
    else if (x < 0.88) add('lead', { type: 'import', batch: `b${seed}-${i}`, submits: [{ item, ann: ann(), pre: true, conf: 0.5 }, { item: pick(keys), ann: ann() }] });
    else if (x < 0.9) add('rev', { type: 'batch', batch: `r${seed}-${i}`, events: [{ type: 'approve', item, base: 1 }, { type: 'reject', item: pick(keys), base: 1 }] });
    else if (x < 0.91 && labelSets) add('lead', { type: 'labels', added: [{ name: `x${i}`, color: '#123456' }], mode: pick(['remove-all', 'keep-as-prelabels', 'continue'] as const) });
    else add(pick(LABELERS), { type: 'submit', item, ann: ann() });
  }
  // A submit line repeated in a journal (e.g. after a merge) counts once.
  const some = [...files.values()].find((l) => l.some((e) => e.type === 'submit'))!;
  some.push({ ...some.find((e) => e.type === 'submit')! });
  return files;
}

function writeAll(p: ProjectBuild, files: Map<string, JournalEvent[]>, dev: string): void {
  for (const [by, list] of files) writeJournal(p.root, p.id, by, dev, list.map((e) => ({ ...e, dev })));
}

describe('dashboard model', () => {
  after(cleanupWorkspaces);

  for (const [type, seed] of [['text-classification', 1], ['text-classification', 2], ['text-classification', 3], ['text-ner', 4], ['text-ner', 5]] as const) {
    it(`equals counts recomputed from scratch after random events (${type}, seed ${seed}): bulk build, teammates synced, own writes, label-set changes, rebuild`, async () => {
      const p = await textProject(14, { type, consensus: { minLabelers: 2, maxLabelers: 3 } });
      const from = NOW - 45 * DAY;
      const seqs = new Map<string, number>();
      writeAll(p, randomJournals(seed, p.keys, type, 120, false, from, seqs), 'a');
      const store = await openStore(p, 'zoe');
      try {
        check(store, p.root, 'bulk build');
        // Teammates' journals synced (on a second device: new files, with label-set changes).
        writeAll(p, randomJournals(seed + 100, p.keys, type, 120, true, from, seqs), 'b');
        assert.ok((await store.syncJournals()) > 0);
        await store.settled();
        check(store, p.root, 'after teammates synced');
        // This labeler's own writes (submit, skip, assign), applied as they are written.
        for (const [i, key] of p.keys.slice(0, 5).entries()) {
          if (i % 2) await store.skip(key);
          else await store.submit(key, type === 'text-ner' ? { kind: 'spans', spans: [{ start: 0, end: 1, label: 'neg' }] } : classes('neg'));
        }
        await store.assign(p.keys[6]!, 'zoe');
        check(store, p.root, 'after own writes');
        await store.rebuild();
        check(store, p.root, 'after a rebuild');
      } finally {
        await store.close();
      }
    });
  }

  it('two clones with the same journals give the same model at the same now', async () => {
    const a = await textProject(14, { consensus: { minLabelers: 2, maxLabelers: 3 } });
    writeAll(a, randomJournals(9, a.keys, 'text-classification', 200, true, NOW - 20 * DAY, new Map()), 'a');
    const b: ProjectBuild = { ...a, root: tempWorkspace() };
    fs.cpSync(path.join(a.root, 'data'), path.join(b.root, 'data'), { recursive: true });
    fs.cpSync(path.join(a.root, '.labeling', a.id), path.join(b.root, '.labeling', a.id), { recursive: true });
    const sa = await openStore(a, 'ann');
    const sb = await openStore(b, 'bob');
    try {
      const ma = dashboardModel(sa, { now: new Date(NOW) });
      assert.ok(ma.labelers.length >= 3 && ma.throughput.length > 5);
      assert.deepEqual(dashboardModel(sb, { now: new Date(NOW) }), ma);
    } finally {
      await sa.close();
      await sb.close();
    }
  });

  /** A project of `n` items with `ann`'s submits at the given times (ms), one item each. */
  async function timed(n: number, times: number[], consensus = { minLabelers: 1, maxLabelers: 1 }): Promise<{ store: ProjectStore; p: ProjectBuild }> {
    const p = await textProject(n, { consensus });
    writeJournal(p.root, p.id, 'ann', 'd', times.map((t, i) => event({ type: 'submit', item: p.keys[i % n]!, ann: classes('pos') }, { by: 'ann', dev: 'd', seq: i + 1, at: new Date(t).toISOString() })));
    return { store: await openStore(p, 'zoe'), p };
  }

  it('labels per hour over the last day and week, and per UTC day, against now', async () => {
    const hourStart = Math.floor(NOW / HOUR) * HOUR;
    // 2 in now's hour, 1 at 23 h before it (in the day), 1 at 24 h (out of the day, in the week), 1 at 167 h,
    // 1 at 168 h (out of the week), 1 after now's hour (left out).
    const times = [hourStart + 1, hourStart + 2, hourStart - 23 * HOUR, hourStart - 24 * HOUR, hourStart - 167 * HOUR, hourStart - 168 * HOUR, hourStart + HOUR];
    const { store } = await timed(10, times);
    try {
      const m = dashboardModel(store, { now: new Date(NOW) });
      const ann = m.labelers.find((l) => l.labeler === 'ann')!;
      assert.equal(ann.perHourDay, 3 / 24);
      assert.equal(ann.perHourWeek, 5 / 168);
      const d = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
      const expected = new Map<string, number>();
      for (const t of times.slice(0, 6)) expected.set(d(t), (expected.get(d(t)) ?? 0) + 1);
      assert.deepEqual(m.throughput, [...expected].sort().map(([day, labels]) => ({ day, labels })));
      // A day later the same labels are older.
      const later = dashboardModel(store, { now: new Date(NOW + DAY) });
      assert.equal(later.labelers.find((l) => l.labeler === 'ann')!.perHourDay, 1 / 24);
    } finally {
      await store.close();
    }
  });

  it('throughput keeps the last 30 days with labels, oldest first', async () => {
    const times = Array.from({ length: 40 }, (_, i) => NOW - (39 - i) * 2 * DAY);
    const { store } = await timed(50, times);
    try {
      const t = dashboardModel(store, { now: new Date(NOW) }).throughput;
      assert.equal(t.length, 30);
      assert.deepEqual(t[0], { day: new Date(times[10]!).toISOString().slice(0, 10), labels: 1 });
      assert.equal(t.at(-1)!.day, new Date(NOW).toISOString().slice(0, 10));
    } finally {
      await store.close();
    }
  });

  it('finish estimate: remaining unlabeled and incomplete items at the last 7 days rate; null when the rate is 0', async () => {
    // 7 labels in the last week (1 a day), 3 of 10 items left.
    const { store } = await timed(10, Array.from({ length: 7 }, (_, i) => NOW - i * DAY - HOUR));
    try {
      assert.deepEqual(dashboardModel(store, { now: new Date(NOW) }).finishEstimate, { ratePerDay: 1, remaining: 3, date: new Date(NOW + 3 * DAY).toISOString().slice(0, 10) });
      // Two weeks later nothing was labeled in the last 7 days.
      assert.deepEqual(dashboardModel(store, { now: new Date(NOW + 14 * DAY) }).finishEstimate, { ratePerDay: 0, remaining: 3, date: null });
    } finally {
      await store.close();
    }
    // Two labelers needed: the 7 items labeled once are incomplete and still remaining.
    const two = await timed(10, Array.from({ length: 7 }, (_, i) => NOW - i * DAY - HOUR), { minLabelers: 2, maxLabelers: 2 });
    try {
      const m = dashboardModel(two.store, { now: new Date(NOW) });
      assert.deepEqual([m.progress.incomplete, m.progress.unlabeled, m.finishEstimate.remaining, m.finishEstimate.ratePerDay], [7, 3, 10, 1]);
    } finally {
      await two.store.close();
    }
  });

  it('reviews per labeler: accepted at the first review, rejections; objects per label of spans', async () => {
    const p = await textProject(4, { type: 'text-ner' });
    const spans = (...ls: string[]): Annotation => ({ kind: 'spans', spans: ls.map((label, i) => ({ start: i, end: i + 1, label })) });
    const at = (m: number): string => new Date(NOW - DAY + m * 60_000).toISOString();
    const [k1, k2, k3] = p.keys as [string, string, string];
    writeJournal(p.root, p.id, 'ann', 'd', [
      event({ type: 'submit', item: k1, ann: spans('pos', 'pos', 'neg') }, { by: 'ann', dev: 'd', seq: 1, at: at(1) }),
      event({ type: 'submit', item: k2, ann: spans('neg') }, { by: 'ann', dev: 'd', seq: 2, at: at(2) }),
      event({ type: 'submit', item: k3, ann: spans('pos') }, { by: 'ann', dev: 'd', seq: 3, at: at(3) }),
      event({ type: 'submit', item: k2, ann: spans('pos') }, { by: 'ann', dev: 'd', seq: 4, at: at(20) }),
    ]);
    writeJournal(p.root, p.id, 'rev', 'd', [
      event({ type: 'approve', item: k1, base: 1 }, { by: 'rev', dev: 'd', seq: 1, at: at(10) }),
      event({ type: 'reject', item: k2, base: 1 }, { by: 'rev', dev: 'd', seq: 2, at: at(11) }),
      event({ type: 'approve', item: k2, base: 1 }, { by: 'rev', dev: 'd', seq: 3, at: at(30) }),
    ]);
    const store = await openStore(p, 'zoe');
    try {
      const m = dashboardModel(store, { now: new Date(NOW) });
      const ann = m.labelers.find((l) => l.labeler === 'ann')!;
      assert.deepEqual([ann.acceptedFirstReview, ann.rejections], [1 / 2, 1]);
      assert.equal(m.labelers.find((l) => l.labeler === 'rev'), undefined);
      assert.deepEqual(m.labels, [
        { label: 'pos', items: 3, objects: 4 },
        { label: 'neg', items: 1, objects: 1 },
        { label: 'neutral', items: 0, objects: 0 },
      ]);
      assert.equal(m.progress.approved, 2);
    } finally {
      await store.close();
    }
  });

  it('queue: prelabeled items only when ML assist is on; open items assigned per labeler', async () => {
    for (const enabled of [false, true]) {
      const p = await textProject(5);
      const file = path.join(p.root, '.labeling', p.id, 'project.json');
      fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), mlAssist: { enabled } }));
      const [k1, k2, k3] = p.keys as [string, string, string];
      writeJournal(p.root, p.id, 'lead', 'd', [
        event({ type: 'import', batch: 'm', submits: [{ item: k1, ann: classes('pos'), pre: true, conf: 0.9 }, { item: k2, ann: classes('neg'), pre: true, conf: 0.8 }] }, { by: 'lead', dev: 'd', seq: 1 }),
        event({ type: 'assign', item: k1, to: 'bob' }, { by: 'lead', dev: 'd', seq: 2 }),
        event({ type: 'assign', item: k3, to: 'bob' }, { by: 'lead', dev: 'd', seq: 3 }),
      ]);
      writeJournal(p.root, p.id, 'bob', 'd', [event({ type: 'submit', item: k3, ann: classes('pos') }, { by: 'bob', dev: 'd', seq: 1 })]);
      const store = await openStore(p, 'zoe');
      try {
        const m = dashboardModel(store, { now: new Date(NOW) });
        assert.deepEqual(m.mlAssist, { enabled });
        assert.equal(m.queue.prelabeled, enabled ? 2 : undefined);
        assert.equal(m.queue.clustered, undefined);
        // k3 is labeled (out of the queue): one open item assigned to bob, two assigned, one done.
        assert.deepEqual(m.queue.assigned, [{ labeler: 'bob', items: 1 }]);
        assert.deepEqual(m.labelers.map((l) => [l.labeler, l.assigned, l.assignedDone]), [['bob', 2, 1]]);
      } finally {
        await store.close();
      }
    }
  });
});
