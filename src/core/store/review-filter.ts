/**
 * The Review panel's filter and list shapes (review-reads.ts answers them). Types only besides the
 * asset list, importing nothing but the model: the webview compiles them too (src/protocol/review.ts).
 */
import type { ItemState } from '../model';

export const REVIEW_ASSETS = ['labeled', 'skipped', 'needs-review', 'conflicts', 'prelabeled', 'approved', 'rejected'] as const;
export type ReviewAsset = (typeof REVIEW_ASSETS)[number];

export interface ReviewFilter {
  asset?: ReviewAsset;
  /** Items this labeler labeled (skipped, with asset 'skipped'). */
  labeler?: string;
  /** Items whose final label uses it; with `labeler`, items whose annotation by that labeler uses it. */
  label?: string;
  /** Items several labelers labeled whose agreement is below this value (in (0, 1]). */
  agreementBelow?: number;
  /** With `labeler`: items this other labeler also labeled, with another annotation (a pair's disagreements). */
  disagreeWith?: string;
  /** ms since the epoch: a labeler's current event on the item (the `labeler`'s, when set) in [from, to). */
  from?: number;
  to?: number;
}

export interface ReviewRow {
  key: string;
  state: ItemState;
  version: number;
  agreement?: number;
  conflict?: true;
  assignee?: string;
  /** Labelers with a current annotation on the item, sorted. */
  labelers: string[];
}

export interface ReviewPage {
  rows: ReviewRow[];
  /** Opaque cursor of the next page; absent on the last page. */
  next?: string;
}

export interface ReviewCountsResult {
  assets: Record<ReviewAsset, number>;
  labelers: Record<string, number>;
  labels: Record<string, number>;
  /** Items whose agreement is below filter.agreementBelow (absent without one). */
  agreementBelow?: number;
}

