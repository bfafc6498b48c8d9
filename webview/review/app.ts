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
 */
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { annotationKindOf, mediaOf, type Annotation } from '../../src/core/model';
import {
  REVIEW_ASSETS, ReviewActionRequest, ReviewBulkRequest, ReviewChangedNotification, ReviewCountRequest, ReviewFilterCommand, ReviewItemRequest, ReviewPageRequest,
  ReviewRevealNotification, ReviewSetFilterNotification, ReviewStateNotification,
  type BulkParams, type ReviewActionParams, type ReviewAsset, type ReviewCountsResult, type ReviewFilter, type ReviewItem, type ReviewRow, type ReviewState,
} from '../../src/protocol/review';
import type { NoticeDetail } from '../components/editor';
import { isTypingTarget, KeyboardController } from '../components/keyboard-controller';
import '../components/label-palette';
import { labelForKey } from '../shared/colors';
import { cssVars } from '../shared/css-vars';
import { HostIpc, HostRequestError, vscodeTransport } from '../shared/host-ipc';
import { reviewStyles, ROW_HEIGHT } from './app.styles';
import type { LblReviewViewer } from './viewer';
import './viewer';

export type ReviewViewChoice = 'consensus' | 'prelabel' | 'overlay' | `labeler:${string}`;

interface UiState {
  filter?: ReviewFilter;
  view?: ReviewViewChoice;
}

export const ASSET_TITLES: Record<ReviewAsset, string> = {
  labeled: 'Labeled',
  skipped: 'Skipped',
  'needs-review': 'Needs review',
  conflicts: 'Review conflicts',
  prelabeled: 'Prelabeled',
  approved: 'Approved',
  rejected: 'Rejected',
};

const PAGE = 100;
const fmt = (n: number) => n.toLocaleString('en-US');
const pct = (x: number) => `${Math.round(x * 100)}%`;

