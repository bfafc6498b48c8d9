/** data-labeling stats <workspace> <id> [--json] [--now <iso time>] */
import * as path from 'node:path';
import { LabelingError } from '../../core/errors';
import { defaultDevice, defaultLabeler } from '../../core/project/identity';
import { dashboardModel } from '../../core/stats/dashboard';
import { assignReads } from '../../core/store/assign-reads';
import { ProjectStore } from '../../core/store/project-store';
import { reviewReadsOf } from '../../core/store/review-reads';
import { parseCommandArgs, requirePositional, storeFiles, type CliCommand } from '../io';

const usage = 'data-labeling stats <workspace> <id> [--json] [--now <iso time>]';

/** --now: an ISO time (the time-relative figures of the dashboard model are computed against it), else now. */
export function parseNow(v: string | undefined): Date {
  if (v === undefined) return new Date();
  const d = new Date(v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || !Number.isFinite(d.getTime())) {
    throw new LabelingError('invalid-input', `--now: "${v}" is not an ISO time (e.g. 2026-12-01T12:00:00Z)`, { field: '--now' });
  }
  return d;
}

/**
 * What `stats --json` adds: items approved and rejected (their last label review), in a review conflict,
 * with a prelabel, and assigned per labeler. The Review panel's counts and the assignment reads answer
 * them (approved, rejected and prelabeled scan the ev table; assigned scans items: see README, Performance).
 */
export function reviewStats(store: ProjectStore): { approved: number; rejected: number; reviewConflicts: number; prelabeled: number; byLabelerAssigned: Record<string, number> } {
  const { assets } = reviewReadsOf(store).counts.counts();
  const byLabelerAssigned = Object.fromEntries(assignReads(store).assignedVsDone().map((c) => [c.labeler, c.assigned]));
  return { approved: assets.approved, rejected: assets.rejected, reviewConflicts: assets.conflicts, prelabeled: assets.prelabeled, byLabelerAssigned };
}

export const statsCommand: CliCommand = {
  name: 'stats',
  summary: 'print item counts by state, label and labeler; --json: the dashboard model',
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' }, now: { type: 'string' } });
    const root = path.resolve(requirePositional(positionals, 0, 'workspace', usage));
    const id = requirePositional(positionals, 1, 'id', usage);
    const now = parseNow(values.now as string | undefined);
    const store = await ProjectStore.open({ root, id, labeler: defaultLabeler(root), device: defaultDevice(), ...storeFiles() });
    try {
      const s = store.stats();
      if (values.json) {
        // The dashboard model (protocol/dashboard.ts; its `project` is an object holding the id), then the
        // counts this command printed before it (items, labeled, ..., byLabel, byLabeler, review, approved,
        // rejected, reviewConflicts, prelabeled, byLabelerAssigned), kept for scripts that read them.
        io.out(JSON.stringify({ ...dashboardModel(store, { now }), ...s, ...reviewStats(store) }, null, 2));
        return 0;
      }
      const pct = (n: number): string => (s.items ? `${((100 * n) / s.items).toFixed(1)}%` : '-');
      io.out(`${store.def.name} (${store.def.type}, ${store.def.status})`);
      io.out(`  items        ${s.items}`);
      for (const [name, n] of [['labeled', s.labeled], ['incomplete', s.incomplete], ['needs review', s.needsReview], ['skipped', s.skipped], ['unlabeled', s.unlabeled], ['missing', s.missing]] as const) {
        io.out(`  ${name.padEnd(12)} ${String(n).padStart(String(s.items).length)}  ${pct(n)}`);
      }
      io.out('  by label:');
      for (const [l, n] of Object.entries(s.byLabel)) io.out(`    ${l}: ${n}`);
      io.out('  by labeler:');
      for (const [l, n] of Object.entries(s.byLabeler)) io.out(`    ${l}: ${n}`);
      const problems = store.problems();
      if (problems.length) io.err(`${problems.length} journal line(s) not applied (corrupt, or naming an unknown label): run "data-labeling validate ${positionals[0]} ${id}"`);
      return 0;
    } finally {
      await store.close();
    }
  },
};
