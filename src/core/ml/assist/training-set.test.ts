import { strict as assert } from 'node:assert';
import type { ProjectDef } from '../../model';
import type { BriefItem } from '../../store/types';
import { collectTrainingSet, COLLECT_SLICE_MS, readTrainingExamples, type TrainingSource } from './training-set';

/** A store whose labeled items come without a turn of the event loop, each taking `busyMs` of this thread to produce. */
function busyStore(items: number, busyMs: number): TrainingSource {
  return {
    def: { id: 'p', type: 'text-classification' } as ProjectDef,
    async *readItemsInState() {
      for (let i = 0; i < items; i++) {
        const until = performance.now() + busyMs;
        while (performance.now() < until);
        const item = { key: `k${i}`, state: 'labeled', text: i === 3 ? undefined : `text ${i}`, final: { kind: 'classes', labels: ['a'] } };
        yield item as unknown as BriefItem;
      }
    },
  };
}

describe('ML assist: reading the training set (training-set.ts)', () => {
  it('gives the event loop a turn once COLLECT_SLICE_MS of its own work is used up, even when the store does not', async () => {
    let turns = 0;
    let reading = true;
    const tick = (): void => {
      turns++;
      if (reading) setImmediate(tick);
    };
    setImmediate(tick);
    const set = await collectTrainingSet(busyStore(12, COLLECT_SLICE_MS / 2));
    reading = false;
    assert.equal(set.examples.length, 11);
    assert.deepEqual(set.withoutText, ['k3']);
    assert.ok(turns >= 3, `${turns} turns of the event loop during a read of ${6 * COLLECT_SLICE_MS} ms`);
  });

  it('readTrainingExamples hands each example over in order and returns the set without them', async () => {
    const keys: string[] = [];
    const r = await readTrainingExamples(busyStore(5, 0), (e) => keys.push(e.key));
    assert.deepEqual(keys, ['k0', 'k1', 'k2', 'k4']);
    assert.deepEqual(r, { projectId: 'p', type: 'text-classification', withoutText: ['k3'] });
  });
});
