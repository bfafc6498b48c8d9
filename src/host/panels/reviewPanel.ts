/**
 * "Labeling: Review Labels": one Review panel per project (webview/review). The host answers list
 * pages and items from the store (review-reads.ts), writes the reviewer's actions with the version the
 * reviewer saw (a stale view never wins: the answer then carries the fresh item and a one-line
 * message), runs bulk actions as jobs in chunks of at most BULK_CHUNK items, and relays the change
 * feed with fresh counts. The filter is kept per project in the workspace state.
 */
import * as vscode from 'vscode';
import { LabelingError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { Annotation, ProjectDef } from '../../core/model';
import type { ReviewAction } from '../../core/store/review-batch';
import type { ProjectStore } from '../../core/store/project-store';
import { checkReviewFilter, reviewReadsOf, type ReviewCounts, type ReviewFilter, type ReviewReads } from '../../core/store/review-reads';
import { ReadyCommand } from '../../protocol/ipc';
import {
  BULK_CHUNK, ReviewActionRequest, ReviewBulkRequest, ReviewChangedNotification, ReviewCountRequest, ReviewFilterCommand, ReviewItemRequest, ReviewPageRequest,
  ReviewRevealNotification, ReviewSetFilterNotification, ReviewStateNotification,
  type BulkParams, type BulkResult, type ReviewActionParams, type ReviewActionResult, type ReviewActionType, type ReviewItem, type ReviewState,
} from '../../protocol/review';
import type { HostJobs } from '../jobs/hostJobs';
import type { ProjectEntry } from '../projects/registry';
import type { ProjectChange, StoreManager } from '../projects/stores';
import { Disposable } from '../util/lifecycle';
import { IpcHost } from './ipcHost';
import { dataRoots } from './labelerPanel';
import { applies, writeChunk } from './reviewActions';
import { hasRole } from '../../core/store/guards';
import { reviewItemOf } from './reviewItem';
import { maskRunsOf } from './labelerMasks';
import { adoptAppPanel } from './panelRestore';
import { createAppPanel } from './webviewHtml';
import { WebviewTypes } from '../constants';

export const REVIEW_VIEW_TYPE = WebviewTypes.Review;
const FILTER_KEY = 'labeling.reviewFilters';

const VERB: Record<ReviewActionType, string> = { approve: 'Approve', reject: 'Reject', 'accept-skip': 'Accept the skip of', unskip: 'Return to the queue', decide: 'Decide' };

/** Whether `me` may review in `def` (a project without roles lets everyone). */
function canReview(def: ProjectDef, me: string): boolean {
  return vscode.workspace.isTrusted && hasRole(def, me, 'reviewer');
}

export class ReviewPanels extends Disposable {
  private readonly panels = new Map<string, ReviewPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly stores: StoreManager,
    private readonly jobs: HostJobs,
    private readonly state: vscode.Memento,
    private readonly logger: Logger,
  ) {
    super();
  }

  /** Opens (or reveals) the project's Review panel; `key`: the item to show; `filter`: the list to show. */
  async show(entry: ProjectEntry, key?: string, existing?: vscode.WebviewPanel, filter?: ReviewFilter): Promise<ReviewPanel> {
    const k = `${entry.root}::${entry.id}`;
    let p = this.panels.get(k);
    if (p) existing?.dispose(); // restored after a reload while the project has one already
    if (!p) {
      p = new ReviewPanel(this.extensionUri, entry, this.stores, this.jobs, this.state, this.logger, existing);
      this.panels.set(k, p);
      p.panel.onDidDispose(() => this.panels.delete(k));
    } else p.panel.reveal();
    if (filter) await p.setFilter(filter);
    if (key) await p.reveal(key);
    return p;
  }

  get(entry: ProjectEntry): ReviewPanel | undefined {
    return this.panels.get(`${entry.root}::${entry.id}`);
  }

  override dispose(): void {
    this.panels.forEach((p) => p.dispose());
    super.dispose();
  }
}

export class ReviewPanel extends Disposable {
  readonly panel: vscode.WebviewPanel;
  private readonly ipc: IpcHost;
  private ready = false;
  private pendingReveal: string | undefined;
  private reads?: { reads: ReviewReads; counts: ReviewCounts; store: ProjectStore };

