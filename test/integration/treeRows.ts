import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/host/extension';
import type { ItemNode } from '../../src/host/views/itemViews';
import { readText, workspaceRoot } from './helpers';

/** An item view's rows of one project (under its project row, or flat when it is the only one). */
export async function projectRows(api: ExtensionApi, viewId: string, projectId: string): Promise<ItemNode[]> {
  const v = api.itemViews.find((x) => x.viewId === viewId)!;
  const top = await v.getChildren();
  const projectRow = top.find((n) => n.kind === 'project' && n.entry.id === projectId);
  const list = projectRow ? await v.getChildren(projectRow) : top.filter((n) => n.entry.id === projectId);
  return list.filter((n): n is ItemNode => n.kind === 'item');
}

/** Lines in your journal of a project (one per write: a batch is one line). */
export async function journalLines(api: ExtensionApi, projectId: string): Promise<number> {
  const store = await api.stores.get(api.registry.find(projectId)!);
  const text = await readText(vscode.Uri.joinPath(workspaceRoot(), store.journalFile)).catch(() => '');
  return text.split('\n').filter(Boolean).length;
}
