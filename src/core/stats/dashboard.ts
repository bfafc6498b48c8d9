/**
 * The dashboard model (protocol/dashboard.ts, issue 13): one function that feeds the dashboard webview and
 * `data-labeling stats --json`. It reads the index's counter tables only (store/dashboard-reads.ts), a few
 * dozen rows whatever the project's size, never a scan of items, events or annotations; every
 * time-relative figure is computed against `now`, so two clones with the same journals give the same model.
 *
 * Definitions (the counters are kept by store/dashboard-counters.ts):
 * - labels submitted: each of a labeler's own submit events (not prelabels, not imports), by its time, in
 *   UTC hour buckets; perHourDay / perHourWeek are those of the 24 / 168 buckets ending with now's hour,
 *   divided by 24 / 168; buckets after now's hour are left out;
 * - acceptedFirstReview: of the items with a label review after the labeler's first submit, the share whose
 *   first such review was an approve; rejections: the items where a reject followed their first submit;
 * - assigned / assignedDone: items assigned to them (open or not) / of those, the ones they labeled or
 *   skipped; queue.assigned: the open items assigned to them;
 * - throughput: labels per UTC day, the last 30 days that have labels up to now's hour, oldest first;
 * - finishEstimate: the rate of the last 7 days (the 168 hour buckets) per day, remaining = unlabeled +
 *   incomplete items, date = the UTC day now + remaining / rate falls on (null when the rate is 0).
 */
import { DASHBOARD_MODEL_VERSION, type DashboardJob, type DashboardModel } from '../../protocol/dashboard';
import type { AgreementReport } from './compute';
import { dashboardReads } from '../store/dashboard-reads';
import { HOUR_MS } from '../store/dashboard-counters';
import { ITEM_FLAGS } from '../store/schema';
import type { StoreReads } from '../store/store-reads';

const DAY_MS = 24 * HOUR_MS;
const DAY_HOURS = 24;
const WEEK_HOURS = 7 * 24;
const THROUGHPUT_DAYS = 30;
/** The largest time a Date holds. */
const MAX_DATE_MS = 8.64e15;

export interface DashboardOptions {
  /** The time the time-relative figures are computed against. */
  now: Date;
  /** The last agreement report computed, with when. */
  agreement?: { at: string; report: AgreementReport };
  /** The job runner's jobs of this project (the host's; none in the CLI). */
  jobs?: DashboardJob[];
}

/** A UTC day as YYYY-MM-DD. */
export const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function dashboardModel(store: StoreReads, opts: DashboardOptions): DashboardModel {
  const nowMs = opts.now.getTime();
  if (!Number.isFinite(nowMs)) throw new RangeError('dashboardModel: now is not a valid time');
  const def = store.def;
  const reads = dashboardReads(store);
  const c = reads.counts();
  const state = (s: string): number => c.states.get(s) ?? 0;
  const items = [...c.states.values()].reduce((a, b) => a + b, 0);
  const progress: DashboardModel['progress'] = {
    items,
    labeled: state('labeled'),
    approved: c.flags.get(ITEM_FLAGS.approved) ?? 0,
    skipped: state('skipped'),
    needsReview: state('needs-review'),
    incomplete: state('incomplete'),
    unlabeled: state('unlabeled'),
    missing: state('missing'),
  };

  // Label sets have no objects: a project without a span, box or polygon final counts each item once.
  const perObject = c.labelObjects.size > 0;
  const known = def.labels.map((l) => l.name);
  const extra = [...new Set([...c.labelItems.keys(), ...c.labelObjects.keys()])].filter((l) => !known.includes(l)).sort(byCodePoint);
  const labels = [...known, ...extra].map((label) => {
    const n = c.labelItems.get(label) ?? 0;
    return { label, items: n, objects: perObject ? (c.labelObjects.get(label) ?? 0) : n };
  });

  const nowHour = Math.floor(nowMs / HOUR_MS);
  const nowDay = Math.floor(nowMs / DAY_MS);
  const hours = new Map(reads.hours(nowHour, DAY_HOURS, WEEK_HOURS, nowDay * DAY_HOURS).map((h) => [h.labeler, h]));
  const names = new Set([...c.labeled.keys(), ...c.skipped.keys(), ...c.reviews.keys(), ...c.assigned.keys(), ...hours.keys()]);
  const labelers = [...names].sort(byCodePoint).map((labeler) => {
    const h = hours.get(labeler);
    const r = c.reviews.get(labeler);
    const a = c.assigned.get(labeler);
    return {
      labeler,
      labeled: c.labeled.get(labeler) ?? 0,
      skipped: c.skipped.get(labeler) ?? 0,
      assigned: a?.n ?? 0,
      assignedDone: a?.done ?? 0,
      perHourDay: (h?.day ?? 0) / DAY_HOURS,
      perHourWeek: (h?.week ?? 0) / WEEK_HOURS,
      acceptedFirstReview: r ? r.acc / r.n : null,
      rejections: r?.rej ?? 0,
    };
  });

  const queue: DashboardModel['queue'] = {
    awaitingFirst: progress.unlabeled,
    awaitingMore: progress.incomplete,
    assigned: [...c.assigned].filter(([, a]) => a.open > 0).sort((x, y) => byCodePoint(x[0], y[0])).map(([labeler, a]) => ({ labeler, items: a.open })),
  };
  if (def.mlAssist?.enabled) queue.prelabeled = c.flags.get(ITEM_FLAGS.prelabeled) ?? 0;

  // Days before now's from cnt_day; now's day from its hour buckets up to now's hour.
  const days = reads.days(nowDay - 1, THROUGHPUT_DAYS).reverse();
  const today = [...hours.values()].reduce((s, h) => s + h.today, 0);
  if (today > 0) days.push({ day: nowDay, n: today });
  const throughput = days.slice(-THROUGHPUT_DAYS).map((d) => ({ day: isoDay(d.day * DAY_MS), labels: d.n }));
  const week = [...hours.values()].reduce((s, h) => s + h.week, 0);
  const ratePerDay = week / 7;
  const remaining = progress.unlabeled + progress.incomplete;
  const finishMs = ratePerDay > 0 ? nowMs + (remaining / ratePerDay) * DAY_MS : NaN;

  const model: DashboardModel = {
    modelVersion: DASHBOARD_MODEL_VERSION,
    project: { id: def.id, name: def.name, type: def.type, status: def.status, consensus: { minLabelers: def.consensus.minLabelers, maxLabelers: def.consensus.maxLabelers } },
    now: new Date(nowMs).toISOString(),
    progress,
    labels,
    labelers,
    queue,
    throughput,
    finishEstimate: { ratePerDay, remaining, date: Math.abs(finishMs) <= MAX_DATE_MS ? isoDay(finishMs) : null },
    jobs: opts.jobs ?? [],
    mlAssist: { enabled: !!def.mlAssist?.enabled },
  };
  if (opts.agreement) model.agreement = opts.agreement;
  return model;
}
