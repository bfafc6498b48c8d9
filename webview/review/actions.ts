/**
 * What a reviewer does in the Review panel: the actions on the item shown (approve, reject with an
 * optional reason and "Return to labeler", accept or return a skip, decide), bulk actions on the
 * checked rows or on everything matching the filter, and the keys that run them. Functions over the
 * app (its state, host connection and list); the item view, the list and the keys call them.
 */
import { annotationKindOf, type Annotation } from '../../src/core/model';
import { ReviewActionRequest, ReviewBulkRequest, type BulkParams, type ReviewActionParams, type ReviewState } from '../../src/protocol/review';
import { isTypingTarget } from '../components/keyboard-controller';
import { labelForKey } from '../shared/colors';
import { HostRequestError } from '../shared/host-ipc';
import type { LblReviewApp } from './app';
import { fmt } from './format';

/** An action on the item shown; the host refuses it when the item changed since (the fresh item is shown). */
export async function act(app: LblReviewApp, action: ReviewActionParams['action'], extra: Partial<ReviewActionParams> = {}): Promise<boolean> {
  const item = app.item;
  if (!item || !app.ipc || app.busy || !app.state?.project.canReview) return false;
  app.busy = true;
  try {
    const r = await app.ipc.request(ReviewActionRequest, { action, key: item.key, version: item.version, ...extra });
    if (!r.done) {
      app.notice = { kind: 'warning', text: r.message ?? 'Not written.' };
      app.item = r.item;
      app.mode = 'read';
      return false;
    }
    app.notice = undefined;
    app.mode = 'read';
    app.draft = undefined;
    // The next row: the list reloads from the change feed; move on now.
    const at = app.rows.findIndex((x) => x.key === item.key);
    if (at >= 0 && at + 1 < app.rows.length) await app.select(at + 1);
    else if (r.item) app.item = r.item;
    return true;
  } catch (e) {
    app.notice = { kind: e instanceof HostRequestError && e.reason === 'conflict' ? 'warning' : 'error', text: (e as Error).message };
    return false;
  } finally {
    app.busy = false;
  }
}

export function startReject(app: LblReviewApp): void {
  if (app.item && app.item.annotations.length) app.mode = 'reject';
}

export async function confirmReject(app: LblReviewApp): Promise<void> {
  const reason = (app.renderRoot.querySelector('#reason') as HTMLInputElement | null)?.value ?? '';
  const returnTo = (app.renderRoot.querySelector('#return-to') as HTMLInputElement | null)?.checked ?? false;
  await act(app, 'reject', { ...(reason.trim() ? { reason: reason.trim() } : {}), ...(returnTo ? { returnTo: true } : {}) });
}

/** Decide: edit the annotation shown (the consensus by default), then save it as final. */
export function startDecide(app: LblReviewApp): void {
  const it = app.item;
  if (!it || !app.state?.project.canReview) return;
  app.draft = app.shownAnnotation() ?? emptyOf(app.state.project.type);
  app.mode = 'decide';
}

export async function saveDecide(app: LblReviewApp): Promise<void> {
  if (app.mode === 'decide' && app.draft) await act(app, 'decide', { annotation: app.draft });
}

export function pick(app: LblReviewApp, label: string): void {
  app.activeLabel = label;
  if (app.mode === 'decide') app.viewer?.editor?.applyLabel(label);
}

export function toggleChecked(app: LblReviewApp, key: string): void {
  const next = new Set(app.checked);
  if (next.has(key)) next.delete(key);
  else next.add(key);
  app.checked = next;
  app.allMatching = false;
}

export async function bulk(app: LblReviewApp, action: BulkParams['action']): Promise<void> {
  if (!app.ipc || app.busy) return;
  const params: BulkParams = app.allMatching
    ? { action, filter: app.filter }
    : { action, items: app.rows.filter((r) => app.checked.has(r.key)).map((r) => ({ key: r.key, version: r.version })) };
  if (!app.allMatching && !params.items!.length) return;
  app.busy = true;
  try {
    const r = await app.ipc.request(ReviewBulkRequest, params);
    if (r.confirmed) {
      app.checked = new Set();
      app.allMatching = false;
      const tail = [r.stale ? `${fmt(r.stale)} skipped (changed since listed)` : '', r.notApplicable ? `${fmt(r.notApplicable)} not applicable` : ''].filter(Boolean).join(', ');
      app.notice = { kind: 'info', text: `${fmt(r.written)} written${tail ? `; ${tail}` : ''}.` };
    }
  } catch (e) {
    app.notice = { kind: 'error', text: (e as Error).message };
  } finally {
    app.busy = false;
  }
}

/** The panel's keys (KeyboardController): Esc and Enter while rejecting or deciding, label keys while deciding, else J/K, the arrows, A, R, S, U, D and X. */
export function onReviewKey(app: LblReviewApp, e: KeyboardEvent): void {
  if (isTypingTarget(e) || !app.state) return;
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const consume = () => {
    e.preventDefault();
    e.stopPropagation();
  };
  if (app.mode === 'reject') {
    if (e.key === 'Escape') {
      consume();
      app.mode = 'read';
    }
    return;
  }
  if (app.mode === 'decide') {
    if (e.key === 'Escape') {
      consume();
      app.mode = 'read';
      app.draft = undefined;
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey) {
      consume();
      void saveDecide(app);
      return;
    }
    const label = !e.shiftKey && e.key.length === 1 ? labelForKey(app.state.project.labels, e.key) : undefined;
    if (label) {
      consume();
      return pick(app, label.name);
    }
    if (app.viewer?.editor?.handleKey(e)) consume();
    return;
  }
  const path0 = e.composedPath()[0];
  if (path0 instanceof HTMLElement && (path0.tagName === 'BUTTON' || path0.tagName === 'VSCODE-BUTTON') && (e.key === 'Enter' || e.key === ' ')) return;
  const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  const run: Record<string, () => unknown> = {
    j: () => app.move(1),
    ArrowDown: () => app.move(1),
    k: () => app.move(-1),
    ArrowUp: () => app.move(-1),
    a: () => act(app, 'approve'),
    r: () => startReject(app),
    s: () => app.item?.state === 'skipped' && act(app, 'accept-skip'),
    u: () => app.item?.state === 'skipped' && act(app, 'unskip'),
    d: () => startDecide(app),
    x: () => app.index >= 0 && toggleChecked(app, app.rows[app.index]!.key),
  };
  const f = run[k];
  if (!f || e.shiftKey) return;
  consume();
  void f();
}

function emptyOf(type: ReviewState['project']['type']): Annotation {
  switch (annotationKindOf(type)) {
    case 'spans':
      return { kind: 'spans', spans: [] };
    case 'boxes':
      return { kind: 'boxes', boxes: [] };
    case 'polygons':
      return { kind: 'polygons', polygons: [] };
    default:
      return { kind: 'classes', labels: [] };
  }
}
