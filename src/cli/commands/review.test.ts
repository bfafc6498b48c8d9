import { strict as assert } from 'node:assert';
import type { JournalEvent } from '../../core/journal/events';
import { classes, cleanupWorkspaces, event, openStore, textProject, writeJournal, type ProjectBuild } from '../../core/store/test-support';
import { cli, itemOf, journalLines, setProjectRoles } from '../test-support';

async function labeled(p: ProjectBuild, labeler: string, ...pairs: [string, string[]][]): Promise<void> {
  const s = await openStore(p, labeler);
  for (const [key, labels] of pairs) await s.submit(key, classes(...labels));
  await s.close();
}

describe('data-labeling review', () => {
  after(cleanupWorkspaces);

  it('approve and reject act on what the index holds when the command runs', async () => {
    const p = await textProject(3);
    const [a, b] = p.keys as [string, string];
    // A teammate's journal the CLI has never read: it is replayed on open, and the item's version read then is the base.
    writeJournal(p.root, p.id, 'bob', 'd', [event({ type: 'submit', item: a, ann: classes('pos') }, { by: 'bob', dev: 'd', seq: 1 })]);
    const ok = await cli('review', p.root, p.id, 'approve', a, '--as', 'rev');
    assert.equal(ok.code, 0, ok.err);
    assert.equal(ok.out, `approved ${a} as rev (now labeled)\n`);
    const after = await itemOf(p, a);
    assert.deepEqual([after.state, after.review?.kind, after.review?.by, after.final], ['labeled', 'approve', 'rev', classes('pos')]);

    await labeled(p, 'ann', [b, ['neg']]);
    const rej = await cli('review', p.root, p.id, 'reject', b, '--as', 'rev');
    assert.equal(rej.code, 0, rej.err);
    assert.equal(rej.out, `rejected ${b} as rev (now unlabeled)\n`);
    const back = await itemOf(p, b);
    assert.deepEqual([back.state, back.others, back.final], ['unlabeled', [], undefined]);
  });

  it('a review of an item in a review conflict settles it, and says so', async () => {
    const p = await textProject(1);
    const [a] = p.keys as [string];
    const ev = (by: string, payload: Parameters<typeof event>[0]) => event(payload, { by, dev: 'd', seq: 1 });
    writeJournal(p.root, p.id, 'ann', 'd', [ev('ann', { type: 'submit', item: a, ann: classes('pos') })]);
    // Two reviewers who had each seen the submit but not each other.
    writeJournal(p.root, p.id, 'rev1', 'd', [ev('rev1', { type: 'approve', item: a, base: 1, seen: [['ann', 'd', 1]] })]);
    writeJournal(p.root, p.id, 'rev2', 'd', [ev('rev2', { type: 'decide', item: a, ann: classes('neg'), base: 1, seen: [['ann', 'd', 1]] })]);
    assert.deepEqual((await itemOf(p, a)).conflict?.map((d) => d.by), ['rev1', 'rev2']);
    const r = await cli('review', p.root, p.id, 'approve', a, '--as', 'lead');
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, `approved ${a} as lead (now labeled); settles the review conflict (approve by rev1, decide neg by rev2)\n`);
    const after = await itemOf(p, a);
    assert.deepEqual([after.state, after.final, after.conflict], ['labeled', classes('pos'), undefined]);
  });

  it('notes on stderr when lines of a newer version touch the item (its state here may differ)', async () => {
    const p = await textProject(1);
    const [a] = p.keys as [string];
    const rel = writeJournal(p.root, p.id, 'ann', 'd', [
      event({ type: 'submit', item: a, ann: classes('pos') }, { by: 'ann', dev: 'd', seq: 1 }),
      { ...event({ type: 'skip', item: a }, { by: 'ann', dev: 'd', seq: 2 }), type: 'flag' } as unknown as JournalEvent,
    ]);
    const r = await cli('review', p.root, p.id, 'approve', a, '--as', 'rev');
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, new RegExp(`^note: lines written by a newer version of the extension touch ${a}: its state here may differ \\(${rel}:2: .*\\)\n$`));
    assert.equal((await itemOf(p, a)).review?.kind, 'approve');
  });

  it('decide with --label sets the final label of a multi-class item, and several of a multi-label one', async () => {
    const p = await textProject(2, { consensus: { minLabelers: 2, maxLabelers: 2 } });
    const [a] = p.keys as [string];
    await labeled(p, 'ann', [a, ['pos']]);
    await labeled(p, 'bob', [a, ['neg']]);
    assert.equal((await itemOf(p, a)).state, 'needs-review');
    const r = await cli('review', p.root, p.id, 'decide', a, '--label', 'neutral', '--as', 'rev');
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, `decided ${a} as rev: neutral (now labeled)\n`);
    const item = await itemOf(p, a);
    assert.deepEqual([item.state, item.final, item.review?.kind, item.review?.by], ['labeled', classes('neutral'), 'decide', 'rev']);

    const m = await textProject(2, { type: 'text-multilabel', labels: ['sports', 'politics', 'tech'] });
    const k = m.keys[1]!;
    const multi = await cli('review', m.root, m.id, 'decide', k, '--label', 'tech', '--label', 'sports', '--as', 'rev');
    assert.equal(multi.code, 0, multi.err);
    assert.deepEqual((await itemOf(m, k)).final, classes('tech', 'sports'));
  });

  it('accept-skip keeps a skipped item skipped; return puts it back in the queue', async () => {
    const p = await textProject(2);
    const [a, b] = p.keys as [string, string];
    const s = await openStore(p, 'ann');
    await s.skip(a);
    await s.skip(b);
    await s.close();
    const acc = await cli('review', p.root, p.id, 'accept-skip', a, '--as', 'rev');
    assert.equal(acc.code, 0, acc.err);
    assert.equal(acc.out, `accepted the skip of ${a} as rev (now skipped)\n`);
    assert.deepEqual([(await itemOf(p, a)).state, (await itemOf(p, a)).review?.kind], ['skipped', 'accept-skip']);
    const ret = await cli('review', p.root, p.id, 'return', b, '--as', 'rev');
    assert.equal(ret.code, 0, ret.err);
    assert.equal(ret.out, `returned ${b} to the queue as rev (now unlabeled)\n`);
    const other = await openStore(p, 'ann');
    assert.equal(other.getItem(b)!.state, 'unlabeled');
    assert.ok(other.page('queue').items.some((i) => i.key === b), 'back in the queue');
    await other.close();
  });

  it('a paused project still takes reviews; returning or rejecting an item says nobody labels it until resumed', async () => {
    const p = await textProject(3);
    const [a, b, c] = p.keys as [string, string, string];
    await labeled(p, 'ann', [a, ['pos']], [c, ['neg']]);
    const s = await openStore(p, 'ann');
    await s.skip(b);
    await s.setStatus('paused');
    await s.close();
    const note = `note: project "${p.id}" is paused: the item is labeled again once a manager resumes it\n`;
    const ret = await cli('review', p.root, p.id, 'return', b, '--as', 'rev');
    assert.deepEqual([ret.code, ret.err, ret.out], [0, note, `returned ${b} to the queue as rev (now unlabeled)\n`]);
    const rej = await cli('review', p.root, p.id, 'reject', a, '--as', 'rev');
    assert.deepEqual([rej.code, rej.err], [0, note]);
    const ok = await cli('review', p.root, p.id, 'approve', c, '--as', 'rev');
    assert.deepEqual([ok.code, ok.err], [0, '']);
    assert.deepEqual([(await itemOf(p, b)).state, (await itemOf(p, a)).state, (await itemOf(p, c)).review?.kind], ['unlabeled', 'unlabeled', 'approve']);
    const assign = await cli('assign', p.root, p.id, '--to', 'bob', a, '--as', 'lead');
    assert.deepEqual([assign.code, assign.err], [0, `note: project "${p.id}" is paused: bob labels them once a manager resumes it\n`]);
  });

  it('refuses, exit 1 with one line, a caller without the reviewer role; nothing is written', async () => {
    const p = await textProject(2);
    setProjectRoles(p, { 'lead@example.com': ['manager', 'reviewer'], 'ann@example.com': ['labeler'] });
    const [a, b] = p.keys as [string, string];
    await labeled(p, 'ann@example.com', [a, ['pos']]);
    const s = await openStore(p, 'ann@example.com');
    await s.skip(b);
    await s.close();
    const lines = journalLines(p);
    // Also where the item would be refused too (approve of a skipped item, return of a labeled one): the role is named first.
    for (const [action, key, ...more] of [['approve', a], ['reject', a], ['decide', a, '--label', 'neg'], ['accept-skip', b], ['return', b], ['approve', b], ['return', a]] as const) {
      const r = await cli('review', p.root, p.id, action, key, ...more, '--as', 'ann@example.com');
      assert.equal(r.code, 1, action);
      assert.match(r.err, /^data-labeling review: .*ann@example\.com is not a reviewer\b.*\n$/, action);
      assert.equal(r.out, '');
    }
    assert.deepEqual(journalLines(p), lines, 'nothing was written');
    const lead = await cli('review', p.root, p.id, 'approve', a, '--as', 'lead@example.com');
    assert.equal(lead.code, 0, lead.err);
  });

  it('names what is wrong: the action, the item, the labels, the project type, the item state', async () => {
    const p = await textProject(3);
    const [a, b, c] = p.keys as [string, string, string];
    await labeled(p, 'ann', [a, ['pos']]);
    const err = async (...args: string[]): Promise<string> => {
      const r = await cli('review', p.root, p.id, ...args, '--as', 'rev');
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.out}`);
      assert.equal(r.out, '');
      return r.err;
    };
    assert.equal(await err('bless', a), 'data-labeling review: unknown review action "bless": use one of approve, reject, accept-skip, return, decide\n');
    assert.match(await err('approve'), /^data-labeling review: missing <item>\nusage: data-labeling review /);
    assert.equal(await err('approve', a, b), `data-labeling review: review takes one item; unexpected "${b}" (put the item key in quotes if it has spaces)\n`);
    assert.equal(await err('approve', 'data/nope.csv#r9'), `data-labeling review: item: no item "data/nope.csv#r9" in project "${p.id}"\n`);
    assert.equal(await err('approve', a, '--label', 'pos'), 'data-labeling review: --label: --label is for decide; approve takes no label\n');
    assert.equal(await err('decide', a), 'data-labeling review: --label: decide needs the final label: --label <l> (one of pos, neg, neutral)\n');
    assert.equal(await err('decide', a, '--label', 'cow'), 'data-labeling review: --label: unknown label "cow"; the project\'s labels are pos, neg, neutral\n');
    assert.equal(await err('decide', a, '--label', 'pos', '--label', 'neg'), 'data-labeling review: --label: a text-classification project takes exactly one --label, got 2 (pos, neg)\n');
    assert.equal(await err('approve', b), `data-labeling review: item: item "${b}" has no labels to approve (it is unlabeled)\n`);
    assert.equal(await err('reject', c), `data-labeling review: item: item "${c}" has no labels to reject (it is unlabeled)\n`);
    assert.equal(await err('return', a), `data-labeling review: item: item "${a}" is not skipped (it is labeled)\n`);
    assert.equal(await err('accept-skip', b), `data-labeling review: item: item "${b}" is not skipped (it is unlabeled)\n`);
    assert.equal((await itemOf(p, a)).review, undefined, 'nothing was written');

    const ner = await textProject(1, { type: 'text-ner', labels: ['ORG'] });
    const r = await cli('review', ner.root, ner.id, 'decide', ner.keys[0]!, '--label', 'ORG', '--as', 'rev');
    assert.deepEqual([r.code, r.err], [1, 'data-labeling review: decide in a text-ner project needs spans drawn on the item, which the CLI cannot build: decide it in the editor, or approve or reject\n']);
    const missing = await cli('review', p.root, 'nope', 'approve', a, '--as', 'rev');
    assert.equal(missing.code, 1);
    assert.match(missing.err, /^data-labeling review: .*nope.*\n$/);
  });
});
