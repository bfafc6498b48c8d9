import { strict as assert } from 'node:assert';
import type { JobInfo } from '../../core/jobs/types';
import { formatDuration, formatJobLog, jobDescription, jobDuration, statusBarText } from './jobText';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);
const job = (over: Partial<JobInfo>): JobInfo => ({ id: 'job-1', title: 'Exporting Cats as coco', resource: 'cats', status: 'queued', queuedAt: T0, progress: {}, log: [], logDropped: 0, ...over });

describe('job text (status bar, job list, log document)', () => {
  it('durations read in ms, s, min and h', () => {
    assert.deepEqual([850, 12_345, 245_000, 3_720_000].map(formatDuration), ['850 ms', '12.3 s', '4 min 05 s', '1 h 02 min']);
  });

  it('a queued job shows how long it waited, a running one how long it runs, a finished one how long it ran', () => {
    assert.equal(jobDuration(job({}), T0 + 2000), 'waiting 2.0 s');
    assert.equal(jobDuration(job({ status: 'running', startedAt: T0 + 1000 }), T0 + 4000), '3.0 s');
    assert.equal(jobDuration(job({ status: 'succeeded', startedAt: T0, endedAt: T0 + 500 }), T0 + 99_000), '500 ms');
    assert.equal(jobDuration(job({ status: 'cancelled' }), T0 + 1), 'never started');
  });

  it('the job list shows state, duration and percent, then the progress message or the error', () => {
    assert.deepEqual(jobDescription(job({ status: 'running', startedAt: T0, progress: { fraction: 0.42, message: '4,200 items' } }), T0 + 1500), {
      description: 'running · 1.5 s · 42%',
      detail: '4,200 items',
    });
    assert.deepEqual(jobDescription(job({ status: 'failed', startedAt: T0, endedAt: T0 + 10, progress: { message: 'old' }, error: { message: 'labels/x: disk full', reason: 'io' } }), T0), {
      description: 'failed · 10 ms',
      detail: 'labels/x: disk full',
    });
    assert.deepEqual(jobDescription(job({ status: 'succeeded', startedAt: T0, endedAt: T0 + 10, progress: { message: 'done' } }), T0), { description: 'succeeded · 10 ms' });
  });

  it('the status bar names a single job, counts several, and is empty without active jobs', () => {
    assert.equal(statusBarText([]), undefined);
    assert.equal(statusBarText([job({ status: 'running' })])!.text, '$(sync~spin) Exporting Cats as coco');
    const two = statusBarText([job({ status: 'running' }), job({ id: 'job-2', title: 'Importing labels into Cats' })])!;
    assert.equal(two.text, '$(sync~spin) 1 job, 1 queued');
    assert.equal(two.tooltip, 'Exporting Cats as coco: running\nImporting labels into Cats: queued\nClick to show the jobs');
  });

  it('the log document has a header and one timestamped line per entry, saying how many were dropped', () => {
    const text = formatJobLog(job({ status: 'failed', startedAt: T0 + 1000, endedAt: T0 + 2000, error: { message: 'boom' }, log: [{ at: T0 + 1500, text: 'wrote a' }], logDropped: 2 }));
    assert.equal(
      text,
      [
        'Exporting Cats as coco',
        'status:   failed',
        'resource: cats',
        'queued:   2026-01-02T03:04:05.000Z',
        'started:  2026-01-02T03:04:06.000Z',
        'ended:    2026-01-02T03:04:07.000Z',
        'error:    boom',
        '',
        '(2 earlier lines dropped)',
        '2026-01-02T03:04:06.500Z  wrote a',
        '',
      ].join('\n'),
    );
  });
});
