import { assert } from 'chai';
import { DashboardModelNotification, type DashboardModel } from '../../src/protocol/dashboard';
import { sampleDashboardModel } from '../../test/fixtures/dashboard-model';
import { FakeTransport } from '../shared/fake-transport';
import { HostIpc } from '../shared/host-ipc';
import type { DashboardApp } from './dashboard-app';
import './dashboard-app';

async function mount(model: DashboardModel | undefined, initial = true) {
  const transport = new FakeTransport();
  const el = document.createElement('lbl-dashboard-app') as DashboardApp;
  document.body.append(el);
  el.attach(new HostIpc(transport, 2000), initial ? model : undefined);
  if (!initial && model) transport.notify(DashboardModelNotification, model);
  await el.updateComplete;
  return { el, root: el.shadowRoot!, transport };
}

const cells = (root: ShadowRoot, table: string) =>
  [...root.querySelectorAll(`table[data-table="${table}"] tbody tr`)].map((tr) => [...tr.children].map((c) => c.textContent!.replace(/\s+/g, ' ').trim()));
const text = (root: ShadowRoot) => root.textContent!.replace(/\s+/g, ' ');
const button = (root: ShadowRoot, label: string) => [...root.querySelectorAll<HTMLElement>('vscode-button')].find((b) => b.textContent!.trim() === label);

