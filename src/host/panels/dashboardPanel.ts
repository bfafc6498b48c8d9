/**
 * "Labeling: Show Dashboard" (issue 13): one panel per project drawing the DashboardModel. The first
 * model is embedded in the page (first paint needs no round trip); after that the panel follows the
 * source's change events (the project's change feed, its jobs, agreement and ML-assist figures),
 * recomputing and posting at most once per UPDATE_EVERY_MS however often they fire. A hidden panel's
 * page is rebuilt with the latest model instead (VS Code reloads it from its html when shown again).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import { setJsonValue } from '../../core/project/json-edit';
import { projectFile } from '../../core/project/paths';
import { dashboardCsv, dashboardFileName, dashboardMarkdown } from '../../core/stats/dashboard-text';
import { DashboardActionCommand, DashboardModelNotification, type DashboardModel } from '../../protocol/dashboard';
import type { ReviewFilter } from '../../protocol/review';
import { ReadyCommand } from '../../protocol/ipc';
import { Commands, WebviewTypes } from '../constants';
import type { ProjectEntry, ProjectRegistry } from '../projects/registry';
import { Disposable } from '../util/lifecycle';
import { IpcHost } from './ipcHost';
import type { PanelMemory } from './panelRestore';
import { webviewHtml, webviewOptions } from './webviewHtml';

/** A burst of changes reaches an open dashboard at most once per UPDATE_EVERY_MS (~4 per second). */
export const UPDATE_EVERY_MS = 250;
/** How long Show Dashboard waits for the first model to embed before opening the panel without one. */
const FIRST_MODEL_WAIT_MS = 1500;

const APP = { app: 'dashboard', tag: 'lbl-dashboard-app' };
export const dashboardTitle = (name: string) => `Dashboard: ${name}`;

/** What the dashboard panels read: a project's model (undefined while its index opens or when it is broken) and when it may have changed (StoreDashboardSource). */
export interface DashboardSource {
  modelOf(entry: ProjectEntry): Promise<DashboardModel | undefined>;
  readonly onDidChange: vscode.Event<ProjectEntry>;
}

/** What the panel's buttons need besides the source. */
export interface DashboardDeps {
  registry: ProjectRegistry;
  source: DashboardSource;
  logger: Logger;
  /** Opens a job's log (HostJobs.showLog). */
  showLog(jobId: string): Promise<void>;
  memory?: PanelMemory;
}

export class DashboardPanels extends Disposable {
  private readonly panels = new Map<string, DashboardPanel>();

  constructor(private readonly extensionUri: vscode.Uri, private readonly deps: DashboardDeps) {
    super();
    this._register(deps.source.onDidChange((entry) => this.panels.get(keyOf(entry))?.changed()));
    this._register(deps.registry.onDidChange(() => this.panels.forEach((p) => p.changed())));
  }

  /** Opens the project's dashboard, or reveals it when open. `existing`: a panel VS Code restored after Reload Window, to fill. */
  async show(entry: ProjectEntry, existing?: vscode.WebviewPanel): Promise<DashboardPanel> {
    const key = keyOf(entry);
    const open = this.panels.get(key);
    if (open) {
      existing?.dispose();
      open.panel.reveal();
      return open;
    }
    // The first model goes into the page; a project whose index is still being built opens at once, on "Loading", and gets it when ready.
    let waited: ReturnType<typeof setTimeout> | undefined;
    const first = await Promise.race([
      this.deps.source.modelOf(entry),
      new Promise<undefined>((r) => (waited = setTimeout(() => r(undefined), FIRST_MODEL_WAIT_MS))),
    ]).finally(() => clearTimeout(waited));
    const again = this.panels.get(key); // opened by another call meanwhile
    if (again) {
      existing?.dispose();
      again.panel.reveal();
      return again;
    }
    const p = new DashboardPanel(this.extensionUri, entry, this.deps, first, existing);
    this.panels.set(key, p);
    p.panel.onDidDispose(() => this.panels.delete(key));
    return p;
  }

  get(entry: ProjectEntry): DashboardPanel | undefined {
    return this.panels.get(keyOf(entry));
  }

