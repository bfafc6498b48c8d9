/**
 * Protocol of the labeling panel (webview/labeler <-> host labeler controller).
 *
 * Handshake: the webview sends `ready` (ipc.ts ReadyCommand); the host answers with a full `state`
 * notification and sends a fresh full snapshot after every change (submit, skip, back, next, open,
 * project paused/resumed, labels edited). Snapshots are never deltas.
 *
 * Requests are answered with their typed result or an IpcError whose `reason` is a core ErrorReason
 * ('paused', 'conflict', 'not-found', 'forbidden', 'invalid-input', 'io') or a transport failure
 * ('timeout', 'disposed'). After a successful submit/skip/back/next/openItem the host pushes the new
 * state; the request result only says what happened.
 */
import type { Annotation, ItemRef, ItemState, LabelClass, MediaKind, ProjectStatus, ProjectType } from '../core/model';
import { command, notification, request } from './ipc';

export interface LabelerProject {
  id: string;
  name: string;
  type: ProjectType;
  status: ProjectStatus;
  labels: LabelClass[];
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
  state: ItemState;
  /** Opaque version of the item's label record; submit sends it back to detect stale edits. */
  version: number;
  /** Where this item sits in the labeler's session: `index` of `count` (1-based), when known. */
  position?: { index: number; count: number };
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

/** The full snapshot. `item` absent means the queue is empty for this labeler. */
export interface LabelerState {
  project: LabelerProject;
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
}

export interface SubmitParams {
  key: string;
  annotation: Annotation;
  /** The `version` of the item the labeler saw. A different current version answers 'conflict'. */
  version: number;
  /**
   * True when the annotation is a prelabel accepted without edits. Confirming a suggestion (Enter or
   * Confirm) is this submit: one action, recorded with `source: 'prelabel'`.
   */
  fromPrelabel?: boolean;
}
export interface SubmitResult {
  /** ISO time the journal line was made durable. */
  savedAt: string;
}

export interface ItemKeyParams {
  key: string;
}
export interface NavigationResult {
  /** False when there was nothing to move to (e.g. Back at the first item); the state is unchanged. */
  moved: boolean;
}

/** host -> webview: the full snapshot. */
export const LabelerStateNotification = notification<LabelerState>('labeler/state');

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
