/**
 * The dashboard's reads (stats/dashboard.ts): the counter tables only (schema.ts; dashboard-counters.ts
 * keeps the dashboard's own), each a few dozen rows at most whatever the project's size: no scan of
 * items, ev or done.
 */
import type { IndexDb } from './index-db';
import type { StoreReads } from './store-reads';

export interface DashboardCounts {
  /** Items per state (cnt_state). */
  states: Map<string, number>;
  /** Items per ITEM_FLAGS bit (cnt_flag). */
  flags: Map<number, number>;
  /** Items whose final uses the label (cnt_label), and objects of finals that are not label sets (cnt_obj). */
  labelItems: Map<string, number>;
  labelObjects: Map<string, number>;
  /** Per labeler: items labeled (cnt_labeler), skipped (cnt_skip). */
  labeled: Map<string, number>;
  skipped: Map<string, number>;
  /** Per labeler: items with a review after their first submit, approved at that first review, rejected. */
  reviews: Map<string, { n: number; acc: number; rej: number }>;
  /** Per assignee: items assigned, of them done by them, open. */
  assigned: Map<string, { n: number; done: number; open: number }>;
}

export interface HourSums {
  labeler: string;
  /** Labels in the hour buckets (to - weekHours, to], in the last `dayHours` of them, and in those from `today` on. */
  week: number;
  day: number;
  today: number;
}

const pairs = (idx: IndexDb, sql: string): Map<string, number> => new Map(idx.all<{ k: string; n: number }>(sql, []).map((r) => [r.k, r.n]));

export class DashboardReads {
  constructor(private readonly idx: () => IndexDb) {}

  counts(): DashboardCounts {
    const idx = this.idx();
    const states = pairs(idx, 'SELECT state AS k, n FROM cnt_state WHERE n > 0');
    const flags = new Map(idx.all<{ flag: number; n: number }>('SELECT flag, n FROM cnt_flag WHERE n > 0', []).map((r) => [r.flag, r.n]));
    const reviews = new Map(
      idx.all<{ labeler: string; n: number; acc: number; rej: number }>('SELECT labeler, n, acc, rej FROM cnt_review WHERE n > 0', []).map((r) => [r.labeler, { n: r.n, acc: r.acc, rej: r.rej }]),
    );
    const assigned = new Map(
      idx.all<{ labeler: string; n: number; done: number; open: number }>('SELECT labeler, n, done, open FROM cnt_assign WHERE n > 0', []).map((r) => [r.labeler, { n: r.n, done: r.done, open: r.open }]),
    );
    return {
      states,
      flags,
      labelItems: pairs(idx, 'SELECT label AS k, n FROM cnt_label WHERE n > 0'),
      labelObjects: pairs(idx, 'SELECT label AS k, n FROM cnt_obj WHERE n > 0'),
      labeled: pairs(idx, 'SELECT labeler AS k, n FROM cnt_labeler WHERE n > 0'),
      skipped: pairs(idx, 'SELECT labeler AS k, n FROM cnt_skip WHERE n > 0'),
      reviews,
      assigned,
    };
  }

  /** Per labeler: labels submitted in the hour buckets (to - weekHours, to], in (to - dayHours, to] and in [today, to] (today > to - weekHours). */
  hours(to: number, dayHours: number, weekHours: number, today: number): HourSums[] {
    return this.idx().all<HourSums>(
      `SELECT labeler, SUM(CASE WHEN hour > ? THEN n ELSE 0 END) AS day, SUM(n) AS week, SUM(CASE WHEN hour >= ? THEN n ELSE 0 END) AS today
       FROM cnt_hour WHERE hour > ? AND hour <= ? GROUP BY labeler HAVING SUM(n) > 0 ORDER BY labeler`,
      [to - dayHours, today, to - weekHours, to],
    );
  }

  /** The last `limit` UTC days up to `to` (a day number: floor(ms / 86.4e6)) with labels, newest first. */
  days(to: number, limit: number): { day: number; n: number }[] {
    return this.idx().all<{ day: number; n: number }>('SELECT day, n FROM cnt_day WHERE day <= ? AND n > 0 ORDER BY day DESC LIMIT ?', [to, limit]);
  }
}

/** The dashboard reads of a store, through its protected `live()` (as assignReads does): a closed store refuses. */
export function dashboardReads(store: StoreReads): DashboardReads {
  const s = store as unknown as { live(): { index: IndexDb } };
  return new DashboardReads(() => s.live().index);
}
