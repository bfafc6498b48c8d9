/**
 * Protocol of the labeling panel (webview/labeler <-> host labeler controller).
 *
 * Handshake: the webview sends `ready` (ipc.ts ReadyCommand); the host answers with a full `state`
 * notification (LabelerState, with a `version`). A panel the host opens embeds its first state in the
 * page instead (webviewHtml `initial`, with the first image preloaded): the webview shows it without a
 * round trip and says `labeler/readyWith` its version; the host then posts only the items to hold ahead,
 * or, when anything changed since the page was made, a full state as for `ready`. Afterwards:
 * - submit/skip/back/next/openItem are answered with their result, which carries the new `view`
 *   (LabelerView: everything but the project, applied on top of snapshot `base`). The webview draws the
 *   next item from that answer only, so it appears only once the journal append returned; a failed
 *   submit is an error answer and the current item stays with its labels.
 * - changes from elsewhere (the store's change feed: a teammate's journal, a refresh, a review) arrive
 *   as a `view` notification, or a full `state` when the project (labels, status, instructions) changed.
 * - a webview whose version is not a view's `base` ignores it and sends `resync`; the host answers with
 *   a full snapshot (conventions.md: a typed delta with the version it applies to).
 * - `upcoming` lists items the webview does not hold yet, or holds at another version: the next queue
 *   items and the labeler's own items around the one shown in their history (the next few for Back, the
 *   one before for Next after Back). It keeps those of `upcomingKeys`, decoding images ahead; a view
 *   naming `itemFromUpcoming` shows the held one (with the view's `position`). An answer's view carries
 *   only the keys: its new items follow in an `upcoming` notification, posted once the answer went out.
 *   A submit's answer names the item just submitted in `heldSubmitted`: the webview holds its own copy
 *   (the annotation it submitted), which is not sent back.
 *
 * Requests are answered with their typed result or an IpcError whose `reason` is a core ErrorReason
 * ('paused', 'conflict', 'not-found', 'forbidden', 'invalid-input', 'io') or a transport failure
 * ('timeout', 'disposed').
 *
 * Timings for `npm run bench:ui` (never asserted):
 * - the webview appends `{ mark, method, t }` entries (t = performance.now() in the webview) to the
 *   global array `window.__lblTimings` (webview/shared/host-ipc.ts; last 2,000 kept): 'key' (Enter
 *   pressed, method labeler/submit), 'send' (any request posted), 'reply' (its answer received; `host`
 *   holds the host's durations when sent), 'render' (the answer's view is in the DOM and the next
 *   animation frame ran), then for an image item 'decoded' (`decoded`: whether the image decoded);
 *   for the first state (method labeler/state): 'ready' (the app connected), 'load' (the page's load
 *   event), 'receive' (the state applied: embedded, or its notification), 'render' and 'decoded';
 * - when the extension host runs with LABELING_TIMINGS=1, every answer carries `timings` (ipc.ts
 *   HostTimings, ms): for submit/skip `store` (the durable write), `state` (the view built), and
 *   `total` (request received to answer posted, host side).
 */
import type { Annotation, ItemRef, ItemState, LabelClass, MediaKind, ProjectStatus, ProjectType } from '../core/model';
import { command, notification, request } from './ipc';
import type { MaskRunsMessage } from './mask-transport';

export interface LabelerProject {
  id: string;
  name: string;
  type: ProjectType;
  status: ProjectStatus;
  labels: LabelClass[];
  /** Semantic segmentation: the name of the ignore class (mask index 255), when the project has one. */
  ignoreLabel?: string;
  /** instructions.md as plain text (the webview renders a tiny safe Markdown subset, never HTML). */
  instructions: string;
}

export interface LabelerPrelabel {
  annotation: Annotation;
  /** Model confidence in [0, 1]. */
  confidence?: number;
  /** Where it came from, e.g. 'import', 'ml-assist', or a model version. */
  source?: string;
}

export interface LabelerItem {
  key: string;
  ref: ItemRef;
  media: MediaKind;
  /** Item text (text projects), rendered as text. */
  text?: string;
  /** Image as a webview URI (host: panel.webview.asWebviewUri). */
  imageUri?: string;
  /** Image size in pixels, when known (else the webview reads it from the loaded image). */
  width?: number;
  height?: number;
  /** This labeler's own saved annotation, when the item was labeled before (e.g. after Back). */
  annotation?: Annotation;
  /** A suggestion shown distinctly until confirmed or edited. Ignored when `annotation` is set. */
  prelabel?: LabelerPrelabel;
  /**
   * Semantic segmentation: the raster of `annotation` (else of the prelabel's) as row-major runs, read
   * from its blob by the host (a mask annotation only names the blob). Absent: start from an empty mask.
   */
  mask?: MaskRunsMessage;
  state: ItemState;
  /** Opaque version of the item's label record; submit sends it back to detect stale edits. */
  version: number;
  /** Where this item sits in the labeler's session: `index` of `count` (1-based), when known. */
  position?: { index: number; count: number };
  /** A reviewer rejected the labels and the item came back: who, when, and why. */
  rejected?: { by: string; at: string; reason?: string };
}

export interface LabelerProgress {
  /** Items with a settled label. */
  labeled: number;
  total: number;
  /** Items this labeler has submitted. */
  mine: number;
}

export interface LabelerMessage {
  kind: 'info' | 'warning' | 'error';
  text: string;
}

