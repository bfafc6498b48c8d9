/**
 * The dashboard's numbers as text (issue 13, "Numbers out"): Markdown tables for a pull request or a
 * report (progress, labels, labelers), and one long CSV (section, key, metric, value) a spreadsheet
 * pivots. Pure functions of the DashboardModel: the webview's Copy as Markdown and the host's Save as
 * CSV print the same figures the panel shows.
 */
import type { DashboardModel } from '../../protocol/dashboard';

const fmt = (n: number) => n.toLocaleString('en-US');
const pct = (n: number, of: number) => (of > 0 ? `${((100 * n) / of).toFixed(1)}%` : '–');
const dec = (n: number | null | undefined, digits = 3) => (n === null || n === undefined ? 'n/a' : n.toFixed(digits));

/** The progress rows, in the order the chart stacks them: each with its count (of `items`). */
export function progressRows(m: DashboardModel): { key: keyof DashboardModel['progress']; title: string; n: number }[] {
  const p = m.progress;
  return [
    { key: 'labeled', title: 'Labeled', n: p.labeled },
    { key: 'approved', title: 'Approved (of labeled)', n: p.approved },
    { key: 'skipped', title: 'Skipped', n: p.skipped },
    { key: 'needsReview', title: 'Needs review', n: p.needsReview },
    { key: 'incomplete', title: 'Incomplete', n: p.incomplete },
    { key: 'unlabeled', title: 'Unlabeled', n: p.unlabeled },
    { key: 'missing', title: 'Missing', n: p.missing },
  ];
}

/** A Markdown table cell: pipes escaped, line breaks flattened. */
function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function table(head: string[], rows: string[][], right: boolean[]): string {
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(head), `|${right.map((r) => (r ? ' ---: ' : ' --- ')).join('|')}|`, ...rows.map(line)].join('\n');
}

