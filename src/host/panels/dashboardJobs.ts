/** The runner's jobs as the dashboard lists them (pure: unit-tested without VS Code). */
import type { JobInfo } from '../../core/jobs/types';
import type { DashboardJob } from '../../protocol/dashboard';

/** The kind of a job, from the titles the host's jobs are given (exportCommand, importCommand, assistService, ...). */
export function jobKindOf(title: string): DashboardJob['kind'] {
  // By the verb the title starts with: a project's name (after "of") may contain any of these words.
  if (/^Validate\b/i.test(title)) return 'validation';
  if (/^Train\b/i.test(title)) return 'training';
  if (/featur/i.test(title)) return 'featurization';
  if (/^Prelabel/i.test(title) || /inference|predict/i.test(title)) return 'inference';
  if (/^Export/i.test(title)) return 'export';
  if (/^(Import|Reading)/i.test(title)) return 'import';
  if (/agreement/i.test(title)) return 'agreement';
  if (/^(Refresh|Rebuild)/i.test(title)) return 'refresh';
  return 'other';
}

/** A runner job as the dashboard shows it; `now` for the duration of a job still running. */
export function dashboardJobOf(j: JobInfo, now: number): DashboardJob {
  const out: DashboardJob = { id: j.id, title: j.title, kind: jobKindOf(j.title), status: j.status };
  if (j.startedAt !== undefined) {
    out.startedAt = new Date(j.startedAt).toISOString();
    out.durationMs = Math.max(0, (j.endedAt ?? now) - j.startedAt);
  }
  if (j.error && j.status === 'failed') out.error = j.error.message;
  return out;
}
