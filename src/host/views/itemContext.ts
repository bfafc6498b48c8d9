import * as vscode from 'vscode';
import type { LabelerPanels } from '../panels/labelerPanels';
import type { ProjectEntry } from '../projects/registry';
import type { ItemNode, ItemsView } from './itemViews';

/** Items a palette command (Approve Item, Reject Item..., Assign Items...) acts on, and where they come from. */
export interface ItemsInContext {
  entry: ProjectEntry;
  keys: string[];
  /** The versions the user saw (tree rows); absent for the labeling panel's item (read fresh). */
  versions?: number[];
  /** The view the rows are selected in, or 'labeler' for the labeling panel's item. */
  from: string;
}

/**
 * "The item in context" of a palette command, like projectContext.ts for projects: the rows selected in a
 * visible item view, or the item shown in the active (else last used) labeling panel, whichever the user
 * moved to last (a row selected, a panel activated or acted in). Rows of one project only: the project
 * of the first selected row.
 */
export class ItemContext implements vscode.Disposable {
  private last: ItemsView | 'labeler' | undefined;
  private readonly subs: vscode.Disposable[] = [];

  constructor(
    private readonly views: readonly ItemsView[],
    private readonly labelers: LabelerPanels,
    labelerShown: vscode.Event<unknown>,
  ) {
    for (const v of views) this.subs.push(v.view.onDidChangeSelection((e) => { if (e.selection.length) this.last = v; }));
    this.subs.push(labelerShown(() => (this.last = 'labeler')));
    this.subs.push(vscode.window.tabGroups.onDidChangeTabs(() => { if (this.labelers.all.some((p) => p.panel.active)) this.last = 'labeler'; }));
  }

  current(): ItemsInContext | undefined {
    const fromView = (v: ItemsView): ItemsInContext | undefined => {
      const rows = v.selectedItems();
      if (!rows.length) return undefined;
      const entry = rows[0]!.entry;
      const same = rows.filter((r: ItemNode) => r.entry.root === entry.root && r.entry.id === entry.id);
      return { entry, keys: same.map((r) => r.item.key), versions: same.map((r) => r.item.version), from: v.viewId };
    };
    const fromPanel = (): ItemsInContext | undefined => {
      const p = this.labelers.all.find((x) => x.panel.active) ?? (this.last === 'labeler' ? this.labelers.all.find((x) => x.panel.visible) : undefined);
      const key = p?.currentKey;
      return p && key ? { entry: p.project, keys: [key], from: 'labeler' } : undefined;
    };
    if (this.last === 'labeler') return fromPanel() ?? this.firstView(fromView);
    if (this.last) return fromView(this.last) ?? fromPanel() ?? this.firstView(fromView);
    return fromPanel() ?? this.firstView(fromView);
  }

  private firstView(fromView: (v: ItemsView) => ItemsInContext | undefined): ItemsInContext | undefined {
    for (const v of this.views) {
      const c = fromView(v);
      if (c) return c;
    }
    return undefined;
  }

  dispose(): void {
    this.subs.forEach((d) => d.dispose());
  }
}