  constructor(
    extensionUri: vscode.Uri,
    private readonly entry: ProjectEntry,
    private readonly stores: StoreManager,
    private readonly jobs: HostJobs,
    private readonly memento: vscode.Memento,
    logger: Logger,
    /** A panel VS Code restored after Reload Window, to fill. */
    existing?: vscode.WebviewPanel,
  ) {
    super();
    const def = entry.def!;
    const roots = dataRoots(entry.folder.uri, def.dataSources.map((d) => d.glob));
    const app = { title: `Review: ${def.name}`, app: 'review', tag: 'lbl-review-app', dataRoots: roots };
    this.panel = this._register(existing ? adoptAppPanel(existing, extensionUri, app) : createAppPanel(extensionUri, { viewType: REVIEW_VIEW_TYPE, ...app }));
    this.ipc = this._register(new IpcHost(this.panel.webview, logger, 'review'));
    this.ipc.onCommand(ReadyCommand, async () => {
      this.ready = true;
      await this.pushState();
      if (this.pendingReveal) await this.ipc.notify(ReviewRevealNotification, { key: this.pendingReveal });
      this.pendingReveal = undefined;
    });
    this.ipc.onRequest(ReviewPageRequest, async ({ filter, after, limit }) => (await this.open()).reads.page(filter, after, limit ?? 100));
    this.ipc.onRequest(ReviewCountRequest, async ({ filter }) => (await this.open()).reads.count(filter));
    this.ipc.onRequest(ReviewItemRequest, async ({ key }) => this.itemOf(await this.open(), key) ?? null);
    this.ipc.onRequest(ReviewActionRequest, (p) => this.act(p));
    this.ipc.onRequest(ReviewBulkRequest, (p) => this.bulk(p));
    this.ipc.onCommand(ReviewFilterCommand, ({ filter }) => {
      checkReviewFilter(filter);
      return this.memento.update(FILTER_KEY, { ...this.filters(), [this.projectKey]: filter });
    });
    this._register(stores.onDidChange((c) => {
      if (c.entry.id === this.entry.id && c.entry.root === this.entry.root) void this.onChange(c);
    }));
    this._register(this.panel.onDidDispose(() => this.dispose()));
  }

  private get projectKey(): string {
    return `${this.entry.root}::${this.entry.id}`;
  }

  private filters(): Record<string, ReviewFilter> {
    return this.memento.get<Record<string, ReviewFilter>>(FILTER_KEY) ?? {};
  }

  /** The persisted filter of this project. */
  get filter(): ReviewFilter {
    return this.filters()[this.projectKey] ?? { asset: 'labeled' };
  }

  private async open(): Promise<{ reads: ReviewReads; counts: ReviewCounts; store: ProjectStore }> {
    const store = await this.stores.get(this.entry);
    if (this.reads?.store !== store) this.reads = { ...reviewReadsOf(store), store };
    return this.reads;
  }

  /** Lists the items of `filter`: kept as the project's filter (a panel opening reads it), and sent to an open one. */
  async setFilter(filter: ReviewFilter): Promise<void> {
    checkReviewFilter(filter);
    await this.memento.update(FILTER_KEY, { ...this.filters(), [this.projectKey]: filter });
    if (this.ready) await this.ipc.notify(ReviewSetFilterNotification, { filter });
  }

  /** Shows an item (Open in Review). */
  async reveal(key: string): Promise<void> {
    if (!this.ready) this.pendingReveal = key;
    else await this.ipc.notify(ReviewRevealNotification, { key });
  }

  private itemOf(r: { reads: ReviewReads; store: ProjectStore }, key: string): ReviewItem | undefined {
    const v = r.store.getItem(key);
    if (!v) return undefined;
    const uri = v.media === 'image' ? this.panel.webview.asWebviewUri(vscode.Uri.joinPath(this.entry.folder.uri, ...v.ref.path.split('/'))).toString() : undefined;
    const maskOf = v.media === 'image' ? (a: Annotation) => maskRunsOf(r.store.projectDir, a) : undefined;
    return reviewItemOf(v, r.reads.skippers(key), uri, maskOf);
  }

  private async pushState(): Promise<void> {
    if (!this.ready) return;
    const r = await this.open();
    const def = r.store.def;
    const filter = this.filter;
    const state: ReviewState = {
      project: {
        id: def.id, name: def.name, type: def.type, status: def.status, labels: def.labels, me: r.store.labeler, canReview: canReview(def, r.store.labeler),
        ...(def.ignoreLabel !== undefined ? { ignoreLabel: def.ignoreLabel } : {}),
      },
      filter,
      counts: r.counts.counts(filter.agreementBelow),
    };
    await this.ipc.notify(ReviewStateNotification, state);
  }

  private async onChange(c: ProjectChange): Promise<void> {
    if (!this.ready) return;
    const r = await this.open();
    if (c.kinds.includes('definition')) return this.pushState();
    await this.ipc.notify(ReviewChangedNotification, { items: c.items === 'all' ? 'all' : [...c.items], counts: r.counts.counts(this.filter.agreementBelow) });
  }

  /** One action on the item shown: refused, with the fresh item, when it changed since it was shown. */
  async act(p: ReviewActionParams): Promise<ReviewActionResult> {
    requireTrust();
    const r = await this.open();
    const now = r.store.getItem(p.key);
    if (!now) return { done: false, message: `"${p.key}" is no longer in the project.` };
    const stale = (): ReviewActionResult => {
      const item = this.itemOf(r, p.key);
      return { done: false, message: `"${p.key}" changed since it was shown (a label or a review arrived); nothing was written. This is its current state.`, ...(item ? { item } : {}) };
    };
    if (now.version !== p.version) return stale();
    if (p.action === 'decide' && !p.annotation) throw new LabelingError('invalid-input', 'decide needs the annotation to save as final', { field: 'annotation' });
    if (!applies(p.action, now)) return { done: false, message: `${VERB[p.action]} does not apply to "${p.key}" as it is now (${now.state}).`, ...(this.itemOf(r, p.key) ? { item: this.itemOf(r, p.key)! } : {}) };
    const a: ReviewAction = { type: p.action, item: p.key, base: p.version };
    if (p.annotation) a.ann = p.annotation;
    if (p.reason?.trim()) a.reason = p.reason.trim();
    if (p.returnTo) a.returnTo = true;
    const out = await writeChunk(r.store, [a]);
    if (out.stale.length) return stale();
    const item = this.itemOf(r, p.key);
    return { done: true, ...(item ? { item } : {}) };
  }

