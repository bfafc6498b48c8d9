import { strict as assert } from 'node:assert';
import { csvField, dashboardCsv, dashboardFileName, dashboardMarkdown } from './dashboard-text';
import { sampleDashboardModel } from '../../../test/fixtures/dashboard-model';

describe('dashboard-text: the dashboard as Markdown and CSV', () => {
  it('Markdown: the progress table with counts and shares of the items, the labels and the labelers', () => {
    const md = dashboardMarkdown(sampleDashboardModel());
    const lines = md.split('\n');
    assert.equal(lines[0], '## Road signs: labeling progress');
    assert.ok(lines.includes('| State | Items | Share |'));
    assert.ok(lines.includes('| --- | ---: | ---: |'));
    assert.ok(lines.includes('| Labeled | 80 | 40.0% |'));
    assert.ok(lines.includes('| Approved (of labeled) | 30 | 15.0% |'));
    assert.ok(lines.includes('| Missing | 5 | 2.5% |'));
    assert.ok(lines.includes('| stop | 50 | 50 |'));
    assert.ok(lines.includes('| ann@x | 60 | 4 | 50 | 40 | 2.5 | 1.3 | 90% | 2 |'), md);
    assert.ok(lines.includes('| bob@x | 20 | 6 | 30 | 10 | 0.0 | 0.5 | n/a | 0 |'), md);
    assert.match(md, /Estimated finish: 2026-12-06 \(90 items left at 20\.0 labels\/day/);
  });

  it('Markdown: pipes in names are escaped, empty sections say so, no estimate at a zero rate', () => {
    const m = sampleDashboardModel();
    m.project.name = 'a|b';
    m.labels = [{ label: 'x|y', items: 1, objects: 3 }];
    m.labelers = [];
    m.progress.items = 0;
    m.finishEstimate = { ratePerDay: 0, remaining: 7, date: null };
    const md = dashboardMarkdown(m);
    assert.match(md, /^## a\\\|b: labeling progress/);
    assert.ok(md.includes('| x\\|y | 1 | 3 |'));
    assert.ok(md.includes('No labeler has submitted yet.'));
    assert.ok(md.includes('| Labeled | 80 | – |'), 'no share of zero items');
    assert.ok(md.includes('Estimated finish: none at the recent rate (7 items left'));
  });

  it('CSV: a header and one row per figure, every section', () => {
    const csv = dashboardCsv(sampleDashboardModel());
    assert.ok(csv.endsWith('\r\n'));
    const rows = csv.trimEnd().split('\r\n');
    assert.equal(rows[0], 'section,key,metric,value');
    for (const r of [
      'progress,labeled,items,80',
      'progress,missing,items,5',
      'labels,stop,objects,50',
      'labelers,ann@x,perHourDay,2.5',
      'labelers,bob@x,acceptedFirstReview,',
      'queue,bob@x,assigned,20',
      'agreement,,krippendorffAlpha,0.71',
      'agreement.pair,ann@x / bob@x,cohenKappa,0.69',
      'agreement.label,yield,f1,0.75',
      'throughput,2026-11-30,labels,30',
      'finish,,date,2026-12-06',
      'jobs,job-5,precision,0.93',
      'jobs,job-3,items,120',
      'jobs,job-4,status,failed',
      'mlAssist,,enabled,true',
    ]) assert.ok(rows.includes(r), `missing row ${r}`);
  });

  it('CSV fields: quoted with a comma, quote or line break; a formula-like text defused; null empty', () => {
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField('=SUM(A1)'), "'=SUM(A1)");
    assert.equal(csvField(-0.25), '-0.25');
    assert.equal(csvField(null), '');
    assert.equal(csvField(Number.NaN), '');
  });

  it('default file names carry the project id and the model day', () => {
    const m = sampleDashboardModel();
    assert.equal(dashboardFileName(m, 'csv'), 'signs-dashboard-2026-12-01.csv');
    m.project.id = 'a b/c';
    assert.equal(dashboardFileName(m, 'json'), 'a-b-c-dashboard-2026-12-01.json');
  });
});
