import { strict as assert } from 'node:assert';
import { png, tinyJpeg, workspace } from '../core/formats/bounds-test-support';
import { cleanupWorkspaces, classes, event, textProject, writeJournal } from '../core/store/test-support';
import { CONSENSUS_RULE_VERSION } from '../core/store/agreement';
import { validateProject } from './commands/validate';
import { cli } from './test-support';

describe('data-labeling validate: labels and bounds', () => {
  after(cleanupWorkspaces);

  it('names each line using a label the project lacks, and takes labels added by a label-set event in any journal', async () => {
    const p = await textProject(3);
    const ev = (payload: Parameters<typeof event>[0], seq: number, by = 'bob') => event(payload, { by, dev: 'd', seq });
    const bob = writeJournal(p.root, p.id, 'bob', 'd', [
      ev({ type: 'submit', item: p.keys[0]!, ann: classes('extra') }, 1),
      ev({ type: 'import', batch: 'b', submits: [{ item: p.keys[1]!, ann: classes('neg') }, { item: p.keys[2]!, ann: classes('cow') }] }, 2),
      ev({ type: 'submit', item: p.keys[0]!, ann: classes('cow') }, 3),
    ]);
    writeJournal(p.root, p.id, 'zed', 'd', [ev({ type: 'labels', added: [{ name: 'extra', color: '#123456' }], mode: 'continue' }, 1, 'zed')]);
    const problems = await validateProject(p.root, p.id);
    assert.deepEqual(problems, [
      `${bob}:2: submits[1].ann.labels[0]: unknown label "cow"`,
      `${bob}:3: ann.labels[0]: unknown label "cow"`,
    ]);
  });

  it('names journaled boxes past their image (as displayed: EXIF applied) and spans past their text', async () => {
    const img = await workspace('image-detection', ['car'], { 'img/wide.png': png(40, 20), 'img/turned.jpg': tinyJpeg(40, 20, 6), 'img/bad.png': 'not a png' }, 'img/*');
    await img.store.close();
    const box = (x: number, w: number) => ({ kind: 'boxes' as const, boxes: [{ label: 'car', x, y: 0, w, h: 10 }] });
    const rel = writeJournal(img.root, img.id, 'bob', 'd', [
      event({ type: 'submit', item: 'img/wide.png', ann: box(30, 10) }, { by: 'bob', dev: 'd', seq: 1 }), // fits 40 x 20
      event({ type: 'submit', item: 'img/wide.png', ann: box(35, 10) }, { by: 'bob', dev: 'd', seq: 2 }), // 5 px past
      event({ type: 'submit', item: 'img/turned.jpg', ann: box(15, 10) }, { by: 'bob', dev: 'd', seq: 3 }), // displayed 20 x 40
      event({ type: 'import', batch: 'b', submits: [{ item: 'img/bad.png', ann: box(0, 5) }] }, { by: 'bob', dev: 'd', seq: 4 }),
    ]);
    const problems = await validateProject(img.root, img.id);
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.match(problems[0]!, new RegExp(`^${rel}:2: ann\\.boxes\\[0\\]`));
    assert.match(problems[1]!, new RegExp(`^${rel}:3: ann\\.boxes\\[0\\]`));
    assert.match(problems[2]!, new RegExp(`^${rel}:4: submits\\[0\\]\\.ann\\.boxes: .*img/bad\\.png cannot be read`));

    const ner = await textProject(2, { type: 'text-ner', labels: ['ORG'] });
    const text = 'text 1, with a comma';
    const span = (start: number, end: number) => ({ kind: 'spans' as const, spans: [{ label: 'ORG', start, end }] });
    const nrel = writeJournal(ner.root, ner.id, 'bob', 'd', [
      event({ type: 'submit', item: ner.keys[0]!, ann: span(0, text.length) }, { by: 'bob', dev: 'd', seq: 1 }),
      event({ type: 'submit', item: ner.keys[0]!, ann: span(5, text.length + 1) }, { by: 'bob', dev: 'd', seq: 2 }),
    ]);
    const nerProblems = await validateProject(ner.root, ner.id);
    assert.equal(nerProblems.length, 1, nerProblems.join('\n'));
    assert.match(nerProblems[0]!, new RegExp(`^${nrel}:2: ann\\.spans\\[0\\]`));
  });
});

