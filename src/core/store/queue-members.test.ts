import { strict as assert } from 'node:assert';
import type { JournalEvent } from '../journal/events';
import { seededRandom, shuffleInPlace } from '../random';
import type { ProjectStore } from './project-store';
import { classes, cleanupWorkspaces, event, openStore, textProject, writeJournal } from './test-support';

const LABELERS = ['ann', 'bob', 'cat'];

/** Every open item in queue order, with its assignee. */
function queuePage(s: ProjectStore): { key: string; assignee?: string }[] {
  const out: { key: string; assignee?: string }[] = [];
  let next: string | undefined;
  do {
    const p = s.page('queue', next, 1000);
    out.push(...p.items);
    next = p.next;
  } while (next);
  return out;
}

/**
 * isInQueue says what nextItem() could give, on random states: consensus of 1 to 3 labelers, items
 * submitted, skipped and unskipped by three labelers, assigned and unassigned by a manager.
 */
describe('queue membership (isInQueue, queueKeysIn) against nextItem', function () {
  this.timeout(60_000);
  after(cleanupWorkspaces);

  for (const seed of [1, 2, 3, 4]) {
    it(`agrees with nextItem and upcomingKeys on random state ${seed}, and after each submit or skip`, async () => {
      const random = seededRandom(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
      const min = 1 + Math.floor(random() * 2);
      const p = await textProject(30, { consensus: { minLabelers: min, maxLabelers: min + Math.floor(random() * 2) } });
      const at = (i: number) => new Date(Date.UTC(2026, 10, 27, 10, 0, 0, i)).toISOString();
      let t = 0;
      for (const by of LABELERS) {
        const events: JournalEvent[] = [];
        for (let e = 0; e < 25; e++) {
          const item = pick(p.keys);
          const r = random();
          const payload = r < 0.6 ? { type: 'submit' as const, item, ann: classes(pick(['pos', 'neg'])) } : r < 0.85 ? { type: 'skip' as const, item } : { type: 'unskip' as const, item };
          events.push(event(payload, { by, dev: 'd', seq: events.length + 1, at: at(++t) }));
        }
        writeJournal(p.root, p.id, by, 'd', events);
      }
      const assigns: JournalEvent[] = [];
      for (let e = 0; e < 15; e++) assigns.push(event({ type: 'assign', item: pick(p.keys), to: random() < 0.8 ? pick(LABELERS) : null }, { by: 'mgr', dev: 'm', seq: e + 1, at: at(++t) }));
      writeJournal(p.root, p.id, 'mgr', 'm', assigns);

      /** The state is not trivial: open items out of someone's queue, items assigned to the labeler, items closed. */
      const seen = { openNotMine: 0, assignedToMe: 0, closed: 0 };
      for (const me of LABELERS) {
        const s = await openStore(p, me, 'd');
        try {
          let steps = 0;
          for (;;) {
            const members = p.keys.filter((k) => s.isInQueue(k));
            assert.deepEqual([...members].sort(), [...s.upcomingKeys(1000)].sort(), `${me}: the members are nextItem's queue`);
            // nextItem's rule: my assigned items first, then unassigned ones, each in the seeded order.
            const open = queuePage(s);
            const page = open.filter((i) => members.includes(i.key));
            seen.openNotMine += open.length - page.length;
            seen.assignedToMe += page.filter((i) => i.assignee === me).length;
            seen.closed += p.keys.length - open.length;
            const first = page.find((i) => i.assignee === me) ?? page[0];
            const next = s.nextItem();
            assert.equal(next?.key, first?.key, `${me}: nextItem is the first member`);
            // An order of the queue: queueKeysIn keeps its members in its order, from an index on.
            const order = shuffleInPlace([...p.keys], random);
            const inOrder = order.filter((k) => members.includes(k));
            assert.deepEqual(s.queueKeysIn(order, 0, 1000).map((x) => x.key), inOrder);
            const from = Math.floor(random() * order.length);
            assert.deepEqual(s.queueKeysIn(order, from, 2), order.map((key, index) => ({ key, index })).filter((x) => x.index >= from && members.includes(x.key)).slice(0, 2));
            assert.equal(s.nextItemIn(order, 0)?.item.key, inOrder[0]);
            if (!next || steps++ > 12) break;
            if (random() < 0.7) await s.submit(next.key, classes('pos'));
            else await s.skip(next.key);
            assert.equal(s.isInQueue(next.key), false, `${me}: ${next.key} left my queue`);
          }
        } finally {
          await s.close();
        }
      }
      assert.ok(seen.openNotMine > 0 && seen.assignedToMe > 0 && seen.closed > 0, JSON.stringify(seen));
    });
  }

  it('queueKeysIn reads past long runs of items no longer in the queue', async () => {
    const p = await textProject(200);
    const s = await openStore(p, 'ann', 'd');
    try {
      for (const k of p.keys.slice(0, 150)) await s.skip(k);
      assert.deepEqual(s.queueKeysIn(p.keys, 0, 1), [{ key: p.keys[150]!, index: 150 }]);
      assert.deepEqual(s.queueKeysIn(p.keys, 199, 5), [{ key: p.keys[199]!, index: 199 }]);
      assert.deepEqual(s.queueKeysIn(p.keys, 200, 5), []);
      assert.equal(s.isInQueue('no such item'), false);
    } finally {
      await s.close();
    }
  });
});
