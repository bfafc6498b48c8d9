import * as vscode from 'vscode';
import type { ChangeKind } from '../../core/store/change-feed';
import { PROJECT_TYPE_TITLES, mediaOf, type ProjectType } from '../../core/model';
import { ContextValue, Commands } from '../constants';
import type { ProjectEntry, ProjectRegistry } from '../projects/registry';
import { Disposable } from '../util/lifecycle';

/** Item counts a project view shows next to each project, when the project's index is open. */
export interface ProgressSource {
  progressOf(entry: ProjectEntry): { labeled: number; total: number } | undefined;
  /** A project's change feed (StoreManager.onDidChange). */
  readonly onDidChange: vscode.Event<{ entry: ProjectEntry; kinds: readonly ChangeKind[] }>;
}

const TYPE_ICONS: Record<ProjectType, string> = {
  'text-classification': 'symbol-text',
  'text-multilabel': 'list-selection',
  'text-ner': 'symbol-key',
  'image-classification': 'file-media',
  'image-multilabel': 'files',
  'image-detection': 'screen-full',
  'image-segmentation': 'symbol-misc',
  'image-semantic-segmentation': 'paintcan',
};

export class ProjectsView extends Disposable implements vscode.TreeDataProvider<ProjectEntry> {
  private readonly changed = this._register(new vscode.EventEmitter<ProjectEntry | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<ProjectEntry>;

  constructor(private readonly registry: ProjectRegistry, private readonly progress?: ProgressSource) {
    super();
    this._register(registry.onDidChange(() => this.changed.fire(undefined)));
    // Only the changed project's row is redrawn (its counts or its definition); the rest of the view stays.
    if (progress) {
      this._register(progress.onDidChange(({ entry, kinds }) => {
        const row = kinds.includes('stats') || kinds.includes('definition') ? registry.find(entry.id, entry.root) : undefined;
        if (row) this.changed.fire(row);
      }));
    }
    this.view = this._register(vscode.window.createTreeView('labeling.projects', { treeDataProvider: this, showCollapseAll: false }));
  }

  getChildren(element?: ProjectEntry): ProjectEntry[] {
    return element ? [] : [...this.registry.projects];
  }

  getParent(): undefined {
    return undefined;
  }

  getTreeItem(e: ProjectEntry): vscode.TreeItem {
    const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    if (!e.def) {
      const item = new vscode.TreeItem(e.id, vscode.TreeItemCollapsibleState.None);
      item.id = `${e.root}::${e.id}`;
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
      item.description = 'broken: ' + (e.error?.message ?? 'unknown error');
      item.tooltip = new vscode.MarkdownString(`**${e.id}** cannot be loaded.\n\n${e.error?.message ?? ''}\n\nFix project.json and it reloads by itself.`);
      item.contextValue = ContextValue.ProjectBroken;
      item.command = {
        command: 'vscode.open',
        title: 'Open project.json',
        arguments: [vscode.Uri.joinPath(e.folder.uri, '.labeling', e.id, 'project.json')],
      };
      return item;
    }
    const def = e.def;
    const item = new vscode.TreeItem(def.name, vscode.TreeItemCollapsibleState.None);
    item.id = `${e.root}::${e.id}`;
    const paused = def.status === 'paused';
    item.iconPath = new vscode.ThemeIcon(paused ? 'debug-pause' : TYPE_ICONS[def.type]);
    const p = this.progress?.progressOf(e);
    // Progress first: the description is cut at the view's edge.
    const parts: string[] = [];
    if (p) parts.push(`${p.labeled.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')}`);
    if (paused) parts.push('paused');
    parts.push(PROJECT_TYPE_TITLES[def.type].replace(/ \(.*\)$/, ''));
    if (multiRoot) parts.push(e.folder.name);
    item.description = parts.join(' · ');
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${escapeMd(def.name)}** \`${def.id}\`\n\n`);
    md.appendMarkdown(`$(${TYPE_ICONS[def.type]}) ${PROJECT_TYPE_TITLES[def.type]}  \n`);
    md.appendMarkdown(`Status: ${paused ? '$(debug-pause) paused' : '$(play) running'}  \n`);
    md.appendMarkdown(`Labels: ${def.labels.map((l) => escapeMd(l.name)).join(', ')}  \n`);
    md.appendMarkdown(`Data: ${def.dataSources.map((d) => '`' + d.glob + '`').join(', ')} (${mediaOf(def.type)})`);
    if (p) md.appendMarkdown(`  \nProgress: ${p.labeled} of ${p.total} labeled`);
    item.tooltip = md;
    item.contextValue = paused ? ContextValue.ProjectPaused : ContextValue.Project;
    item.command = { command: Commands.ProjectDetails, title: 'Project Details', arguments: [e] };
    return item;
  }

  /** The project selected in the view while the view is visible (a hidden selection is not a choice). */
  selected(): ProjectEntry | undefined {
    return this.view.visible ? this.view.selection[0] : undefined;
  }
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
