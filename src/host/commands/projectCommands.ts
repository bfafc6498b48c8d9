import * as vscode from 'vscode';
import { LabelingError } from '../../core/errors';
import { Commands } from '../constants';
import type { ProjectEntry, ProjectRegistry } from '../projects/registry';

/** How a command without a project argument (the palette) chooses one. */
export interface ResolveOptions {
  placeHolder?: string;
  /** Take the project the user is working in (focused panel, or the row selected in a visible view) without asking. */
  fromContext?: boolean;
  /** Offer only the projects this accepts (Resume: paused ones); `none` is said when there is none. */
  only?: { accept(entry: ProjectEntry): boolean; none: string };
}

/**
 * Resolves the project a command acts on: the tree item or panel that invoked it, or an id string. From
 * the palette: with `fromContext`, the project in context (registry.inContext: the active labeling or
 * details panel, or the row selected in a visible view, whichever came last); else the only candidate;
 * else a quick pick of the candidates. A project in context that `only` refuses is never replaced
 * silently by another one: the user picks.
 * Broken projects are refused with their error.
 */
export async function resolveProject(registry: ProjectRegistry, arg: unknown, options: string | ResolveOptions = {}): Promise<ProjectEntry | undefined> {
  const opts: ResolveOptions = typeof options === 'string' ? { placeHolder: options } : options;
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
      // Not awaited: the command settles now, whatever the user does with the message.
      void vscode.window.showInformationMessage('This workspace has no labeling project yet.', create).then((pick) => {
        if (pick === create) void vscode.commands.executeCommand(Commands.CreateProject);
      });
      return undefined;
    }
    const accept = (e: ProjectEntry) => !opts.only || (!!e.def && opts.only.accept(e));
    const candidates = all.filter(accept);
    const context = opts.fromContext ? registry.inContext() : undefined;
    if (context && accept(context)) entry = context;
    else if (!candidates.length) {
      void vscode.window.showInformationMessage(opts.only?.none ?? 'No labeling project can do this.');
      return undefined;
    } else if (candidates.length === 1 && !context) entry = candidates[0];
    else {
      const pick = await vscode.window.showQuickPick(
        candidates.map((p) => ({ label: p.def?.name ?? p.id, description: describe(p), detail: p.error?.message, entry: p })),
        { placeHolder: opts.placeHolder ?? 'Choose a labeling project', matchOnDescription: true },
      );
      entry = pick?.entry;
    }
  }
  if (entry?.error) throw entry.error;
  return entry;
}

function describe(p: ProjectEntry): string {
  if (!p.def) return 'broken';
  return p.def.status === 'paused' ? `${p.id} · paused` : p.id;
}

export async function editInstructions(registry: ProjectRegistry, arg: unknown): Promise<void> {
  const entry = await resolveProject(registry, arg, { placeHolder: 'Project whose instructions to edit', fromContext: true });
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
  else entry = await resolveProject(registry, arg, { placeHolder: 'Project whose project.json to open', fromContext: true });
  if (!entry) return;
  await vscode.window.showTextDocument(vscode.Uri.joinPath(entry.folder.uri, '.labeling', entry.id, 'project.json'), { preview: false });
}