/** Markdown: a heading, then the progress, label and labeler tables (and the finish estimate). */
export function dashboardMarkdown(m: DashboardModel): string {
  const p = m.progress;
  const out: string[] = [`## ${cell(m.project.name)}: labeling progress`, '', `As of ${m.now} · ${fmt(p.items)} items`, ''];
  out.push(table(['State', 'Items', 'Share'], progressRows(m).map((r) => [r.title, fmt(r.n), pct(r.n, p.items)]), [false, true, true]), '');
  out.push('### Labels', '');
  if (m.labels.length) out.push(table(['Label', 'Items', 'Objects'], m.labels.map((l) => [l.label, fmt(l.items), fmt(l.objects)]), [false, true, true]), '');
  else out.push('No final labels yet.', '');
  out.push('### Labelers', '');
  if (m.labelers.length) {
    out.push(
      table(
        ['Labeler', 'Labeled', 'Skipped', 'Assigned', 'Assigned done', 'Per hour (day)', 'Per hour (week)', 'Accepted at first review', 'Rejections'],
        m.labelers.map((l) => [
          l.labeler,
          fmt(l.labeled),
          fmt(l.skipped),
          fmt(l.assigned),
          fmt(l.assignedDone),
          dec(l.perHourDay, 1),
          dec(l.perHourWeek, 1),
          l.acceptedFirstReview === null ? 'n/a' : `${(100 * l.acceptedFirstReview).toFixed(0)}%`,
          fmt(l.rejections),
        ]),
        [false, true, true, true, true, true, true, true, true],
      ),
      '',
    );
  } else out.push('No labeler has submitted yet.', '');
  const f = m.finishEstimate;
  out.push(
    f.date
      ? `Estimated finish: ${f.date} (${fmt(f.remaining)} items left at ${dec(f.ratePerDay, 1)} labels/day over the last 7 days).`
      : `Estimated finish: none at the recent rate (${fmt(f.remaining)} items left, no labels in the last 7 days).`,
  );
  return out.join('\n') + '\n';
}

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; a text starting like a formula is prefixed with '. */
export function csvField(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Every figure of the model as rows `section,key,metric,value` (jobs and agreement included). */
export function dashboardCsv(m: DashboardModel): string {
  const rows: (string | number | null)[][] = [['section', 'key', 'metric', 'value']];
  const add = (section: string, key: string, metric: string, value: string | number | null) => rows.push([section, key, metric, value]);
  add('project', m.project.id, 'name', m.project.name);
  add('project', m.project.id, 'now', m.now);
  for (const [k, v] of Object.entries(m.progress)) add('progress', k, 'items', v);
  for (const l of m.labels) {
    add('labels', l.label, 'items', l.items);
    add('labels', l.label, 'objects', l.objects);
  }
  for (const l of m.labelers) {
    add('labelers', l.labeler, 'labeled', l.labeled);
    add('labelers', l.labeler, 'skipped', l.skipped);
    add('labelers', l.labeler, 'assigned', l.assigned);
    add('labelers', l.labeler, 'assignedDone', l.assignedDone);
    add('labelers', l.labeler, 'perHourDay', l.perHourDay);
    add('labelers', l.labeler, 'perHourWeek', l.perHourWeek);
    add('labelers', l.labeler, 'acceptedFirstReview', l.acceptedFirstReview);
    add('labelers', l.labeler, 'rejections', l.rejections);
  }
  const q = m.queue;
  add('queue', '', 'awaitingFirst', q.awaitingFirst);
  add('queue', '', 'awaitingMore', q.awaitingMore);
  for (const a of q.assigned) add('queue', a.labeler, 'assigned', a.items);
  if (q.prelabeled !== undefined) add('queue', '', 'prelabeled', q.prelabeled);
  if (q.clustered !== undefined) add('queue', '', 'clustered', q.clustered);
  const r = m.agreement?.report;
  if (m.agreement && r) {
    add('agreement', '', 'at', m.agreement.at);
    add('agreement', '', 'items', r.items);
    add('agreement', '', 'percentAgreement', r.percentAgreement);
    add('agreement', '', 'krippendorffAlpha', r.krippendorffAlpha);
    add('agreement', '', 'fleissKappa', r.fleissKappa);
    for (const p of r.pairs) {
      const key = `${p.a} / ${p.b}`;
      add('agreement.pair', key, 'items', p.items);
      add('agreement.pair', key, 'percentAgreement', p.percentAgreement);
      add('agreement.pair', key, 'cohenKappa', p.cohenKappa);
      add('agreement.pair', key, 'f1', p.f1);
    }
    for (const [label, lr] of Object.entries(r.byLabel)) {
      add('agreement.label', label, 'krippendorffAlpha', lr.krippendorffAlpha);
      add('agreement.label', label, 'f1', lr.f1);
    }
  }
  for (const t of m.throughput) add('throughput', t.day, 'labels', t.labels);
  add('finish', '', 'ratePerDay', m.finishEstimate.ratePerDay);
  add('finish', '', 'remaining', m.finishEstimate.remaining);
  add('finish', '', 'date', m.finishEstimate.date);
  for (const j of m.jobs) {
    add('jobs', j.id, 'title', j.title);
    add('jobs', j.id, 'kind', j.kind);
    add('jobs', j.id, 'status', j.status);
    if (j.startedAt !== undefined) add('jobs', j.id, 'startedAt', j.startedAt);
    if (j.durationMs !== undefined) add('jobs', j.id, 'durationMs', j.durationMs);
    if (j.items !== undefined) add('jobs', j.id, 'items', j.items);
    if (j.precision !== undefined) add('jobs', j.id, 'precision', j.precision);
    if (j.threshold !== undefined) add('jobs', j.id, 'threshold', j.threshold);
  }
  add('mlAssist', '', 'enabled', String(m.mlAssist.enabled));
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** The default file name of a save: `<project id>-dashboard-<yyyy-mm-dd>.<ext>` (the model's now, so stable). */
export function dashboardFileName(m: DashboardModel, ext: 'csv' | 'json' | 'md'): string {
  const safe = m.project.id.replace(/[^A-Za-z0-9._-]+/g, '-');
  return `${safe}-dashboard-${m.now.slice(0, 10)}.${ext}`;
}
