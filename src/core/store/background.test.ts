import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LabelingError } from '../errors';
import type { ExportItem } from '../model';
import { REBUILD_CANCELS_READERS } from './index-lease';
import { IMPORT_LINE_MAX } from './import-lines';
import type { ProjectStore } from './project-store';
import { classes, cleanupWorkspaces, event, openStore, textProject, writeJournal, type ProjectBuild } from './test-support';

/** A project of n items, bob having labeled each of them (one journal line per item). */
async function labeledProject(n: number): Promise<ProjectBuild> {
  const p = await textProject(n);
  writeJournal(p.root, p.id, 'bob', 'b1', p.keys.map((item, i) => event({ type: 'submit', item, ann: classes('pos') }, { by: 'bob', dev: 'b1', seq: i + 1 })));
  return p;
}

/** Everything a reader sees, for comparing two indexes. */
const contents = (s: ProjectStore): string => JSON.stringify({ stats: s.stats(), items: [...s.exportItems({ includePrelabels: true })] });

/** Tracks when a promise settles. */
function settled<T>(p: Promise<T>): { p: Promise<T>; done: () => boolean } {
  let done = false;
  p.then(() => (done = true), () => (done = true));
  return { p, done: () => done };
}

describe('ProjectStore background work: refresh, rebuild, readers and imports beside submits', function () {
  this.timeout(120_000);
  after(cleanupWorkspaces);

  it('a submit issued while a rebuild runs resolves before the rebuild does, and the rebuilt index contains it', async () => {
    const p = await labeledProject(20_000);
    const s = await openStore(p);
    await s.submit(p.keys[0]!, classes('neg')); // the journal writer is open
    let submitted: Promise<void> | undefined;
    let rebuildDoneAtSubmit: boolean | undefined;
    const causes: string[] = [];
    s.onChange((c) => causes.push(c.cause));
    const rebuild = settled(
      s.rebuild(undefined, (pr) => {
        // Once the journals are read, the new index is being written: submit now.
        if (!submitted && pr.message === 'Indexing data sources') {
          submitted = s.submit(p.keys[1]!, classes('neutral')).then(() => void (rebuildDoneAtSubmit = rebuild.done()));
        }
      }),
    );
    const r = await rebuild.p;
    assert.ok(submitted, 'the rebuild reported its progress');
    await submitted;
    assert.equal(rebuildDoneAtSubmit, false, 'the submit resolved while the rebuild was still running');
    assert.deepEqual(causes, ['commit', 'rebuild'], 'the submit changed the index in use, then the rebuilt one was swapped in');
    assert.equal(r.items, 20_000);
    assert.equal(s.getItem(p.keys[1]!)!.mine?.annotation.kind, 'classes');
    assert.deepEqual((s.getItem(p.keys[1]!)!.mine!.annotation as { labels: string[] }).labels, ['neutral'], 'replayed onto the new index');
    const after = contents(s);
    await s.rebuild();
    assert.equal(contents(s), after, 'the swapped-in index equals a rebuild');
    await s.close();
  });

  it('a submit issued while a refresh applies its differences resolves before the refresh does', async () => {
    const p = await textProject(20_000);
    const s = await openStore(p);
    await s.submit(p.keys[0]!, classes('neg'));
    fs.appendFileSync(path.join(p.root, 'data/items.csv'), 'extra1,"a new row"\n');
    let submitted: Promise<void> | undefined;
    let refreshDoneAtSubmit: boolean | undefined;
    const refresh = settled(
      s.refresh(undefined, (pr) => {
        if (!submitted && pr.message === 'Comparing items') {
          submitted = s.submit(p.keys[1]!, classes('pos')).then(() => void (refreshDoneAtSubmit = refresh.done()));
        }
      }),
    );
    const r = await refresh.p;
    await submitted;
    assert.equal(refreshDoneAtSubmit, false, 'the submit resolved while the refresh was still running');
    assert.deepEqual([r.added, r.missing, r.restored, r.total], [1, 0, 0, 20_001]);
    assert.equal(s.stats().labeled, 2);
    await s.close();
  });

  it('a cancelled rebuild keeps the index in use, with what was written meanwhile', async () => {
    const p = await labeledProject(5_000);
    const s = await openStore(p);
    await s.submit(p.keys[0]!, classes('neg'));
    const abort = new AbortController();
    let submitted: Promise<void> | undefined;
    const rebuild = s.rebuild(abort.signal, (pr) => {
      if (!submitted && pr.message === 'Indexing data sources') {
        submitted = s.submit(p.keys[1]!, classes('neutral'));
        abort.abort(new LabelingError('cancelled', 'Cancelled by the test.'));
      }
    });
    await assert.rejects(rebuild, (e: unknown) => e instanceof LabelingError && e.reason === 'cancelled');
    await submitted;
    assert.equal(s.getItem(p.keys[1]!)!.mine?.labeler, 'ann');
    const kept = contents(s);
    await s.rebuild();
    assert.equal(contents(s), kept);
    await s.close();
  });

  it('a rebuild waits for a running reader, which reads to its end on the index it started with', async () => {
    const p = await labeledProject(1_300);
    const s = await openStore(p);
    const reader = s.readExportItems()[Symbol.asyncIterator]();
    const seen: ExportItem[] = [(await reader.next()).value as ExportItem];
    let waiting: readonly string[] = [];
    const rebuild = settled(s.rebuild(undefined, (pr) => void (pr.message.startsWith('Waiting for') && (waiting = [pr.message]))));
    while (!waiting.length) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(waiting, ['Waiting for an export to finish']);
    for (let r = await reader.next(); !r.done; r = await reader.next()) seen.push(r.value);
    assert.equal(seen.length, 1_300, 'every item, nothing read from a closed database');
    assert.equal(rebuild.done(), false, 'the rebuild waited for the reader');
    await rebuild.p;
    assert.equal(s.stats().labeled, 1_300);
    await s.close();
  });

  it("a rebuild with readers: 'cancel' aborts a running reader's signal with a clear message and swaps the index", async () => {
    const p = await labeledProject(1_300);
    const s = await openStore(p);
    const lease = await s.read('agreement statistics');
    const reader = s.readExportItems({ name: 'an export (csv)' })[Symbol.asyncIterator]();
    await reader.next();
    await s.rebuild(undefined, undefined, { readers: 'cancel' });
    assert.ok(lease.signal.aborted);
    assert.match((lease.signal.reason as Error).message, new RegExp(`^agreement statistics stopped: ${REBUILD_CANCELS_READERS}$`));
    assert.throws(() => lease.check(), (e: unknown) => e instanceof LabelingError && e.reason === 'cancelled');
    lease.release();
    // The export's next slice stops with the same message (the 499 items of its first slice were read before).
    let error: unknown;
    try {
      for (let r = await reader.next(); !r.done; r = await reader.next());
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof LabelingError && error.reason === 'cancelled', String(error));
    assert.equal(error.message, 'an export (csv) stopped: the index is being rebuilt');
    assert.equal(s.stats().labeled, 1_300);
    await s.submit(p.keys[0]!, classes('neg'));
    await s.close();
  });

  it('a journal rewritten under the index: the sync returns at once, a submit meanwhile is not held up, and the rebuild behind them takes it in', async () => {
    const p = await labeledProject(20_000);
    const s = await openStore(p);
    await s.submit(p.keys[0]!, classes('neg')); // the journal writer is open
    const causes: string[] = [];
    s.onChange((c) => causes.push(c.cause));
    // bob's journal rewritten to the same length with other labels (a git checkout of another branch).
    const rel = `.labeling/${p.id}/journal/bob/b1.jsonl`;
    const abs = path.join(p.root, rel);
    fs.writeFileSync(abs, fs.readFileSync(abs, 'utf8').replaceAll('"pos"', '"neg"'));
    assert.equal(await s.syncJournals(), 0, 'found out, nothing applied');
    const rebuilt = settled(s.settled());
    await s.submit(p.keys[1]!, classes('neutral'));
    assert.equal(rebuilt.done(), false, 'the submit resolved while the rebuild was still running');
    await rebuilt.p;
    assert.deepEqual(causes, ['commit', 'rebuild'], 'the sync that found out changed nothing; the submit changed the index in use; then the rebuilt one');
    const bobOn = (k: string) => ([s.getItem(k)!.mine, ...s.getItem(k)!.others].find((a) => a?.labeler === 'bob')!.annotation as { labels: string[] }).labels;
    assert.deepEqual([bobOn(p.keys[5]!), bobOn(p.keys[19_999]!)], [['neg'], ['neg']], "bob's rewritten labels");
    assert.deepEqual((s.getItem(p.keys[1]!)!.mine!.annotation as { labels: string[] }).labels, ['neutral'], 'the submit made meanwhile is in the rebuilt index');
    const after = contents(s);
    await s.rebuild();
    assert.equal(contents(s), after, 'the swapped-in index equals a rebuild');
    await s.close();
  });

  it('a rebuild behind a write (a journal rewritten under the index) cancels running readers before it closes their database', async () => {
    const p = await textProject(1_300);
    const bob = (label: string) => event({ type: 'submit', item: p.keys[0]!, ann: classes(label) }, { by: 'bob', dev: 'd' });
    writeJournal(p.root, p.id, 'bob', 'd', [bob('neg')]);
    const s = await openStore(p);
    const reader = s.readExportItems({ name: 'an export (coco)' })[Symbol.asyncIterator]();
    await reader.next();
    writeJournal(p.root, p.id, 'bob', 'd', [bob('pos')]); // same length, new content (git checkout)
    await s.syncJournals();
    await s.settled();
    assert.deepEqual(s.stats().byLabel, { pos: 1, neg: 0, neutral: 0 }, 'rebuilt');
    await assert.rejects(
      (async () => {
        for (let r = await reader.next(); !r.done; r = await reader.next());
      })(),
      (e: unknown) => e instanceof LabelingError && e.reason === 'cancelled' && e.message === 'an export (coco) stopped: the index is being rebuilt',
    );
    await s.close();
  });

  it('a reader in slices lets a submit from another event-loop turn in, and reads it if its item comes later', async () => {
    const p = await textProject(1_300);
    const s = await openStore(p);
    const last = [...p.keys].sort().at(-1)!;
    await s.skip(p.keys[0]!); // the journal writer is open
    let submittedAt: number | undefined;
    let submitted: Promise<void> | undefined;
    const items: ExportItem[] = [];
    for await (const it of s.readExportItems()) {
      // As a webview message would: the submit comes from a timer, not from inside the loop.
      if (!items.length) setTimeout(() => (submitted = s.submit(last, classes('pos')).then(() => void (submittedAt = items.length))), 0);
      items.push(it);
    }
    await submitted;
    assert.ok(submittedAt !== undefined && submittedAt < 1_300, `the submit resolved while the export read (after ${submittedAt} items)`);
    assert.equal(items.at(-1)!.key, last);
    assert.equal(items.at(-1)!.all[0]?.labeler, 'ann', 'read after it was written');
    await s.close();
  });

  it('closing the store stops a rebuild running beside it', async () => {
    const p = await labeledProject(5_000);
    const s = await openStore(p);
    let closed: Promise<void> | undefined;
    const rebuild = s.rebuild(undefined, (pr) => {
      if (!closed && pr.message === 'Indexing data sources') closed = s.close();
    });
    await assert.rejects(rebuild, (e: unknown) => e instanceof LabelingError && e.reason === 'cancelled');
    await closed;
  });

  it('a large import is written as lines of IMPORT_LINE_MAX submits; a cancel leaves whole lines only, and says how many', async () => {
    const p = await textProject(12);
    const s = await openStore(p);
    const submits = p.keys.map((item) => ({ item, ann: classes('neg') }));
    const changes: (readonly string[] | 'all')[] = [];
    s.onChange((c) => changes.push(c.items));
    const abort = new AbortController();
    let other: Promise<void> | undefined;
    const progress: string[] = [];
    const imported = s.importBatch('b', submits, [], {
      lineMax: 5,
      signal: abort.signal,
      onProgress: (pr) => {
        progress.push(`${pr.lines}/${pr.of} ${pr.submits}/${pr.total}`);
        if (pr.lines === 1) {
          other = s.skip(p.keys[11]!); // a submit between two lines
          abort.abort();
        }
      },
    });
    await assert.rejects(imported, (e: unknown) => e instanceof LabelingError && e.reason === 'cancelled' && /^Import cancelled: 1 of 3 batches imported \(5 of 12 annotations\)/.test(e.message));
    await other;
    assert.deepEqual(progress, ['1/3 5/12']);
    assert.deepEqual(changes.map((c) => (c === 'all' ? c : [...c].sort())), [[...p.keys.slice(0, 5)].sort(), [p.keys[11]!]], 'a change after each write: the line, then the skip');
    // The journal parses: the first line whole, then the skip; nothing of the other lines.
    const lines = fs.readFileSync(path.join(p.root, s.journalFile), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; batch?: string; submits?: unknown[] });
    assert.deepEqual(lines.map((l) => [l.type, l.batch, l.submits?.length]), [['import', 'b.1', 5], ['skip', undefined, undefined]]);
    assert.equal(s.stats().labeled, 5);
    const kept = contents(s);
    await s.rebuild();
    assert.equal(contents(s), kept, 'the index equals a rebuild');
    await s.close();
  });

  it(`an import of more than IMPORT_LINE_MAX (${IMPORT_LINE_MAX}) submits is several lines; a refused submit writes none`, async () => {
    const n = 2 * IMPORT_LINE_MAX + 7;
    const p = await textProject(n);
    const s = await openStore(p);
    const submits = p.keys.map((item) => ({ item, ann: classes('pos') }));
    const bad = [...submits.slice(0, n - 1), { item: p.keys[n - 1]!, ann: classes('nope') }];
    await assert.rejects(s.importBatch('x', bad), (e: unknown) => e instanceof LabelingError && e.message.startsWith(`submits[${n - 1}].labels[0]: unknown label "nope"`));
    assert.equal(fs.existsSync(path.join(p.root, s.journalFile)), false, 'nothing written');
    assert.deepEqual(await s.importBatch('b', submits), { lines: 3, submits: n });
    const lines = fs.readFileSync(path.join(p.root, s.journalFile), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { batch: string; submits: unknown[] });
    assert.deepEqual(lines.map((l) => [l.batch, l.submits.length]), [['b.1', IMPORT_LINE_MAX], ['b.2', IMPORT_LINE_MAX], ['b.3', 7]]);
    assert.equal(s.stats().labeled, n);
    await s.close();
  });
});
