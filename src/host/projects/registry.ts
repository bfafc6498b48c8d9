import * as vscode from 'vscode';
import type { LabelingError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { ProjectDef } from '../../core/model';
import { listProjects } from '../../core/project/load';
import { Disposable } from '../util/lifecycle';

/** A project found in a workspace folder: either a valid definition or the error that broke it. */
export interface ProjectEntry {
  id: string;
  /** Absolute path of the workspace folder that holds `.labeling/<id>`. */
  root: string;
  folder: vscode.WorkspaceFolder;
  def?: ProjectDef;
  error?: LabelingError;
}

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
            if ('def' in p) entry.def = p.def;
            else {
              entry.error = p.error;
              this.logger.warn(`Project ${p.id} is broken: ${p.error.message}`);
            }
            next.push(entry);
          }
        }
        this.entries = next;
        await vscode.commands.executeCommand('setContext', 'labeling.hasProjects', this.entries.length > 0);
        this.changed.fire();
      } while (this.again);
    })().finally(() => (this.loading = undefined));
    return this.loading;
  }
}
