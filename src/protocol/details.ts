/** Protocol of the Project Details panel. */
import type { ItemCounts, ProjectDef } from '../core/model';
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
}

export type DetailsAction = 'startLabeling' | 'editInstructions' | 'openDefinition' | 'refresh' | 'togglePause' | 'addLabels' | 'export';

/** host -> webview: full snapshot. */
export const DetailsStateNotification = notification<DetailsState>('details/state');
/** webview -> host: a button was pressed. */
export const DetailsActionCommand = command<{ action: DetailsAction }>('details/action');
