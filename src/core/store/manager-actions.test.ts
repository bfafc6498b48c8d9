import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LabelingError } from '../errors';
import { applyImport, planImport, type ImportPlan } from '../formats/workflow';
import type { JournalEvent } from '../journal/events';
import { JournalWriter } from '../journal/writer';
import type { ProjectStore } from './project-store';
import { classes, cleanupWorkspaces, openStore, textProject, writeFiles, type ProjectBuild } from './test-support';

const projectJson = (p: ProjectBuild) => fs.readFileSync(path.join(p.root, '.labeling', p.id, 'project.json'), 'utf8');
const journalAt = (p: ProjectBuild, file = 'ann/d1.jsonl') => path.join(p.root, '.labeling', p.id, 'journal', file);
const lines = (file: string): JournalEvent[] => fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as JournalEvent);

/** Rejects with one 'io' line that names the journal file (workspace-relative) and the cause. */
function ioNaming(rel: string, cause: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof LabelingError, String(e));
    assert.equal(e.reason, 'io');
    assert.ok(e.message.startsWith(`${rel}: `), e.message);
    assert.match(e.message, cause);
    assert.ok(!e.message.includes('\n'));
    return true;
  };
}

/** An import of `label` onto the first two items, creating the labels the project lacks. */
async function plan(s: ProjectStore, p: ProjectBuild, label: string): Promise<ImportPlan> {
  writeFiles(p.root, { 'labels.csv': `item,label\n${p.keys.slice(0, 2).map((k) => `${k},${label}`).join('\n')}\n` });
  return planImport(s, { format: 'csv', source: path.join(p.root, 'labels.csv'), createLabels: true }, p.root);
}