describe('data-labeling validate: the team rules', () => {
  after(cleanupWorkspaces);

  it('names lines by a labeler without the role they had seen, role changes not applied and lines whose by is another labeler; lines of a newer version are notes', async () => {
    const p = await textProject(3);
    const ev = (payload: Parameters<typeof event>[0], by: string, seq: number, extra: Record<string, unknown> = {}) => ({ ...event(payload, { by, dev: 'd', seq, at: `2026-11-27T10:0${seq}:00.000Z` }), ...extra });
    writeJournal(p.root, p.id, 'boss', 'd', [ev({ type: 'roles', set: { boss: ['manager'], ann: ['labeler'] } }, 'boss', 1)]);
    const ann = writeJournal(p.root, p.id, 'ann', 'd', [
      ev({ type: 'submit', item: p.keys[0]!, ann: classes('pos') }, 'ann', 2, { ps: [['boss', 'd', 1]] }),
      ev({ type: 'approve', item: p.keys[0]!, base: 1 }, 'ann', 3, { ps: [['boss', 'd', 1]] }),
      ev({ type: 'roles', set: { ann: ['manager'] } }, 'ann', 4, { ps: [['boss', 'd', 1]] }),
      ev({ type: 'submit', item: p.keys[1]!, ann: classes('pos') }, 'mallory', 5),
      ev({ type: 'flag', item: p.keys[2]! } as never, 'ann', 6),
    ] as never);
    const newer: string[] = [];
    const problems = await validateProject(p.root, p.id, (l) => newer.push(l));
    assert.deepEqual(problems, [
      `${ann}:3: role change by ann not applied: ann is not a manager in the roles they had seen`,
      `${ann}:2: not applied: ann is not a reviewer in the roles its author had seen (has labeler)`,
      `${ann}:4: "by" is "mallory", but this journal's folder "ann" is another labeler's: not applied`,
    ]);
    assert.equal(newer.length, 1);
    assert.match(newer[0]!, new RegExp(`^${ann}:5: written by a newer version of the extension \\(event type "flag"\\)`));
  });
});

describe('data-labeling validate: teammates on other versions (issue 11 item 3)', () => {
  after(cleanupWorkspaces);

  it('warns about a teammate writing with a newer consensus rule and notes one on an older rule; neither is a problem', async () => {
    const p = await textProject(3);
    writeJournal(p.root, p.id, 'bob', 'd', [{ ...event({ type: 'submit', item: p.keys[0]!, ann: classes('pos') }, { by: 'bob', dev: 'd' }), k: 99 }]);
    writeJournal(p.root, p.id, 'cat', 'd', [{ ...event({ type: 'skip', item: p.keys[1]! }, { by: 'cat', dev: 'd', at: '2026-11-27T09:00:00.000Z' }), k: 1 }]);
    writeJournal(p.root, p.id, 'dan', 'd', [{ ...event({ type: 'skip', item: p.keys[2]! }, { by: 'dan', dev: 'd' }), k: CONSENSUS_RULE_VERSION }]);
    const r = await cli('validate', p.root, p.id);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, '');
    assert.deepEqual(r.out.trim().split('\n'), [
      `warning: Labeler bob writes with consensus rule 99; this extension computes rule ${CONSENSUS_RULE_VERSION}, so consensus and review states can differ from theirs: update the Data Labeling extension.`,
      `note: cat's extension computes consensus rule 1 (their last line at 2026-11-27T09:00:00.000Z): ask them to update so every clone computes the same states.`,
      `${p.id}: OK`,
    ]);
  });
});
