/** Protocol of the Project Details panel. */
import type { ProjectDef } from '../core/model';
import { command, notification } from './ipc';

export interface DetailsCounts {
  items: number;
  labeled: number;
  skipped: number;
  needsReview: number;
  incomplete: number;
  unlabeled: number;
  missing: number;
}

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
}

export type DetailsAction = 'startLabeling' | 'editInstructions' | 'openDefinition' | 'refresh' | 'togglePause' | 'addLabels' | 'export';

/** host -> webview: full snapshot. */
export const DetailsStateNotification = notification<DetailsState>('details/state');
/** webview -> host: a button was pressed. */
export const DetailsActionCommand = command<{ action: DetailsAction }>('details/action');
