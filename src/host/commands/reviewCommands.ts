/**
 * Review actions from the trees and the palette (issue 11 item 2): Accept Skip and Return to Queue on
 * Skipped rows, Approve and Reject on Needs Review rows, Open in Review, and "Next Item to Review". Each
 * acts on the rows a tree command was given (`(node, nodes)`: the clicked row and the multi-selection),
 * else on the items in context (itemContext.ts), else on `{ project, items, reason? }` (scripts, tests).
 * Rows act at the version they showed: an item that changed since is left out (stale) and said so, in
 * one line, with its state now. Many rows are written as all-or-nothing journal lines of at most
 * MAX_BATCH actions (store.reviewBatch).
 */
import * as vscode from 'vscode';
import { LabelingError } from '../../core/errors';
import type { ProjectStore } from '../../core/store/project-store';
import { MAX_BATCH, type ReviewAction } from '../../core/store/review-batch';
import { Commands, Views } from '../constants';
import type { ProjectEntry, ProjectRegistry } from '../projects/registry';
import type { StoreManager } from '../projects/stores';
import type { ItemContext, ItemsInContext } from '../views/itemContext';
import { commandRows, type ItemsView } from '../views/itemViews';
import { resolveProject } from './projectCommands';

/** The Review panel's command (the Review-panel engineer's); called with (project entry, item key). */
export const REVIEW_LABELS = 'labeling.reviewLabels';

/** Arguments for scripts and tests: act on these items of a project, at their current versions unless `versions` says. */
export interface ItemsArgs {
  project: string;
  items: string[];
  versions?: number[];
  /** Reject: why (shown to the labelers); given, no input box is shown. */
  reason?: string;
  /** Reject: assign the item back to the labeler whose labels were rejected. */
  returnTo?: boolean;
}

export interface ReviewResult {
  written: number;
  /** Items left out: they changed since they were listed. */
  stale: string[];
}

export interface ReviewDeps {
  registry: ProjectRegistry;
  stores: StoreManager;
  items: ItemContext;
  views: readonly ItemsView[];
}

export function isItemsArgs(a: unknown): a is ItemsArgs {
  return !!a && typeof a === 'object' && typeof (a as ItemsArgs).project === 'string' && Array.isArray((a as ItemsArgs).items);
}

/**
 * The items a command acts on: the rows given (`nodes`, else `node`), else `{ project, items }`, else the
 * items in context. Undefined (and a message) when there are none.
 */
export async function itemsOf(deps: Pick<ReviewDeps, 'registry' | 'items'>, node: unknown, nodes: unknown, what: string): Promise<ItemsInContext | undefined> {
  const rows = commandRows(node, nodes);
  if (rows.length) return { entry: rows[0]!.entry, keys: rows.map((r) => r.item.key), versions: rows.map((r) => r.item.version), from: 'rows' };
  if (isItemsArgs(node)) {
    const entry = await resolveProject(deps.registry, node.project);
    if (!entry) return undefined;
    if (node.versions && node.versions.length !== node.items.length) throw new LabelingError('invalid-input', `${node.versions.length} given for ${node.items.length} items`, { field: 'versions' });
    return { entry, keys: node.items, ...(node.versions ? { versions: node.versions } : {}), from: 'args' };
  }
  const ctx = deps.items.current();
  if (!ctx) void vscode.window.showInformationMessage(`${what}: select items in the Skipped or Needs Review view, or open one in the labeling panel.`);
  return ctx;
}

type Kind = ReviewAction['type'] & ('approve' | 'reject' | 'accept-skip' | 'unskip');
const DONE: Record<Kind, string> = { approve: 'Approved', reject: 'Rejected', 'accept-skip': 'Accepted the skip of', unskip: 'Returned to the queue' };

/** Writes one review action per item (in all-or-nothing lines of MAX_BATCH) and says what happened in one line. */
export async function reviewItems(
  store: ProjectStore,
  target: ItemsInContext,
  type: Kind,
  extra: Pick<ReviewAction, 'reason' | 'returnTo'> = {},
): Promise<ReviewResult> {
  const actions: ReviewAction[] = target.keys.map((item, i) => {
    const base = target.versions?.[i] ?? store.getItem(item)?.version;
    if (base === undefined) throw new LabelingError('not-found', `no item "${item}" in ${store.def.name}`, { field: 'item' });
    return { type, item, base, ...extra };
  });
  const out: ReviewResult = { written: 0, stale: [] };
  for (let i = 0; i < actions.length; i += MAX_BATCH) {
    const r = await store.reviewBatch(actions.slice(i, i + MAX_BATCH));
    out.written += r.written;
    out.stale.push(...r.stale);
  }
  const n = (k: number) => `${k.toLocaleString('en-US')} item${k === 1 ? '' : 's'}`;
  const done = out.written === 1 && actions.length === 1 ? `${DONE[type]} ${actions[0]!.item}` : `${DONE[type]} ${n(out.written)}`;
  if (!out.stale.length) {
    vscode.window.setStatusBarMessage(`${done}${extra.reason ? ` (reason: ${extra.reason})` : ''}.`, 5000);
  } else {
    const first = store.getItem(out.stale[0]!);
    const now = first ? `now ${first.state}${first.review ? `, ${first.review.kind} by ${first.review.by}` : ''}` : 'gone';
    const left = out.stale.length === 1 ? `${out.stale[0]} changed since it was shown (${now}): left as it is` : `${n(out.stale.length)} changed since they were shown and were left as they are (${out.stale[0]}: ${now})`;
    void vscode.window.showWarningMessage(out.written ? `${done}; ${left}.` : `Nothing written: ${left}.`);
  }
  return out;
}

