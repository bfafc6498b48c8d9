/**
 * The reviewer and manager actions of ProjectStore (review actions, unskip, assignments, status,
 * labels, roles): one-line delegates to manager-writes.ts, each run as one step of the store's write
 * chain. Moved out of project-store.ts unchanged; ProjectStore extends this class, so its API stays.
 */
import { LabelingError } from '../errors';
import type { EventPayload, LabelSetMode } from '../journal/events';
import type { Annotation, ProjectStatus, Role } from '../model';
import type { LabelInput } from '../project/create';
import type { ChangeCause } from './change-feed';
import { writeAssign, writeAssignBatch, writeLabels, writeReview, writeReviewBatch, writeRoles, writeStatus, writeUnskip, type WriteContext } from './manager-writes';
import type { BatchResult, ReviewAction } from './review-batch';
import { StoreReads } from './store-reads';

export abstract class StoreActions extends StoreReads {
  /** A serialized operation that may change the index (ProjectStore.mutate). */
  protected abstract mutate<T>(cause: ChangeCause, fn: () => Promise<T>): Promise<T>;
  /** What the reviewer and manager writes need (ProjectStore.writeContext). */
  protected abstract writeContext(): WriteContext;

  /** Reviewer: returns a skipped item to the queue (for everyone). */
  unskip(key: string): Promise<void> {
    return this.mutate('commit', () => writeUnskip(this.writeContext(), key));
  }

  /** Reviewer: the item stays skipped for everyone. */
  acceptSkip(key: string, basedOnVersion: number): Promise<void> {
    return this.review({ type: 'accept-skip', item: key, base: basedOnVersion });
  }
  /** Reviewer: voids the labels the reviewer saw; `reason` is shown to the labelers, `returnTo` assigns the item back to its labeler. */
  async reject(key: string, basedOnVersion: number, opts: { reason?: string; returnTo?: boolean } = {}): Promise<void> {
    if (!opts.reason && !opts.returnTo) return this.review({ type: 'reject', item: key, base: basedOnVersion });
    const r = await this.reviewBatch([{ type: 'reject', item: key, base: basedOnVersion, ...opts }]);
    if (r.stale.length) throw new LabelingError('conflict', `item "${key}" changed since it was read (version ${basedOnVersion})`, { field: 'item' });
  }

  /**
   * Reviewer: many review actions as one all-or-nothing journal line (review-batch.ts); actions on
   * items changed since they were listed are left out and returned as stale.
   */
  reviewBatch(actions: ReviewAction[]): Promise<BatchResult> {
    return this.mutate('commit', () => writeReviewBatch(this.writeContext(), actions));
  }

  /** Manager: assigns many items (null: unassigns) as one all-or-nothing journal line. */
  assignBatch(keys: string[], to: string | null): Promise<{ written: number }> {
    return this.mutate('commit', () => writeAssignBatch(this.writeContext(), keys, to));
  }
  approve(key: string, basedOnVersion: number): Promise<void> {
    return this.review({ type: 'approve', item: key, base: basedOnVersion });
  }
  decide(key: string, annotation: Annotation, basedOnVersion: number): Promise<void> {
    return this.review({ type: 'decide', item: key, ann: annotation, base: basedOnVersion });
  }

  private review(p: Extract<EventPayload, { base: number }>): Promise<void> {
    return this.mutate('commit', () => writeReview(this.writeContext(), p));
  }

  assign(key: string, labeler: string | undefined): Promise<void> {
    return this.mutate('commit', () => writeAssign(this.writeContext(), key, labeler));
  }

  // ------------------------------------------------------------------ lifecycle (journal events over project.json)

  setStatus(status: ProjectStatus): Promise<void> {
    return this.mutate('commit', () => writeStatus(this.writeContext(), status));
  }

  /** Adds labels; 'remove-all' and 'keep-as-prelabels' start labeling over, 'continue' keeps going. */
  addLabels(labels: LabelInput[], mode: LabelSetMode): Promise<void> {
    return this.mutate('commit', () => writeLabels(this.writeContext(), labels, mode));
  }

  /**
   * Manager: replaces the roles of the labelers in `set` ([] removes theirs). In a project without
   * roles anyone may set the first ones, which must name a manager; no change may leave the project
   * without a manager.
   */
  setRoles(set: Record<string, Role[]>): Promise<void> {
    return this.mutate('commit', () => writeRoles(this.writeContext(), set));
  }

}
