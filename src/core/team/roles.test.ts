import { strict as assert } from 'node:assert';
import { orderKeyOf } from '../journal/events';
import type { Role } from '../model';
import { RoleBook, roleSetProblem, type RoleEventRec, type RoleMap } from './roles';
import { hadSeen, vectorMap, type EventPlace, type SeenVector } from './vector';

const T0 = Date.UTC(2026, 0, 1);
/** An event place: by, dev 'd', seq, at T0 + ms. */
function place(by: string, seq: number, ms: number, dev = 'd'): EventPlace {
  return { by, dev, seq, ord: orderKeyOf(T0 + ms, by, dev, seq) };
}
/** A role event at place(by, seq, ms) with `set` and project-level seen `ps` (absent: none). */
function roleEv(by: string, seq: number, ms: number, set: Record<string, Role[]>, ps?: SeenVector, dev = 'd'): RoleEventRec {
  return { ...place(by, seq, ms, dev), ...(ps ? { ps } : {}), set, file: `.labeling/p/journal/${by}/${dev}.jsonl`, line: seq };
}
function bookOf(base: RoleMap | undefined, events: RoleEventRec[]): RoleBook {
  const b = new RoleBook(base);
  for (const e of events) b.add(e);
  return b;
}
function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

describe('roles: RoleBook', () => {
  it('a project without roles lets everyone do everything', () => {
    const b = new RoleBook();
    assert.equal(b.active, false);
    assert.equal(b.current(), undefined);
    assert.equal(b.check(place('anyone', 1, 0), undefined, 'manager'), undefined);
    assert.deepEqual(b.invalid(), []);
    // empty role lists in project.json are no entry: still "no roles"
    const e = new RoleBook({ a: [] });
    assert.equal(e.current(), undefined);
    assert.equal(e.check(place('b', 1, 0), [], 'manager'), undefined);
  });

  it('project.json roles are the initial state', () => {
    const b = new RoleBook({ m: ['manager'], l: ['labeler'], r: ['reviewer', 'labeler'] });
    assert.equal(b.active, true);
    assert.equal(b.check(place('l', 1, 0), [], 'labeler'), undefined);
    assert.equal(b.check(place('r', 1, 0), [], 'reviewer'), undefined);
    assert.match(b.check(place('l', 1, 0), [], 'reviewer')!, /^l is not a reviewer in the roles its author had seen \(has labeler\)$/);
    assert.match(b.check(place('x', 1, 0), [], 'labeler')!, /x is not a labeler .*\(has no role\)/);
    // canonical role order, ids as written
    assert.deepEqual(b.current(), { l: ['labeler'], m: ['manager'], r: ['labeler', 'reviewer'] });
  });

  it('the first role event must name a manager', () => {
    const bad = bookOf(undefined, [roleEv('a', 1, 10, { a: ['labeler'] })]);
    assert.deepEqual(bad.invalid(), [{ file: '.labeling/p/journal/a/d.jsonl', line: 1, message: 'role change by a not applied: the first role change must name a manager' }]);
    assert.equal(bad.current(), undefined);
    assert.equal(bad.active, true);
    assert.equal(bad.check(place('z', 1, 20), undefined, 'manager'), undefined, 'an invalid role event changes nothing: still no roles');

    const good = bookOf(undefined, [roleEv('a', 1, 10, { a: ['manager'], b: ['labeler'] })]);
    assert.deepEqual(good.invalid(), []);
    assert.deepEqual(good.current(), { a: ['manager'], b: ['labeler'] });
    assert.equal(good.check(place('b', 1, 20), undefined, 'labeler'), undefined);
    assert.ok(good.check(place('z', 1, 20), undefined, 'labeler'));
    // before the first role event (ordered before it, no vector): still no roles
    assert.equal(good.check(place('z', 1, 5), undefined, 'manager'), undefined);
  });

  it('a role change by a non-manager is not applied', () => {
    const b = bookOf({ m: ['manager'], l: ['labeler', 'reviewer'], k: ['labeler'] }, [roleEv('l', 1, 10, { m: [], l: ['manager'] }), roleEv('l', 2, 20, { k: [] })]);
    assert.deepEqual(b.invalid().map((p) => p.message), [
      'role change by l not applied: l is not a manager in the roles they had seen',
      'role change by l not applied: l is not a manager in the roles they had seen',
    ]);
    assert.deepEqual(b.current(), { k: ['labeler'], l: ['labeler', 'reviewer'], m: ['manager'] });
    assert.equal(b.check(place('k', 1, 30), [['l', 'd', 2]], 'labeler'), undefined, 'the demotion by a non-manager changes nothing');
    // someone without any role (not listed) cannot demote either
    const c = bookOf({ m: ['manager'], k: ['labeler'] }, [roleEv('stranger', 1, 10, { k: [] })]);
    assert.equal(c.invalid().length, 1);
    assert.deepEqual(c.rolesOf('k'), ['labeler']);
    assert.equal(c.applies(place('stranger', 1, 10)), false);
    assert.equal(bookOf({ m: ['manager'] }, [roleEv('m', 1, 10, { k: [] })]).applies(place('m', 1, 10)), true);
    assert.equal(c.applies(place('m', 9, 10)), false, 'an event never added');
  });

  it('a role change that leaves no manager is not applied', () => {
    const b = bookOf({ m: ['manager', 'labeler'] }, [roleEv('m', 1, 10, { m: ['labeler'] })]);
    assert.deepEqual(b.invalid().map((p) => p.message), ['role change by m not applied: it would leave the project without a manager']);
    assert.deepEqual(b.current(), { m: ['labeler', 'manager'] });
  });

  it('malformed sets are reported, not applied', () => {
    const b = bookOf({ m: ['manager'] }, [
      roleEv('m', 1, 10, { 'Bob@x.com': ['labeler'], 'bob@X.com': [] }),
      roleEv('m', 2, 20, { bob: ['boss' as Role] }),
      roleEv('m', 3, 30, {}),
    ]);
    assert.deepEqual(b.invalid().map((p) => p.message), [
      'role change by m not applied: set lists "Bob@x.com" and "bob@X.com", the same labeler (ids compare case-insensitively)',
      'role change by m not applied: set["bob"]: unknown role "boss" (known: labeler, reviewer, manager)',
      'role change by m not applied: set names no labeler',
    ]);
    assert.equal(roleSetProblem({ a: 'manager' }), 'set["a"] must be an array of roles');
    assert.equal(roleSetProblem({ ' ': [] }), 'set has an empty labeler id');
    assert.equal(roleSetProblem([]), 'set must be an object {labeler: [roles]}');
    assert.equal(roleSetProblem({ a: ['manager'] }), undefined);
  });

  it('work done before a demotion arrived stays allowed; after its author had seen it, it is refused', () => {
    const base: RoleMap = { m: ['manager'], l: ['labeler'] };
    const demote = roleEv('m', 3, 100, { l: [] }, [['m', 'd', 2]]);
    const b = bookOf(base, [demote]);
    // l's submit written after the demotion (later time) but before it had pulled it: ps lacks m's seq 3
    assert.equal(b.check(place('l', 7, 200), [['m', 'd', 2]], 'labeler'), undefined);
    assert.equal(b.check(place('l', 7, 200), [], 'labeler'), undefined);
    // the same after it had pulled the demotion
    assert.equal(b.check(place('l', 8, 300), [['m', 'd', 3]], 'labeler'), 'l is not a labeler in the roles its author had seen (has no role)');
    // lines without a vector (older journals): had seen everything ordered before them
    assert.equal(b.check(place('l', 1, 50), undefined, 'labeler'), undefined);
    assert.ok(b.check(place('l', 2, 150), undefined, 'labeler'));
    // the manager's own later lines always see its earlier ones, whatever their ps says
    assert.equal(b.rolesSeenBy(place('m', 4, 110), [], 'l')!.length, 0);
    assert.deepEqual(b.rolesSeenBy(place('m', 2, 90), [], 'l'), ['labeler']);
  });

  it('a line claiming to have seen a role event ordered after it gets only those ordered before it', () => {
    const b = bookOf({ m: ['manager'], l: ['labeler'] }, [roleEv('m', 1, 100, { l: [] })]);
    assert.equal(b.check(place('l', 1, 50), [['m', 'd', 1]], 'labeler'), undefined);
    // own file: exactly its earlier lines, whatever the line's ps and time say
    const own = bookOf({ m: ['manager'], l: ['labeler'] }, [roleEv('m', 5, 100, { l: [] })]);
    assert.deepEqual(own.rolesSeenBy(place('m', 3, 200), [['m', 'd', 9]], 'l'), ['labeler']);
    assert.deepEqual(own.rolesSeenBy(place('m', 6, 200), [], 'l'), []);
    // and a role event that claims to have seen itself is judged without itself
    const self = bookOf(undefined, [roleEv('a', 1, 10, { a: ['labeler'] }, [['a', 'd', 1]])]);
    assert.equal(self.invalid().length, 1);
  });

  it('concurrent changes by two managers: each judged by what its author had seen', () => {
    const base: RoleMap = { m1: ['manager'], m2: ['manager'] };
    // m1 demotes m2 while m2, not having seen it, promotes x; then m2 pulls and tries again
    const demote = roleEv('m1', 1, 100, { m2: ['labeler'] }, []);
    const promote = roleEv('m2', 1, 105, { x: ['reviewer'] }, []);
    const again = roleEv('m2', 2, 300, { y: ['reviewer'] }, [['m1', 'd', 1]]);
    const b = bookOf(base, [again, promote, demote]);
    assert.deepEqual(b.invalid().map((p) => `${p.file}:${p.line} ${p.message}`), ['.labeling/p/journal/m2/d.jsonl:2 role change by m2 not applied: m2 is not a manager in the roles they had seen']);
    assert.deepEqual(b.current(), { m1: ['manager'], m2: ['labeler'], x: ['reviewer'] });
    // x's review having seen only the promotion is allowed; a reviewer who had seen neither is refused
    assert.equal(b.check(place('x', 1, 400), [['m2', 'd', 1]], 'reviewer'), undefined);
    assert.ok(b.check(place('x', 1, 400), [], 'reviewer'));
    // m2's manager work stays allowed until it had seen the demotion
    assert.equal(b.check(place('m2', 3, 500), [['m1', 'd', 0]], 'manager'), undefined);
    assert.ok(b.check(place('m2', 3, 500), [['m1', 'd', 1]], 'manager'));
  });

  it('two managers demoting each other concurrently: both valid, no manager is left (recovery: add one in project.json)', () => {
    const b = bookOf({ m1: ['manager'], m2: ['manager'] }, [roleEv('m1', 1, 100, { m2: ['labeler'] }, []), roleEv('m2', 1, 100, { m1: ['labeler'] }, [])]);
    assert.deepEqual(b.invalid(), []);
    assert.deepEqual(b.current(), { m1: ['labeler'], m2: ['labeler'] });
    const fixed = bookOf({ m1: ['manager'], m2: ['manager'], boss: ['manager'] }, [roleEv('m1', 1, 100, { m2: ['labeler'] }, []), roleEv('m2', 1, 100, { m1: ['labeler'] }, [])]);
    assert.equal(fixed.check(place('boss', 1, 200), [['m1', 'd', 1], ['m2', 'd', 1]], 'manager'), undefined);
  });

  it('labeler ids compare case-insensitively; the id is kept as last written', () => {
    const b = bookOf({ 'Alice@Example.com': ['manager'] }, [roleEv('alice@example.com', 1, 10, { 'Bob@Example.com': ['labeler'] }), roleEv('ALICE@example.com', 1, 20, { 'bob@example.com': ['labeler', 'reviewer'] }, undefined, 'd2')]);
    assert.deepEqual(b.invalid(), []);
    assert.deepEqual(b.current(), { 'Alice@Example.com': ['manager'], 'bob@example.com': ['labeler', 'reviewer'] });
    assert.equal(b.check(place('BOB@EXAMPLE.COM', 1, 30), undefined, 'reviewer'), undefined);
    assert.deepEqual(b.rolesOf('BOB@example.com'), ['labeler', 'reviewer']);
    assert.deepEqual(b.rolesOf('nobody'), []);
    assert.equal(new RoleBook().rolesOf('x'), undefined);
    // base ids equal but for case merge their roles
    assert.deepEqual(new RoleBook({ A: ['labeler'], a: ['manager'] }).current(), { a: ['labeler', 'manager'] });
  });

  it('adding the same event again changes nothing', () => {
    const e = roleEv('a', 1, 10, { a: ['manager'] });
    const b = bookOf(undefined, [e, e, { ...e }]);
    assert.equal(b.roleEvents().length, 1);
    assert.deepEqual(b.current(), { a: ['manager'] });
  });

  describe('arrival order never matters', () => {
    // a manager chain: m promotes n, n (having seen it) demotes l, l (not a manager) tries to promote
    // itself, m concurrently demotes n, and a first manager-less reset by someone else.
    const base: RoleMap = { m: ['manager'], l: ['labeler'] };
    const events = [
      roleEv('m', 1, 100, { n: ['manager', 'reviewer'] }, []),
      roleEv('n', 1, 200, { l: [] }, [['m', 'd', 1]]),
      roleEv('l', 1, 210, { l: ['manager'] }, [['m', 'd', 1]]),
      roleEv('m', 2, 220, { n: ['reviewer'] }, [['m', 'd', 1]]),
      roleEv('n', 2, 230, { x: ['labeler'] }, [['m', 'd', 2]]),
    ];
    const probes: [EventPlace, SeenVector | undefined, Role][] = [];
    const psChoices: (SeenVector | undefined)[] = [undefined, [], [['m', 'd', 1]], [['m', 'd', 2]], [['m', 'd', 1], ['n', 'd', 1]], [['m', 'd', 2], ['n', 'd', 2]], [['l', 'd', 1], ['m', 'd', 2], ['n', 'd', 1]]];
    for (const by of ['m', 'n', 'l', 'x', 'L']) {
      for (const ms of [50, 150, 205, 225, 500]) {
        for (const ps of psChoices) for (const role of ['labeler', 'reviewer', 'manager'] as Role[]) probes.push([place(by, 9, ms), ps, role]);
      }
    }
    const verdicts = (b: RoleBook) => ({ current: b.current(), invalid: b.invalid(), checks: probes.map(([p, ps, r]) => b.check(p, ps, r) ?? 'ok') });

    it('gives the same verdicts for all 120 orders', () => {
      const want = verdicts(bookOf(base, events));
      // a sanity check that the scenario judges something: l's self-promotion and n's late change fail
      assert.deepEqual(want.invalid.map((p) => `${p.file}:${p.line}`), ['.labeling/p/journal/l/d.jsonl:1', '.labeling/p/journal/n/d.jsonl:2']);
      assert.deepEqual(want.current, { m: ['manager'], n: ['reviewer'] });
      assert.ok(want.checks.includes('ok') && want.checks.some((c) => c !== 'ok'));
      let n = 0;
      for (const order of permutations(events)) {
        assert.deepEqual(verdicts(bookOf(base, order)), want, `order ${order.map((e) => `${e.by}${e.seq}`).join(',')}`);
        n++;
      }
      assert.equal(n, 120);
    });

    it('checks made between additions are answered for the events added so far', () => {
      const b = new RoleBook(base);
      for (const e of [...events].reverse()) {
        b.add(e);
        b.check(place('l', 9, 500), undefined, 'labeler'); // fills the cache, which an add must drop
      }
      assert.deepEqual(verdicts(b), verdicts(bookOf(base, events)));
    });
  });

  describe('the cached check equals the definition', () => {
    /** state(seen by E) straight from the rules: valid role events E had seen and ordered before it, folded in ord. */
    function reference(b: RoleBook, p: EventPlace, ps: SeenVector | undefined, role: Role, base: RoleMap): boolean {
      const bad = new Set(b.invalid().map((x) => `${x.file}:${x.line}`));
      const m = ps && vectorMap(ps);
      const state = new Map<string, Role[]>();
      for (const [k, r] of Object.entries(base)) if (r.length) state.set(k.toLowerCase(), r);
      for (const r of b.roleEvents()) {
        if (bad.has(`${r.file}:${r.line}`) || !(r.ord < p.ord) || !hadSeen(p, m, r)) continue;
        for (const [k, roles] of Object.entries(r.set)) {
          if (roles.length) state.set(k.toLowerCase(), roles);
          else state.delete(k.toLowerCase());
        }
      }
      return state.size === 0 || (state.get(p.by.toLowerCase()) ?? []).includes(role);
    }
    function rng(seed: number) {
      return () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    }

    for (const count of [6, 40]) {
      it(`on random journals with ${count} role events (${count > 31 ? 'string' : 'bitmask'} signatures)`, () => {
        const rand = rng(count);
        const people = ['a', 'b', 'c', 'd'];
        const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
        const base: RoleMap = { a: ['manager'] };
        const seqs = new Map<string, number>();
        const events: RoleEventRec[] = [];
        for (let i = 0; i < count; i++) {
          const by = i < 3 ? 'a' : pick(people);
          const seq = (seqs.get(by) ?? 0) + 1;
          seqs.set(by, seq);
          const ps: SeenVector | undefined = rand() < 0.2 ? undefined : people.filter(() => rand() < 0.7).map((p) => [p, 'd', Math.floor(rand() * (count / 2))] as [string, string, number]);
          const set: Record<string, Role[]> = { [pick(people)]: ROLE_SETS[Math.floor(rand() * ROLE_SETS.length)]! };
          if (i % 3 === 0) set['a'] = ['manager'];
          events.push(roleEv(by, seq, i * 10, set, ps));
        }
        const b = bookOf(base, events);
        assert.ok(b.invalid().length > 0 && b.invalid().length < count, 'the scenario has valid and invalid role events');
        let disagreements = 0;
        let refused = 0;
        for (let k = 0; k < 3000; k++) {
          const by = pick([...people, 'e', 'A']);
          const p = place(by, 1 + Math.floor(rand() * count), Math.floor(rand() * count * 12));
          if (events.some((r) => r.by === p.by && r.seq === p.seq)) continue; // one line per (file, seq)
          const ps: SeenVector | undefined = rand() < 0.2 ? undefined : people.filter(() => rand() < 0.8).map((q) => [q, 'd', Math.floor(rand() * count)] as [string, string, number]);
          const role = pick(['labeler', 'reviewer', 'manager'] as Role[]);
          const ok = b.check(p, ps, role) === undefined;
          if (ok !== reference(b, p, ps, role, base)) disagreements++;
          if (!ok) refused++;
        }
        assert.equal(disagreements, 0);
        assert.ok(refused > 100 && refused < 2900, `both verdicts occur (${refused} refused)`);
      });
    }
  });

  it('survives toJSON / fromJSON (the index meta)', () => {
    const base: RoleMap = { m: ['manager'], l: ['labeler'] };
    const events = [roleEv('m', 3, 100, { l: [] }, [['m', 'd', 2]]), roleEv('l', 1, 150, { l: ['manager'] }), roleEv('m', 4, 160, { q: ['reviewer'] })];
    const b = bookOf(base, events);
    const back = RoleBook.fromJSON(base, JSON.parse(JSON.stringify(b.toJSON())));
    assert.deepEqual(back.roleEvents(), b.roleEvents());
    assert.deepEqual(back.current(), b.current());
    assert.deepEqual(back.invalid(), b.invalid());
    for (const [p, ps] of [[place('l', 2, 120), [['m', 'd', 2]]], [place('l', 2, 120), [['m', 'd', 3]]], [place('q', 2, 200), undefined]] as [EventPlace, SeenVector | undefined][]) {
      assert.equal(back.check(p, ps, 'labeler'), b.check(p, ps, 'labeler'));
      assert.equal(back.check(p, ps, 'reviewer'), b.check(p, ps, 'reviewer'));
    }
    assert.deepEqual(RoleBook.fromJSON(undefined, new RoleBook().toJSON()).current(), undefined);
    assert.throws(() => RoleBook.fromJSON(base, { v: 2, events: [] }), /expected \{v: 1, events/);
    assert.throws(() => RoleBook.fromJSON(base, { v: 1, events: [{ ...events[0], seq: 0 }] }), /events\[0\]\.seq/);
    assert.throws(() => RoleBook.fromJSON(base, { v: 1, events: [{ ...events[0], ps: 'x' }] }), /events\[0\]\.ps/);
    assert.throws(() => RoleBook.fromJSON(base, null), /expected/);
  });
});

const ROLE_SETS: Role[][] = [[], ['labeler'], ['reviewer'], ['manager'], ['labeler', 'reviewer'], ['manager', 'reviewer']];
