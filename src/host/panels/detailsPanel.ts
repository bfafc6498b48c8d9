import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import { assignReads } from '../../core/store/assign-reads';
import type { ProjectStore } from '../../core/store/project-store';
import type { ChangeKind } from '../../core/store/change-feed';
import { versionNotes } from '../../core/team/versions';
import { ReadyCommand } from '../../protocol/ipc';
import { DetailsActionCommand, DetailsStateNotification, type DetailsAction, type DetailsAssist, type DetailsAssignment, type DetailsCounts, type DetailsState } from '../../protocol/details';
import { Commands, WebviewTypes } from '../constants';
import type { ProjectEntry, ProjectRegistry } from '../projects/registry';
import { Disposable } from '../util/lifecycle';
import type { AgreementResults } from '../commands/agreementCommand';
import { IpcHost } from './ipcHost';
import { adoptAppPanel, type PanelMemory } from './panelRestore';
import { createAppPanel } from './webviewHtml';

/** Where the details panel gets live counts and journal problems (the project store, when open). */
export interface DetailsSource {
  countsOf(entry: ProjectEntry): Promise<DetailsCounts | undefined>;
  problemsOf(entry: ProjectEntry): string[];
  /** The project's store (StoreManager.get): assigned versus done, and role refusals. */
  get?(entry: ProjectEntry): Promise<ProjectStore>;
  /** A project's change feed (StoreManager.onDidChange). */
  readonly onDidChange: vscode.Event<{ entry: ProjectEntry; kinds: readonly ChangeKind[] }>;
}

/** Where the details panel gets its ML-assist section (the assist service, issue 12). */
export interface DetailsAssistSource {
  /** The project's model, validation, suggestions, live accuracy and jobs; undefined while unknown. */
  assistOf(entry: ProjectEntry): Promise<DetailsAssist | undefined>;
  /** Fires for a project whose assist figures changed (a job's progress fires often: the panel coalesces). */
  readonly onDidChange: vscode.Event<ProjectEntry>;
}

const TEAM_EVERY_MS = 2000;
/** Assist changes (job progress) refresh an open panel at most once per ASSIST_EVERY_MS. */
export const ASSIST_EVERY_MS = 250;

const ACTIONS: Record<DetailsAction, string> = {
  startLabeling: 'labeling.startLabeling',
  editInstructions: Commands.EditInstructions,
  openDefinition: 'labeling.openProjectFile',
  refresh: 'labeling.refreshProject',
  togglePause: 'labeling.togglePause',
  addLabels: 'labeling.addLabels',
  export: 'labeling.exportLabels',
  manageRoles: Commands.ManageRoles,
  assignItems: Commands.AssignItems,
  distributeItems: Commands.DistributeItems,
  computeAgreement: Commands.ComputeAgreement,
  review: 'labeling.reviewLabels',
  startAssistTraining: Commands.StartAssistTraining,
  publishPrelabels: Commands.PublishPrelabels,
  showJobs: Commands.ShowJobs,
  showDashboard: Commands.ShowDashboard,
};

/** "Labeling: Project Details": one panel per project, refreshed from its project's change feed (counts, problems, definition). */
export class DetailsPanels extends Disposable {
  private readonly panels = new Map<string, DetailsPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly registry: ProjectRegistry,
    private readonly logger: Logger,
    private readonly source?: DetailsSource,
    private readonly memory?: PanelMemory,
    private readonly agreement?: AgreementResults,
    private readonly assist?: DetailsAssistSource,
  ) {
    super();
    this._register(registry.onDidChange(() => this.panels.forEach((p) => p.update())));
    if (assist) this._register(assist.onDidChange((entry) => this.panels.get(`${entry.root}::${entry.id}`)?.assistChanged()));
    if (agreement) this._register(agreement.onDidChange((entry) => void this.panels.get(`${entry.root}::${entry.id}`)?.update()));
    if (source) {
      this._register(source.onDidChange(({ entry, kinds }) => {
        if (kinds.includes('stats') || kinds.includes('items') || kinds.includes('problems') || kinds.includes('definition')) void this.panels.get(`${entry.root}::${entry.id}`)?.update();
      }));
    }
  }

  /** `existing`: a panel VS Code restored after a reload, to fill (or close, when the project has one already). */
  show(entry: ProjectEntry, existing?: vscode.WebviewPanel): DetailsPanel {
    const key = `${entry.root}::${entry.id}`;
    let panel = this.panels.get(key);
    if (panel) {
      existing?.dispose();
      panel.panel.reveal();
      return panel;
    }
    panel = new DetailsPanel(this.extensionUri, entry, this.registry, this.logger, this.source, existing, this.memory, this.agreement, this.assist);
    this.panels.set(key, panel);
    panel.panel.onDidDispose(() => this.panels.delete(key));
    return panel;
  }

  /** The open panels (tests read their last state). */
  get all(): DetailsPanel[] {
    return [...this.panels.values()];
  }

  /** The project of the details panel that has focus. */
  activeEntry(): ProjectEntry | undefined {
    return [...this.panels.values()].find((p) => p.panel.active)?.project;
  }

  override dispose(): void {
    this.panels.forEach((p) => p.dispose());
    super.dispose();
  }
}

export class DetailsPanel extends Disposable {
  readonly panel: vscode.WebviewPanel;
  private readonly ipc: IpcHost;
  private ready = false;
  /** Assigned versus done (a scan of the items table, ~0.1 s at 1M items): at most once per TEAM_EVERY_MS. */
  private team: { at: number; seq: number; assignment: DetailsAssignment[] } | undefined;
  private teamTimer: ReturnType<typeof setTimeout> | undefined;
  /** The trailing update of a burst of assist changes. */
  private assistTimer: ReturnType<typeof setTimeout> | undefined;
  /** Counts update() calls: an update overtaken by a later one (job progress fires often) sends nothing. */
  private updates = 0;
  /** The state last sent to the webview. */
  lastState: DetailsState | undefined;

