/**
 * Protocol of the Review panel (webview/review <-> src/host/panels/reviewPanel.ts).
 *
 * Handshake: the webview sends `ready`; the host answers with a `state` notification (the project, the
 * persisted filter, the counts beside each filter choice). The webview asks for list pages (keyset
 * cursors, never offsets) and for the item it shows. The store's change feed arrives as a `changed`
 * notification (the keys touched, or 'all', and fresh counts): the webview reloads the pages it holds
 * and the item it shows when touched, so new labels appear by themselves.
 *
 * Every action names the `version` of the item the reviewer saw. An item that changed since is never
 * written over: the answer has `done: false`, a one-line `message` and the fresh item, which the
 * webview shows instead. Bulk actions are confirmed by the host (a modal with the count), run as a job
 * in chunks of at most BULK_CHUNK, each chunk one all-or-nothing journal line; items that changed since
 * they were listed are skipped and counted (`stale`).
 */
import type { MaskRunsMessage } from './mask-transport';
import type { Annotation, LabelClass, ProjectStatus, ProjectType } from '../core/model';
import type { ReviewCountsResult, ReviewFilter, ReviewPage } from '../core/store/review-filter';
import { command, notification, request } from './ipc';
import type { LabelerItem } from './labeler';

export { REVIEW_ASSETS, type ReviewAsset, type ReviewCountsResult, type ReviewFilter, type ReviewPage, type ReviewRow } from '../core/store/review-filter';

/** Items per journal line of a bulk action. */
export const BULK_CHUNK = 500;

export interface ReviewProject {
  id: string;
  name: string;
  type: ProjectType;
  status: ProjectStatus;
  labels: LabelClass[];
  /** Semantic segmentation: the ignore class's name (mask index 255), when the project has one. */
  ignoreLabel?: string;
  /** The reviewer (this VS Code's labeler). */
  me: string;
  /** False when the project has roles and the reviewer is not a reviewer: actions are refused (shown disabled). */
  canReview: boolean;
}

export interface ReviewState {
  project: ReviewProject;
  filter: ReviewFilter;
  /** Absent while the index is being built. */
  counts?: ReviewCountsResult;
}

export interface ReviewLabelerAnnotation {
  labeler: string;
  annotation: Annotation;
  /** ISO time of the submit. */
  at: string;
}

export interface ReviewDecisionView {
  kind: string;
  by: string;
  at: string;
  annotation?: Annotation;
}

/** The item as the labeling panel gets it (text, image URI and size), with what a reviewer needs. */
export interface ReviewItem extends Pick<LabelerItem, 'key' | 'ref' | 'media' | 'text' | 'imageUri' | 'width' | 'height' | 'state' | 'version'> {
  assignee?: string;
  /** Each labeler's current annotation, in the order they were made. */
  annotations: ReviewLabelerAnnotation[];
  /** The skips in effect: who skipped it. */
  skippedBy: string[];
  prelabel?: { annotation: Annotation; confidence?: number; source?: string; by: string };
  /** The consensus label: the final one when settled, else the top choice among the labelers (as in Azure). */
  consensus?: Annotation;
  /**
   * Semantic segmentation: the rasters of the masks above (annotations, prelabel, consensus, conflict) as
   * runs, by blob; a blob the host could not read is absent (its mask shows empty).
   */
  masks?: Record<string, MaskRunsMessage>;
  /** True when `consensus` is the item's final label. */
  settled: boolean;
  finalBy?: string[];
  agreement?: number;
  review?: { kind: string; by: string; at: string };
  /** A review conflict: each current decision. */
  conflict?: ReviewDecisionView[];
  /** Why the item needs review, in a line (who said what, agreement). */
  why?: string;
  newer?: string[];
}

export type ReviewActionType = 'approve' | 'reject' | 'accept-skip' | 'unskip' | 'decide';

export interface ReviewActionParams {
  action: ReviewActionType;
  key: string;
  /** The item version the reviewer saw. */
  version: number;
  /** reject: shown to the labelers when it comes back to them. */
  reason?: string;
  /** reject: assign the item back to the labelers whose labels were rejected. */
  returnTo?: boolean;
  /** decide: the final annotation. */
  annotation?: Annotation;
}

export interface ReviewActionResult {
  /** False: refused because the item changed since it was shown (or another one-line reason). */
  done: boolean;
  message?: string;
  /** The item as it is now (absent when it no longer exists). */
  item?: ReviewItem;
}

export interface BulkParams {
  action: Exclude<ReviewActionType, 'decide'>;
  /** The selection, with the versions shown; absent: everything matching `filter`. */
  items?: { key: string; version: number }[];
  filter?: ReviewFilter;
  reason?: string;
  returnTo?: boolean;
}

export interface BulkResult {
  /** False when the reviewer declined the confirmation. */
  confirmed: boolean;
  written: number;
  /** Items skipped because they changed since they were listed. */
  stale: number;
  /** Items the action does not apply to (e.g. accept-skip on an item that is not skipped). */
  notApplicable: number;
}

/** host -> webview: the full state. */
export const ReviewStateNotification = notification<ReviewState>('review/state');
/** host -> webview: the change feed (touched keys or 'all') with fresh counts. */
export const ReviewChangedNotification = notification<{ items: string[] | 'all'; counts?: ReviewCountsResult }>('review/changed');
/** host -> webview: show this item (Open in Review from a tree item). */
export const ReviewRevealNotification = notification<{ key: string }>('review/reveal');
/** host -> webview: list the items of this filter (the dashboard's "Review" on a label or a pair of labelers). */
export const ReviewSetFilterNotification = notification<{ filter: ReviewFilter }>('review/set-filter');

export const ReviewPageRequest = request<{ filter: ReviewFilter; after?: string; limit?: number }, ReviewPage>('review/page');
export const ReviewItemRequest = request<{ key: string }, ReviewItem | null>('review/item');
export const ReviewCountRequest = request<{ filter: ReviewFilter }, number>('review/count');
export const ReviewActionRequest = request<ReviewActionParams, ReviewActionResult>('review/act');
export const ReviewBulkRequest = request<BulkParams, BulkResult>('review/bulk');
/** webview -> host: the filter changed (kept in workspaceState, so it survives reloads). */
export const ReviewFilterCommand = command<{ filter: ReviewFilter }>('review/filter');
