import { strict as assert } from 'node:assert';
import { dashboardJobOf, jobKindOf } from './dashboardJobs';

describe('dashboard jobs', () => {
  it('tells a job kind by the verb its title starts with, whatever the project is called', () => {
    assert.equal(jobKindOf('Train the ML-assist model of Road signs'), 'training');
    assert.equal(jobKindOf('Validate the ML-assist model of Road signs'), 'validation');
    // Project names with the other kinds' words in them.
    assert.equal(jobKindOf('Validate the ML-assist model of Train stations'), 'validation');
    assert.equal(jobKindOf('Train the ML-assist model of Validated exports'), 'training');
    assert.equal(jobKindOf('Prelabel the queue of Train stations'), 'inference');
    assert.equal(jobKindOf('Prelabel the queue of Reviews with its ML backend'), 'inference');
    assert.equal(jobKindOf('Exporting Reviews as coco'), 'export');
    assert.equal(jobKindOf('Importing labels into Reviews'), 'import');
    assert.equal(jobKindOf('Agreement statistics of Reviews'), 'agreement');
    assert.equal(jobKindOf('Refreshing Reviews (opened)'), 'refresh');
    assert.equal(jobKindOf('Rebuilding the index of Reviews'), 'refresh');
  });

  it('gives a running job its duration so far and a failed one its message', () => {
    const base = { id: 'job-1', title: 'Validate the ML-assist model of P', resource: 'p', queuedAt: 0, progress: {}, log: [], logDropped: 0 };
    assert.deepEqual(dashboardJobOf({ ...base, status: 'running' as const, startedAt: 1_000 }, 1_750), {
      id: 'job-1', title: base.title, kind: 'validation', status: 'running', startedAt: new Date(1_000).toISOString(), durationMs: 750,
    });
    const failed = dashboardJobOf({ ...base, status: 'failed', startedAt: 1_000, endedAt: 1_200, error: { message: 'no hold-out' } } as never, 5_000);
    assert.equal(failed.durationMs, 200);
    assert.equal(failed.error, 'no hold-out');
  });
});
