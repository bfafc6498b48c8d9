/**
 * What the ML-assist jobs (pipeline.ts, validate-job.ts) share: their run options (the workspace, the
 * worker, cancel, progress and the log lines the host shows), and how their log lines count and time.
 */
import { performance } from 'node:perf_hooks';

export interface AssistRunOptions {
  /** The workspace folder (where `.labeling/` is). */
  root: string;
  /** The bundled worker (dist/worker.js): the CPU work runs there. Absent: in this thread. */
  workerFile?: string;
  signal?: AbortSignal;
  onProgress?: (fraction: number, message: string) => void;
  /** One line per step, for the output channel and the job's log. */
  log?: (line: string) => void;
}

/** How many names a log line gives before it only counts the rest. */
export const LOG_NAMED = 5;

/** "a, b, c (and 12 more)": the first LOG_NAMED of a list. */
export function named(list: readonly string[]): string {
  const head = list.slice(0, LOG_NAMED).join('; ');
  return list.length > LOG_NAMED ? `${head}; and ${n(list.length - LOG_NAMED)} more` : head;
}

export const ms = (since: number): string => `${Math.round(performance.now() - since).toLocaleString('en')} ms`;
export const n = (x: number): string => x.toLocaleString('en');

/** A progress callback for the share [from, to] of the whole. */
export function phase(onProgress: AssistRunOptions['onProgress'], from: number, to: number): ((f: number, m?: string) => void) | undefined {
  return onProgress && ((f, m) => onProgress(from + Math.min(1, Math.max(0, f)) * (to - from), m ?? ''));
}