describe('lbl-dashboard-app: charts and their tables show the model', () => {
  afterEach(() => document.body.replaceChildren());

  it('draws the first model without a round trip (embedded snapshot), then says ready', async () => {
    const { root, transport } = await mount(sampleDashboardModel());
    assert.equal(root.querySelector('h1')!.textContent, 'Road signs');
    assert.deepEqual(transport.methods, ['ready']);
  });

  it('progress: a mark per non-empty state sized by its count, the table with counts and shares', async () => {
    const { root } = await mount(sampleDashboardModel());
    const marks = [...root.querySelectorAll<SVGRectElement>('[data-chart="progress"] rect.mark')];
    assert.deepEqual(
      marks.map((r) => r.getAttribute('aria-label')),
      [
        'Approved: 30 of 200 (15.0%)',
        'Labeled, not reviewed: 50 of 200 (25.0%)',
        'Needs review: 15 of 200 (7.5%)',
        'Incomplete: 25 of 200 (12.5%)',
        'Skipped: 10 of 200 (5.0%)',
        'Unlabeled: 65 of 200 (32.5%)',
        'Missing: 5 of 200 (2.5%)',
      ],
    );
    // Widths in the 1000-wide viewBox are proportional to the counts (the parts sum to 200 here).
    assert.deepEqual(marks.map((r) => Number(r.getAttribute('width'))), [150, 250, 75, 125, 50, 325, 25]);
    assert.equal(marks[0]!.querySelector('title')!.textContent, 'Approved: 30 of 200 (15.0%)', 'hover shows the value');
    assert.deepEqual(cells(root, 'progress'), [
      ['Labeled', '80', '40.0%'],
      ['Approved (of labeled)', '30', '15.0%'],
      ['Skipped', '10', '5.0%'],
      ['Needs review', '15', '7.5%'],
      ['Incomplete', '25', '12.5%'],
      ['Unlabeled', '65', '32.5%'],
      ['Missing', '5', '2.5%'],
    ]);
    // One Tab stop per chart.
    assert.deepEqual(marks.map((r) => r.getAttribute('tabindex')), ['0', '-1', '-1', '-1', '-1', '-1', '-1']);
  });

  it('focus on a mark announces its value in the live readout; arrow keys move to the next mark; hover shows it too', async () => {
    const { el, root } = await mount(sampleDashboardModel());
    const readout = root.querySelector('[data-readout="progress"]')!;
    assert.equal(readout.getAttribute('role'), 'status');
    assert.equal(readout.getAttribute('aria-live'), 'polite');
    const marks = () => [...root.querySelectorAll<SVGRectElement>('[data-chart="progress"] rect.mark')];
    marks()[0]!.focus();
    await el.updateComplete;
    assert.equal(readout.textContent, 'Approved: 30 of 200 (15.0%)');
    marks()[0]!.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true, composed: true }));
    await el.updateComplete;
    assert.equal(root.activeElement, marks()[1]);
    assert.equal(readout.textContent, 'Labeled, not reviewed: 50 of 200 (25.0%)');
    assert.equal(marks()[1]!.getAttribute('tabindex'), '0', 'the focused mark becomes the Tab stop');
    marks()[1]!.blur();
    await el.updateComplete;
    marks()[5]!.dispatchEvent(new MouseEvent('mouseenter'));
    await el.updateComplete;
    assert.equal(readout.textContent, 'Unlabeled: 65 of 200 (32.5%)');
  });

  it('labels: items and objects both shown (multi-label totals above the labeled items said so), and the table', async () => {
    const m = sampleDashboardModel();
    m.project.type = 'text-ner';
    m.labels = [
      { label: 'PER', items: 70, objects: 180 },
      { label: 'ORG', items: 30, objects: 45 },
    ];
    const { root } = await mount(m);
    const marks = [...root.querySelectorAll('[data-chart="labels"] rect.mark')].map((r) => r.getAttribute('aria-label'));
    assert.deepEqual(marks, ['PER: 70 items (87.5% of labeled)', 'PER: 180 objects', 'ORG: 30 items (37.5% of labeled)', 'ORG: 45 objects']);
    assert.deepEqual(cells(root, 'labels'), [
      ['PER', '70', '180'],
      ['ORG', '30', '45'],
    ]);
    assert.include(text(root), 'the items add up to 100, more than the 80 labeled');
  });

  it('labels of a classification project: one bar per label (a label set is one object per item), the table with both columns', async () => {
    const { root } = await mount(sampleDashboardModel());
    const marks = [...root.querySelectorAll('[data-chart="labels"] rect.mark')].map((r) => r.getAttribute('aria-label'));
    assert.deepEqual(marks, ['stop: 50 items (62.5% of labeled)', 'yield: 40 items (50.0% of labeled)']);
    assert.deepEqual(cells(root, 'labels'), [['stop', '50', '50'], ['yield', '40', '40']]);
    assert.include(text(root), 'the items add up to 90, more than the 80 labeled');
  });

  it('labelers: a row per labeler with labeled, assigned vs done, per hour, first-review acceptance and rejections; bars', async () => {
    const { root } = await mount(sampleDashboardModel());
    assert.deepEqual(cells(root, 'labelers-detail'), [
      ['ann@x', '60', '4', '50', '40', '2.5', '1.3', '90%', '2'],
      ['bob@x', '20', '6', '30', '10', '0.0', '0.5', 'n/a', '0'],
    ]);
    const marks = [...root.querySelectorAll('[data-chart="labelers"] rect.mark')].map((r) => r.getAttribute('aria-label'));
    assert.deepEqual(marks, ['ann@x: 60 items labeled', 'ann@x: 40 of 50 assigned done (80.0%)', 'bob@x: 20 items labeled', 'bob@x: 10 of 30 assigned done (33.3%)']);
  });

  it('queue, agreement, throughput and the finish estimate show the model', async () => {
    const m = sampleDashboardModel();
    m.queue.prelabeled = 12;
    const { root } = await mount(m);
    const count = (k: string) => root.querySelector(`[data-count="${k}"] .n`)?.textContent;
    assert.equal(count('awaitingFirst'), '65');
    assert.equal(count('awaitingMore'), '25');
    assert.equal(count('prelabeled'), '12');
    assert.equal(count('clustered'), undefined, 'absent when the model has none');
    assert.deepEqual(cells(root, 'queue-assigned'), [['ann@x', '10'], ['bob@x', '20']]);
    assert.equal(root.querySelector('[data-stat="krippendorffAlpha"]')!.textContent, '0.710');
    assert.equal(root.querySelector('[data-stat="fleissKappa"]')!.textContent, '0.700');
    assert.deepEqual(cells(root, 'agreement').map((r) => r.slice(0, 3)), [['yield', '0.600', '0.750'], ['stop', '0.800', '0.900']], 'lowest first');
    assert.deepEqual(cells(root, 'agreement-pairs')[0]!.slice(0, 5), ['ann@x / bob@x', '40', '0.850', '0.690', '0.850']);
    assert.deepEqual(cells(root, 'throughput'), [['2026-11-29', '10'], ['2026-11-30', '30'], ['2026-12-01', '20']]);
    const days = [...root.querySelectorAll<SVGRectElement>('[data-chart="throughput"] rect.mark')];
    assert.deepEqual(days.map((r) => Number(r.getAttribute('height')).toFixed(1)), ['33.3', '100.0', '66.7']);
    assert.include(root.querySelector('[data-estimate]')!.textContent!.replace(/\s+/g, ' '), 'At 20.0 labels per day (the last 7 days), the 90 items left would be done by 2026-12-06.');
    const job = cells(root, 'jobs');
    assert.deepEqual(job[0]!.slice(1), ['validation', 'succeeded', new Date('2026-12-01T10:00:01.000Z').toLocaleString(), '95 ms', '30', '0.930', '0.80', 'Log of Validate the ML-assist model of Road signs']);
    assert.deepEqual(job[1]!.slice(1), ['training', 'succeeded', new Date('2026-12-01T10:00:00.000Z').toLocaleString(), '850 ms', '120', '–', '–', 'Log of Train the ML-assist model of Road signs']);
    assert.include(job[2]![0]!, 'disk full');
  });

  it('the table toggle shows a chart table (kept in the webview state); hidden tables stay in the page for screen readers', async () => {
    const { el, root, transport } = await mount(sampleDashboardModel());
    const table = root.querySelector('table[data-table="progress"]')!;
    assert.isTrue(table.classList.contains('sr-only'));
    const toggle = root.querySelector<HTMLButtonElement>('[data-toggle="progress"]')!;
    assert.equal(toggle.getAttribute('aria-pressed'), 'false');
    toggle.click();
    await el.updateComplete;
    assert.isFalse(table.classList.contains('sr-only'));
    assert.equal(toggle.getAttribute('aria-pressed'), 'true');
    assert.deepEqual(transport.getState(), { tables: ['progress'] });
  });
});

