/**
 * The Review panel's writes (no vscode): which action applies to an item as it is, and one chunk of
 * actions written through ProjectStore.reviewBatch (one all-or-nothing journal line; items changed
 * since they were listed are left out and returned as stale).
 */
import { LabelingError } from '../../core/errors';
import type { ProjectStore } from '../../core/store/project-store';
import type { BatchResult, ReviewAction } from '../../core/store/review-batch';
import type { ItemView } from '../../core/store/types';
import { BULK_CHUNK, type ReviewActionType } from '../../protocol/review';

/** Whether an action applies to the item as it is (bulk actions skip the others and count them). */
export function applies(action: ReviewActionType, v: Pick<ItemView, 'state' | 'mine' | 'others'>): boolean {
  if (action === 'accept-skip' || action === 'unskip') return v.state === 'skipped';
  if (action === 'approve' || action === 'reject') return !!v.mine || v.others.length > 0;
  return v.state !== 'missing';
}

/** Writes one chunk (at most BULK_CHUNK actions) as one journal line. */
export function writeChunk(store: ProjectStore, actions: ReviewAction[]): Promise<BatchResult> {
  if (actions.length > BULK_CHUNK) {
    return Promise.reject(new LabelingError('invalid-input', `at most ${BULK_CHUNK} actions per chunk (got ${actions.length})`, { field: 'actions' }));
  }
  return store.reviewBatch(actions);
}
