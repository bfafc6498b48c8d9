import { strict as assert } from 'node:assert';
import { LabelingError } from '../../core/errors';
import type { Role } from '../../core/model';
import type { RoleMap } from '../../core/team/roles';
import { ADD_LABELER, labelerChoices, labelerIdProblem, manageRoles, roleChoices, type LabelerChoice, type RoleChoice, type RolesUi } from './rolesFlow';

type Step =
  | { pick: string | undefined } // a labeler's label, ADD_LABELER, or undefined (Escape)
  | { type: string | undefined }
  | { roles: Role[] | undefined }
  | { confirm: boolean };

/** A scripted user: answers each question with the next step, checking it is the question asked. */
function scripted(roles: RoleMap | undefined, steps: Step[], refuse?: (set: Record<string, Role[]>) => string | undefined) {
  const log: string[] = [];
  const written: Record<string, Role[]>[] = [];
  const lists: LabelerChoice[][] = [];
  const roleLists: RoleChoice[][] = [];
  const next = <K extends string>(key: K): Step => {
    const s = steps.shift();
    assert.ok(s && key in s, `asked ${key}, the script has ${JSON.stringify(s)}`);
    return s;
  };
  const ui: RolesUi = {
    pickLabeler: async (items, placeHolder) => {
      lists.push(items);
      log.push(`list: ${placeHolder}`);
      const s = next('pick') as { pick: string | undefined };
      if (s.pick === undefined) return undefined;
      const item = items.find((i) => i.label === s.pick);
      assert.ok(item, `no "${s.pick}" in ${items.map((i) => i.label).join(' | ')}`);
      return item;
    },
    inputLabeler: async (validate) => {
      const s = next('type') as { type: string | undefined };
      if (s.type !== undefined) {
        const problem = validate(s.type);
        if (problem) {
          log.push(`invalid: ${problem}`);
          return undefined; // the user gives up on an id the box refuses
        }
      }
      return s.type;
    },
    pickRoles: async (id, items) => {
      roleLists.push(items);
      log.push(`roles of ${id}: ${items.filter((i) => i.picked).map((i) => i.label).join(',')}`);
      return (next('roles') as { roles: Role[] | undefined }).roles;
    },
    confirmSelfDemotion: async (id) => {
      log.push(`confirm ${id}`);
      return (next('confirm') as { confirm: boolean }).confirm;
    },
    setRoles: async (set) => {
      const problem = refuse?.(set);
      if (problem) throw new LabelingError('invalid-input', problem);
      written.push(set);
      const out: RoleMap = {};
      for (const [k, r] of Object.entries(roles ?? {})) if (!Object.keys(set).some((w) => w.toLowerCase() === k.toLowerCase())) out[k] = r;
      for (const [k, r] of Object.entries(set)) if (r.length) out[k] = r;
      roles = out;
      return Object.keys(roles).length ? roles : undefined;
    },
  };
  return { ui, log, written, lists, roleLists, done: () => assert.deepEqual(steps, [], 'every step was used') };
}