describe('lbl-dashboard-app: actions post the right messages', () => {
  afterEach(() => document.body.replaceChildren());

  it('Copy as Markdown, Save as CSV, Save as JSON, Compute Again, Review per label and per pair, a job log', async () => {
    const { root, transport } = await mount(sampleDashboardModel());
    const last = () => transport.lastParams('dashboard/action');
    button(root, 'Copy as Markdown')!.click();
    assert.deepEqual(last(), { action: 'copyMarkdown' });
    button(root, 'Save as CSV')!.click();
    assert.deepEqual(last(), { action: 'saveCsv' });
    button(root, 'Save as JSON')!.click();
    assert.deepEqual(last(), { action: 'saveJson' });
    button(root, 'Compute Again')!.click();
    assert.deepEqual(last(), { action: 'computeAgreement' });
    root.querySelector<HTMLElement>('[data-review="yield"]')!.click();
    assert.deepEqual(last(), { action: 'reviewItems', filter: { label: 'yield' } });
    root.querySelector<HTMLElement>('[data-review="ann@x|bob@x"]')!.click();
    assert.deepEqual(last(), { action: 'reviewItems', filter: { labelers: ['ann@x', 'bob@x'] } });
    root.querySelector<HTMLAnchorElement>('a.log[data-job="job-4"]')!.click();
    assert.deepEqual(last(), { action: 'openJobLog', jobId: 'job-4' });
    assert.isUndefined(button(root, 'Turn on ML assist'), 'ML assist is on');
  });

  it('Turn on ML assist when it is off', async () => {
    const m = sampleDashboardModel();
    m.mlAssist.enabled = false;
    const { root, transport } = await mount(m);
    button(root, 'Turn on ML assist')!.click();
    assert.deepEqual(transport.lastParams('dashboard/action'), { action: 'enableMlAssist' });
  });
});

