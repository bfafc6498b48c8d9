import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { JournalEvent } from '../journal/events';
import type { Logger } from '../logger';
import { loadSqlJs } from './db';
import { IndexDb } from './index-db';
import { ProjectStore } from './project-store';
import { classes, cleanupWorkspaces, event, openStore, textProject, WASM, writeJournal, type ProjectBuild } from './test-support';

const bobEv = (payload: Parameters<typeof event>[0], seq: number, by = 'bob'): JournalEvent =>
  event(payload, { by, dev: 'd', seq, at: new Date(Date.UTC(2026, 10, 27, 10) + seq * 1000).toISOString() });

function logged(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const keep = (m: string): void => void lines.push(m);
  return { lines, logger: { trace: () => undefined, debug: () => undefined, info: keep, warn: keep, error: keep } };
}

/** What a user sees of a project: counts, every exported annotation, and the journal problems. */
function seen(s: ProjectStore): string {
  return JSON.stringify({ stats: s.stats(), items: [...s.exportItems({ includePrelabels: true })], problems: s.problems().map((p) => [p.file, p.line]) });
}

describe('journals and the index stay true', () => {
  after(cleanupWorkspaces);

  it('rebuilds when a journal is rewritten in the middle to the same length (closed, or while open)', async () => {
    const p = await textProject(200);
    // bob labels every item "pos"; the rewrite turns the 100th into "neg", far from both ends of the file.
    const evs = p.keys.map((k, i) => bobEv({ type: 'submit', item: k, ann: classes('pos') }, i + 1));
    const rel = writeJournal(p.root, p.id, 'bob', 'd', evs);
    const abs = path.join(p.root, rel);
    const rewrite = (from: string, to: string): void => {
      const text = fs.readFileSync(abs, 'utf8');
      const at = text.indexOf(`"item":"${p.keys[99]}","ann":{"kind":"classes","labels":["${from}"]}`);
      assert.ok(at > 4096 && text.length - at > 4096);
      const stat = fs.statSync(abs);
      fs.writeFileSync(abs, text.slice(0, at) + text.slice(at).replace(`["${from}"]`, `["${to}"]`));
      fs.utimesSync(abs, stat.atime, stat.mtime);
      assert.equal(fs.statSync(abs).size, stat.size);
    };
    const { logger, lines } = logged();
    let s = await ProjectStore.open({ root: p.root, id: p.id, labeler: 'ann', device: 'd1', wasmPath: WASM, logger });
    assert.deepEqual(s.stats().byLabel, { pos: 200, neg: 0, neutral: 0 });
    await s.close();
    rewrite('pos', 'neg');
    s = await ProjectStore.open({ root: p.root, id: p.id, labeler: 'ann', device: 'd1', wasmPath: WASM, logger });
    assert.ok(lines.some((m) => m.startsWith(`Rebuilding the index: journal rewritten (${rel})`)), lines.join('\n'));
    assert.deepEqual(s.stats().byLabel, { pos: 199, neg: 1, neutral: 0 });
    rewrite('neg', 'pos');
    assert.equal(await s.syncJournals(), 0);
    await s.settled();
    assert.deepEqual(s.stats().byLabel, { pos: 200, neg: 0, neutral: 0 });
    await s.close();
  });

  it('leaves out a label the project does not have: reported with file and line, not counted, not exported', async () => {
    const p = await textProject(4);
    const bob = [
      bobEv({ type: 'submit', item: p.keys[0]!, ann: classes('cow') }, 1),
      bobEv({ type: 'import', batch: 'b', submits: [{ item: p.keys[1]!, ann: classes('neg') }, { item: p.keys[2]!, ann: classes('cow') }] }, 2),
      // Defined by a label-set event in a journal read after this one: a label of the project.
      bobEv({ type: 'submit', item: p.keys[3]!, ann: classes('extra') }, 3),
      bobEv({ type: 'submit', item: p.keys[0]!, ann: { kind: 'spans', spans: [{ start: 0, end: 1, label: 'pos' }] } }, 4),
    ];
    const zed = [bobEv({ type: 'labels', added: [{ name: 'extra', color: '#123456' }], mode: 'continue' }, 1, 'zed')];
    const bobRel = `.labeling/${p.id}/journal/bob/d.jsonl`;
    const expectProblems = (s: ProjectStore): void => {
      assert.deepEqual(s.problems().map((x) => [x.file, x.line]), [[bobRel, 1], [bobRel, 2], [bobRel, 4]]);
      assert.match(s.problems()[0]!.message, /ann\.labels\[0\]: unknown label "cow"/);
      assert.match(s.problems()[1]!.message, /submits\[1\]\.ann\.labels\[0\]: unknown label "cow"/);
      assert.match(s.problems()[2]!.message, /"spans" annotation in a project of "classes"/);
      const st = s.stats();
      assert.deepEqual(st.byLabel, { pos: 0, neg: 1, neutral: 0, extra: 1 });
      assert.deepEqual([st.labeled, st.unlabeled], [2, 2]);
      const items = [...s.exportItems({ includePrelabels: true })];
      assert.ok(!JSON.stringify(items).includes('cow') && !JSON.stringify(items).includes('spans'), 'never exported');
    };
    // Bulk build: every journal there at open.
    writeJournal(p.root, p.id, 'bob', 'd', bob);
    writeJournal(p.root, p.id, 'zed', 'd', zed);
    let s = await openStore(p);
    expectProblems(s);
    const bulk = seen(s);
    await s.close();
    // From the snapshot, the same.
    s = await openStore(p);
    assert.equal(seen(s), bulk);
    await s.close();
    // Event by event: bob's lines arrive first, the label-set event after them (a rebuild takes them in).
    fs.rmSync(path.join(p.root, '.labeling', '.cache'), { recursive: true });
    fs.rmSync(path.join(p.root, '.labeling', p.id, 'journal'), { recursive: true });
    s = await openStore(p);
    writeJournal(p.root, p.id, 'bob', 'd', bob.slice(0, 2));
    await s.syncJournals();
    writeJournal(p.root, p.id, 'bob', 'd', bob);
    await s.syncJournals();
    assert.deepEqual(s.stats().byLabel, { pos: 0, neg: 1, neutral: 0 }, '"extra" is not a label yet');
    writeJournal(p.root, p.id, 'zed', 'd', zed);
    await s.syncJournals();
    await s.settled();
    expectProblems(s);
    assert.equal(seen(s), bulk);
    await s.close();
  });

  it('a label added to project.json by hand takes in the lines that used it; one removed leaves them out', async () => {
    const p = await textProject(2);
    writeJournal(p.root, p.id, 'bob', 'd', [bobEv({ type: 'submit', item: p.keys[0]!, ann: classes('cow') }, 1), bobEv({ type: 'submit', item: p.keys[1]!, ann: classes('pos') }, 2)]);
    let s = await openStore(p);
    assert.equal(s.problems().length, 1);
    await s.close();
    const defFile = path.join(p.root, '.labeling', p.id, 'project.json');
    const def = JSON.parse(fs.readFileSync(defFile, 'utf8')) as { labels: { name: string; color: string }[] };
    fs.writeFileSync(defFile, JSON.stringify({ ...def, labels: [...def.labels.filter((l) => l.name !== 'pos'), { name: 'cow', color: '#654321' }] }));
    s = await openStore(p);
    assert.deepEqual([s.problems().length, s.stats().byLabel], [1, { neg: 0, neutral: 0, cow: 1 }]);
    assert.match(s.problems()[0]!.message, /unknown label "pos"/);
    fs.writeFileSync(defFile, JSON.stringify(def));
    await s.reloadDefinition();
    await s.settled();
    assert.deepEqual([s.problems().map((x) => x.line), s.stats().byLabel], [[1], { pos: 1, neg: 0, neutral: 0 }]);
    await s.close();
  });

  it('saves the journal marks inside the snapshot: a snapshot renamed in by another process brings its own marks', async () => {
    const p = await textProject(6);
    const cache = path.join(p.root, '.labeling', '.cache', p.id);
    fs.mkdirSync(cache, { recursive: true });
    fs.writeFileSync(path.join(cache, 'index.json'), '{"format":1,"files":{}}');
    let s = await openStore(p);
    await s.submit(p.keys[0]!, classes('pos'));
    await s.submit(p.keys[1]!, classes('neg'));
    await s.close();
    const files = fs.readdirSync(cache, { withFileTypes: true }).filter((f) => f.isFile());
    assert.deepEqual(files.map((f) => f.name), ['index.sqlite'], 'one file: no marks beside the snapshot (an old one is removed)');
    const older = fs.readFileSync(path.join(cache, 'index.sqlite'));
    s = await openStore(p);
    for (const k of p.keys.slice(2, 5)) await s.submit(k, classes('pos'));
    await s.close();
    // The rename of the other process's snapshot lands last: its index and its marks come together.
    fs.writeFileSync(path.join(cache, 'index.sqlite'), older);
    const { logger, lines } = logged();
    s = await ProjectStore.open({ root: p.root, id: p.id, labeler: 'ann', device: 'd1', wasmPath: WASM, logger });
    assert.ok(lines.some((m) => /from snapshot, replayed 3 new journal events/.test(m)), lines.join('\n'));
    assert.deepEqual([s.stats().labeled, s.stats().byLabel], [5, { pos: 4, neg: 1, neutral: 0 }]);
    await s.close();
    // A format-1 snapshot (marks in index.json beside it) is not read: the index is rebuilt.
    const SQL = await loadSqlJs(WASM);
    const db = new SQL.Database(fs.readFileSync(path.join(cache, 'index.sqlite')));
    db.run("DELETE FROM meta WHERE k = 'snapshot'");
    fs.writeFileSync(path.join(cache, 'index.sqlite'), db.export());
    db.close();
    fs.writeFileSync(path.join(cache, 'index.json'), JSON.stringify({ format: 1, files: {}, problems: [] }));
    lines.length = 0;
    s = await ProjectStore.open({ root: p.root, id: p.id, labeler: 'ann', device: 'd1', wasmPath: WASM, logger });
    assert.ok(!lines.some((m) => /from snapshot/.test(m)), lines.join('\n'));
    assert.equal(s.stats().labeled, 5);
    assert.ok(!fs.existsSync(path.join(cache, 'index.json')));
    await s.close();
  });

  describe('an event the index cannot apply', () => {
    const original = Object.getOwnPropertyDescriptor(IndexDb.prototype, 'applyEvent')!;
    /** Makes applying events of `key` fail `times` times. */
    const failOn = (key: string, times = Infinity): void => {
      let left = times;
      IndexDb.prototype.applyEvent = function (this: IndexDb, e, skip) {
        if ('item' in e && e.item === key && left-- > 0) throw new Error('simulated index failure');
        return (original.value as IndexDb['applyEvent']).call(this, e, skip);
      };
    };
    afterEach(() => Object.defineProperty(IndexDb.prototype, 'applyEvent', original));

    async function labeled(p: ProjectBuild, key: string): Promise<string> {
      const s = await openStore(p);
      const state = s.getItem(key)!.state;
      await s.close();
      return state;
    }

    it('is saved (the call succeeds) and applied when read again, the mark moving only once it is', async () => {
      const p = await textProject(3);
      const s = await openStore(p);
      failOn(p.keys[0]!, 1);
      await s.submit(p.keys[0]!, classes('pos'));
      assert.deepEqual([s.getItem(p.keys[0]!)!.state, s.problems()], ['labeled', []]);
      await s.submit(p.keys[1]!, classes('neg'));
      await s.close();
      assert.equal(await labeled(p, p.keys[0]!), 'labeled');
      const again = await openStore(p);
      assert.deepEqual([again.stats().labeled, again.stats().byLabeler], [2, { ann: 2 }]);
      await again.close();
    });

    it('stays saved and is reported as a journal problem with its line when it fails again; a rebuild takes it in once the cause is gone', async () => {
      const p = await textProject(3);
      const { logger, lines } = logged();
      const s = await ProjectStore.open({ root: p.root, id: p.id, labeler: 'ann', device: 'd1', wasmPath: WASM, logger });
      await s.submit(p.keys[1]!, classes('neg'));
      failOn(p.keys[0]!);
      await s.submit(p.keys[0]!, classes('pos'));
      const journal = fs.readFileSync(path.join(p.root, s.journalFile), 'utf8').trim().split('\n');
      assert.equal(journal.length, 2, 'durable');
      assert.deepEqual(s.problems().map((x) => [x.file, x.line]), [[s.journalFile, 2]]);
      assert.match(s.problems()[0]!.message, /could not apply this event \(simulated index failure\)/);
      assert.ok(lines.some((m) => m.includes(`${s.journalFile}:2:`)), 'logged');
      assert.equal(s.getItem(p.keys[0]!)!.state, 'unlabeled');
      await s.submit(p.keys[2]!, classes('pos'));
      assert.equal(s.getItem(p.keys[2]!)!.state, 'labeled', 'later events still apply');
      await s.syncJournals();
      assert.equal(s.problems().length, 1, 'reported once');
      await s.close();
      const again = await openStore(p);
      assert.deepEqual(again.problems().map((x) => x.line), [2], 'kept in the snapshot');
      Object.defineProperty(IndexDb.prototype, 'applyEvent', original);
      await again.rebuild();
      assert.deepEqual([again.getItem(p.keys[0]!)!.state, again.problems()], ['labeled', []]);
      await again.close();
    });
  });
});