/** What changes as the labeler moves through items: the snapshot without its project. */
export interface LabelerViewFields {
  /** Absent means the queue is empty for this labeler. */
  item?: LabelerItem;
  progress: LabelerProgress;
  /** True when the labeler has earlier items of their own to go back to. */
  canGoBack: boolean;
  message?: LabelerMessage;
  /**
   * Set when the project has no items because its data sources match no file (a glob that matches
   * nothing, or files moved away): the workspace-relative globs and the project.json to fix them in.
   */
  noData?: { globs: string[]; definition: string };
  /** Items to hold ahead (next queue items, the labeler's previous ones) the webview does not hold at their version yet. */
  upcoming?: LabelerItem[];
  /** The keys of every upcoming item the webview should hold now (it drops the others). */
  upcomingKeys?: string[];
}

/** The full snapshot. */
export interface LabelerState extends LabelerViewFields {
  /** Grows with every state or view the host sends this panel. */
  version: number;
  project: LabelerProject;
}

/** A delta: the new view on top of the snapshot of version `base`. */
export interface LabelerView extends LabelerViewFields {
  base: number;
  version: number;
  /** Instead of `item`: show the upcoming item with this key the webview holds (its version is current). */
  itemFromUpcoming?: string;
  /** With `itemFromUpcoming`: where that item sits in the labeler's history now (the held copy's may be older). */
  position?: { index: number; count: number };
  /**
   * A submit's answer: hold the item just submitted (for Back) as it was shown, with the annotation the
   * webview submitted (the prelabel it confirmed, or the one it sent), at this version and state, as if
   * it came in `upcoming`: the host does not send it back (an item of 1,000 boxes is ~50 KB). Absent
   * for a mask, and when the host did not know what the webview showed.
   */
  heldSubmitted?: { key: string; version: number; state: ItemState };
}

export interface SubmitParams {
  key: string;
  /**
   * The labeler's annotation. Absent with `fromPrelabel`: the item's prelabel as it was sent (the host
   * has it; a prelabel of 1,000 boxes is ~50 KB the request need not carry).
   */
  annotation?: Annotation;
  /** The `version` of the item the labeler saw. A different current version answers 'conflict'. */
  version: number;
  /**
   * True when the annotation is a prelabel accepted without edits. Confirming a suggestion (Enter or
   * Confirm) is this submit: one action, recorded with `source: 'prelabel'`.
   */
  fromPrelabel?: boolean;
  /**
   * Semantic segmentation: the painted mask (lbl-mask-editor encoded()), instead of `annotation`; the
   * host validates it (decodeMaskMessage), stores the blob and submits its mask annotation.
   */
  mask?: MaskRunsMessage;
}
export interface SubmitResult {
  /** ISO time the journal line was made durable. */
  savedAt: string;
  /** The next item and progress. */
  view: LabelerView;
}

export interface ItemKeyParams {
  key: string;
}
export interface NavigationResult {
  /** False when there was nothing to move to (e.g. Back at the first item); the state is unchanged. */
  moved: boolean;
  /** The view after moving (absent when nothing moved). */
  view?: LabelerView;
}

/**
 * The item just submitted as both ends hold it for Back (LabelerView.heldSubmitted): the item as it was
 * shown, with the annotation submitted at the version and state after the submit, as a full read sends
 * it (the labeler's own annotation: no prelabel, no rejection; a view gives the position).
 */
export function submittedCopy(shown: LabelerItem, annotation: Annotation, at: { version: number; state: ItemState }): LabelerItem {
  const { prelabel: _prelabel, rejected: _rejected, position: _position, mask: _mask, ...rest } = shown;
  return { ...rest, annotation, version: at.version, state: at.state };
}

/** host -> webview: the full snapshot. */
export const LabelerStateNotification = notification<LabelerState>('labeler/state');
/** host -> webview: a delta from the change feed (progress, the current item changed by someone else). */
export const LabelerViewNotification = notification<LabelerView>('labeler/view');
/** host -> webview: items to hold (posted after the answer or view that lists their keys, before any later one). */
export const LabelerUpcomingNotification = notification<{ upcoming: LabelerItem[] }>('labeler/upcoming');
/** webview -> host: a view did not apply (its base is not the webview's version): send the full snapshot. */
export const ResyncCommand = command<void>('labeler/resync');
/** Instead of `ready`: the webview shows the state embedded in its page, at this version. */
export const ReadyWithCommand = command<{ version: number }>('labeler/readyWith');

/** Saves this labeler's annotation of the item (journal append) and moves to the next item. */
export const SubmitRequest = request<SubmitParams, SubmitResult>('labeler/submit');
/** Skips the item (journal append) and moves to the next item. */
export const SkipRequest = request<ItemKeyParams, NavigationResult>('labeler/skip');
/** Moves to the labeler's previous own item. */
export const BackRequest = request<void, NavigationResult>('labeler/back');
/** Moves forward: after Back, to the following item of the labeler's history, else the queue head. */
export const NextRequest = request<void, NavigationResult>('labeler/next');
/** Opens a specific item (from a tree view or the review). */
export const OpenItemRequest = request<ItemKeyParams, NavigationResult>('labeler/openItem');

/** webview -> host: show an error the webview hit (image failed to load...) in the VS Code UI and log. */
export const ShowErrorCommand = command<{ message: string }>('labeler/showError');

/**
 * A no-op round trip (webview -> host -> webview, no store, no state): the floor that npm run bench:ui
 * compares Enter-to-next-item with. The host answers at once with its clock (ms since the epoch).
 */
export const PingRequest = request<void, { hostAt: number }>('labeler/ping');