  constructor(
    extensionUri: vscode.Uri,
    private entry: ProjectEntry,
    private readonly registry: ProjectRegistry,
    private readonly logger: Logger,
    private readonly source?: DetailsSource,
    existing?: vscode.WebviewPanel,
    private readonly memory?: PanelMemory,
    private readonly agreement?: AgreementResults,
    private readonly assist?: DetailsAssistSource,
  ) {
    super();
    const app = { title: `Project: ${entry.def?.name ?? entry.id}`, app: 'details', tag: 'lbl-details-app' };
    this.panel = this._register(existing ? adoptAppPanel(existing, extensionUri, app) : createAppPanel(extensionUri, { viewType: WebviewTypes.Details, ...app }));
    this.remember();
    this.ipc = this._register(new IpcHost(this.panel.webview, logger, 'details'));
    this.ipc.onCommand(ReadyCommand, () => {
      this.ready = true;
      void this.update();
    });
    this.ipc.onCommand(DetailsActionCommand, async ({ action }) => {
      // The Review panel is another part's: said plainly when this build has none.
      if (action === 'review' && !(await vscode.commands.getCommands(true)).includes(ACTIONS.review)) {
        void vscode.window.showInformationMessage('The Review panel is not available in this version: review items from the Needs Review and Skipped views.');
        return;
      }
      await vscode.commands.executeCommand(ACTIONS[action], this.entry);
    });
    this._register(this.panel.onDidDispose(() => this.dispose()));
  }

  /** The assignment counts, recomputed when the store changed and TEAM_EVERY_MS passed (else a trailing update is due). */
  private assignmentOf(store: ProjectStore): DetailsAssignment[] {
    const now = Date.now();
    const t = this.team;
    if (t && t.seq !== store.changeSeq && now - t.at < TEAM_EVERY_MS) {
      this.teamTimer ??= setTimeout(() => {
        this.teamTimer = undefined;
        void this.update();
      }, TEAM_EVERY_MS - (now - t.at));
      return t.assignment;
    }
    if (!t || t.seq !== store.changeSeq) this.team = { at: now, seq: store.changeSeq, assignment: assignReads(store).assignedVsDone() };
    return this.team!.assignment;
  }

  /** The project's assist figures changed: one update per ASSIST_EVERY_MS however often it fires (job progress). */
  assistChanged(): void {
    this.assistTimer ??= setTimeout(() => {
      this.assistTimer = undefined;
      if (!this.isDisposed) void this.update();
    }, ASSIST_EVERY_MS);
  }

  override dispose(): void {
    if (this.teamTimer) clearTimeout(this.teamTimer);
    if (this.assistTimer) clearTimeout(this.assistTimer);
    super.dispose();
  }

  get project(): ProjectEntry {
    return this.entry;
  }

  private remember(): void {
    this.memory?.remember(WebviewTypes.Details, this.panel.title, { id: this.entry.id, root: this.entry.root });
  }

  async update(): Promise<void> {
    const fresh = this.registry.find(this.entry.id, this.entry.root);
    if (!fresh?.def) {
      this.panel.dispose(); // project deleted or broken: the Projects view shows why
      return;
    }
    this.entry = fresh;
    this.panel.title = `Project: ${fresh.def!.name}`;
    this.remember();
    if (!this.ready) return;
    const seq = ++this.updates;
    const state: DetailsState = {
      def: fresh.def!,
      location: `.labeling/${fresh.id}`,
      folder: fresh.folder.name,
      problems: this.source?.problemsOf(fresh) ?? [],
    };
    const counts = await this.source?.countsOf(fresh);
    if (counts) state.counts = counts;
    const store = counts ? await this.source?.get?.(fresh).catch(() => undefined) : undefined;
    if (store) Object.assign(state, teamOf(store, state.problems, this.assignmentOf(store)));
    const agreement = this.agreement?.get(fresh);
    if (agreement) state.agreement = agreement;
    const assist = await this.assist?.assistOf(fresh).catch((e: unknown) => {
      this.logger.warn(`Project Details: the ML-assist figures of ${fresh.id} could not be read: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    });
    if (assist) state.assist = assist;
    if (counts && counts.items - counts.missing === 0) {
      const globs = fresh.def!.dataSources.map((d) => d.glob).join(', ');
      state.problems = [
        `The data source ${globs} matched no files, so the project has no items. Fix "dataSources" in .labeling/${fresh.id}/project.json (or add the files), then run Refresh Project Data.`,
        ...state.problems,
      ];
    }
    if (seq !== this.updates) return;
    this.lastState = state;
    await this.ipc.notify(DetailsStateNotification, state);
  }
}

/**
 * Assigned versus done per labeler, the journal events not applied for a missing role (role
 * refusals say "not applied"), taken out of the general problems so each is listed once, and the
 * teammates on a newer or older version of the extension.
 */
export function teamOf(store: ProjectStore, problems: string[], assignment: DetailsAssignment[]): Pick<DetailsState, 'assignment' | 'roleProblems' | 'problems' | 'versions'> {
  const roleProblems = store.problems().filter((p) => !p.newer && p.message.includes('not applied')).map((p) => `${p.file}:${p.line}: ${p.message}`);
  const role = new Set(roleProblems);
  const { newer, older } = versionNotes(store.teamVersions(), store.labeler);
  return { assignment, roleProblems, problems: problems.filter((p) => !role.has(p)), versions: { newer: newer.map((n) => n.message), older } };
}