/** Registers the review commands through `register` (extension.ts: trust and error handling). */
export function reviewCommands(deps: ReviewDeps): [string, (...args: never[]) => unknown][] {
  /** `returnTo`: a reject that also assigns the item back to the labeler whose labels it rejects. */
  const act = (type: Kind, what: string, returnTo = false) => async (node?: unknown, nodes?: unknown): Promise<ReviewResult | undefined> => {
    const target = await itemsOf(deps, node, nodes, what);
    if (!target) return undefined;
    const store = await deps.stores.get(target.entry);
    let extra: Pick<ReviewAction, 'reason' | 'returnTo'> = {};
    if (type === 'reject') {
      const args = isItemsArgs(node) ? node : undefined;
      let reason = args?.reason;
      if (!args) {
        reason = await vscode.window.showInputBox({
          title: `Reject ${target.keys.length === 1 ? target.keys[0] : `${target.keys.length} items`}${returnTo ? ' and return to the labeler' : ''}`,
          prompt: 'Why (optional): the labelers see it when the item comes back to them. Enter rejects, Escape cancels.',
          ignoreFocusOut: true,
        });
        if (reason === undefined) return undefined;
      }
      extra = { ...(reason?.trim() ? { reason: reason.trim() } : {}), ...(returnTo || args?.returnTo ? { returnTo: true } : {}) };
    }
    return reviewItems(store, target, type, extra);
  };
  return [
    [Commands.AcceptSkip, act('accept-skip', 'Accept Skip')],
    [Commands.ReturnSkip, act('unskip', 'Return to Queue')],
    [Commands.ApproveItem, act('approve', 'Approve Item')],
    [Commands.RejectItem, act('reject', 'Reject Item')],
    [Commands.RejectReturnItem, act('reject', 'Reject and Return to Labeler', true)],
    [Commands.OpenInReview, async (node?: unknown, nodes?: unknown) => {
      const target = await itemsOf(deps, node, nodes, 'Open in Review');
      return target ? openInReview(target.entry, target.keys[0]!) : undefined;
    }],
    [Commands.NextToReview, (arg?: unknown) => nextToReview(deps, arg)],
  ];
}

/** The Review panel on an item when it exists (labeling.reviewLabels), else the labeling panel. */
async function openInReview(entry: ProjectEntry, key: string): Promise<'review' | 'labeler'> {
  if ((await vscode.commands.getCommands(true)).includes(REVIEW_LABELS)) {
    await vscode.commands.executeCommand(REVIEW_LABELS, entry, key);
    return 'review';
  }
  await vscode.commands.executeCommand(Commands.OpenItem, entry, key);
  return 'labeler';
}

/**
 * "Labeling: Next Item to Review": the needs-review item after the one in context (or the first; review
 * conflicts are needs-review items too), selected in the Needs Review view, so that Approve Item and
 * Reject Item... act on it, and opened in the Review panel (the labeling panel until that exists).
 * Returns its key, undefined when nothing needs review.
 */
export async function nextToReview(deps: ReviewDeps, arg?: unknown): Promise<string | undefined> {
  const entry = await resolveProject(deps.registry, arg, { placeHolder: 'Project to review', fromContext: true });
  if (!entry) return undefined;
  const store = await deps.stores.get(entry);
  const ctx = deps.items.current();
  const current = ctx && ctx.entry.root === entry.root && ctx.entry.id === entry.id ? ctx.keys.at(-1) : undefined;
  let first: string | undefined;
  let next: string | undefined;
  let passed = current === undefined;
  let cursor: string | undefined;
  do {
    const page = store.page('needs-review', cursor, 1000);
    for (const it of page.items) {
      first ??= it.key;
      if (passed && it.key !== current) {
        next = it.key;
        break;
      }
      if (it.key === current) passed = true;
    }
    cursor = next ? undefined : page.next;
  } while (cursor);
  next ??= first !== current ? first : undefined;
  if (!next) {
    void vscode.window.showInformationMessage(first ? `${first} is the only item that needs review in ${entry.def?.name ?? entry.id}.` : `Nothing needs review in ${entry.def?.name ?? entry.id}.`);
    if (!first) return undefined;
    next = first;
  }
  const view = deps.views.find((v) => v.viewId === Views.NeedsReview);
  if (view) await view.revealItem(entry, next).catch(() => false);
  await openInReview(entry, next);
  return next;
}
