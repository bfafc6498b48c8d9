import * as vscode from 'vscode';
import { Views } from '../constants';

/**
 * Queue, Skipped and Needs Review list items of the open projects. Until a project is indexed they are
 * empty and show their welcome content (package.json `viewsWelcome`).
 */
export function registerItemViews(): vscode.Disposable[] {
  const empty: vscode.TreeDataProvider<never> = { getChildren: () => [], getTreeItem: (e) => e };
  return [Views.Queue, Views.Skipped, Views.NeedsReview].map((id) => vscode.window.createTreeView(id, { treeDataProvider: empty }));
}