describe('lbl-dashboard-app: empty states and live updates', () => {
  afterEach(() => document.body.replaceChildren());

  it('no labels, no labelers, no throughput, no jobs, no agreement: each says so; Compute Agreement Statistics posts', async () => {
    const m = sampleDashboardModel();
    m.progress = { items: 50, labeled: 0, approved: 0, skipped: 0, needsReview: 0, incomplete: 0, unlabeled: 50, missing: 0 };
    m.labels = [];
    m.labelers = [];
    m.throughput = [];
    m.jobs = [];
    m.finishEstimate = { ratePerDay: 0, remaining: 50, date: null };
    delete m.agreement;
    const { root, transport } = await mount(m);
    const t = text(root);
    assert.include(t, 'No final labels yet');
    assert.include(t, 'Nobody has labeled yet.');
    assert.include(t, 'No labels yet: labels per day appear with the first submit.');
    assert.include(t, 'No jobs have run for this project in this window');
    assert.include(t, 'No labels in the last 7 days: no finish estimate for the 50 items left.');
    assert.include(t, 'Not computed yet');
    assert.equal(root.querySelectorAll('[data-chart="labels"], [data-chart="labelers"], [data-chart="throughput"]').length, 0);
    assert.equal(root.querySelectorAll('[data-chart="progress"] rect.mark').length, 1, 'only the unlabeled part');
    button(root, 'Compute Agreement Statistics')!.click();
    assert.deepEqual(transport.lastParams('dashboard/action'), { action: 'computeAgreement' });
  });

  it('a project without items says so instead of an empty bar', async () => {
    const m = sampleDashboardModel();
    m.progress = { items: 0, labeled: 0, approved: 0, skipped: 0, needsReview: 0, incomplete: 0, unlabeled: 0, missing: 0 };
    const { root } = await mount(m);
    assert.include(text(root), 'The project has no items yet');
    assert.isNull(root.querySelector('[data-chart="progress"]'));
  });

  it('waits for the host when nothing was embedded', async () => {
    const { el, root, transport } = await mount(undefined, false);
    assert.include(text(root), 'Loading the dashboard');
    transport.notify(DashboardModelNotification, sampleDashboardModel());
    await el.updateComplete;
    assert.equal(root.querySelector('h1')!.textContent, 'Road signs');
  });

  it('a new model updates the numbers in the same DOM: the focused mark keeps focus and announces its new value', async () => {
    const { el, root, transport } = await mount(sampleDashboardModel());
    const mark = root.querySelector<SVGRectElement>('[data-chart="progress"] rect.mark[data-key="unlabeled"]')!;
    const row = root.querySelector('table[data-table="labelers-detail"] tr[data-key="bob@x"]')!;
    mark.focus();
    await el.updateComplete;
    const next = sampleDashboardModel();
    next.progress = { ...next.progress, labeled: 81, unlabeled: 64 };
    next.labelers[1]!.labeled = 21;
    transport.notify(DashboardModelNotification, next);
    await el.updateComplete;
    const after = root.querySelector('[data-chart="progress"] rect.mark[data-key="unlabeled"]');
    assert.strictEqual(after, mark, 'the same element');
    assert.strictEqual(root.activeElement, mark, 'focus kept');
    assert.equal(mark.getAttribute('aria-label'), 'Unlabeled: 64 of 200 (32.0%)');
    assert.equal(root.querySelector('[data-readout="progress"]')!.textContent, 'Unlabeled: 64 of 200 (32.0%)');
    assert.strictEqual(root.querySelector('table[data-table="labelers-detail"] tr[data-key="bob@x"]'), row);
    assert.equal(row.children[1]!.textContent, '21');
  });
});
