import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { classes, cleanupWorkspaces, openStore, textProject, type ProjectBuild } from '../../core/store/test-support';
import { cli, itemOf, journalLines, readBack, setProjectRoles } from '../test-support';

const rolesOf = (p: ProjectBuild) => readBack(p, (s) => s.def.roles ?? {});
const projectJson = (p: ProjectBuild): string => fs.readFileSync(path.join(p.root, '.labeling', p.id, 'project.json'), 'utf8');

describe('data-labeling roles', () => {
  after(cleanupWorkspaces);

  it('prints the roles; --set writes them as one event (project.json untouched), and the store then enforces them', async () => {
    const p = await textProject(2);
    const json = projectJson(p);
    const none = await cli('roles', p.root, p.id);
    assert.deepEqual([none.code, none.out], [0, `project "${p.id}" has no roles: everyone may do everything\n`]);
    const r = await cli('roles', p.root, p.id, '--set', 'lead@example.com=reviewer,manager', '--set', 'ann@example.com=labeler', '--as', 'lead@example.com');
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, [
      'set the roles of 2 labelers as lead@example.com',
      `roles of project "${p.id}":`,
      '  ann@example.com   labeler',
      '  lead@example.com  reviewer, manager',
      '',
    ].join('\n'));
    assert.deepEqual(await rolesOf(p), { 'ann@example.com': ['labeler'], 'lead@example.com': ['manager', 'reviewer'] });
    assert.equal(projectJson(p), json, 'roles are journal events, project.json stays the base');
    assert.deepEqual(journalLines(p).map((l) => JSON.parse(l).type), ['roles'], 'both labelers in one event');
    const shown = await cli('roles', p.root, p.id);
    assert.match(shown.out, /^roles of project "p":\n {2}ann@example\.com {3}labeler\n/);
    // ann may label but no longer review.
    const ann = await openStore(p, 'ann@example.com');
    await ann.submit(p.keys[0]!, classes('pos'));
    await ann.close();
    const refused = await cli('review', p.root, p.id, 'approve', p.keys[0]!, '--as', 'ann@example.com');
    assert.equal(refused.code, 1);
    assert.match(refused.err, /ann@example\.com is not a reviewer/);
    // <labeler>= removes; ids compare case-insensitively.
    const rm = await cli('roles', p.root, p.id, '--set', 'ANN@example.com=', '--as', 'lead@example.com');
    assert.equal(rm.code, 0, rm.err);
    assert.deepEqual(await rolesOf(p), { 'lead@example.com': ['manager', 'reviewer'] });
    assert.equal((await itemOf(p, p.keys[0]!)).others.length, 1, "ann's work before the change stays");
  });

  it('only a manager sets roles; the first roles must name a manager', async () => {
    const p = await textProject(1);
    const first = await cli('roles', p.root, p.id, '--set', 'ann@example.com=labeler', '--as', 'ann@example.com');
    assert.equal(first.code, 1);
    assert.match(first.err, /^data-labeling roles: .*the first roles must name a manager\n$/);
    assert.deepEqual(await rolesOf(p), {});
    setProjectRoles(p, { 'lead@example.com': ['manager'], 'rev@example.com': ['reviewer'] });
    const no = await cli('roles', p.root, p.id, '--set', 'rev@example.com=reviewer,manager', '--as', 'rev@example.com');
    assert.equal(no.code, 1);
    assert.match(no.err, /^data-labeling roles: .*rev@example\.com is not a manager\b.*\n$/);
    const last = await cli('roles', p.root, p.id, '--set', 'lead@example.com=', '--as', 'lead@example.com');
    assert.equal(last.code, 1);
    assert.match(last.err, /without a manager/);
    assert.deepEqual(await rolesOf(p), { 'lead@example.com': ['manager'], 'rev@example.com': ['reviewer'] });
  });

  it('checks every --set before writing and names the bad one', async () => {
    const p = await textProject(1);
    const err = async (...args: string[]): Promise<string> => {
      const r = await cli('roles', p.root, p.id, '--set', 'lead@example.com=manager', ...args, '--as', 'lead@example.com');
      assert.deepEqual([r.code, r.out], [1, ''], args.join(' '));
      return r.err;
    };
    assert.equal(await err('--set', 'ann@example.com=labeler,boss'), 'data-labeling roles: --set: --set "ann@example.com=labeler,boss": "boss" is not a role (roles: labeler, reviewer, manager)\n');
    assert.equal(await err('--set', 'ann@example.com'), 'data-labeling roles: --set: --set "ann@example.com": use <labeler>=<role,role> (roles: labeler, reviewer, manager; nothing after = removes the labeler\'s roles)\n');
    assert.equal(await err('--set', ' =labeler'), 'data-labeling roles: --set: --set " =labeler": the labeler id is empty\n');
    assert.equal(await err('--set', 'LEAD@example.com=labeler'), 'data-labeling roles: --set: --set "LEAD@example.com=labeler": LEAD@example.com is already given by --set "lead@example.com=manager"\n');
    assert.equal(await err('ann@example.com=labeler'), 'data-labeling roles: unexpected "ann@example.com=labeler": each labeler needs its own --set <labeler>=<role,role>\n');
    assert.deepEqual(await rolesOf(p), {});
    assert.deepEqual(journalLines(p), [], 'nothing was written');
  });
});
