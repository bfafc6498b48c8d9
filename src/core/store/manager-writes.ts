/**
 * The reviewer and manager writes of ProjectStore (review actions, unskip, assignments, status,
 * labels, roles): each checks the role and its input, then commits its events. The store runs each
 * inside one step of its write chain (`mutate`), passing a WriteContext built at the start of that step.
 */
import { randomUUID } from 'node:crypto';
import { LabelingError } from '../errors';
import type { ItemBounds } from '../geometry/bounds';
import type { EventPayload, LabelSetMode } from '../journal/events';
import type { ProjectDef, ProjectStatus, Role } from '../model';
import { completeLabels, reservedHotkeys, type LabelInput } from '../project/create';
import { requireRoleChange } from '../team/definition';
import type { SeenVector } from '../team/vector';
import { requireItem, requireRole, requireVersion } from './guards';
import type { IndexDb } from './index-db';
import { MAX_BATCH, reviewBatchEvents, type BatchResult, type ReviewAction } from './review-batch';
import { checkAnnotation } from './validate';

/** What a write needs of the store, read at the start of its step of the write chain. */
export interface WriteContext {
  /** The effective definition. */
  def: ProjectDef;
  idx: IndexDb;
  /** Who writes. */
  labeler: string;
  boundsOf: (key: string) => ItemBounds | undefined;
  /** Appends the events durably and applies them to the index (ProjectStore.commit). */
  commit: (payloads: EventPayload[]) => Promise<void>;
}

/** What this index holds of an item's events: the `seen` of a review written now (team/vector.ts). */
export function seenOf(idx: IndexDb, key: string): SeenVector {
  const id = idx.itemId(key);
  return id === undefined ? [] : idx.itemSeen(id);
}

/** Reviewer: returns a skipped item to the queue (for everyone). */
export async function writeUnskip(c: WriteContext, key: string): Promise<void> {
  requireRole(c.def, c.labeler, 'reviewer');
  requireItem(c.idx, key);
  await c.commit([{ type: 'unskip', item: key, seen: seenOf(c.idx, key) }]);
}

/** Reviewer: many review actions as one all-or-nothing journal line (review-batch.ts). */
export async function writeReviewBatch(c: WriteContext, actions: ReviewAction[]): Promise<BatchResult> {
  requireRole(c.def, c.labeler, 'reviewer');
  const { events, stale } = reviewBatchEvents({ def: c.def, idx: c.idx, seenOf: (k) => seenOf(c.idx, k), boundsOf: c.boundsOf }, actions);
  const written = events.filter((e) => e.type !== 'assign').length;
  if (events.length) await c.commit(events.length === 1 && events[0]!.type !== 'assign' ? [events[0]!] : [{ type: 'batch', batch: randomUUID(), events }]);
  return { written, stale };
}

/** Manager: assigns many items (null: unassigns) as one all-or-nothing journal line. */
export async function writeAssignBatch(c: WriteContext, keys: string[], to: string | null): Promise<{ written: number }> {
  requireRole(c.def, c.labeler, 'manager');
  if (keys.length > MAX_BATCH) throw new LabelingError('invalid-input', `at most ${MAX_BATCH} items in one batch (got ${keys.length}): split it`, { field: 'items' });
  keys.forEach((k) => requireItem(c.idx, k));
  if (keys.length) await c.commit([{ type: 'batch', batch: randomUUID(), events: keys.map((item) => ({ type: 'assign' as const, item, to })) }]);
  return { written: keys.length };
}

/** Reviewer: one review action on the item version `p.base`. */
export async function writeReview(c: WriteContext, p: Extract<EventPayload, { base: number }>): Promise<void> {
  requireRole(c.def, c.labeler, 'reviewer');
  if (p.type === 'decide') checkAnnotation(c.def, p.ann, { field: 'ann' }, () => c.boundsOf(p.item));
  requireVersion(c.idx, p.item, p.base);
  await c.commit([{ ...p, seen: seenOf(c.idx, p.item) }]);
}

export async function writeAssign(c: WriteContext, key: string, labeler: string | undefined): Promise<void> {
  requireRole(c.def, c.labeler, 'manager');
  requireItem(c.idx, key);
  await c.commit([{ type: 'assign', item: key, to: labeler ?? null }]);
}

export async function writeStatus(c: WriteContext, status: ProjectStatus): Promise<void> {
  requireRole(c.def, c.labeler, 'manager');
  if (c.def.status === status) return;
  await c.commit([{ type: 'status', status }]);
}

/** Adds labels; 'remove-all' and 'keep-as-prelabels' start labeling over, 'continue' keeps going. */
export async function writeLabels(c: WriteContext, labels: LabelInput[], mode: LabelSetMode): Promise<void> {
  requireRole(c.def, c.labeler, 'manager');
  const added = completeLabels(labels, c.def.labels, reservedHotkeys(c.def.type));
  await c.commit([{ type: 'labels', added, mode }]);
}

/** Manager: replaces the roles of the labelers in `set` (team/definition.ts requireRoleChange). */
export async function writeRoles(c: WriteContext, set: Record<string, Role[]>): Promise<void> {
  requireRole(c.def, c.labeler, 'manager');
  requireRoleChange(c.def, set);
  await c.commit([{ type: 'roles', set }]);
}
