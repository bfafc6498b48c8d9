/**
 * The dashboard model (issue 13): one plain object computed in core (src/core/stats/dashboard.ts) from the
 * index's counter tables, printed by `data-labeling stats --json` and drawn by the dashboard webview. Every
 * time-relative figure is computed against `now` (the CLI's --now), so two clones with the same journals
 * print the same model.
 */
import type { AgreementReport } from '../core/stats/compute';
import type { ProjectType } from '../core/model';
import { command, notification } from './ipc';

export const DASHBOARD_MODEL_VERSION = 1;

export interface DashboardModel {
  modelVersion: typeof DASHBOARD_MODEL_VERSION;
  project: { id: string; name: string; type: ProjectType; status: 'running' | 'paused'; consensus: { minLabelers: number; maxLabelers: number } };
  /** ISO time the time-relative figures are computed against. */
  now: string;
  progress: {
    items: number;
    labeled: number;
    /** Of the labeled: approved by a reviewer. */
    approved: number;
    skipped: number;
    needsReview: number;
    /** Fewer labelers than the consensus needs. */
    incomplete: number;
    unlabeled: number;
    missing: number;
  };
  /** Final labels per label: items carrying it and, for spans and shapes, objects (multi-label totals can exceed the items). */
  labels: { label: string; items: number; objects: number }[];
  labelers: {
    labeler: string;
    /** Items whose current label is theirs. */
    labeled: number;
    skipped: number;
    assigned: number;
    /** Of the assigned, done by them. */
    assignedDone: number;
    /** Labels submitted in the hour buckets of the last 24 h and 7 days, divided by the hours. */
    perHourDay: number;
    perHourWeek: number;
    /** Of their items reviewed, the share approved at the first review (null: none reviewed). */
    acceptedFirstReview: number | null;
    rejections: number;
  }[];
  queue: {
    /** Unlabeled items nobody labeled yet. */
    awaitingFirst: number;
    /** Items with some but fewer labels than the consensus needs. */
    awaitingMore: number;
    /** Open items assigned, per labeler. */
    assigned: { labeler: string; items: number }[];
    /** ML assist on: queue items holding a prelabel, and in the clustered order. */
    prelabeled?: number;
    clustered?: number;
  };
  /** The last agreement report computed (Compute Agreement Statistics), with when; absent until one was. */
  agreement?: { at: string; report: AgreementReport };
  /** Labels per day (UTC days, oldest first, the last 30 days with labels or the project's whole life if shorter). */
  throughput: { day: string; labels: number }[];
  /** At the recent rate (the last 7 days), when the unlabeled and incomplete items would be done; null when the rate is 0. */
  finishEstimate: { ratePerDay: number; remaining: number; date: string | null };
  /** The job runner's jobs of this project (host only; the CLI has none). */
  jobs: DashboardJob[];
  mlAssist: { enabled: boolean };
}

export interface DashboardJob {
  id: string;
  title: string;
  kind: 'training' | 'validation' | 'inference' | 'featurization' | 'export' | 'import' | 'agreement' | 'refresh' | 'other';
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  startedAt?: string;
  durationMs?: number;
  items?: number;
  /** ML jobs: the validated precision and the confidence threshold. */
  precision?: number | null;
  threshold?: number | null;
  error?: string;
}

/** host -> webview: the model, whenever it changed (coalesced). */
export const DashboardModelNotification = notification<DashboardModel>('dashboard/model');
export type DashboardAction = 'openJobLog' | 'enableMlAssist' | 'copyMarkdown' | 'saveCsv' | 'saveJson' | 'reviewItems' | 'computeAgreement';
/** webview -> host: a button. `jobId` for openJobLog; `filter` for reviewItems (e.g. a label or a labeler pair). */
export const DashboardActionCommand = command<{ action: DashboardAction; jobId?: string; filter?: { label?: string; labelers?: [string, string] } }>('dashboard/action');
