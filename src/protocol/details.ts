/** Protocol of the Project Details panel. */
import type { ItemCounts, ProjectDef } from '../core/model';
import type { AgreementReport } from '../core/stats/compute';
import { command, notification } from './ipc';

export type DetailsCounts = ItemCounts;

export interface DetailsState {
  def: ProjectDef;
  /** Workspace-relative folder of the project, e.g. `.labeling/signs`. */
  location: string;
  /** Workspace folder name. */
  folder: string;
  /** Absent while the index is being built. */
  counts?: DetailsCounts;
  /** Journal lines skipped as corrupt, with file and line. */
  problems: string[];
  /** Per labeler with items assigned: assigned versus done (absent while indexing). */
  assignment?: DetailsAssignment[];
  /** Journal events ignored because their author lacked the role (or a role change refused), with file and line. */
  roleProblems?: string[];
  /**
   * Teammates on another version (core/team/versions.ts): `newer`, those writing with a newer consensus
   * rule or journal version (update this extension); `older`, those whose latest line has an older rule
   * or none (ask them to update). Absent while indexing.
   */
  versions?: { newer: string[]; older: string[] };
  /** The last agreement statistics computed in this window (Compute Agreement Statistics), with when. */
  agreement?: { at: string; report: AgreementReport };
  /** ML assist (issue 12): the model, its validation, its jobs and its live accuracy. Absent while indexing. */
  assist?: DetailsAssist;
}

/** The ML-assist section of Project Details. */
export interface DetailsAssist {
  /** project.json's mlAssist.enabled. */
  enabled: boolean;
  /**
   * 'builtin': the built-in model of the type trains here; 'backend': only a model the team serves
   * (object detection, instance segmentation, or mlAssist.backendUrl set); 'none': neither.
   */
  kind: 'builtin' | 'backend' | 'none';
  /** Why ML assist does not run here, when it does not (e.g. "object detection needs a model of your own: set mlAssist.backendUrl"). */
  unavailable?: string;
  /** Final labels now, and at which count the next automatic training starts. */
  labeled: number;
  nextTrainingAt: number;
  /** The newest validated model (the one prelabels come from), if any. */
  model?: {
    name: string;
    version: number;
    trainedOn: number;
    /** ISO time. */
    createdAt: string;
    /** Held-out items, accuracy (or F1 for NER), threshold (null: none qualified) and the message saying so. */
    validation: { items: number; accuracy: number; threshold: number | null; precisionAtThreshold: number | null; message: string };
  };
  /** Local suggestions of the latest inference (never journaled): how many, and of which model version. */
  suggestions?: { count: number; modelVersion: number; threshold: number | null };
  /** Submits that confirmed a model's suggestion unchanged, of all submits made on one (per model version, newest first). */
  liveAccuracy?: { source: string; confirmed: number; total: number }[];
  /** ML-assist jobs of this project in this window, most recent first. */
  jobs: { id: string; title: string; status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'; message?: string; fraction?: number; error?: string; startedAt?: number; endedAt?: number }[];
  /** The signed-in labeler may publish prelabels (a manager). */
  canPublish: boolean;
}

export interface DetailsAssignment {
  labeler: string;
  assigned: number;
  labeled: number;
  skipped: number;
  /** Still in the queue and not done by them. */
  waiting: number;
}

export type DetailsAction =
  | 'startLabeling'
  | 'editInstructions'
  | 'openDefinition'
  | 'refresh'
  | 'togglePause'
  | 'addLabels'
  | 'export'
  | 'manageRoles'
  | 'assignItems'
  | 'distributeItems'
  | 'review'
  | 'computeAgreement'
  | 'startAssistTraining'
  | 'publishPrelabels'
  | 'showJobs'
  | 'showDashboard';

/** host -> webview: full snapshot. */
export const DetailsStateNotification = notification<DetailsState>('details/state');
/** webview -> host: a button was pressed. */
export const DetailsActionCommand = command<{ action: DetailsAction }>('details/action');
