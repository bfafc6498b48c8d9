/** The checks a ProjectStore write makes before anything is appended: role, status, item, version. */
import { LabelingError } from '../errors';
import type { ProjectDef, Role } from '../model';
import type { IndexDb } from './index-db';
import { sameLabeler } from '../team/roles';

/** Whether `labeler` may act with `role` in the effective definition (a project without roles lets everyone). */
export function hasRole(def: ProjectDef, labeler: string, role: Role): boolean {
  if (!def.roles) return true;
  return !!Object.entries(def.roles).find(([who]) => sameLabeler(who, labeler))?.[1].includes(role);
}

/** Refuses when the project has roles and `labeler` lacks `role`. */
export function requireRole(def: ProjectDef, labeler: string, role: Role): void {
  if (!hasRole(def, labeler, role)) {
    throw new LabelingError('forbidden', `${labeler} is not a ${role} in this project`, { field: `roles` });
  }
}

export function requireRunning(def: ProjectDef): void {
  if (def.status === 'paused') throw new LabelingError('paused', `project "${def.id}" is paused`);
}

/** The item's current version; 'not-found' when there is no such item. */
export function requireItem(idx: IndexDb, key: string): { version: number } {
  const v = idx.one('SELECT version FROM items WHERE key = ?', [key]);
  if (v === undefined) throw new LabelingError('not-found', `no item "${key}"`, { field: 'item' });
  return { version: Number(v) };
}

/** 'conflict' when the item changed since the caller read it at version `base`. */
export function requireVersion(idx: IndexDb, key: string, base: number): void {
  const { version } = requireItem(idx, key);
  if (version !== base) {
    throw new LabelingError('conflict', `item "${key}" changed since it was read (version ${base}, now ${version})`, { field: 'item' });
  }
}
