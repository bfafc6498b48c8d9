/**
 * The contract between the labeler app and each annotation editor. Editors render and dispatch; the
 * app owns the draft, undo history and the keyboard (it offers each key to the editor first).
 */
import type { Annotation } from '../../src/core/model';

export interface LabelEditor extends HTMLElement {
  /** A label hotkey or palette click. Returns true when the editor used it (tag, relabel, toggle). */
  applyLabel(label: string): boolean;
  /** Returns true when the editor consumed the key (the app then does nothing else with it). */
  handleKey(e: KeyboardEvent): boolean;
}

export interface ChangeDetail {
  annotation: Annotation;
}
export interface NoticeDetail {
  kind: 'info' | 'warning' | 'error';
  text: string;
}

/** An edit of the annotation; the app records it for undo. */
export function changeEvent(annotation: Annotation): CustomEvent<ChangeDetail> {
  return new CustomEvent('lbl-change', { detail: { annotation }, bubbles: true, composed: true });
}

/** A message for the labeler (refused overlap, image failed to load...). */
export function noticeEvent(kind: NoticeDetail['kind'], text: string): CustomEvent<NoticeDetail> {
  return new CustomEvent('lbl-notice', { detail: { kind, text }, bubbles: true, composed: true });
}

declare global {
  interface HTMLElementEventMap {
    'lbl-change': CustomEvent<ChangeDetail>;
    'lbl-notice': CustomEvent<NoticeDetail>;
  }
}
