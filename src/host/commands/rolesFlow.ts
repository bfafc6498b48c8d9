/**
 * The steps of "Labeling: Manage Roles..." without VS Code (rolesCommand.ts adapts them to quick picks
 * and an input box): list the labelers with their roles, pick one or add one, toggle roles, write.
 */
import { LabelingError } from '../../core/errors';
import type { Role } from '../../core/model';
import { ROLES, sameLabeler, type RoleMap } from '../../core/team/roles';

export interface LabelerChoice {
  label: string;
  description?: string;
  detail?: string;
  /** The labeler id, or undefined for "Add a labeler...". */
  id?: string;
}

export interface RoleChoice {
  label: Role;
  detail: string;
  picked: boolean;
}

/** What the flow asks of the user and of the store; each question answers undefined when dismissed (Escape). */
export interface RolesUi {
  pickLabeler(items: LabelerChoice[], placeHolder: string): PromiseLike<LabelerChoice | undefined>;
  inputLabeler(validate: (value: string) => string | undefined): PromiseLike<string | undefined>;
  pickRoles(id: string, items: RoleChoice[]): Promise<Role[] | undefined>;
  /** Asked before you take your own manager role away; true to go on. */
  confirmSelfDemotion(id: string): Promise<boolean>;
  /** Writes the change (store.setRoles); answers the roles after it. */
  setRoles(set: Record<string, Role[]>): Promise<RoleMap | undefined>;
}

export const ROLE_DETAIL: Record<Role, string> = {
  labeler: 'Labels and skips items',
  reviewer: 'Approves, rejects and decides labels; accepts or returns skipped items',
  manager: 'Assigns and imports items, adds labels, pauses and resumes, changes roles',
};

export const ADD_LABELER = '$(add) Add a labeler...';

/** The first list: every labeler with roles (you first when you have none yet), then "Add a labeler...". */
export function labelerChoices(roles: RoleMap | undefined, me: string): LabelerChoice[] {
  const entries = Object.entries(roles ?? {}).sort(([a], [b]) => a.toLowerCase().localeCompare(b.toLowerCase()));
  const items: LabelerChoice[] = entries.map(([id, r]) => ({ label: id, description: `${r.join(', ')}${sameLabeler(id, me) ? ' · you' : ''}`, id }));
  if (!entries.some(([id]) => sameLabeler(id, me))) items.unshift({ label: me, description: 'no role · you', id: me });
  items.push({ label: ADD_LABELER, detail: 'Give roles to someone by their labeler id (their labeling.labeler setting, else their git user.email)' });
  return items;
}

export function labelerPlaceHolder(roles: RoleMap | undefined): string {
  return roles
    ? 'Pick a labeler to change their roles (Escape when done)'
    : 'No roles yet: everyone may do everything. The first roles must name a manager. Pick a labeler';
}

/** Why `value` is not a labeler id to add, or undefined. */
export function labelerIdProblem(value: string): string | undefined {
  const v = value.trim();
  if (!v) return 'Enter a labeler id: their labeling.labeler setting, else their git user.email.';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(v)) return 'A labeler id cannot contain control characters (tabs, line breaks).';
  if (v.length > 320) return 'A labeler id is at most 320 characters.';
  return undefined;
}

/** The second list: the three roles, those `id` has now picked. */
export function roleChoices(roles: RoleMap | undefined, id: string): RoleChoice[] {
  const mine = rolesIn(roles, id);
  return ROLES.map((r) => ({ label: r, detail: ROLE_DETAIL[r], picked: mine.includes(r) }));
}

/** `id`'s roles in `roles`, ids compared case-insensitively. */
export function rolesIn(roles: RoleMap | undefined, id: string): Role[] {
  for (const [k, r] of Object.entries(roles ?? {})) if (sameLabeler(k, id)) return r;
  return [];
}

/** The labeler id as already listed (its spelling), else `id`. */
function listedId(roles: RoleMap | undefined, id: string): string {
  return Object.keys(roles ?? {}).find((k) => sameLabeler(k, id)) ?? id;
}

/**
 * Runs the flow until the user dismisses the list; answers the number of changes written. Only a manager
 * (or anyone while the project has no roles) gets past the start; the store judges every change again.
 */
export async function manageRoles(initial: RoleMap | undefined, me: string, ui: RolesUi): Promise<number> {
  let roles = initial;
  let changes = 0;
  for (;;) {
    if (roles && !rolesIn(roles, me).includes('manager')) {
      if (changes) return changes; // you just gave your manager role away
      throw new LabelingError('forbidden', `${me} is not a manager in this project: only a manager changes roles`, { field: 'roles' });
    }
    const pick = await ui.pickLabeler(labelerChoices(roles, me), labelerPlaceHolder(roles));
    if (!pick) return changes;
    let id = pick.id;
    if (id === undefined) {
      const typed = await ui.inputLabeler(labelerIdProblem);
      if (typed === undefined) continue;
      id = listedId(roles, typed.trim());
    }
    const before = rolesIn(roles, id);
    const after = await ui.pickRoles(id, roleChoices(roles, id));
    if (!after) continue;
    const next = ROLES.filter((r) => after.includes(r));
    if (next.join() === before.join()) continue;
    if (sameLabeler(id, me) && before.includes('manager') && !next.includes('manager') && !(await ui.confirmSelfDemotion(id))) continue;
    roles = await ui.setRoles({ [id]: next });
    changes++;
  }
}