/** ms since the epoch <-> the value of an <input type="datetime-local"> (local time). */
function toLocalInput(ms: number | undefined): string {
  if (ms === undefined) return '';
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
function fromLocalInput(v: string): number | undefined {
  if (!v) return undefined;
  const t = new Date(v).getTime();
  return Number.isFinite(t) ? t : undefined;
}

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
    new KeyboardController(this, (e) => this.onKeyDown(e));
    this.addEventListener('lbl-change', (e) => {
      if (this.mode === 'decide') this.draft = e.detail.annotation;
    });
    this.addEventListener('lbl-notice', (e) => (this.notice = e.detail));
    this.addEventListener('lbl-label-pick', (e) => this.pick(e.detail.label));
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
    this.scrollRowIntoView(i);
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

  /** An action on the item shown; the host refuses it when the item changed since (the fresh item is shown). */
  async act(action: ReviewActionParams['action'], extra: Partial<ReviewActionParams> = {}): Promise<boolean> {
    const item = this.item;
    if (!item || !this.ipc || this.busy || !this.state?.project.canReview) return false;
    this.busy = true;
    try {
      const r = await this.ipc.request(ReviewActionRequest, { action, key: item.key, version: item.version, ...extra });
      if (!r.done) {
        this.notice = { kind: 'warning', text: r.message ?? 'Not written.' };
        this.item = r.item;
        this.mode = 'read';
        return false;
      }
      this.notice = undefined;
      this.mode = 'read';
      this.draft = undefined;
      // The next row: the list reloads from the change feed; move on now.
      const at = this.rows.findIndex((x) => x.key === item.key);
      if (at >= 0 && at + 1 < this.rows.length) await this.select(at + 1);
      else if (r.item) this.item = r.item;
      return true;
    } catch (e) {
      this.notice = { kind: e instanceof HostRequestError && e.reason === 'conflict' ? 'warning' : 'error', text: (e as Error).message };
      return false;
    } finally {
      this.busy = false;
    }
  }

  startReject(): void {
    if (this.item && this.item.annotations.length) this.mode = 'reject';
  }

  async confirmReject(): Promise<void> {
    const reason = (this.renderRoot.querySelector('#reason') as HTMLInputElement | null)?.value ?? '';
    const returnTo = (this.renderRoot.querySelector('#return-to') as HTMLInputElement | null)?.checked ?? false;
    await this.act('reject', { ...(reason.trim() ? { reason: reason.trim() } : {}), ...(returnTo ? { returnTo: true } : {}) });
  }

  /** Decide: edit the annotation shown (the consensus by default), then save it as final. */
  startDecide(): void {
    const it = this.item;
    if (!it || !this.state?.project.canReview) return;
    this.draft = this.shownAnnotation() ?? emptyOf(this.state.project.type);
    this.mode = 'decide';
  }

  async saveDecide(): Promise<void> {
    if (this.mode === 'decide' && this.draft) await this.act('decide', { annotation: this.draft });
  }

  pick(label: string): void {
    this.activeLabel = label;
    if (this.mode === 'decide') this.viewer?.editor?.applyLabel(label);
  }

  toggleChecked(key: string): void {
    const next = new Set(this.checked);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    this.checked = next;
    this.allMatching = false;
  }

  async bulk(action: BulkParams['action']): Promise<void> {
    if (!this.ipc || this.busy) return;
    const params: BulkParams = this.allMatching
      ? { action, filter: this.filter }
      : { action, items: this.rows.filter((r) => this.checked.has(r.key)).map((r) => ({ key: r.key, version: r.version })) };
    if (!this.allMatching && !params.items!.length) return;
    this.busy = true;
    try {
      const r = await this.ipc.request(ReviewBulkRequest, params);
      if (r.confirmed) {
        this.checked = new Set();
        this.allMatching = false;
        const tail = [r.stale ? `${fmt(r.stale)} skipped (changed since listed)` : '', r.notApplicable ? `${fmt(r.notApplicable)} not applicable` : ''].filter(Boolean).join(', ');
        this.notice = { kind: 'info', text: `${fmt(r.written)} written${tail ? `; ${tail}` : ''}.` };
      }
    } catch (e) {
      this.notice = { kind: 'error', text: (e as Error).message };
    } finally {
      this.busy = false;
    }
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

  private scrollRowIntoView(i: number): void {
    const sc = this.renderRoot.querySelector('.scroller');
    if (!sc) return;
    const top = i * ROW_HEIGHT;
    if (top < sc.scrollTop) sc.scrollTop = top;
    else if (top + ROW_HEIGHT > sc.scrollTop + sc.clientHeight) sc.scrollTop = top + ROW_HEIGHT - sc.clientHeight;
  }

  private onScroll(e: Event): void {
    const sc = e.target as HTMLElement;
    this.scrollTop = sc.scrollTop;
    this.viewport = sc.clientHeight || this.viewport;
    if (sc.scrollTop + sc.clientHeight > this.rows.length * ROW_HEIGHT - 10 * ROW_HEIGHT) void this.loadMore();
  }

  private onKeyDown(e: KeyboardEvent): void {
    if (isTypingTarget(e) || !this.state) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const consume = () => {
      e.preventDefault();
      e.stopPropagation();
    };
    if (this.mode === 'reject') {
      if (e.key === 'Escape') {
        consume();
        this.mode = 'read';
      }
      return;
    }
    if (this.mode === 'decide') {
      if (e.key === 'Escape') {
        consume();
        this.mode = 'read';
        this.draft = undefined;
        return;
      }
      if (e.key === 'Enter' && !e.shiftKey) {
        consume();
        void this.saveDecide();
        return;
      }
      const label = !e.shiftKey && e.key.length === 1 ? labelForKey(this.state.project.labels, e.key) : undefined;
      if (label) {
        consume();
        return this.pick(label.name);
      }
      if (this.viewer?.editor?.handleKey(e)) consume();
      return;
    }
    const path0 = e.composedPath()[0];
    if (path0 instanceof HTMLElement && (path0.tagName === 'BUTTON' || path0.tagName === 'VSCODE-BUTTON') && (e.key === 'Enter' || e.key === ' ')) return;
    const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    const run: Record<string, () => unknown> = {
      j: () => this.move(1),
      ArrowDown: () => this.move(1),
      k: () => this.move(-1),
      ArrowUp: () => this.move(-1),
      a: () => this.act('approve'),
      r: () => this.startReject(),
      s: () => this.item?.state === 'skipped' && this.act('accept-skip'),
      u: () => this.item?.state === 'skipped' && this.act('unskip'),
      d: () => this.startDecide(),
      x: () => this.index >= 0 && this.toggleChecked(this.rows[this.index]!.key),
    };
    const f = run[k];
    if (!f || e.shiftKey) return;
    consume();
    void f();
  }

  override render() {
    const s = this.state;
    if (!s) return html`<div class="empty" role="status">Loading…</div>`;
    return html`
      <header>
        <h1>Review: ${s.project.name}</h1>
        <span class="muted">${s.project.me}${s.project.canReview ? '' : ' (not a reviewer in this project: actions are off)'}</span>
      </header>
      ${this.renderFilters()}
      ${this.notice
        ? html`<div class="banner ${this.notice.kind}" role=${this.notice.kind === 'info' ? 'status' : 'alert'}>
            <span>${this.notice.text}</span>
            <vscode-button class="close" secondary icon="close" icon-only aria-label="Dismiss message" @click=${() => (this.notice = undefined)}></vscode-button>
          </div>`
        : nothing}
      <div class="body">
        ${this.renderList()}
        <section class="detail" aria-label="Item">${this.item ? this.renderDetail(this.item) : this.renderNoItem()}</section>
      </div>
    `;
  }

  private renderFilters() {
    const c = this.counts;
    const f = this.filter;
    const n = (x: number | undefined) => (x === undefined ? '' : ` (${fmt(x)})`);
    const labelers = Object.keys(c?.labelers ?? {}).sort();
    if (f.labeler && !labelers.includes(f.labeler)) labelers.push(f.labeler);
    const labels = this.state!.project.labels.map((l) => l.name);
    return html`<div class="filters" role="group" aria-label="Filters">
      <label>Asset
        <select id="f-asset" aria-label="Asset type" @change=${(e: Event) => this.setFilter({ ...f, asset: ((e.target as HTMLSelectElement).value || undefined) as ReviewAsset | undefined })}>
          <option value="" ?selected=${!f.asset}>All items</option>
          ${REVIEW_ASSETS.map((a) => html`<option value=${a} ?selected=${f.asset === a}>${ASSET_TITLES[a]}${n(c?.assets[a])}</option>`)}
        </select></label>
      <label>Labeler
        <select id="f-labeler" aria-label="Labeler" @change=${(e: Event) => this.setFilter({ ...f, labeler: (e.target as HTMLSelectElement).value || undefined })}>
          <option value="" ?selected=${!f.labeler}>Anyone</option>
          ${labelers.map((l) => html`<option value=${l} ?selected=${f.labeler === l}>${l}${n(c?.labelers[l])}</option>`)}
        </select></label>
      <label>Label
        <select id="f-label" aria-label="Label" @change=${(e: Event) => this.setFilter({ ...f, label: (e.target as HTMLSelectElement).value || undefined })}>
          <option value="" ?selected=${!f.label}>Any</option>
          ${labels.map((l) => html`<option value=${l} ?selected=${f.label === l}>${l}${n(c?.labels[l] ?? 0)}</option>`)}
        </select></label>
      <label>Agreement below
        <input id="f-agreement" type="number" min="1" max="100" step="1" aria-label="Agreement below (percent)" .value=${f.agreementBelow !== undefined ? String(Math.round(f.agreementBelow * 100)) : ''}
          @change=${(e: Event) => {
            const v = Number((e.target as HTMLInputElement).value);
            void this.setFilter({ ...f, agreementBelow: (e.target as HTMLInputElement).value && v > 0 && v <= 100 ? v / 100 : undefined });
          }} />%${c?.agreementBelow !== undefined ? html`<span class="muted">(${fmt(c.agreementBelow)})</span>` : nothing}</label>
      <label>From <input id="f-from" type="datetime-local" aria-label="Labeled from" .value=${toLocalInput(f.from)}
        @change=${(e: Event) => this.setFilter({ ...f, from: fromLocalInput((e.target as HTMLInputElement).value) })} /></label>
      <label>To <input id="f-to" type="datetime-local" aria-label="Labeled before" .value=${toLocalInput(f.to)}
        @change=${(e: Event) => this.setFilter({ ...f, to: fromLocalInput((e.target as HTMLInputElement).value) })} /></label>
      ${Object.keys(f).length ? html`<vscode-button secondary icon="clear-all" @click=${() => this.setFilter({})}>Clear</vscode-button>` : nothing}
    </div>`;
  }

  private renderList() {
    const rows = this.rows;
    const first = Math.max(0, Math.floor(this.scrollTop / ROW_HEIGHT) - 5);
    const last = Math.min(rows.length, Math.ceil((this.scrollTop + this.viewport) / ROW_HEIGHT) + 5);
    const nChecked = this.checked.size;
    const canReview = !!this.state?.project.canReview;
    return html`<section class="list" aria-label="Items">
      <div class="list-head" role="status">
        <span>${this.matching !== undefined ? `${fmt(this.matching)} matching` : `${fmt(rows.length)}${this.next ? '+' : ''} listed`}</span>
        ${nChecked || this.allMatching ? html`<span>· ${this.allMatching ? `all ${fmt(this.matching ?? 0)}` : fmt(nChecked)} selected</span>` : nothing}
      </div>
      ${rows.length
        ? html`<div class="scroller" tabindex="0" role="listbox" aria-label="Review list" aria-multiselectable="true" @scroll=${(e: Event) => this.onScroll(e)}>
            <div class="spacer" ${cssVars({ '--h': `${rows.length * ROW_HEIGHT}px` })}>
              ${rows.slice(first, last).map((r, j) => {
                const i = first + j;
                return html`<div class="row ${i === this.index ? 'current' : ''} ${this.checked.has(r.key) ? 'checked' : ''}" role="option"
                  aria-selected=${i === this.index ? 'true' : 'false'} data-key=${r.key} ${cssVars({ '--top': `${i * ROW_HEIGHT}px` })}
                  @click=${(e: MouseEvent) => (e.ctrlKey || e.metaKey || e.shiftKey ? this.toggleChecked(r.key) : void this.select(i))}>
                  <input type="checkbox" aria-label=${`Select ${r.key}`} .checked=${this.checked.has(r.key)} @click=${(e: Event) => {
                    e.stopPropagation();
                    this.toggleChecked(r.key);
                  }} />
                  <span class="k" title=${r.key}><span class="kh">${keyHead(r.key)}</span><span class="kt">${keyTail(r.key)}</span></span>
                  <span class="s">${r.conflict ? 'conflict' : r.state}${r.agreement !== undefined ? ` · ${pct(r.agreement)}` : ''}${r.labelers.length ? ` · ${r.labelers.length}` : ''}</span>
                </div>`;
              })}
            </div>
          </div>`
        : html`<div class="empty" role="status"><span class="codicon codicon-filter"></span><h2>No items match</h2>
            <p>${Object.keys(this.filter).length ? 'Nothing matches these filters yet. New labels appear here by themselves.' : 'This project has no items yet.'}</p></div>`}
      ${canReview && rows.length
        ? html`<div class="list-head toolbar" role="group" aria-label="Bulk actions">
            <label><input type="checkbox" id="all-matching" .checked=${this.allMatching} @change=${(e: Event) => (this.allMatching = (e.target as HTMLInputElement).checked)} /> All matching</label>
            <vscode-button secondary ?disabled=${this.busy || (!nChecked && !this.allMatching)} @click=${() => this.bulk('approve')}>Approve</vscode-button>
            <vscode-button secondary ?disabled=${this.busy || (!nChecked && !this.allMatching)} @click=${() => this.bulk('reject')}>Reject</vscode-button>
            <vscode-button secondary ?disabled=${this.busy || (!nChecked && !this.allMatching)} @click=${() => this.bulk('accept-skip')}>Accept skip</vscode-button>
            <vscode-button secondary ?disabled=${this.busy || (!nChecked && !this.allMatching)} @click=${() => this.bulk('unskip')}>Return skip</vscode-button>
          </div>`
        : nothing}
    </section>`;
  }

  private renderNoItem() {
    return html`<div class="empty" role="status"><span class="codicon codicon-checklist"></span><h2>No item selected</h2>
      <p>Pick an item in the list (J/K or the arrows move through it).</p></div>`;
  }

  private renderDetail(it: ReviewItem) {
    const p = this.state!.project;
    const views: [ReviewViewChoice, string][] = [
      ['consensus', it.settled ? 'Final label' : 'Consensus (top choice)'],
      ...it.annotations.map((a): [ReviewViewChoice, string] => [`labeler:${a.labeler}`, a.labeler]),
      ...(it.prelabel ? [['prelabel', `Prelabel${it.prelabel.confidence !== undefined ? ` ${pct(it.prelabel.confidence)}` : ''}`] as [ReviewViewChoice, string]] : []),
      ...(it.annotations.length > 1 ? [['overlay', 'All labelers'] as [ReviewViewChoice, string]] : []),
    ];
    const deciding = this.mode === 'decide';
    const shown = deciding ? this.draft : this.shownAnnotation();
    const editorLabels = mediaOf(p.type) === 'image' || p.type === 'text-ner';
    return html`
      <div class="meta">
        <strong class="key">${it.key}</strong>
        <vscode-badge>${it.conflict ? 'review conflict' : it.state}</vscode-badge>
        ${it.agreement !== undefined ? html`<span>agreement ${pct(it.agreement)}</span>` : nothing}
        ${it.review ? html`<span>${it.review.kind} by ${it.review.by}</span>` : nothing}
        ${it.skippedBy.length ? html`<span>skipped by ${it.skippedBy.join(', ')}</span>` : nothing}
        ${it.assignee ? html`<span>assigned to ${it.assignee}</span>` : nothing}
      </div>
      ${it.why ? html`<div class="why" role="note">${it.why}</div>` : nothing}
      ${it.newer?.length ? html`<div class="why" role="note">Lines of a newer version of the extension touch this item: its state here may differ.</div>` : nothing}
      ${deciding
        ? html`<div class="banner info" role="status">Deciding: edit the label, then Save as final (Enter); Esc cancels.</div>
            <lbl-label-palette .labels=${p.labels} .chosen=${this.draft?.kind === 'classes' ? this.draft.labels : []} .active=${editorLabels ? this.activeLabel : undefined}></lbl-label-palette>`
        : html`<div class="views" role="group" aria-label="Show">
            ${views.map(([v, t]) => html`<button type="button" aria-pressed=${this.view === v ? 'true' : 'false'} data-view=${v} @click=${() => this.setView(v)}>${t}</button>`)}
          </div>`}
      ${!deciding && this.view !== 'overlay' && !shown
        ? html`<div class="empty" role="status"><span class="codicon codicon-circle-slash"></span><h2>No label to show</h2>
            <p>${it.skippedBy.length ? `Skipped by ${it.skippedBy.join(', ')}.` : 'Nobody has labeled this item yet.'}</p></div>`
        : html`<lbl-review-viewer .item=${it} .type=${p.type} .labels=${p.labels} .ignoreLabel=${p.ignoreLabel} .annotation=${shown}
            .overlay=${!deciding && this.view === 'overlay' ? it.annotations : undefined} ?editable=${deciding} ?suggested=${!deciding && this.view === 'prelabel'}
            .activeLabel=${this.activeLabel}></lbl-review-viewer>`}
      ${this.mode === 'reject' ? this.renderRejectForm() : this.renderActions(it)}
    `;
  }

  private renderRejectForm() {
    return html`<form class="reject-form" aria-label="Reject" @submit=${(e: Event) => {
      e.preventDefault();
      void this.confirmReject();
    }}>
      <input id="reason" type="text" placeholder="Reason (optional, shown to the labelers)" aria-label="Reason" />
      <label><input id="return-to" type="checkbox" /> Return to labeler</label>
      <vscode-button icon="close" ?disabled=${this.busy} @click=${() => this.confirmReject()}>Reject</vscode-button>
      <vscode-button secondary @click=${() => (this.mode = 'read')}>Cancel</vscode-button>
    </form>`;
  }

  private renderActions(it: ReviewItem) {
    const can = !!this.state?.project.canReview && !this.busy;
    const labeled = it.annotations.length > 0;
    const skipped = it.state === 'skipped';
    if (this.mode === 'decide') {
      return html`<footer>
        <vscode-button secondary @click=${() => ((this.mode = 'read'), (this.draft = undefined))}>Cancel</vscode-button>
        <span class="spacer"></span>
        <vscode-button icon="check" ?disabled=${!can} @click=${() => this.saveDecide()}>Save as final (Enter)</vscode-button>
      </footer>`;
    }
    return html`<footer>
      <vscode-button secondary icon="arrow-up" aria-label="Previous item (K)" @click=${() => this.move(-1)}>Previous</vscode-button>
      <vscode-button secondary icon="arrow-down" aria-label="Next item (J)" @click=${() => this.move(1)}>Next</vscode-button>
      <span class="spacer"></span>
      ${skipped
        ? html`<vscode-button ?disabled=${!can} title="Accept skip (S): out of the queue and the exports" @click=${() => this.act('accept-skip')}>Accept skip</vscode-button>
            <vscode-button secondary ?disabled=${!can} title="Return skip (U): back to the queue" @click=${() => this.act('unskip')}>Return skip</vscode-button>`
        : nothing}
      <vscode-button secondary ?disabled=${!can} title="Decide (D): edit, then save as the final label" @click=${() => this.startDecide()}>Decide</vscode-button>
      <vscode-button secondary ?disabled=${!can || !labeled} title="Reject (R): the labels you see are voided, the item returns to the queue" @click=${() => this.startReject()}>Reject</vscode-button>
      <vscode-button icon="check" ?disabled=${!can || !labeled} title="Approve (A)" @click=${() => this.act('approve')}>Approve</vscode-button>
    </footer>`;
  }
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

customElements.define('lbl-review-app', LblReviewApp);
declare global {
  interface HTMLElementTagNameMap {
    'lbl-review-app': LblReviewApp;
  }
}

/**
 * An item key cut where a narrow list may drop the start: the row id (after `#`) or the file name
 * (after the last `/`) is the tail, always shown; the head before it gives way with an ellipsis.
 */
function keySplit(key: string): number {
  const hash = key.lastIndexOf('#');
  return hash >= 0 ? hash : key.lastIndexOf('/') + 1;
}
const keyHead = (key: string): string => key.slice(0, keySplit(key));
const keyTail = (key: string): string => key.slice(keySplit(key));