describe('ProjectStore: manager actions commit at the journal event', () => {
  after(cleanupWorkspaces);

  it('addLabels and setStatus change nothing when the append fails (the journal path is a folder)', async () => {
    const p = await textProject(3);
    const s = await openStore(p);
    const before = projectJson(p);
    fs.mkdirSync(journalAt(p), { recursive: true });
    const rel = `.labeling/${p.id}/journal/ann/d1.jsonl`;
    await assert.rejects(s.addLabels(['maybe'], 'continue'), ioNaming(rel, /cannot open the journal: it is a folder, not a file \(EISDIR\)$/));
    await assert.rejects(s.setStatus('paused'), ioNaming(rel, /EISDIR/));
    assert.equal(projectJson(p), before);
    assert.deepEqual([s.def.labels.map((l) => l.name), s.def.status], [['pos', 'neg', 'neutral'], 'running']);
    assert.deepEqual(fs.readdirSync(path.dirname(journalAt(p))), ['d1.jsonl'], 'no staged project.json left behind either');
    assert.ok(!fs.readdirSync(path.join(p.root, '.labeling', p.id)).some((f) => f.endsWith('.tmp')));
    // Once the journal can be written, the same actions go through: journal events only, project.json untouched.
    fs.rmdirSync(journalAt(p));
    await s.addLabels(['maybe'], 'continue');
    await s.setStatus('paused');
    assert.deepEqual(lines(journalAt(p)).map((e) => e.type), ['labels', 'status']);
    assert.equal(projectJson(p), before, 'project.json is the base definition: actions never rewrite it');
    assert.deepEqual([s.def.labels.map((l) => l.name), s.def.status], [['pos', 'neg', 'neutral', 'maybe'], 'paused']);
    await s.close();
    const again = await openStore(p);
    assert.deepEqual([again.def.labels.map((l) => l.name), again.def.status], [['pos', 'neg', 'neutral', 'maybe'], 'paused'], 'the effective definition replays');
    await again.close();
  });

  it('an import that creates labels writes labels and batch in one append, or nothing at all', async () => {
    const p = await textProject(3);
    const s = await openStore(p);
    const before = projectJson(p);
    fs.mkdirSync(journalAt(p), { recursive: true });
    await assert.rejects(applyImport(s, await plan(s, p, 'fresh'), p.root), ioNaming(`.labeling/${p.id}/journal/ann/d1.jsonl`, /EISDIR/));
    assert.equal(projectJson(p), before);
    assert.ok(!s.def.labels.some((l) => l.name === 'fresh'));
    fs.rmdirSync(journalAt(p));
    // A refused annotation in the batch: no label is created.
    const bad = await plan(s, p, 'fresh');
    bad.submits[1]!.annotation = classes('nope');
    await assert.rejects(applyImport(s, bad, p.root), (e) => e instanceof LabelingError && e.reason === 'invalid-input');
    assert.equal(projectJson(p), before);
    assert.ok(!fs.existsSync(journalAt(p)));
    await applyImport(s, await plan(s, p, 'fresh'), p.root);
    const evs = lines(journalAt(p));
    assert.deepEqual(evs.map((e) => [e.type, e.seq]), [['labels', 1], ['import', 2]]);
    assert.equal(projectJson(p), before, 'the created label is a journal event, not a project.json edit');
    assert.ok(s.def.labels.some((l) => l.name === 'fresh'));
    assert.equal(s.getItem(p.keys[0]!)!.state, 'labeled');
    await s.close();
  });

  it('names the folder and the cause when the labeler folder is a file', async () => {
    const p = await textProject(2);
    const s = await openStore(p);
    fs.mkdirSync(path.dirname(path.dirname(journalAt(p))), { recursive: true });
    fs.writeFileSync(path.dirname(journalAt(p)), 'not a folder');
    await assert.rejects(s.submit(p.keys[0]!, classes('pos')), ioNaming(`.labeling/${p.id}/journal/ann/d1.jsonl`, /cannot open the journal: (.*ENOTDIR|.*EEXIST)\)$/));
    assert.equal(s.getItem(p.keys[0]!)!.state, 'unlabeled');
    await s.close();
  });

  it('a full disk fails the submit with one line naming the journal; the store stays usable', async function () {
    if (!fs.existsSync('/dev/full')) this.skip();
    const p = await textProject(2);
    const s = await openStore(p);
    fs.mkdirSync(path.dirname(journalAt(p)), { recursive: true });
    fs.symlinkSync('/dev/full', journalAt(p));
    await assert.rejects(s.submit(p.keys[0]!, classes('pos')), ioNaming(`.labeling/${p.id}/journal/ann/d1.jsonl`, /cannot append to the journal: the disk is full \(ENOSPC\)$/));
    assert.equal(s.getItem(p.keys[0]!)!.state, 'unlabeled');
    assert.equal(s.stats().labeled, 0);
    await s.close();
  });

  it('a second store of the same labeler and device writes <device>-2.jsonl; each sees the other after a sync', async () => {
    const p = await textProject(4);
    const a = await openStore(p);
    const b = await openStore(p);
    await a.submit(p.keys[0]!, classes('pos'));
    await b.submit(p.keys[1]!, classes('neg'));
    assert.deepEqual([a.journalFile, b.journalFile], [`.labeling/${p.id}/journal/ann/d1.jsonl`, `.labeling/${p.id}/journal/ann/d1-2.jsonl`]);
    assert.deepEqual(lines(journalAt(p, 'ann/d1-2.jsonl')).map((e) => [e.dev, e.seq]), [['d1-2', 1]]);
    await a.syncJournals();
    assert.equal(a.getItem(p.keys[1]!)!.state, 'labeled');
    await a.close();
    await b.close();
    // Nothing contended: the next writer takes d1.jsonl again.
    const c = await openStore(p);
    await c.submit(p.keys[2]!, classes('pos'));
    assert.equal(c.journalFile, `.labeling/${p.id}/journal/ann/d1.jsonl`);
    assert.equal(c.stats().labeled, 3);
    await c.close();
  });

  it('applies lines another process added to its journal file before appending after them', async () => {
    const p = await textProject(3);
    const s = await openStore(p);
    // Another process (the CLI) wrote this labeler's journal and exited while the store was open.
    const other = await JournalWriter.open(journalAt(p), 'ann', 'd1');
    await other.append([{ type: 'submit', item: p.keys[0]!, ann: classes('neg') }]);
    await other.close();
    await s.submit(p.keys[1]!, classes('pos'));
    assert.deepEqual(lines(journalAt(p)).map((e) => e.seq), [1, 2]);
    assert.equal(s.getItem(p.keys[0]!)!.state, 'labeled', 'the other process\'s submit is in the index');
    await s.close();
    const again = await openStore(p);
    assert.equal(again.stats().labeled, 2);
    await again.close();
  });
});
