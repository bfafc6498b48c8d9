/**
 * Review actions on many items as one journal line (a `batch` event): the bulk actions of the Review
 * panel and the trees, and a reject that returns the item to its labelers (the reject and the
 * assignment together). Every action is checked first; one that acts on an item changed since it was
 * listed (its version is not `base`) is left out and reported as stale, never applied to what the
 * reviewer did not see.
 */
import { LabelingError } from '../errors';
import type { BatchedPayload } from '../journal/events';
import type { Annotation, ProjectDef } from '../model';
import type { SeenVector } from '../team/vector';
import type { ItemBounds } from '../geometry/bounds';
import type { IndexDb } from './index-db';
import { checkAnnotation } from './validate';

export interface ReviewAction {
  type: 'approve' | 'reject' | 'decide' | 'accept-skip' | 'unskip';
  item: string;
  /** The item version the reviewer saw (ItemView.version / ItemSummary.version). */
  base: number;
  /** decide: the final annotation. */
  ann?: Annotation;
  /** reject: why, shown to the labelers when the item comes back to them. */
  reason?: string;
  /** reject: assign the item back to the labeler whose labels were rejected (the first, when several). */
  returnTo?: boolean;
}

export interface BatchResult {
  /** Actions written. */
  written: number;
  /** Items left out because they changed since they were listed. */
  stale: string[];
}

/** The largest batch written as one line (callers split larger selections; each chunk is all-or-nothing). */
export const MAX_BATCH = 5000;

interface Ctx {
  def: ProjectDef;
  idx: IndexDb;
  seenOf: (key: string) => SeenVector;
  boundsOf: (key: string) => ItemBounds | undefined;
}

/** The events of a batch, and the stale items; throws (nothing written) on a malformed action. */
export function reviewBatchEvents(ctx: Ctx, actions: readonly ReviewAction[]): { events: BatchedPayload[]; stale: string[] } {
  if (actions.length > MAX_BATCH) throw new LabelingError('invalid-input', `at most ${MAX_BATCH} actions in one batch (got ${actions.length}): split it`, { field: 'actions' });
  const events: BatchedPayload[] = [];
  const stale: string[] = [];
  actions.forEach((a, i) => {
    const field = `actions[${i}]`;
    const row = ctx.idx.all<{ id: number; version: number }>('SELECT id, version FROM items WHERE key = ?', [a.item])[0];
    if (!row) throw new LabelingError('not-found', `no item "${a.item}"`, { field });
    if (row.version !== a.base) {
      stale.push(a.item);
      return;
    }
    const seen = ctx.seenOf(a.item);
    switch (a.type) {
      case 'approve':
      case 'accept-skip':
        events.push({ type: a.type, item: a.item, base: a.base, seen });
        return;
      case 'unskip':
        events.push({ type: 'unskip', item: a.item, seen });
        return;
      case 'decide':
        if (!a.ann) throw new LabelingError('invalid-input', 'decide needs the final annotation', { field: `${field}.ann` });
        checkAnnotation(ctx.def, a.ann, { field: `${field}.ann` }, () => ctx.boundsOf(a.item));
        events.push({ type: 'decide', item: a.item, ann: a.ann, base: a.base, seen });
        return;
      case 'reject': {
        const reason = a.reason?.trim();
        events.push(reason ? { type: 'reject', item: a.item, base: a.base, seen, reason } : { type: 'reject', item: a.item, base: a.base, seen });
        if (!a.returnTo) return;
        const to = ctx.idx.one('SELECT labeler FROM done WHERE item = ? AND kind = 1 ORDER BY t, labeler LIMIT 1', [row.id]);
        if (typeof to === 'string') events.push({ type: 'assign', item: a.item, to });
        return;
      }
      default:
        throw new LabelingError('invalid-input', `unknown review action "${String((a as { type: unknown }).type)}"`, { field: `${field}.type` });
    }
  });
  return { events, stale };
}
