import * as vscode from 'vscode';
import type { Role } from '../../core/model';
import type { ProjectRegistry } from '../projects/registry';
import type { StoreManager } from '../projects/stores';
import { resolveProject } from './projectCommands';
import { manageRoles, type RolesUi } from './rolesFlow';

/** Arguments for scripts and tests: set these labelers' roles without asking ([] removes theirs). */
export interface SetRolesArgs {
  project: string;
  set: Record<string, Role[]>;
}

/**
 * "Labeling: Manage Roles...": lists the labelers with their roles, then a manager picks one (or adds
 * one by id) and toggles roles; each change is one `roles` journal event written by store.setRoles,
 * which refuses what the role rules refuse (its message is shown). Keyboard only: Enter picks, Space
 * toggles a role, Escape goes back, then ends.
 */
export async function manageRolesCommand(registry: ProjectRegistry, stores: StoreManager, arg: unknown): Promise<number | undefined> {
  const direct = isSetRolesArgs(arg) ? arg : undefined;
  const entry = await resolveProject(registry, direct?.project ?? arg, { placeHolder: 'Project whose roles to manage', fromContext: true });
  if (!entry) return undefined;
  const store = await stores.get(entry);
  if (direct) {
    await store.setRoles(direct.set);
    await registry.reload();
    return 1;
  }
  const name = entry.def!.name;
  const title = `Manage Roles: ${name}`;
  const ui: RolesUi = {
    pickLabeler: (items, placeHolder) => vscode.window.showQuickPick(items, { title, placeHolder, matchOnDescription: true, ignoreFocusOut: true }),
    inputLabeler: (validate) =>
      vscode.window.showInputBox({ title: `${title}: add a labeler`, prompt: 'Their labeler id: their labeling.labeler setting, else their git user.email', ignoreFocusOut: true, validateInput: validate }),
    pickRoles: async (id, items) => {
      const picked = await vscode.window.showQuickPick(items, {
        title: `${title}: ${id}`,
        placeHolder: `Roles of ${id} (Space toggles, Enter saves; none removes them)`,
        canPickMany: true,
        ignoreFocusOut: true,
      });
      return picked?.map((p) => p.label);
    },
    confirmSelfDemotion: async (id) =>
      (await vscode.window.showWarningMessage(
        `Take your own manager role away in ${name}?`,
        { modal: true, detail: `${id} will no longer be able to change roles, assign, import, add labels or pause this project.` },
        'Remove My Manager Role',
      )) !== undefined,
    setRoles: async (set) => {
      await store.setRoles(set);
      await registry.reload();
      const [[id, roles]] = Object.entries(set) as [[string, Role[]]];
      vscode.window.setStatusBarMessage(roles.length ? `${id}: ${roles.join(', ')}` : `${id}: no role`, 4000);
      return store.def.roles;
    },
  };
  return manageRoles(store.def.roles, store.labeler, ui);
}

function isSetRolesArgs(a: unknown): a is SetRolesArgs {
  return !!a && typeof a === 'object' && 'project' in a && 'set' in a; // the store checks the set
}
