/**
 * lbl-review-app: the Review panel. Filters (asset type, labeler, label, agreement below, time range)
 * with counts beside each choice; a keyset-paged, virtualised list that follows the change feed; the
 * selected item in the labeling panel's editors, read-only, with a switch between the consensus label,
 * each labeler's annotation, the prelabel and an overlay of all labelers; actions with keys (A approve,
 * R reject with an optional reason and "Return to labeler", S accept skip, U return skip, D decide,
 * J/K and the arrows to move, X to check a row for a bulk action).
 *
 * Every action names the version of the item shown; the host refuses a stale one and answers with
 * the fresh item, shown with the host's one-line message. The filter and the chosen view survive
 * reloads (webview state, and the host's workspace state for the filter).
 * Without an `ipc` set before it connects, it talks to VS Code through vscodeTransport().
 *
 * This element holds the panel's state, its connection to the host, the list's paging and the item's
 * loading; what it draws and does lives beside it, over the element: the filters (filters.ts), the
 * list (list.ts), the item view (item.ts), and the actions with their keys (actions.ts).
 */
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { Annotation } from '../../src/core/model';
import {
  ReviewChangedNotification, ReviewCountRequest, ReviewFilterCommand, ReviewItemRequest, ReviewPageRequest,
  ReviewRevealNotification, ReviewSetFilterNotification, ReviewStateNotification,
  type ReviewCountsResult, type ReviewFilter, type ReviewItem, type ReviewRow, type ReviewState,
} from '../../src/protocol/review';
import type { NoticeDetail } from '../components/editor';
import { KeyboardController } from '../components/keyboard-controller';
import '../components/label-palette';
import { HostIpc, vscodeTransport } from '../shared/host-ipc';
import { onReviewKey, pick } from './actions';
import { reviewStyles } from './app.styles';
import { renderFilters } from './filters';
import { renderDetail, renderNoItem } from './item';
import { renderList, scrollRowIntoView } from './list';
import type { LblReviewViewer } from './viewer';
import './viewer';

export { ASSET_TITLES } from './filters';

export type ReviewViewChoice = 'consensus' | 'prelabel' | 'overlay' | `labeler:${string}`;

interface UiState {
  filter?: ReviewFilter;
  view?: ReviewViewChoice;
}

const PAGE = 100;

export class LblReviewApp extends LitElement {
  static override styles = reviewStyles;
  static override properties = {
    state: { state: true },
    filter: { state: true },
    counts: { state: true },
    rows: { state: true },
    index: { state: true },
    item: { state: true },
    view: { state: true },
    mode: { state: true },
    draft: { state: true },
    notice: { state: true },
    busy: { state: true },
    checked: { state: true },
    allMatching: { state: true },
    matching: { state: true },
    scrollTop: { state: true },
    viewport: { state: true },
    activeLabel: { state: true },
  };
  declare state: ReviewState | undefined;
  declare filter: ReviewFilter;
  declare counts: ReviewCountsResult | undefined;
  declare rows: ReviewRow[];
  /** The current row, -1 for none. */
  declare index: number;
  declare item: ReviewItem | undefined;
  declare view: ReviewViewChoice;
  declare mode: 'read' | 'reject' | 'decide';
  /** The annotation being decided (mode 'decide'). */
  declare draft: Annotation | undefined;
  declare notice: NoticeDetail | undefined;
  declare busy: boolean;
  /** Keys checked for a bulk action. */
  declare checked: ReadonlySet<string>;
  /** The bulk action applies to everything matching the filter. */
  declare allMatching: boolean;
  /** How many items match the filter (asked of the host). */
  declare matching: number | undefined;
  declare scrollTop: number;
  declare viewport: number;
  declare activeLabel: string | undefined;
  /** Set before connecting (tests); otherwise created over the VS Code webview API. */
  ipc?: HostIpc;
  private next: string | undefined;
  private loadingMore = false;
  /** Grows with every list reload: an older reload's pages are dropped. */
  private generation = 0;
  private itemGeneration = 0;
  private ownsIpc = false;
  private unsubscribe: (() => void)[] = [];
  private resize?: ResizeObserver;
  /** Whether the list was loaded for the current filter at least once (the empty state needs it). */
  listed = false;
  /** The item an Open in Review is loading: a list that arrives meanwhile keeps it rather than showing its first row. */
  private revealing: string | undefined;

