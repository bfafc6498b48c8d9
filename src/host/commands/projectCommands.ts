import * as vscode from 'vscode';
import { LabelingError } from '../../core/errors';
import type { ProjectEntry, ProjectRegistry } from '../projects/registry';

/**
 * Resolves the project a command acts on: the tree item or panel that invoked it, an id string, or
 * (from the palette) the only project, else a quick pick. Broken projects are refused with their error.
 */
export async function resolveProject(registry: ProjectRegistry, arg: unknown, placeHolder = 'Choose a labeling project'): Promise<ProjectEntry | undefined> {
  let entry: ProjectEntry | undefined;
  if (arg && typeof arg === 'object' && 'id' in arg && 'root' in arg) {
    entry = registry.find(String((arg as ProjectEntry).id), String((arg as ProjectEntry).root));
  } else if (typeof arg === 'string') {
    entry = registry.find(arg);
    if (!entry) throw new LabelingError('not-found', `no labeling project "${arg}" in this workspace`);
  } else {
    const all = registry.projects;
    if (all.length === 0) {
      const create = 'Create Labeling Project';
      const pick = await vscode.window.showInformationMessage('This workspace has no labeling project yet.', create);
      if (pick === create) void vscode.commands.executeCommand('labeling.createProject');
      return undefined;
    }
    if (all.length === 1) entry = all[0];
    else {
      const pick = await vscode.window.showQuickPick(
        all.map((p) => ({ label: p.def?.name ?? p.id, description: p.def ? p.id : 'broken', detail: p.error?.message, entry: p })),
        { placeHolder, matchOnDescription: true },
      );
      entry = pick?.entry;
    }
  }
  if (entry?.error) throw entry.error;
  return entry;
}

export async function editInstructions(registry: ProjectRegistry, arg: unknown): Promise<void> {
  const entry = await resolveProject(registry, arg);
  if (!entry) return;
  const uri = vscode.Uri.joinPath(entry.folder.uri, '.labeling', entry.id, 'instructions.md');
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    await vscode.workspace.fs.writeFile(uri, Buffer.from(`# ${entry.def?.name ?? entry.id}\n\nDescribe here how to label these items.\n`));
  }
  await vscode.window.showTextDocument(uri, { preview: false });
}

export async function openProjectFile(registry: ProjectRegistry, arg: unknown): Promise<void> {
  let entry: ProjectEntry | undefined;
  if (arg && typeof arg === 'object' && 'id' in arg && 'root' in arg) entry = arg as ProjectEntry; // broken ones too
  else entry = await resolveProject(registry, arg);
  if (!entry) return;
  await vscode.window.showTextDocument(vscode.Uri.joinPath(entry.folder.uri, '.labeling', entry.id, 'project.json'), { preview: false });
}
