import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { eventProblem, JOURNAL_VERSION } from '../journal/events';
import { readJournal } from '../journal/reader';
import { JournalWriter } from '../journal/writer';
import { CONSENSUS_RULE_VERSION } from '../store/agreement';
import { classes, cleanupWorkspaces, event, openStore, tempWorkspace, textProject, writeJournal } from '../store/test-support';
import { teamVersionsOf, versionNotes } from './versions';

/** Issue 11 item 3: the consensus rule is versioned; a clone older than a teammate, and a teammate older than us, are told. */
describe('team versions: the consensus rule each labeler writes with', () => {
  after(cleanupWorkspaces);

  it('stamps every line this version writes with k, right after v', async () => {
    const file = path.join(tempWorkspace(), 'j', 'ann', 'd1.jsonl');
    const w = await JournalWriter.open(file, 'ann', 'd1');
    await w.append([{ type: 'skip', item: 'a' }, { type: 'submit', item: 'b', ann: classes('x') }]);
    await w.close();
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(lines.length, 2);
    for (const l of lines) assert.ok(l.startsWith(`{"v":${JOURNAL_VERSION},"k":${CONSENSUS_RULE_VERSION},"at":`), l);
    const r = readJournal(file, 'j.jsonl', { offset: 0, line: 0 }, () => undefined, () => assert.fail('no problems'));
    assert.deepEqual(r.ver, { by: 'ann', at: r.ver!.at, k: CONSENSUS_RULE_VERSION, maxV: JOURNAL_VERSION, maxK: CONSENSUS_RULE_VERSION });
  });

  it('reads a higher k as a line like any other; a k that is not a positive integer is a problem naming the field', () => {
    assert.equal(eventProblem({ ...event({ type: 'skip', item: 'a' }), k: 99 }), undefined);
    assert.match(eventProblem({ ...event({ type: 'skip', item: 'a' }), k: '2' })!, /k \(consensus rule version\) must be a positive integer/);
    assert.match(eventProblem({ ...event({ type: 'skip', item: 'a' }), k: 0 })!, /k \(consensus rule version\)/);
  });

  it('a teammate writing with consensus rule 99: the store names them and both rules, applies their lines, and says to update', async () => {
    const p = await textProject(3);
    writeJournal(p.root, p.id, 'bob', 'd2', [
      { ...event({ type: 'submit', item: p.keys[0]!, ann: classes('pos') }, { by: 'bob', dev: 'd2', seq: 1 }), k: 2 },
      { ...event({ type: 'submit', item: p.keys[1]!, ann: classes('neg') }, { by: 'bob', dev: 'd2', seq: 2, at: '2026-11-27T11:00:00.000Z' }), k: 99 },
    ]);
    const s = await openStore(p, 'ann');
    assert.equal(s.getItem(p.keys[1]!)!.state, 'labeled', 'a line of a newer rule is applied');
    const bob = s.teamVersions().find((t) => t.labeler === 'bob')!;
    assert.deepEqual(bob, { labeler: 'bob', consensusRule: 99, journalVersion: JOURNAL_VERSION, lastAt: '2026-11-27T11:00:00.000Z', lastRule: 99 });
    const notes = versionNotes(s.teamVersions(), 'ann');
    assert.deepEqual(notes.newer.map((n) => n.message), [
      `Labeler bob writes with consensus rule 99; this extension computes rule ${CONSENSUS_RULE_VERSION}, so consensus and review states can differ from theirs: update the Data Labeling extension.`,
    ]);
    assert.deepEqual(notes.older, []);
    await s.close();
  });

  it('a teammate of a newer journal version is named too (their lines are kept, not applied)', async () => {
    const p = await textProject(2);
    writeJournal(p.root, p.id, 'cat', 'd3', [{ ...event({ type: 'skip', item: p.keys[0]! }, { by: 'cat', dev: 'd3' }), v: JOURNAL_VERSION + 1, k: CONSENSUS_RULE_VERSION }]);
    const s = await openStore(p, 'ann');
    assert.deepEqual(versionNotes(s.teamVersions(), 'ann').newer.map((n) => n.labeler), ['cat']);
    assert.match(versionNotes(s.teamVersions(), 'ann').newer[0]!.message, new RegExp(`Labeler cat writes journal version ${JOURNAL_VERSION + 1}; this extension reads up to version ${JOURNAL_VERSION}`));
    await s.close();
  });

  it('teammates whose latest line has an older rule or none are listed as older, also after reopening from the snapshot; our own lines carry k', async () => {
    const p = await textProject(4);
    // dan: journal version 1 (before rule 2); eve: version 2 without k (rule not recorded); fay: upgraded since.
    writeJournal(p.root, p.id, 'dan', 'd4', [{ ...event({ type: 'skip', item: p.keys[0]! }, { by: 'dan', dev: 'd4' }), v: 1 }]);
    writeJournal(p.root, p.id, 'eve', 'd5', [event({ type: 'skip', item: p.keys[1]! }, { by: 'eve', dev: 'd5', at: '2026-11-27T12:00:00.000Z' })]);
    writeJournal(p.root, p.id, 'fay', 'd6', [
      event({ type: 'skip', item: p.keys[2]! }, { by: 'fay', dev: 'd6', seq: 1 }),
      { ...event({ type: 'skip', item: p.keys[3]! }, { by: 'fay', dev: 'd6', seq: 2 }), k: CONSENSUS_RULE_VERSION },
    ]);
    let s = await openStore(p, 'ann');
    await s.submit(p.keys[0]!, classes('pos'));
    const expectOlder = [
      `dan's extension computes consensus rule 1 (their last line at 2026-11-27T10:00:00.000Z): ask them to update so every clone computes the same states.`,
      `eve's extension does not record its consensus rule (a version before rule 2 was recorded) (their last line at 2026-11-27T12:00:00.000Z): ask them to update so every clone computes the same states.`,
    ];
    const check = (): void => {
      const team = s.teamVersions();
      assert.deepEqual(team.map((t) => [t.labeler, t.consensusRule, t.lastRule]), [
        ['ann', CONSENSUS_RULE_VERSION, CONSENSUS_RULE_VERSION], ['dan', 1, 1], ['eve', null, null], ['fay', CONSENSUS_RULE_VERSION, CONSENSUS_RULE_VERSION],
      ]);
      assert.deepEqual(versionNotes(team, 'ann'), { newer: [], older: expectOlder });
    };
    check();
    await s.close();
    s = await openStore(p, 'ann');
    check();
    await s.close();
  });

  it('per labeler: the highest rule over all their files, and the rule of their latest line', () => {
    const next = CONSENSUS_RULE_VERSION + 1;
    const team = teamVersionsOf([
      { by: 'gus', at: '2026-11-27T10:00:00.000Z', k: next, maxV: 2, maxK: next },
      { by: 'gus', at: '2026-11-28T10:00:00.000Z', k: 1, maxV: 2, maxK: 1 },
      undefined,
    ]);
    assert.deepEqual(team, [{ labeler: 'gus', consensusRule: next, journalVersion: 2, lastAt: '2026-11-28T10:00:00.000Z', lastRule: 1 }]);
    assert.deepEqual(versionNotes(team, 'ann').newer.map((n) => n.labeler), ['gus'], 'a newer rule on any line: this clone is older');
    assert.deepEqual(versionNotes([{ labeler: 'ann', consensusRule: 1, journalVersion: 1, lastAt: '', lastRule: 1 }], 'ann').older, [], 'this clone\'s labeler is never asked to update');
  });
});