  constructor() {
    super();
    this.filter = {};
    this.rows = [];
    this.index = -1;
    this.view = 'consensus';
    this.mode = 'read';
    this.busy = false;
    this.checked = new Set();
    this.allMatching = false;
    this.scrollTop = 0;
    this.viewport = 600;
    new KeyboardController(this, (e) => onReviewKey(this, e));
    this.addEventListener('lbl-change', (e) => {
      if (this.mode === 'decide') this.draft = e.detail.annotation;
    });
    this.addEventListener('lbl-notice', (e) => (this.notice = e.detail));
    this.addEventListener('lbl-label-pick', (e) => pick(this, e.detail.label));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.ipc) {
      this.ipc = new HostIpc(vscodeTransport());
      this.ownsIpc = true;
    }
    this.unsubscribe = [
      this.ipc.on(ReviewStateNotification, (s) => void this.applyState(s)),
      this.ipc.on(ReviewChangedNotification, (c) => void this.onChanged(c)),
      this.ipc.on(ReviewRevealNotification, ({ key }) => void this.reveal(key)),
      this.ipc.on(ReviewSetFilterNotification, ({ filter }) => void this.setFilter(filter)),
    ];
    this.ipc.ready();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe.forEach((u) => u());
    this.unsubscribe = [];
    this.resize?.disconnect();
    if (this.ownsIpc) {
      this.ipc?.dispose();
      this.ipc = undefined;
    }
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    const scroller = this.renderRoot.querySelector('.scroller');
    if (scroller && !this.resize && typeof ResizeObserver !== 'undefined') {
      this.resize = new ResizeObserver(() => (this.viewport = scroller.clientHeight || this.viewport));
      this.resize.observe(scroller);
    }
  }

  get viewer(): LblReviewViewer | undefined {
    return (this.renderRoot.querySelector('lbl-review-viewer') as LblReviewViewer | null) ?? undefined;
  }

  private ui(): UiState {
    return this.ipc?.getUiState<UiState>() ?? {};
  }

  private saveUi(): void {
    this.ipc?.setUiState<UiState>({ filter: this.filter, view: this.view });
  }

  async applyState(s: ReviewState): Promise<void> {
    const first = !this.state;
    this.state = s;
    if (s.counts) this.counts = s.counts;
    const names = s.project.labels.map((l) => l.name);
    if (!this.activeLabel || !names.includes(this.activeLabel)) this.activeLabel = names[0];
    if (first) {
      const ui = this.ui();
      this.filter = ui.filter ?? s.filter;
      if (ui.view) this.view = ui.view;
    }
    await this.reload(first ? 0 : this.rows.length);
  }

  /** Sets the filter: persisted, the list starts over. */
  async setFilter(f: ReviewFilter): Promise<void> {
    const clean: ReviewFilter = {};
    for (const [k, v] of Object.entries(f) as [keyof ReviewFilter, unknown][]) if (v !== undefined && v !== '') (clean as Record<string, unknown>)[k] = v;
    this.filter = clean;
    this.checked = new Set();
    this.allMatching = false;
    this.saveUi();
    this.ipc?.send(ReviewFilterCommand, { filter: clean });
    // The list starts over on its first item.
    this.index = -1;
    this.item = undefined;
    this.mode = 'read';
    await this.reload(0);
  }

  /** Reads the list again from its start, as many rows as were loaded (at least one page). */
  async reload(keep: number): Promise<void> {
    if (!this.ipc) return;
    const gen = ++this.generation;
    const want = Math.max(PAGE, keep);
    const rows: ReviewRow[] = [];
    let after: string | undefined;
    try {
      do {
        const p = await this.ipc.request(ReviewPageRequest, { filter: this.filter, ...(after ? { after } : {}), limit: Math.min(1000, want - rows.length) });
        if (gen !== this.generation) return;
        rows.push(...p.rows);
        after = p.next;
      } while (after && rows.length < want);
    } catch (e) {
      if (gen === this.generation) this.notice = { kind: 'error', text: (e as Error).message };
      return;
    }
    const key = this.revealing ?? this.item?.key;
    this.rows = rows;
    this.next = after;
    this.listed = true;
    void this.countMatching(gen);
    const at = key ? rows.findIndex((r) => r.key === key) : -1;
    if (at >= 0) this.index = at;
    else if (this.index >= rows.length) this.index = rows.length - 1;
    if (this.index < 0 && rows.length && !this.item && !this.revealing) await this.select(0);
  }

  private async countMatching(gen: number): Promise<void> {
    try {
      const n = await this.ipc!.request(ReviewCountRequest, { filter: this.filter });
      if (gen === this.generation) this.matching = n;
    } catch {
      // the count is a convenience; the list is what matters
    }
  }

  async loadMore(): Promise<void> {
    if (!this.ipc || !this.next || this.loadingMore) return;
    this.loadingMore = true;
    const gen = this.generation;
    try {
      const p = await this.ipc.request(ReviewPageRequest, { filter: this.filter, after: this.next, limit: PAGE });
      if (gen !== this.generation) return;
      this.rows = [...this.rows, ...p.rows];
      this.next = p.next;
    } finally {
      this.loadingMore = false;
    }
  }

  /** Shows the row at `i` (loading the next page when it is the last one loaded). */
  async select(i: number): Promise<void> {
    if (i < 0 || i >= this.rows.length) return;
    this.index = i;
    this.mode = 'read';
    scrollRowIntoView(this, i);
    if (i >= this.rows.length - 5) void this.loadMore();
    await this.loadItem(this.rows[i]!.key);
  }

  /** Open in Review: shows the item, in the list when it is loaded there. */
  async reveal(key: string): Promise<void> {
    const at = this.rows.findIndex((r) => r.key === key);
    if (at >= 0) return this.select(at);
    this.index = -1;
    this.mode = 'read';
    this.revealing = key;
    try {
      await this.loadItem(key);
    } finally {
      if (this.revealing === key) this.revealing = undefined;
    }
  }

  async loadItem(key: string): Promise<void> {
    if (!this.ipc) return;
    const gen = ++this.itemGeneration;
    try {
      const item = await this.ipc.request(ReviewItemRequest, { key });
      if (gen !== this.itemGeneration) return;
      this.item = item ?? undefined;
      if (!item) this.notice = { kind: 'warning', text: `"${key}" is no longer in the project.` };
      this.fitView();
    } catch (e) {
      if (gen === this.itemGeneration) this.notice = { kind: 'error', text: (e as Error).message };
    }
  }

  /** A view that does not exist for this item (a labeler who has no annotation on it) falls back to the consensus. */
  private fitView(): void {
    const it = this.item;
    if (!it) return;
    if (this.view === 'prelabel' && !it.prelabel) this.view = 'consensus';
    if (this.view.startsWith('labeler:') && !it.annotations.some((a) => `labeler:${a.labeler}` === this.view)) this.view = 'consensus';
  }

  setView(v: ReviewViewChoice): void {
    this.view = v;
    this.saveUi();
  }

  private async onChanged(c: { items: string[] | 'all'; counts?: ReviewCountsResult }): Promise<void> {
    if (c.counts) this.counts = c.counts;
    await this.reload(this.rows.length);
    const key = this.item?.key;
    if (key && this.mode !== 'decide' && (c.items === 'all' || c.items.includes(key))) await this.loadItem(key);
  }

  /** Moves by `d` rows. */
  async move(d: number): Promise<void> {
    const i = this.index < 0 ? 0 : this.index + d;
    if (i >= this.rows.length && this.next) await this.loadMore();
    await this.select(Math.max(0, Math.min(this.rows.length - 1, i)));
  }

  /** The annotation of the chosen view (undefined for the overlay or when there is none). */
  shownAnnotation(): Annotation | undefined {
    const it = this.item;
    if (!it) return undefined;
    if (this.view === 'prelabel') return it.prelabel?.annotation;
    if (this.view.startsWith('labeler:')) return it.annotations.find((a) => `labeler:${a.labeler}` === this.view)?.annotation;
    if (this.view === 'overlay') return undefined;
    return it.consensus;
  }

  override render() {
    const s = this.state;
    if (!s) return html`<div class="empty" role="status">Loading…</div>`;
    return html`
      <header>
        <h1>Review: ${s.project.name}</h1>
        <span class="muted">${s.project.me}${s.project.canReview ? '' : ' (not a reviewer in this project: actions are off)'}</span>
      </header>
      ${renderFilters(this)}
      ${this.notice
        ? html`<div class="banner ${this.notice.kind}" role=${this.notice.kind === 'info' ? 'status' : 'alert'}>
            <span>${this.notice.text}</span>
            <vscode-button class="close" secondary icon="close" icon-only aria-label="Dismiss message" @click=${() => (this.notice = undefined)}></vscode-button>
          </div>`
        : nothing}
      <div class="body">
        ${renderList(this, !!this.next)}
        <section class="detail" aria-label="Item">${this.item ? renderDetail(this, this.item) : renderNoItem()}</section>
      </div>
    `;
  }
}

customElements.define('lbl-review-app', LblReviewApp);
declare global {
  interface HTMLElementTagNameMap {
    'lbl-review-app': LblReviewApp;
  }
}

