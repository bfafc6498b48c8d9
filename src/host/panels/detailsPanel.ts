import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import { ReadyCommand } from '../../protocol/ipc';
import { DetailsActionCommand, DetailsStateNotification, type DetailsAction, type DetailsCounts, type DetailsState } from '../../protocol/details';
import { Commands, WebviewTypes } from '../constants';
import type { ProjectEntry, ProjectRegistry } from '../projects/registry';
import { Disposable } from '../util/lifecycle';
import { IpcHost } from './ipcHost';
import { createAppPanel } from './webviewHtml';

/** Where the details panel gets live counts and journal problems (the project store, when open). */
export interface DetailsSource {
  countsOf(entry: ProjectEntry): Promise<DetailsCounts | undefined>;
  problemsOf(entry: ProjectEntry): string[];
  readonly onDidChangeProject: vscode.Event<ProjectEntry | undefined>;
}

const ACTIONS: Record<DetailsAction, string> = {
  startLabeling: 'labeling.startLabeling',
  editInstructions: Commands.EditInstructions,
  openDefinition: 'labeling.openProjectFile',
  refresh: 'labeling.refreshProject',
  togglePause: 'labeling.togglePause',
  addLabels: 'labeling.addLabels',
  export: 'labeling.exportLabels',
};

/** "Labeling: Project Details": one panel per project, refreshed when the project changes. */
export class DetailsPanels extends Disposable {
  private readonly panels = new Map<string, DetailsPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly registry: ProjectRegistry,
    private readonly logger: Logger,
    private readonly source?: DetailsSource,
  ) {
    super();
    this._register(registry.onDidChange(() => this.panels.forEach((p) => p.update())));
    if (source) this._register(source.onDidChangeProject(() => this.panels.forEach((p) => p.update())));
  }

  show(entry: ProjectEntry): DetailsPanel {
    const key = `${entry.root}::${entry.id}`;
    let panel = this.panels.get(key);
    if (panel) {
      panel.panel.reveal();
      return panel;
    }
    panel = new DetailsPanel(this.extensionUri, entry, this.registry, this.logger, this.source);
    this.panels.set(key, panel);
    panel.panel.onDidDispose(() => this.panels.delete(key));
    return panel;
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

  constructor(
    extensionUri: vscode.Uri,
    private entry: ProjectEntry,
    private readonly registry: ProjectRegistry,
    logger: Logger,
    private readonly source?: DetailsSource,
  ) {
    super();
    const title = `Project: ${entry.def?.name ?? entry.id}`;
    this.panel = this._register(createAppPanel(extensionUri, { viewType: WebviewTypes.Details, title, app: 'details', tag: 'lbl-details-app' }));
    this.ipc = this._register(new IpcHost(this.panel.webview, logger, 'details'));
    this.ipc.onCommand(ReadyCommand, () => {
      this.ready = true;
      void this.update();
    });
    this.ipc.onCommand(DetailsActionCommand, ({ action }) => vscode.commands.executeCommand(ACTIONS[action], this.entry));
    this._register(this.panel.onDidDispose(() => this.dispose()));
  }

  async update(): Promise<void> {
    const fresh = this.registry.find(this.entry.id, this.entry.root);
    if (!fresh?.def) {
      this.panel.dispose(); // project deleted or broken: the Projects view shows why
      return;
    }
    this.entry = fresh;
    this.panel.title = `Project: ${fresh.def!.name}`;
    if (!this.ready) return;
    const state: DetailsState = {
      def: fresh.def!,
      location: `.labeling/${fresh.id}`,
      folder: fresh.folder.name,
      problems: this.source?.problemsOf(fresh) ?? [],
    };
    const counts = await this.source?.countsOf(fresh);
    if (counts) state.counts = counts;
    await this.ipc.notify(DetailsStateNotification, state);
  }
}
