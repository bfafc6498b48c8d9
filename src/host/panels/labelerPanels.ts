import * as vscode from 'vscode';
import { LabelingError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { LocalSuggestions } from '../assist/localSuggestions';
import type { ProjectEntry } from '../projects/registry';
import type { StoreManager } from '../projects/stores';
import { Disposable } from '../util/lifecycle';
import { LabelerPanel } from './labelerPanel';

/** Keeps one labeling panel per project. */
export class LabelerPanels extends Disposable {
  private readonly panels = new Map<string, LabelerPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly stores: StoreManager,
    private readonly logger: Logger,
    private readonly onShow?: (p: LabelerPanel) => void,
    /** ML assist's local suggestions, shown as prelabels (none without it). */
    private readonly suggestions?: LocalSuggestions,
  ) {
    super();
    // One watcher from activation on (a watcher made when a panel opens may start after an edit).
    const w = this._register(vscode.workspace.createFileSystemWatcher('**/.labeling/*/instructions.md'));
    const changed = (uri: vscode.Uri) => this.panels.forEach((p) => uri.fsPath === p.instructionsFile && p.instructionsChanged());
    this._register(w.onDidChange(changed));
    this._register(w.onDidCreate(changed));
    this._register(w.onDidDelete(changed));
  }

  get all(): LabelerPanel[] {
    return [...this.panels.values()];
  }

  /** `existing`: a panel VS Code restored after a reload, to fill (or close, when the project has one already). */
  async show(entry: ProjectEntry, key?: string, existing?: vscode.WebviewPanel): Promise<LabelerPanel> {
    if (!entry.def) throw entry.error ?? new LabelingError('invalid-project', `project ${entry.id} cannot be loaded`);
    await this.stores.get(entry); // index first, so the panel opens on real data
    await this.suggestions?.load(entry); // and with the local suggestions its first item may show
    const k = `${entry.root}::${entry.id}`;
    let p = this.panels.get(k);
    if (p) {
      existing?.dispose();
      p.panel.reveal();
    }
    else {
      p = new LabelerPanel(this.extensionUri, entry, this.stores, this.logger, {
        ...(existing ? { existing } : {}),
        ...(this.onShow ? { onShow: this.onShow } : {}),
        ...(this.suggestions ? { suggestions: this.suggestions } : {}),
      });
      this.panels.set(k, p);
      const created = p;
      p.panel.onDidDispose(() => {
        if (this.panels.get(k) === created) this.panels.delete(k);
      });
    }
    if (key) await p.openItem(key);
    return p;
  }

  override dispose(): void {
    this.panels.forEach((p) => p.dispose());
    super.dispose();
  }
}
