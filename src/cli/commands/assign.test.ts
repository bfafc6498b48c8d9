import { strict as assert } from 'node:assert';
import { cleanupWorkspaces, openStore, textProject, type ProjectBuild } from '../../core/store/test-support';
import { cli, journalLines, readBack, setProjectRoles } from '../test-support';

const assignees = (p: ProjectBuild): Promise<(string | undefined)[]> => readBack(p, (s) => p.keys.map((k) => s.getItem(k)!.assignee));

describe('data-labeling assign', () => {
  after(cleanupWorkspaces);

  it('assigns several items to a labeler (first in their queue), then unassigns, reporting how many', async () => {
    const p = await textProject(4);
    const [a, b, c] = p.keys as [string, string, string];
    const r = await cli('assign', p.root, p.id, '--to', 'bob', c, b, '--as', 'lead');
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, 'assigned 2 items to bob\n');
    assert.deepEqual(await assignees(p), [undefined, 'bob', 'bob', undefined]);
    const bob = await openStore(p, 'bob');
    assert.ok([b, c].includes(bob.nextItem()!.key), 'an assigned item comes first');
    await bob.close();
    // An item already assigned so is left as it is (no line written for it).
    const lines = journalLines(p).length;
    const again = await cli('assign', p.root, p.id, '--to', 'bob', a, b, '--as', 'lead');
    assert.equal(again.out, 'assigned 1 item to bob (1 already was)\n');
    assert.equal(journalLines(p).length, lines + 1);
    const un = await cli('assign', p.root, p.id, '--unassign', a, b, '--as', 'lead');
    assert.equal(un.code, 0, un.err);
    assert.equal(un.out, 'unassigned 2 items\n');
    assert.deepEqual(await assignees(p), [undefined, undefined, 'bob', undefined]);
  });

  it('checks every item before writing: one missing item and nothing is assigned', async () => {
    const p = await textProject(2);
    const r = await cli('assign', p.root, p.id, '--to', 'bob', p.keys[0]!, 'data/x.csv#1', p.keys[1]!, 'data/y.csv#2', '--as', 'lead');
    assert.equal(r.code, 1);
    assert.equal(r.err, `data-labeling assign: item: no item "data/x.csv#1", "data/y.csv#2" in project "${p.id}"; nothing was assigned\n`);
    assert.deepEqual(await assignees(p), [undefined, undefined]);
    assert.deepEqual(journalLines(p), []);
  });

  it('names a bad argument: --to and --unassign, neither, an empty --to, no item', async () => {
    const p = await textProject(1);
    const k = p.keys[0]!;
    const err = async (...args: string[]): Promise<string> => {
      const r = await cli('assign', p.root, p.id, ...args);
      assert.deepEqual([r.code, r.out], [1, ''], args.join(' '));
      return r.err;
    };
    assert.equal(await err('--to', 'bob', '--unassign', k), 'data-labeling assign: --to: give --to <labeler> or --unassign, not both\n');
    assert.match(await err(k), /^data-labeling assign: --to: --to <labeler> or --unassign is required\nusage: data-labeling assign /);
    assert.equal(await err('--to', ' ', k), 'data-labeling assign: --to: --to needs a labeler id\n');
    assert.match(await err('--to', 'bob'), /^data-labeling assign: missing <item>\nusage: /);
    assert.match(await err('--to', 'bob', k, '--frob'), /^data-labeling assign: Unknown option '--frob'/);
  });

  it('in a project with roles: only a manager assigns, and only to a labeler', async () => {
    const p = await textProject(2);
    setProjectRoles(p, { 'Lead@Example.com': ['manager'], 'ann@example.com': ['labeler'], 'rev@example.com': ['reviewer'] });
    const k = p.keys[0]!;
    const no = await cli('assign', p.root, p.id, '--to', 'nobody@example.com', k, 'data/nope.csv#1', '--as', 'rev@example.com');
    assert.equal(no.code, 1);
    assert.match(no.err, /^data-labeling assign: .*rev@example\.com is not a manager\b.*\n$/);
    const notLabeler = await cli('assign', p.root, p.id, '--to', 'rev@example.com', k, '--as', 'Lead@Example.com');
    assert.deepEqual([notLabeler.code, notLabeler.err], [1, `data-labeling assign: --to: rev@example.com is not a labeler in project "${p.id}" (labelers: ann@example.com)\n`]);
    assert.deepEqual(await assignees(p), [undefined, undefined]);
    const ok = await cli('assign', p.root, p.id, '--to', 'ann@example.com', k, '--as', 'Lead@Example.com');
    assert.equal(ok.code, 0, ok.err);
    assert.deepEqual(await assignees(p), ['ann@example.com', undefined]);
  });
});
