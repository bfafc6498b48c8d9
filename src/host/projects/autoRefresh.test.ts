import { strict as assert } from 'node:assert';
import { JobRunner } from '../../core/jobs/runner';
import { AutoRefresh } from './autoRefresh';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An AutoRefresh on a real JobRunner whose refreshes wait until `release()` is called. */
function setup() {
  const runner = new JobRunner();
  const runs: string[][] = [];
  let release: () => void = () => undefined;
  const errors: unknown[] = [];
  const auto = new AutoRefresh<number>(
    (spec) => runner.submit(spec),
    (reasons) => ({
      title: `Refreshing P (${reasons.join(', ')})`,
      resource: 'p',
      run: async ({ signal }) => {
        runs.push(reasons);
        await new Promise<void>((resolve, reject) => {
          release = resolve;
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
        return runs.length;
      },
    }),
    (e) => errors.push(e),
    20,
  );
  return { runner, runs, auto, errors, release: () => release() };
}

describe('automatic refreshes (watcher events, the refreshMinutes timer) as coalesced jobs', () => {
  it('a burst of file events gives one job of the project, listed by the runner', async () => {
    const { runner, runs, auto, release } = setup();
    for (let i = 0; i < 10; i++) auto.request('files changed');
    auto.request('every 5 min');
    await tick(60);
    assert.deepEqual(runs, [['files changed', 'every 5 min']]);
    assert.deepEqual(runner.list().map((j) => [j.title, j.resource, j.status]), [['Refreshing P (files changed, every 5 min)', 'p', 'running']]);
    release();
    await tick(10);
    assert.deepEqual(runner.list().map((j) => j.status), ['succeeded']);
  });

  it('events while a refresh runs queue exactly one more job; events while it is queued join it', async () => {
    const { runner, runs, auto, release } = setup();
    auto.requestNow('opened');
    assert.equal(runner.list().length, 1);
    for (let i = 0; i < 3; i++) {
      auto.request('files changed');
      await tick(40); // each past the debounce window: three separate bursts
    }
    assert.deepEqual(runner.list().map((j) => j.status), ['running', 'queued'], 'one queued behind the running one');
    release();
    await tick(10);
    assert.deepEqual(runs, [['opened'], ['files changed']]);
    release();
    await tick(10);
    assert.deepEqual(runner.list().map((j) => j.status), ['succeeded', 'succeeded']);
  });

  it('a refresh job is cancellable from the job list; closing the project cancels what is left', async () => {
    const { runner, auto, errors } = setup();
    auto.requestNow('opened');
    auto.request('files changed');
    await tick(40);
    const [running, queued] = runner.list();
    assert.ok(runner.cancel(running!.id, 'Cancelled by the user.'));
    await tick(10);
    assert.equal(runner.get(running!.id)!.status, 'cancelled');
    assert.equal(runner.get(queued!.id)!.status, 'running');
    auto.dispose();
    await tick(10);
    assert.equal(runner.get(queued!.id)!.status, 'cancelled');
    auto.request('files changed');
    await tick(40);
    assert.equal(runner.list().length, 2, 'no job after the project closed');
    assert.deepEqual(errors, [], 'a cancelled refresh is not an error');
  });
});
