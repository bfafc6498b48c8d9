/**
 * The effective project definition: project.json is the base (written at creation, edited by hand
 * through git), and the project-wide journal events change it in total order: status (pause/resume),
 * labels added (with one of the three modes) and roles. Actions never rewrite project.json, so two
 * managers acting on two clones cannot make it conflict in git. A label added by hand in project.json
 * is simply there from the start: it acts as "continue".
 */
import { LabelingError } from '../errors';
import { assertNever, type ProjectDef, type Role } from '../model';
import { roleSetProblem } from './roles';
import type { ProjectEventRec } from '../store/index-db';

/** Replaces the roles of the labelers in `set` (ids compare case-insensitively; [] removes). */
export function applyRoleSet(roles: Record<string, Role[]>, set: Record<string, Role[]>): Record<string, Role[]> {
  const out: Record<string, Role[]> = {};
  const lower = new Set(Object.keys(set).map((k) => k.toLowerCase()));
  for (const [who, r] of Object.entries(roles)) if (!lower.has(who.toLowerCase())) out[who] = r;
  for (const [who, r] of Object.entries(set)) if (r.length) out[who] = [...new Set(r)].sort();
  return out;
}

/**
 * project.json plus the events in `events` (in total order) that `applies` accepts (the role rule:
 * an event by someone who lacked the role is not applied). Returns `base` itself when nothing changes.
 */
export function effectiveDefinition(base: ProjectDef, events: readonly ProjectEventRec[], applies: (e: ProjectEventRec) => boolean = () => true): ProjectDef {
  let status = base.status;
  let labels = base.labels;
  let roles = base.roles;
  let changed = false;
  for (const e of events) {
    if (!applies(e)) continue;
    switch (e.type) {
      case 'status':
        status = e.status;
        break;
      case 'labels': {
        const have = new Set(labels.map((l) => l.name));
        const add = e.added.filter((l) => typeof l?.name === 'string' && !have.has(l.name) && !!have.add(l.name));
        if (add.length) labels = [...labels, ...add];
        break;
      }
      case 'roles':
        roles = applyRoleSet(roles ?? {}, e.set);
        break;
      default:
        assertNever(e, 'project event');
    }
    changed = true;
  }
  if (!changed) return base;
  const def: ProjectDef = { ...base, status, labels };
  if (roles && Object.keys(roles).length) def.roles = roles;
  else delete def.roles;
  return def;
}

/**
 * Refuses a role change the replay would not apply: a malformed set, or one that leaves the project
 * without a manager (in a project without roles, the first roles must name one).
 */
export function requireRoleChange(def: ProjectDef, set: Record<string, Role[]>): void {
  const bad = roleSetProblem(set);
  if (bad) throw new LabelingError('invalid-input', bad, { field: 'set' });
  const next = applyRoleSet(def.roles ?? {}, set);
  if (!Object.values(next).some((r) => r.includes('manager'))) {
    throw new LabelingError('invalid-input', def.roles ? 'this change would leave the project without a manager' : 'the first roles must name a manager', { field: 'set' });
  }
}
