/**
 * How jobs read in the status bar, the job list and a job's log document. Plain TypeScript (no vscode),
 * so it is unit-tested in Node.
 */
import { formatDuration } from '../../core/jobs/duration';
import type { JobInfo, JobStatus } from '../../core/jobs/types';

export { formatDuration };

export const STATUS_ICON: Record<JobStatus, string> = {
  queued: '$(clock)',
  running: '$(sync~spin)',
  succeeded: '$(check)',
  failed: '$(error)',
  cancelled: '$(circle-slash)',
};


/** How long the job has run (or ran); how long it has waited while queued. */
export function jobDuration(job: JobInfo, now: number): string {
  if (job.startedAt === undefined) return job.status === 'queued' ? `waiting ${formatDuration(now - job.queuedAt)}` : 'never started';
  return formatDuration((job.endedAt ?? now) - job.startedAt);
}

/** One job in the job list: status and duration, then what it is doing or why it stopped. */
export function jobDescription(job: JobInfo, now: number): { description: string; detail?: string } {
  const pct = job.status === 'running' && job.progress.fraction !== undefined ? ` · ${Math.round(job.progress.fraction * 100)}%` : '';
  const detail = job.error?.message ?? (job.status === 'running' || job.status === 'queued' ? job.progress.message : undefined);
  return { description: `${job.status} · ${jobDuration(job, now)}${pct}`, ...(detail ? { detail } : {}) };
}

/** The status-bar text for the jobs queued or running (undefined: nothing to show). */
export function statusBarText(active: readonly JobInfo[]): { text: string; tooltip: string } | undefined {
  if (!active.length) return undefined;
  const running = active.filter((j) => j.status === 'running');
  const queued = active.length - running.length;
  const first = running[0] ?? active[0]!;
  const text = active.length === 1 ? `${STATUS_ICON[first.status]} ${first.title}` : `$(sync~spin) ${running.length} job${running.length === 1 ? '' : 's'}${queued ? `, ${queued} queued` : ''}`;
  const tooltip = [...active.map((j) => `${j.title}: ${j.status}${j.progress.message ? ` (${j.progress.message})` : ''}`), 'Click to show the jobs'].join('\n');
  return { text, tooltip };
}

/** A job's log document: a header, then one line per log entry with its UTC time. */
export function formatJobLog(job: JobInfo): string {
  const time = (ms: number) => new Date(ms).toISOString();
  const head = [
    `${job.title}`,
    `status:   ${job.status}`,
    `resource: ${job.resource}`,
    `queued:   ${time(job.queuedAt)}`,
    ...(job.startedAt !== undefined ? [`started:  ${time(job.startedAt)}`] : []),
    ...(job.endedAt !== undefined ? [`ended:    ${time(job.endedAt)}`] : []),
    ...(job.error ? [`error:    ${job.error.message}`] : []),
    '',
  ];
  const dropped = job.logDropped ? [`(${job.logDropped} earlier line${job.logDropped === 1 ? '' : 's'} dropped)`] : [];
  return [...head, ...dropped, ...job.log.map((l) => `${time(l.at)}  ${l.text}`), ''].join('\n');
}
