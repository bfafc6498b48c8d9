/** Opening a project for a CLI command that writes as someone: the labeler resolved as the extension does. */
import { LabelingError } from '../core/errors';
import { defaultDevice } from '../core/project/identity';
import { ProjectStore } from '../core/store/project-store';
import type { ItemView } from '../core/store/types';
import { resolveLabeler, type Environment } from './identity';
import { storeFiles, type CliIo } from './io';

/** Opens the project as `--as`, else the `labeling.labeler` setting, else git's user.email (identity.ts). */
export async function openProjectAs(root: string, id: string, as: string | undefined, io: CliIo, env?: Environment): Promise<ProjectStore> {
  const who = resolveLabeler(root, as, env);
  if (who.note) io.err(who.note);
  return ProjectStore.open({ root, id, labeler: who.labeler, device: defaultDevice(), ...storeFiles() });
}

/** The item as the index holds it now; one line naming the item and the project when there is none. */
export function requireItemView(store: ProjectStore, key: string): ItemView {
  const item = store.getItem(key);
  if (!item) throw new LabelingError('not-found', `no item "${key}" in project "${store.def.id}"`, { field: 'item' });
  return item;
}

/** "a, b and 3 more" for messages naming many things. */
export function listSome(names: readonly string[], max = 10): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/**
 * A paused project still takes reviews, assignments and roles (the store refuses only labeling): an
 * action that gives labelers work says on stderr that nobody labels until the project is resumed.
 */
export function notePaused(store: ProjectStore, io: CliIo, what: string): void {
  if (store.def.status === 'paused') io.err(`note: project "${store.def.id}" is paused: ${what} once a manager resumes it`);
}