  /** The open dashboards (tests read their last model). */
  get all(): DashboardPanel[] {
    return [...this.panels.values()];
  }

  override dispose(): void {
    this.panels.forEach((p) => p.dispose());
    super.dispose();
  }
}

const keyOf = (e: ProjectEntry) => `${e.root}::${e.id}`;
/** What makes two models look the same on screen: everything but the time they were computed at. */
const sameness = (m: DashboardModel) => JSON.stringify({ ...m, now: '' });

export class DashboardPanel extends Disposable {
  readonly panel: vscode.WebviewPanel;
  private readonly ipc: IpcHost;
  private ready = false;
  /** The model the page has (embedded or posted), and the last one computed. */
  private shown: string | undefined;
  /** The last model computed (tests read it). */
  lastModel: DashboardModel | undefined;
  /** Models posted to the webview since it opened, and models computed (tests count them). */
  posted = 0;
  computed = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastRun = 0;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private entry: ProjectEntry,
    private readonly deps: DashboardDeps,
    first: DashboardModel | undefined,
    existing?: vscode.WebviewPanel,
  ) {
    super();
    const title = dashboardTitle(entry.def?.name ?? entry.id);
    this.panel = this._register(existing ?? vscode.window.createWebviewPanel(WebviewTypes.Dashboard, title, vscode.ViewColumn.Active, webviewOptions(extensionUri)));
    if (existing) this.panel.webview.options = webviewOptions(extensionUri);
    this.panel.title = title;
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'labeling.svg');
    this.lastModel = first;
    this.setPage(first);
    this.remember();
    this.ipc = this._register(new IpcHost(this.panel.webview, deps.logger, 'dashboard'));
    this.ipc.onCommand(ReadyCommand, () => {
      this.ready = true;
      // The page may hold an older model than the last computed (it was built while hidden, or a change came meanwhile).
      void this.post();
      this.changed();
    });
    this.ipc.onCommand(DashboardActionCommand, (p) => this.act(p));
    this._register(this.panel.onDidChangeViewState(() => {
      if (this.panel.visible) this.changed();
    }));
    this._register(this.panel.onDidDispose(() => this.dispose()));
  }

  get project(): ProjectEntry {
    return this.entry;
  }

  /** The page said ready since its html was last set (tests wait for it). */
  get isReady(): boolean {
    return this.ready;
  }

  private setPage(model: DashboardModel | undefined): void {
    this.ready = false;
    this.shown = model ? sameness(model) : undefined;
    this.panel.webview.html = webviewHtml(this.panel.webview, this.extensionUri, APP.app, APP.tag, this.panel.title, model);
  }

  private remember(): void {
    this.deps.memory?.remember(WebviewTypes.Dashboard, this.panel.title, { id: this.entry.id, root: this.entry.root });
  }

  /** Something the model reads may have changed: recompute now, or when UPDATE_EVERY_MS has passed since the last run. */
  changed(): void {
    if (this.isDisposed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) return;
    const wait = Math.max(0, this.lastRun + UPDATE_EVERY_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.update().finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.changed();
        }
      });
    }, wait);
  }

  private async update(): Promise<void> {
    this.lastRun = Date.now();
    const fresh = this.deps.registry.find(this.entry.id, this.entry.root);
    if (!fresh?.def) {
      this.panel.dispose(); // the project is gone or broken: the Projects view says why
      return;
    }
    this.entry = fresh;
    const title = dashboardTitle(fresh.def.name);
    if (this.panel.title !== title) {
      this.panel.title = title;
      this.remember();
    }
    let model: DashboardModel | undefined;
    this.computed++;
    try {
      model = await this.deps.source.modelOf(fresh);
    } catch (e) {
      this.deps.logger.warn(`Dashboard of ${fresh.id}: the model could not be computed: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (!model || this.isDisposed) return;
    this.lastModel = model;
    await this.post();
  }

  /** Sends the last model to the page when it has another; a hidden page is rebuilt with it instead. */
  private async post(): Promise<void> {
    const m = this.lastModel;
    if (!m) return;
    const text = sameness(m);
    if (text === this.shown) return;
    if (!this.panel.visible) {
      this.setPage(m);
      return;
    }
    if (!this.ready) return; // the ready command posts it
    this.shown = text;
    this.posted++;
    await this.ipc.notify(DashboardModelNotification, m);
  }

  override dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    super.dispose();
  }

  /** The model of an export: computed now, so it holds what the panel shows or newer. */
  private async currentModel(): Promise<DashboardModel> {
    const m = (await this.deps.source.modelOf(this.entry)) ?? this.lastModel;
    if (!m) throw new Error(`The dashboard of ${this.entry.id} has no figures yet: its index is still being built.`);
    return m;
  }

  async act(p: { action: string; jobId?: string; filter?: { label?: string; labelers?: [string, string] } }): Promise<void> {
    switch (p.action) {
      case 'openJobLog':
        if (p.jobId) await this.deps.showLog(p.jobId);
        return;
      case 'computeAgreement':
        await vscode.commands.executeCommand(Commands.ComputeAgreement, this.entry);
        return;
      case 'reviewItems':
        return this.reviewItems(p.filter);
      case 'enableMlAssist':
        return this.enableMlAssist();
      case 'copyMarkdown': {
        await vscode.env.clipboard.writeText(dashboardMarkdown(await this.currentModel()));
        vscode.window.setStatusBarMessage('Dashboard copied as Markdown.', 4000);
        return;
      }
      case 'saveCsv':
      case 'saveJson':
        return this.save(p.action === 'saveCsv' ? 'csv' : 'json');
      default:
        this.deps.logger.warn(`dashboard: unknown action ${p.action}`);
    }
  }

  /**
   * The Review panel on the items that lower the agreement: the items whose final label is the label and
   * whose labelers did not all agree, or the items both labelers of the pair labeled differently.
   */
  private async reviewItems(filter: { label?: string; labelers?: [string, string] } | undefined): Promise<void> {
    const review: ReviewFilter | undefined = filter?.label
      ? { label: filter.label, agreementBelow: 1 }
      : filter?.labelers
        ? { labeler: filter.labelers[0], disagreeWith: filter.labelers[1] }
        : undefined;
    await vscode.commands.executeCommand(Commands.ReviewLabels, this.entry, undefined, review);
  }

  /** Save as CSV / JSON: a save dialog (its own overwrite confirmation), the workspace folder and a dated name by default. */
  private async save(ext: 'csv' | 'json'): Promise<void> {
    const model = await this.currentModel();
    const target = await vscode.window.showSaveDialog({
      title: `Save the dashboard of ${model.project.name} as ${ext.toUpperCase()}`,
      defaultUri: vscode.Uri.joinPath(this.entry.folder.uri, dashboardFileName(model, ext)),
      filters: ext === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
      saveLabel: 'Save',
    });
    if (!target) return;
    const text = ext === 'csv' ? dashboardCsv(model) : JSON.stringify(model, null, 2) + '\n';
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
    vscode.window.setStatusBarMessage(`Dashboard saved to ${vscode.workspace.asRelativePath(target)}.`, 4000);
  }

  /** Sets mlAssist.enabled in project.json through a WorkspaceEdit, the rest of the file as it was; saved unless it had unsaved changes. */
  private async enableMlAssist(): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('ML assist cannot be turned on in an untrusted workspace: trust the workspace first.');
      return;
    }
    const uri = vscode.Uri.file(projectFile(this.entry.root, this.entry.id));
    const doc = await vscode.workspace.openTextDocument(uri);
    const wasDirty = doc.isDirty;
    const rel = path.posix.join('.labeling', this.entry.id, 'project.json');
    const edit = setJsonValue(doc.getText(), ['mlAssist', 'enabled'], true, rel);
    if (!edit) return; // already on (the model follows the definition change)
    const we = new vscode.WorkspaceEdit();
    we.replace(uri, new vscode.Range(doc.positionAt(edit.offset), doc.positionAt(edit.offset + edit.length)), edit.text);
    if (!(await vscode.workspace.applyEdit(we))) throw new Error(`${rel} could not be edited: is it read-only?`);
    if (wasDirty) {
      void vscode.window.showInformationMessage(`ML assist turned on in ${rel}, which had unsaved changes: save it to apply.`);
      return;
    }
    await doc.save();
  }
}
