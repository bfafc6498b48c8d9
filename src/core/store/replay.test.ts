import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { orderKey, type JournalEvent } from '../journal/events';
import type { Logger } from '../logger';
import { createEmptyIndex, finishBulkLoad, loadSqlJs, rows } from './db';
import { IndexDb } from './index-db';
import { buildIndex } from './loader';
import { ITEM_PATH } from './schema';
import { loadProject } from '../project/load';
import { ProjectStore } from './project-store';
import { classes, cleanupWorkspaces, event, openStore, textProject, WASM, writeJournal } from './test-support';

/** A deterministic pseudo-random permutation (mulberry32). */
function shuffled<T>(list: T[], seed: number): T[] {
  let a = seed >>> 0;
  const rnd = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Events of three labelers and a reviewer touching every rule that depends on order. */
function scenario(): JournalEvent[] {
  const evs: JournalEvent[] = [];
  const seqs = new Map<string, number>();
  const at = (m: number): string => new Date(Date.UTC(2026, 10, 27, 10, m)).toISOString();
  const add = (minute: number, by: string, payload: Parameters<typeof event>[0]): void => {
    const seq = (seqs.get(by) ?? 0) + 1;
    seqs.set(by, seq);
    evs.push(event(payload, { at: at(minute), by, dev: 'd', seq }));
  };
  const k = (i: number): string => `data/items.csv#r${i}`;
  add(1, 'ann', { type: 'submit', item: k(1), ann: classes('pos') });
  add(2, 'bob', { type: 'submit', item: k(1), ann: classes('neg') });
  add(3, 'cat', { type: 'submit', item: k(1), ann: classes('pos') });
  add(1, 'bob', { type: 'submit', item: k(2), ann: classes('neg') });
  add(2, 'ann', { type: 'submit', item: k(2), ann: classes('pos') });
  add(4, 'rev', { type: 'reject', item: k(2), base: 2 });
  add(5, 'ann', { type: 'submit', item: k(2), ann: classes('neutral') });
  add(3, 'ann', { type: 'skip', item: k(3) });
  add(6, 'rev', { type: 'unskip', item: k(3) });
  add(7, 'bob', { type: 'skip', item: k(3) });
  add(2, 'rev', { type: 'assign', item: k(4), to: 'cat' });
  add(8, 'rev', { type: 'assign', item: k(4), to: 'bob' });
  add(3, 'cat', { type: 'submit', item: k(5), ann: classes('pos') });
  add(4, 'bob', { type: 'submit', item: k(5), ann: classes('neg') });
  add(9, 'rev', { type: 'decide', item: k(5), ann: classes('neg'), base: 2 });
  add(10, 'rev', { type: 'labels', added: [{ name: 'extra', color: '#000000' }], mode: 'keep-as-prelabels' });
  add(11, 'ann', { type: 'submit', item: k(6), ann: classes('extra') });
  add(12, 'bob', { type: 'submit', item: k(6), ann: classes('extra') });
  add(5, 'cat', { type: 'submit', item: k(7), ann: classes('pos') });
  add(13, 'imp', { type: 'import', batch: 'b', submits: [{ item: k(8), ann: classes('neg'), pre: true, conf: 0.5 }, { item: 'gone.txt', ann: classes('pos') }] });
  evs.push({ ...evs[0]! }); // a line repeated in a journal (e.g. after a merge) counts once
  return evs;
}

const DUMP = [
  'SELECT key, state, open, version, assignee, agreement, final, final_by, final_labels, missing, conflict, flags FROM items ORDER BY key',
  'SELECT flag, n FROM cnt_flag WHERE n > 0 ORDER BY flag',
  'SELECT i.key, d.labeler, d.kind, d.t, d.ann FROM done d JOIN items i ON i.id = d.item ORDER BY i.key, d.labeler',
  'SELECT state, n FROM cnt_state WHERE n > 0 ORDER BY state',
  'SELECT label, n FROM cnt_label WHERE n > 0 ORDER BY label',
  'SELECT labeler, n FROM cnt_labeler WHERE n > 0 ORDER BY labeler',
  'SELECT i.key, e.ord, e.type, e.ann, e.pre, e.conf, e.src, e.base, e.target, e.seen FROM ev e JOIN items i ON i.id = e.item ORDER BY i.key, e.ord',
  "SELECT k, v FROM meta WHERE k LIKE 'barrier%' OR k = 'labels_added' ORDER BY k",
];

/** The incremental path: items first, then every event applied and its items recomputed. */
async function incrementalDump(evs: JournalEvent[]): Promise<string> {
  const SQL = await loadSqlJs(WASM);
  const db = createEmptyIndex(SQL);
  finishBulkLoad(db);
  const idx = new IndexDb(db, 7, { minLabelers: 2, maxLabelers: 3 });
  for (let i = 1; i <= 8; i++) idx.insertItem({ key: `data/items.csv#r${i}`, path: 'data/items.csv', row: `r${i}`, source: 0 });
  for (const e of evs) {
    const ids = idx.applyEvent(e);
    if (ids === 'all') idx.recomputeAll();
    else for (const id of ids) idx.recomputeItem(id);
  }
  const dump = JSON.stringify(DUMP.map((q) => rows(db, q)));
  idx.free();
  db.close();
  return dump;
}

describe('replay', () => {
  after(cleanupWorkspaces);

  it('is deterministic: the same events in any arrival order give the same index', async () => {
    const evs = scenario();
    const dumps: string[] = [];
    for (const seed of [0, 1, 2, 3, 4]) {
      const order = seed === 0 ? [...evs].sort((a, b) => (orderKey(a) < orderKey(b) ? -1 : 1)) : shuffled(evs, seed);
      dumps.push(await incrementalDump(order));
      if (seed === 0) {
        const items = (JSON.parse(dumps[0]!) as { key: string; state: string }[][])[0]!;
        const states = Object.fromEntries(items.map((r) => [r.key, r.state]));
        assert.deepEqual(states, {
          'data/items.csv#r1': 'unlabeled', // kept as prelabels by the label-set change
          'data/items.csv#r2': 'unlabeled',
          'data/items.csv#r3': 'skipped',
          'data/items.csv#r4': 'unlabeled',
          'data/items.csv#r5': 'unlabeled', // the decision predates the label-set change
          'data/items.csv#r6': 'labeled',
          'data/items.csv#r7': 'unlabeled',
          'data/items.csv#r8': 'unlabeled',
          'gone.txt': 'missing',
        });
      }
    }
    assert.ok(dumps.every((d) => d === dumps[0]));
  });

  it('bulk build from journals gives exactly the index of the incremental path, whatever the file order', async () => {
    const SQL = await loadSqlJs(WASM);
    const evs = scenario();
    const expected = await incrementalDump(evs);
    const p = await textProject(8, { consensus: { minLabelers: 2, maxLabelers: 3 } });
    const def = await loadProject(p.root, p.id);
    // Split each labeler's events over two devices, so files interleave in time and order.
    const files = new Map<string, JournalEvent[]>();
    evs.forEach((e, i) => {
      const f = `${e.by}/${i % 2 ? 'a' : 'b'}`;
      files.set(f, [...(files.get(f) ?? []), e]);
    });
    for (const [f, list] of files) {
      const [who, dev] = f.split('/') as [string, string];
      writeJournal(p.root, p.id, who, dev, list.map((e) => ({ ...e, dev: 'd' })));
    }
    const built = await buildIndex(SQL, p.root, def, {});
    try {
      assert.equal(JSON.stringify(DUMP.map((q) => rows(built.idx.db, q))), expected);
      assert.equal(rows(built.idx.db, "SELECT name FROM sqlite_master WHERE name = 'items_key'").length, 1, 'indexes are built after the load');
      assert.equal([...built.marks.keys()].length, files.size);
      const paths = rows<{ key: string; path: string; row: string | null }>(built.idx.db, `SELECT key, ${ITEM_PATH} AS path, row FROM items WHERE key IN ('gone.txt', 'data/items.csv#r8') ORDER BY key`);
      assert.deepEqual(paths, [{ key: 'data/items.csv#r8', path: 'data/items.csv', row: 'r8' }, { key: 'gone.txt', path: 'gone.txt', row: null }]);
    } finally {
      built.idx.free();
      built.idx.db.close();
    }
  });

  it('gives the same stats and export whether teammates\' journals arrive in one go or one by one, in any order', async () => {
    const p = await textProject(8, { consensus: { minLabelers: 2, maxLabelers: 3 } });
    const byLabeler = new Map<string, JournalEvent[]>();
    for (const e of scenario()) byLabeler.set(e.by, [...(byLabeler.get(e.by) ?? []), e]);
    const write = (who: string): string => writeJournal(p.root, p.id, who, 'd', byLabeler.get(who)!);
    const results: string[] = [];
    for (const order of [[...byLabeler.keys()], [...byLabeler.keys()].reverse()]) {
      fs.rmSync(path.join(p.root, '.labeling', p.id, 'journal'), { recursive: true, force: true });
      fs.rmSync(path.join(p.root, '.labeling', '.cache'), { recursive: true, force: true });
      const s = await openStore(p, 'viewer');
      for (const who of order) {
        write(who);
        await s.syncJournals();
      }
      await s.settled(); // a label-set event read after lines that use its labels: a rebuild behind the sync
      results.push(JSON.stringify({ stats: s.stats(), items: [...s.exportItems({ includePrelabels: true })] }));
      await s.close();
      fs.rmSync(path.join(p.root, '.labeling', '.cache'), { recursive: true, force: true });
      const full = await openStore(p, 'viewer');
      results.push(JSON.stringify({ stats: full.stats(), items: [...full.exportItems({ includePrelabels: true })] }));
      await full.close();
    }
    assert.ok(results.every((r) => r === results[0]));
    assert.match(results[0]!, /"labeled":1/);
  });

  it('opens from the snapshot and replays only new tails; a rewritten journal triggers a rebuild', async () => {
    const p = await textProject(5);
    const log: string[] = [];
    const logger: Logger = { trace: () => undefined, debug: () => undefined, info: (m) => log.push(m), warn: (m) => log.push(m), error: () => undefined };
    const open = (): Promise<ProjectStore> => ProjectStore.open({ root: p.root, id: p.id, labeler: 'ann', device: 'd1', wasmPath: WASM, logger });
    let s = await open();
    await s.submit(p.keys[0]!, classes('pos'));
    await s.close();
    assert.ok(fs.existsSync(path.join(p.root, '.labeling/.cache/p/index.sqlite')));
    const rel = writeJournal(p.root, p.id, 'bob', 'd', [event({ type: 'submit', item: p.keys[1]!, ann: classes('neg') }, { by: 'bob', dev: 'd' })]);
    s = await open();
    assert.match(log.at(-1)!, /from snapshot, replayed 1 new journal events/);
    assert.deepEqual(s.stats().byLabeler, { ann: 1, bob: 1 });
    await s.close();
    // git checkout rewrote bob's journal: different content, same length.
    const text = fs.readFileSync(path.join(p.root, rel), 'utf8').replace('"neg"', '"pos"');
    fs.writeFileSync(path.join(p.root, rel), text);
    s = await open();
    assert.ok(log.some((m) => /Rebuilding the index: journal rewritten/.test(m)));
    assert.deepEqual(s.stats().byLabel, { pos: 2, neg: 0, neutral: 0 });
    await s.close();
  });

  it('syncJournals reads new lines, and rebuilds when a journal was rewritten or removed while open', async () => {
    const p = await textProject(4);
    const s = await openStore(p);
    const bob = (label: string, seq = 1) => event({ type: 'submit', item: p.keys[0]!, ann: classes(label) }, { by: 'bob', dev: 'd', seq });
    writeJournal(p.root, p.id, 'bob', 'd', [bob('neg')]);
    assert.equal(await s.syncJournals(), 1);
    assert.equal(await s.syncJournals(), 0);
    assert.deepEqual(s.stats().byLabel, { pos: 0, neg: 1, neutral: 0 });
    writeJournal(p.root, p.id, 'bob', 'd', [bob('pos')]); // same length, new content (git checkout)
    assert.equal(await s.syncJournals(), 0, 'the sync returns at once; the rebuild runs behind it');
    await s.settled();
    assert.deepEqual(s.stats().byLabel, { pos: 1, neg: 0, neutral: 0 });
    fs.rmSync(path.join(p.root, '.labeling/p/journal/bob'), { recursive: true });
    await s.syncJournals();
    await s.settled();
    assert.deepEqual([s.stats().labeled, s.stats().byLabeler], [0, {}]);
    await s.close();
  });

  it('reports a corrupt middle line with file and line (also after reopening from the snapshot) and loads the rest', async () => {
    const p = await textProject(3);
    const rel = writeJournal(p.root, p.id, 'bob', 'd', [event({ type: 'submit', item: p.keys[0]!, ann: classes('pos') }, { by: 'bob', dev: 'd' })]);
    fs.appendFileSync(path.join(p.root, rel), '{"v":1,"type":"submit", oops\n' + JSON.stringify(event({ type: 'skip', item: p.keys[1]! }, { by: 'bob', dev: 'd', seq: 3 })) + '\n');
    let s = await openStore(p);
    const expected = [{ file: rel, line: 2 }];
    assert.deepEqual(s.problems().map((x) => ({ file: x.file, line: x.line })), expected);
    assert.deepEqual([s.stats().labeled, s.stats().skipped], [1, 1]);
    await s.close();
    s = await openStore(p);
    assert.deepEqual(s.problems().map((x) => ({ file: x.file, line: x.line })), expected);
    await s.close();
  });

  it('keeps every acknowledged event when the writer is killed mid-way (SIGKILL)', async function () {
    this.timeout(60_000);
    const p = await textProject(400);
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'crash-child.ts'), p.root, p.id], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: string[] = [];
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    await new Promise<void>((resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (d) => {
        buf += String(d);
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line.startsWith('ack ')) acked.push(line.slice(4));
          if (acked.length === 50) child.kill('SIGKILL');
        }
      });
      child.on('exit', () => resolve());
      child.on('error', reject);
    });
    assert.ok(acked.length >= 50, `child acknowledged ${acked.length} events: ${stderr}`);
    assert.ok(acked.length < 400, 'the child was killed before finishing');
    const s = await openStore(p, 'crash', 'child');
    for (const key of acked) assert.equal(s.getItem(key)!.mine?.annotation.kind, 'classes', key);
    assert.ok(s.stats().byLabeler.crash! >= acked.length);
    // The writer repairs any torn tail and appends after it.
    const next = s.nextItem()!;
    await s.submit(next.key, classes('neg'));
    await s.close();
    const again = await openStore(p, 'crash', 'child');
    assert.equal(again.getItem(next.key)!.state, 'labeled');
    assert.deepEqual(again.problems(), []);
    await again.close();
  });
});
