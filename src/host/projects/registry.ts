import * as vscode from 'vscode';
import type { LabelingError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { ProjectDef } from '../../core/model';
import { listProjects } from '../../core/project/load';
import { ContextKeys } from '../constants';
import { Disposable } from '../util/lifecycle';

/** A project found in a workspace folder: either a valid definition or the error that broke it. */
export interface ProjectEntry {
  id: string;
  /** Absolute path of the workspace folder that holds `.labeling/<id>`. */
  root: string;
  folder: vscode.WorkspaceFolder;
  /**
   * The effective definition: project.json plus the project-wide journal events (pause/resume, labels
   * added, roles) once the project's index is open (setEffective); project.json alone before.
   */
  def?: ProjectDef;
  /** project.json as read (the base of `def`). */
  base?: ProjectDef;
  error?: LabelingError;
}

const entryKey = (root: string, id: string): string => `${root}\u0000${id}`;

/**
 * Knows every labeling project in the open workspace folders and tells listeners when the set or a
 * definition changes (project.json created, edited by hand, deleted).
 */
export class ProjectRegistry extends Disposable {
  private entries: ProjectEntry[] = [];
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private loading: Promise<void> | undefined;
  private again = false;
  private readonly contextSources: { current: () => ProjectEntry | undefined; stamp: number }[] = [];
  private contextClock = 0;
  /** Effective definitions reported by open indexes, with the project.json text each was computed from. */
  private readonly effective = new Map<string, { def: ProjectDef; baseJson: string }>();

  constructor(private readonly logger: Logger) {
    super();
    const watcher = this._register(vscode.workspace.createFileSystemWatcher('**/.labeling/*/project.json'));
    const reload = () => void this.reload();
    this._register(watcher.onDidCreate(reload));
    this._register(watcher.onDidChange(reload));
    this._register(watcher.onDidDelete(reload));
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(reload));
  }

  get projects(): readonly ProjectEntry[] {
    return this.entries;
  }

  find(id: string, root?: string): ProjectEntry | undefined {
    return this.entries.find((e) => e.id === id && (root === undefined || e.root === root));
  }

  /**
   * Adds a place that can say which project the user is working in (a focused panel, a view's selection);
   * `onDidChange` fires when the user moves there (a tab activated, a row selected).
   */
  addContextSource(current: () => ProjectEntry | undefined, onDidChange: vscode.Event<unknown>): vscode.Disposable {
    const source = { current, stamp: 0 };
    this.contextSources.push(source);
    const sub = onDidChange(() => (source.stamp = ++this.contextClock));
    return {
      dispose: () => {
        sub.dispose();
        const i = this.contextSources.indexOf(source);
        if (i >= 0) this.contextSources.splice(i, 1);
      },
    };
  }

  /**
   * The project the user is working in: of the sources that name a valid project now, the one the user
   * moved to last (a row selected after a panel was focused wins, and the other way round).
   */
  inContext(): ProjectEntry | undefined {
    let best: { entry: ProjectEntry; stamp: number } | undefined;
    for (const source of this.contextSources) {
      const e = source.current();
      const now = e && this.find(e.id, e.root);
      if (now?.def && (!best || source.stamp > best.stamp)) best = { entry: now, stamp: source.stamp };
    }
    return best?.entry;
  }

  /** Re-reads every project.json; concurrent calls coalesce. */
  reload(): Promise<void> {
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    this.loading = (async () => {
      do {
        this.again = false;
        const next: ProjectEntry[] = [];
        for (const folder of vscode.workspace.workspaceFolders ?? []) {
          if (folder.uri.scheme !== 'file') continue;
          for (const p of await listProjects(folder.uri.fsPath)) {
            const entry: ProjectEntry = { id: p.id, root: folder.uri.fsPath, folder };
            if ('def' in p) {
              entry.base = p.def;
              const eff = this.effective.get(entryKey(entry.root, entry.id));
              entry.def = eff && eff.baseJson === JSON.stringify(p.def) ? eff.def : p.def;
            } else {
              entry.error = p.error;
              this.logger.warn(`Project ${p.id} is broken: ${p.error.message}`);
            }
            next.push(entry);
          }
        }
        this.entries = next;
        await vscode.commands.executeCommand('setContext', ContextKeys.HasProjects, this.entries.length > 0);
        await this.publishStatusContext();
        this.changed.fire();
      } while (this.again);
    })().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async publishStatusContext(): Promise<void> {
    await vscode.commands.executeCommand('setContext', ContextKeys.HasPausedProjects, this.entries.some((e) => e.def?.status === 'paused'));
    await vscode.commands.executeCommand('setContext', ContextKeys.HasRunningProjects, this.entries.some((e) => e.def && e.def.status !== 'paused'));
  }

  /**
   * An open index reports its project's effective definition (project.json plus journal events):
   * views, commands and context keys use it from now on, until project.json itself changes.
   */
  setEffective(root: string, id: string, def: ProjectDef, base: ProjectDef): void {
    const baseJson = JSON.stringify(base);
    this.effective.set(entryKey(root, id), { def, baseJson });
    const entry = this.find(id, root);
    if (!entry?.base || JSON.stringify(entry.base) !== baseJson || JSON.stringify(entry.def) === JSON.stringify(def)) return;
    entry.def = def;
    void this.publishStatusContext().then(() => this.changed.fire());
  }
}
