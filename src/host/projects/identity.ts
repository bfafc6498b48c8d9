import * as os from 'node:os';
import * as vscode from 'vscode';
import { defaultDevice, defaultLabeler } from '../../core/project/identity';
import { Disposable } from '../util/lifecycle';

/**
 * Who is labeling on this machine: the `labeling.labeler` setting, else `git config user.email` in the
 * first workspace folder, else the OS user name. Shown in the status bar; changes apply at once.
 */
export class Identity extends Disposable {
  private _labeler: string;
  readonly device: string;
  private readonly changed = this._register(new vscode.EventEmitter<string>());
  readonly onDidChange = this.changed.event;
  private readonly item: vscode.StatusBarItem;

  constructor() {
    super();
    this.device = defaultDevice() || 'device';
    this._labeler = this.resolve();
    this.item = this._register(vscode.window.createStatusBarItem('labeling.labeler', vscode.StatusBarAlignment.Left, 10));
    this.item.name = 'Data Labeling: labeler';
    this.item.command = { command: 'workbench.action.openSettings', title: 'Set labeler', arguments: ['labeling.labeler'] };
    this.render();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('labeling.labeler')) return;
        const next = this.resolve();
        if (next !== this._labeler) {
          this._labeler = next;
          this.render();
          this.changed.fire(next);
        }
      }),
    );
  }

  get labeler(): string {
    return this._labeler;
  }

  /** The status bar entry is shown while the workspace has labeling projects. */
  setVisible(visible: boolean): void {
    if (visible) this.item.show();
    else this.item.hide();
  }

  private resolve(): string {
    const configured = vscode.workspace.getConfiguration('labeling').get<string>('labeler', '').trim();
    if (configured) return configured;
    const cwd = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath ?? os.homedir();
    return defaultLabeler(cwd);
  }

  private render(): void {
    this.item.text = `$(person) ${this._labeler}`;
    this.item.tooltip = new vscode.MarkdownString(
      `Data Labeling: you label as **${this._labeler}** on device \`${this.device}\`.\n\nClick to change the \`labeling.labeler\` setting.`,
    );
  }
}
