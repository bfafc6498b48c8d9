/** Public shapes returned by ProjectStore. */
import type { ReviewDecision } from './item-state';
import type { Annotation, ItemCounts, ItemRef, ItemState, LabelerAnnotation, MediaKind } from '../model';

export interface ItemView {
  key: string;
  ref: ItemRef;
  media: MediaKind;
  state: ItemState;
  /** Changes whenever an event touches the item; reviewer actions name it (stale -> 'conflict'). */
  version: number;
  /** Item text (text projects); undefined if the file cannot be read. */
  text?: string;
  /** Image size in pixels (image projects), read lazily from the file header. */
  width?: number;
  height?: number;
  assignee?: string;
  /**
   * The caller's latest annotation; `source`: the prelabel or suggestion that submit confirmed (journal
   * `src`), `changed`: it changed it first (journal `chg`).
   */
  mine?: LabelerAnnotation & { source?: string; changed?: boolean };
  /** True when the caller skipped the item. */
  skippedByMe: boolean;
  /** The latest prelabel (import, ML assist, or labels kept at a label-set change); `source`: its journal `src` (a model version, an import). */
  prelabel?: LabelerAnnotation & { source?: string };
  /** Other labelers' latest annotations. */
  others: LabelerAnnotation[];
  final?: Annotation;
  finalBy?: string[];
  agreement?: number;
  /** The review in effect, if any. */
  review?: { kind: 'approve' | 'decide' | 'accept-skip'; by: string; at: string };
  /** A review conflict: the current reviews disagree; each decision (the item needs a review that saw them all). */
  conflict?: ReviewDecision[];
  /** Lines of a newer version of the extension touch this item (why, per line): its state here may differ. */
  newer?: string[];
  /** The reject in effect: the item came back to the queue (shown to its labelers with the reason). */
  rejected?: { by: string; at: string; reason?: string };
}

export interface ItemSummary {
  key: string;
  state: ItemState;
  version: number;
  assignee?: string;
  /** The item's current reviews disagree (a review conflict). */
  conflict?: true;
  /** Lines of a newer version of the extension touch it. */
  newer?: true;
}

export type PageView = 'queue' | 'all' | 'mine' | 'skipped' | 'needs-review' | 'labeled' | 'incomplete' | 'missing';

export interface Page {
  items: ItemSummary[];
  /** Opaque keyset cursor for the next page; absent on the last page. */
  next?: string;
}

export interface ProjectStats extends ItemCounts {
  /** Labeled items whose final annotation uses the label (once per item). */
  byLabel: Record<string, number>;
  /** Items each labeler has a current annotation on. */
  byLabeler: Record<string, number>;
  /** byLabeler of the labeler asked about. */
  mine?: number;
  /** Items per review filter (counter table cnt_flag): holding a prelabel, approved, rejected, in review conflict. */
  review: { prelabeled: number; approved: number; rejected: number; conflicts: number };
}

export interface RefreshResult {
  added: number;
  missing: number;
  restored: number;
  total: number;
}

/** What a rebuild read: the items indexed and the journal events replayed. */
export interface RebuildResult {
  items: number;
  events: number;
}

export interface StoreProgress {
  message: string;
  done?: number;
  total?: number;
}

/**
 * An item as the ML-assist reads see it: what its row holds, without replaying its events (no
 * per-labeler annotations, no review state). Texts of text files are read from the file; images carry
 * their size only when the index already knows it.
 */
export interface BriefItem {
  key: string;
  ref: ItemRef;
  state: ItemState;
  version: number;
  text?: string;
  width?: number;
  height?: number;
  final?: Annotation;
}
