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
  | 'computeAgreement';

/** host -> webview: full snapshot. */
export const DetailsStateNotification = notification<DetailsState>('details/state');
/** webview -> host: a button was pressed. */
export const DetailsActionCommand = command<{ action: DetailsAction }>('details/action');
