import * as vscode from 'vscode';
import type { DetailsPanels } from '../panels/detailsPanel';
import type { LabelerPanels } from '../panels/labelerPanels';
import type { ProjectEntry, ProjectRegistry } from '../projects/registry';

/** Merges events into one (listeners only: no thisArgs, no disposables array). */
function anyOf(...events: vscode.Event<unknown>[]): vscode.Event<unknown> {
  return (listener) => vscode.Disposable.from(...events.map((e) => e(listener)));
}

/**
 * Tells the registry where "the project in context" of a palette command comes from: the active labeling
 * or details panel, or the row selected in a visible Projects or item view, whichever the user moved to
 * last (a tab activated, a row selected, an action taken in a labeling panel).
 */
export function wireProjectContext(
  registry: ProjectRegistry,
  parts: {
    labelers: LabelerPanels;
    /** Fires after a labeling panel showed new state (the user acted in it). */
    labelerShown: vscode.Event<unknown>;
    details: DetailsPanels;
    views: readonly { selected(): ProjectEntry | undefined; readonly view: { readonly onDidChangeSelection: vscode.Event<unknown> } }[];
  },
): vscode.Disposable {
  const groups = vscode.window.tabGroups;
  const tabs = anyOf(groups.onDidChangeTabs, groups.onDidChangeTabGroups);
  return vscode.Disposable.from(
    registry.addContextSource(() => parts.labelers.all.find((p) => p.panel.active)?.project, anyOf(tabs, parts.labelerShown)),
    registry.addContextSource(() => parts.details.activeEntry(), tabs),
    ...parts.views.map((v) => registry.addContextSource(() => v.selected(), v.view.onDidChangeSelection)),
  );
}