  /** A bulk action: confirmed with its count, then a job writing chunks of at most BULK_CHUNK items. */
  async bulk(p: BulkParams): Promise<BulkResult> {
    requireTrust();
    const r = await this.open();
    if (!p.items && !p.filter) throw new LabelingError('invalid-input', 'a bulk action needs items or a filter', { field: 'items' });
    const n = p.items ? p.items.length : r.reads.count(p.filter!);
    const none: BulkResult = { confirmed: false, written: 0, stale: 0, notApplicable: 0 };
    if (!n) {
      void vscode.window.showInformationMessage('No items match: nothing to do.');
      return none;
    }
    const what = p.items ? `the ${n.toLocaleString('en-US')} selected item${n === 1 ? '' : 's'}` : `all ${n.toLocaleString('en-US')} item${n === 1 ? '' : 's'} matching the filter`;
    const go = `${VERB[p.action]} ${n.toLocaleString('en-US')}`;
    const pick = await vscode.window.showWarningMessage(`${VERB[p.action]} ${what}? Items that change meanwhile are skipped and counted.`, { modal: true }, go);
    if (pick !== go) return none;
    const result: BulkResult = { confirmed: true, written: 0, stale: 0, notApplicable: 0 };
    await this.jobs.run({
      title: `${VERB[p.action]} ${n.toLocaleString('en-US')} items (${this.entry.def?.name ?? this.entry.id})`,
      resource: this.entry.id,
      run: async (ctx) => {
        const chunks: Iterable<{ key: string; version: number }[]> = p.items ? chunked(p.items, BULK_CHUNK) : r.reads.keys(p.filter!, BULK_CHUNK);
        let seen = 0;
        for (const chunk of chunks) {
          if (ctx.signal.aborted) throw new LabelingError('cancelled', `Cancelled after ${result.written} items.`);
          const actions: ReviewAction[] = [];
          for (const it of chunk) {
            const v = r.store.getItem(it.key);
            if (!v || v.version !== it.version) {
              result.stale++;
              continue;
            }
            if (!applies(p.action, v)) {
              result.notApplicable++;
              continue;
            }
            const a: ReviewAction = { type: p.action, item: it.key, base: it.version };
            if (p.reason?.trim()) a.reason = p.reason.trim();
            if (p.returnTo) a.returnTo = true;
            actions.push(a);
          }
          if (actions.length) {
            const w = await writeChunk(r.store, actions);
            result.written += w.written;
            result.stale += w.stale.length;
          }
          seen += chunk.length;
          ctx.progress(Math.min(1, seen / n), `${result.written.toLocaleString('en-US')} written, ${result.stale} changed meanwhile`);
        }
        ctx.log(`${result.written} written, ${result.stale} skipped (changed since listed), ${result.notApplicable} not applicable`);
      },
    });
    const tail = [result.stale ? `${result.stale} skipped because they changed since they were listed` : '', result.notApplicable ? `${result.notApplicable} not applicable` : '']
      .filter(Boolean)
      .join(', ');
    void vscode.window.showInformationMessage(`${VERB[p.action]}: ${result.written.toLocaleString('en-US')} items written${tail ? `; ${tail}` : ''}.`);
    return result;
  }
}

function requireTrust(): void {
  if (!vscode.workspace.isTrusted) throw new LabelingError('forbidden', 'This workspace is not trusted: reviews cannot be written (run "Workspaces: Manage Workspace Trust").');
}

function* chunked<T>(xs: T[], n: number): Generator<T[]> {
  for (let i = 0; i < xs.length; i += n) yield xs.slice(i, i + n);
}

/**
 * What "Labeling: Review Labels" was called on: a tree item row ({entry, item}) gives its project and
 * item; a project row or the Project Details panel gives the entry (with `key` as the second argument
 * from Open in Review); anything else is resolved by the caller (palette: the project in context).
 */
export function reviewTargetOf(arg: unknown, key?: unknown): { entry?: ProjectEntry; key?: string } {
  const k = typeof key === 'string' && key ? key : undefined;
  if (arg && typeof arg === 'object') {
    const o = arg as { kind?: unknown; entry?: ProjectEntry; item?: { key?: unknown }; id?: unknown; root?: unknown };
    if (o.kind === 'item' && o.entry && typeof o.item?.key === 'string') return { entry: o.entry, key: k ?? o.item.key };
    if (o.kind === 'project' && o.entry) return { entry: o.entry, ...(k ? { key: k } : {}) };
  }
  return k ? { key: k } : {};
}