describe('Manage Roles flow', () => {
  it('in a project without roles: you are offered first, and can make yourself the manager', async () => {
    const s = scripted(undefined, [{ pick: 'me@x.org' }, { roles: ['manager', 'labeler'] }, { pick: undefined }]);
    assert.equal(await manageRoles(undefined, 'me@x.org', s.ui), 1);
    assert.deepEqual(s.written, [{ 'me@x.org': ['labeler', 'manager'] }]);
    assert.match(s.log[0]!, /No roles yet: everyone may do everything\. The first roles must name a manager/);
    assert.deepEqual(s.lists[0]!.map((i) => `${i.label} (${i.description ?? ''})`), ['me@x.org (no role · you)', `${ADD_LABELER} ()`]);
    assert.deepEqual(s.lists[1]!.map((i) => `${i.label} (${i.description ?? ''})`), ['me@x.org (labeler, manager · you)', `${ADD_LABELER} ()`]);
    s.done();
  });

  it('adds a labeler by id, with the roles toggled', async () => {
    const s = scripted({ 'me@x.org': ['manager'] }, [{ pick: ADD_LABELER }, { type: '  ann@x.org ' }, { roles: ['labeler', 'reviewer'] }, { pick: undefined }]);
    assert.equal(await manageRoles({ 'me@x.org': ['manager'] }, 'me@x.org', s.ui), 1);
    assert.deepEqual(s.written, [{ 'ann@x.org': ['labeler', 'reviewer'] }]);
    assert.deepEqual(s.log[1], 'roles of ann@x.org: ');
    s.done();
  });

  it('a typed id already listed (in another case) changes that labeler, shown with its roles', async () => {
    const roles: RoleMap = { 'me@x.org': ['manager'], 'Ann@X.org': ['labeler'] };
    const s = scripted(roles, [{ pick: ADD_LABELER }, { type: 'ann@x.org' }, { roles: ['reviewer'] }, { pick: undefined }]);
    await manageRoles(roles, 'ME@x.org', s.ui);
    assert.equal(s.log[1], 'roles of Ann@X.org: labeler');
    assert.deepEqual(s.written, [{ 'Ann@X.org': ['reviewer'] }]);
    // listed by id, case-insensitively you
    assert.deepEqual(s.lists[0]!.map((i) => `${i.label} (${i.description ?? ''})`), ['Ann@X.org (labeler)', 'me@x.org (manager · you)', `${ADD_LABELER} ()`]);
    s.done();
  });

  it('refuses an empty id or one with control characters; Escape goes back to the list', async () => {
    const roles: RoleMap = { 'me@x.org': ['manager'] };
    const s = scripted(roles, [{ pick: ADD_LABELER }, { type: '   ' }, { pick: ADD_LABELER }, { type: 'a\tb' }, { pick: ADD_LABELER }, { type: undefined }, { pick: 'me@x.org' }, { roles: undefined }, { pick: undefined }]);
    assert.equal(await manageRoles(roles, 'me@x.org', s.ui), 0);
    assert.deepEqual(s.log.filter((l) => l.startsWith('invalid')), [
      'invalid: Enter a labeler id: their labeling.labeler setting, else their git user.email.',
      'invalid: A labeler id cannot contain control characters (tabs, line breaks).',
    ]);
    assert.deepEqual(s.written, []);
    assert.equal(labelerIdProblem('x'.repeat(321)), 'A labeler id is at most 320 characters.');
    assert.equal(labelerIdProblem('Zoë Ñúñez'), undefined);
    s.done();
  });

  it('unpicking every role removes them; an unchanged pick writes nothing', async () => {
    const roles: RoleMap = { 'me@x.org': ['manager'], 'ann@x.org': ['labeler', 'reviewer'] };
    const s = scripted(roles, [{ pick: 'ann@x.org' }, { roles: ['reviewer', 'labeler'] }, { pick: 'ann@x.org' }, { roles: [] }, { pick: undefined }]);
    assert.equal(await manageRoles(roles, 'me@x.org', s.ui), 1);
    assert.deepEqual(s.written, [{ 'ann@x.org': [] }]);
    assert.deepEqual(s.lists.map((l) => l.map((i) => i.label).join(' | ')), [`ann@x.org | me@x.org | ${ADD_LABELER}`, `ann@x.org | me@x.org | ${ADD_LABELER}`, `me@x.org | ${ADD_LABELER}`]);
    s.done();
  });

  it('asks before you take your own manager role away, and ends after it', async () => {
    const roles: RoleMap = { 'me@x.org': ['manager', 'labeler'], 'boss@x.org': ['manager'] };
    const s = scripted(roles, [{ pick: 'me@x.org' }, { roles: ['labeler'] }, { confirm: false }, { pick: 'me@x.org' }, { roles: ['labeler'] }, { confirm: true }]);
    assert.equal(await manageRoles(roles, 'me@x.org', s.ui), 1);
    assert.deepEqual(s.written, [{ 'me@x.org': ['labeler'] }]);
    s.done();
  });

  it('a labeler who is not a manager is refused before any question', async () => {
    const s = scripted({ 'boss@x.org': ['manager'], 'me@x.org': ['labeler'] }, []);
    await assert.rejects(manageRoles({ 'boss@x.org': ['manager'], 'me@x.org': ['labeler'] }, 'me@x.org', s.ui), /me@x\.org is not a manager in this project: only a manager changes roles/);
    s.done();
  });

  it("the store's refusal ends the flow with its message", async () => {
    const roles: RoleMap = { 'me@x.org': ['manager'] };
    const s = scripted(roles, [{ pick: 'me@x.org' }, { roles: ['labeler'] }, { confirm: true }], () => 'this change would leave the project without a manager');
    await assert.rejects(manageRoles(roles, 'me@x.org', s.ui), /this change would leave the project without a manager/);
    s.done();
  });

  it('role choices describe each role and pick the current ones', () => {
    assert.deepEqual(roleChoices({ A: ['reviewer'] }, 'a').map((c) => `${c.label}:${c.picked}`), ['labeler:false', 'reviewer:true', 'manager:false']);
    assert.ok(roleChoices(undefined, 'a').every((c) => c.detail && !c.picked));
    assert.deepEqual(labelerChoices({ b: ['labeler'], A: ['manager'] }, 'a').map((c) => c.label), ['A', 'b', ADD_LABELER]);
  });
});
