/**
 * lbl-labeler-app: the labeling panel. Receives a full state snapshot from the host, then views (deltas
 * on a snapshot version: in the answers to its own requests, and as notifications for changes made
 * elsewhere); keeps the draft annotation of the current item (with undo), routes keys (Ctrl/Cmd+Z = undo,
 * unshifted label hotkeys, then the active editor, then Enter = submit, or on a suggestion
 * confirm-and-submit in one action) and sends submit/skip/back/next requests. The next item is drawn
 * from the answer of a submit only (the append returned); upcoming items are held and their images
 * decoded ahead (prefetch.ts). The key routing is in keys.ts, the
 * paused and empty-queue notices in notices.ts.
 * Without an `ipc` set before it connects, it talks to VS Code through vscodeTransport().
 */
import { html, LitElement, nothing } from 'lit';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { isMultiLabel, mediaOf, type Annotation } from '../../src/core/model';
import {
  BackRequest, LabelerStateNotification, LabelerUpcomingNotification, LabelerViewNotification, NextRequest, ReadyWithCommand, ResyncCommand, ShowErrorCommand, SkipRequest, SubmitRequest, submittedCopy,
  type LabelerMessage, type LabelerState, type LabelerView,
} from '../../src/protocol/labeler';
import type { IpcRequest } from '../../src/protocol/ipc';
import '../components/box-editor';
import '../components/class-editor';
import type { LabelEditor, NoticeDetail } from '../components/editor';
import '../components/instructions';
import { KeyboardController } from '../components/keyboard-controller';
import '../components/label-palette';
import type { LblMaskEditor, MaskChangeDetail } from '../components/mask-editor';
import '../components/mask-editor';
import '../components/ner-editor';
import '../components/polygon-editor';
import { embeddedInitial, HostIpc, HostRequestError, mark, vscodeTransport } from '../shared/host-ipc';
import { appStyles } from './app.styles';
import { Draft } from './draft';
import { onLabelerKeyDown, onLabelerKeyUp } from './keys';
import { renderEmpty, renderPaused } from './notices';
import { Prefetch } from './prefetch';

interface UiState {
  instructionsOpen?: boolean;
  /** This page showed the state embedded in it: a reload of the same page (the panel hidden and shown again) asks for a new one. */
  initialShown?: boolean;
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** What a submit sent: the item at its version, and the annotation (a confirmed prelabel's, by reference). */
interface Submitted {
  key: string;
  version: number;
  annotation: Annotation;
}

/** A request answered sooner (the usual submit takes ~20 ms) never redraws the buttons as disabled. */
const BUSY_DRAWN_AFTER_MS = 150;

export class LblLabelerApp extends LitElement {
  static override styles = appStyles;
  static override properties = {
    state: { state: true },
    activeLabel: { state: true },
    notice: { state: true },
    busy: { state: true },
    refusedWhilePaused: { state: true },
  };
  declare state: LabelerState | undefined;
  /** The label new spans/shapes get; set by hotkeys and palette clicks. */
  declare activeLabel: string | undefined;
  declare notice: LabelerMessage | undefined;
  /** Drawn: the buttons show disabled once a request has been in flight for BUSY_DRAWN_AFTER_MS. */
  declare busy: boolean;
  /**
   * A request is in flight (the guard against a second one). Not drawn at once: redrawing the app as a
   * submit goes out holds the page's thread, which the workbench shares, and delays the message itself.
   */
  private inFlight = false;
  /** A submit was refused because the project is paused: the one paused banner then says the label was not saved. */
  declare refusedWhilePaused: boolean;
  /** Set before connecting (tests); otherwise created over the VS Code webview API. */
  ipc?: HostIpc;
  /** The first state, shown as the app connects (tests; in VS Code it is read from the page). */
  initialState?: LabelerState;
  draft?: Draft;
  /** Upcoming items held ahead of the labeler. */
  readonly prefetch = new Prefetch();
  /** The draft confirmed by Enter or Confirm while its submit is in flight (its editor still shows it suggested). */
  private confirming: Draft | undefined;
  private ownsIpc = false;
  private unsubscribe: (() => void)[] = [];

  constructor() {
    super();
    this.busy = false;
    this.refusedWhilePaused = false;
    new KeyboardController(this, (e) => onLabelerKeyDown(this, e), (e) => onLabelerKeyUp(this, e), document);
    this.addEventListener('lbl-change', (e) => this.onChange(e.detail.annotation));
    this.addEventListener('lbl-notice', (e) => this.onNotice(e.detail));
    this.addEventListener('lbl-label-pick', (e) => this.pick(e.detail.label));
    this.addEventListener('lbl-mask-change', (e) => this.onMaskChange((e as CustomEvent<MaskChangeDetail>).detail));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.ipc) {
      this.ipc = new HostIpc(vscodeTransport());
      this.ownsIpc = true;
    }
    this.unsubscribe = [
      this.ipc.on(LabelerStateNotification, (s) => this.applyState(s)),
      this.ipc.on(LabelerViewNotification, (v) => this.applyView(v)),
      this.ipc.on(LabelerUpcomingNotification, (u) => this.prefetch.hold(u)),
    ];
    mark('ready', 'labeler/state');
    // The workbench shows the page's frame once the page loaded (or ~200 ms after it was written).
    if (document.readyState === 'complete') mark('load', 'labeler/state');
    else window.addEventListener('load', () => mark('load', 'labeler/state'), { once: true });
    const ui = this.ipc.getUiState<UiState>();
    const initial = ui?.initialShown ? undefined : (this.initialState ?? (this.ownsIpc ? embeddedInitial<LabelerState>() : undefined));
    this.initialState = undefined;
    if (initial) {
      // Drawn now, without the ready round trip; the host then sends the items to hold ahead.
      this.ipc.setUiState<UiState>({ ...ui, initialShown: true });
      this.applyState(initial);
      this.ipc.send(ReadyWithCommand, { version: initial.version });
    } else this.ipc.ready();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe.forEach((u) => u());
    this.unsubscribe = [];
    if (this.ownsIpc) {
      this.ipc?.dispose();
      this.ipc = undefined;
    }
  }

  /** The editor of the current item, if any. */
  get editor(): LabelEditor | undefined {
    return (this.renderRoot.querySelector('#editor') as LabelEditor | null) ?? undefined;
  }

  /** The mask editor, for a semantic-segmentation item. */
  private get maskEditor(): LblMaskEditor | undefined {
    return this.draft?.annotation.kind === 'mask' ? (this.editor as LblMaskEditor | undefined) : undefined;
  }

  get paused(): boolean {
    return this.state?.project.status === 'paused';
  }

  /** A full snapshot: everything held before is replaced (the host sends the upcoming items again). */
  applyState(s: LabelerState): void {
    const old = this.state?.project;
    // The same project keeps its object, so the palette, instructions and editor see unchanged properties.
    const project = old && JSON.stringify(old) === JSON.stringify(s.project) ? old : s.project;
    mark('receive', 'labeler/state');
    this.prefetch.clear();
    this.prefetch.hold(s);
    this.show({ ...s, project });
    void this.markRendered('labeler/state');
  }

  /**
   * A view on top of snapshot `v.base`: ignored, with a resync asked for, when this webview is at another
   * version or does not hold the upcoming item it names. Returns whether it applied.
   */
  applyView(v: LabelerView, submitted?: Submitted): boolean {
    const s = this.state;
    const held = v.itemFromUpcoming !== undefined ? this.prefetch.get(v.itemFromUpcoming) : undefined;
    if (!s || v.base !== s.version || (v.itemFromUpcoming !== undefined && !held)) {
      this.ipc?.send(ResyncCommand, undefined);
      return false;
    }
    const was = s.item;
    if (v.heldSubmitted && submitted && was && was.key === submitted.key && was.version === submitted.version && v.heldSubmitted.key === was.key) {
      // The item just submitted, held for Back as the host would send it: with the annotation submitted.
      this.prefetch.hold({ upcoming: [submittedCopy(was, submitted.annotation, v.heldSubmitted)] });
    }
    let item = v.item;
    if (!item && held) {
      // A held item's position in the history was current when it was sent: the view's is now.
      const { position: _old, ...rest } = held;
      item = v.position ? { ...rest, position: v.position } : rest;
    }
    const next: LabelerState = { version: v.version, project: s.project, progress: v.progress, canGoBack: v.canGoBack };
    if (item) next.item = item;
    if (v.message) next.message = v.message;
    if (v.noData) next.noData = v.noData;
    this.prefetch.hold(v, item?.key);
    this.show(next);
    return true;
  }

  private show(s: LabelerState): void {
    const item = s.item;
    if (!item) this.draft = undefined;
    else if (!this.draft || this.draft.key !== item.key || this.draft.version !== item.version || this.state?.project.type !== s.project.type || this.draft.yieldsTo(item)) {
      this.draft = new Draft(item.key, item.version, s.project.type, item);
    }
    if (s.project.status !== 'paused' || s.item?.key !== this.state?.item?.key) this.refusedWhilePaused = false;
    const names = s.project.labels.map((l) => l.name);
    if (!this.activeLabel || !names.includes(this.activeLabel)) this.activeLabel = names[0];
    this.notice = s.message;
    this.state = s;
  }

  async submit(): Promise<void> {
    const item = this.state?.item;
    if (!item || !this.draft || this.inFlight) return;
    if (this.paused) {
      this.refusedWhilePaused = true;
      return;
    }
    const d = this.draft;
    // A prelabel confirmed as it is goes by reference: the host has it (its version is checked).
    if (d.fromPrelabel || d.suggested) {
      const confirmed = item.prelabel?.annotation;
      await this.run(SubmitRequest, { key: item.key, version: item.version, fromPrelabel: true }, confirmed && { key: item.key, version: item.version, annotation: confirmed });
    }
    else if (d.annotation.kind === 'mask') {
      // The painted raster as runs; the host validates it, stores the blob and submits the annotation.
      const mask = this.maskEditor?.encoded();
      if (!mask) {
        this.notice = { kind: 'warning', text: 'The image has not loaded yet: there is no mask to submit.' };
        return;
      }
      await this.run(SubmitRequest, { key: item.key, version: item.version, mask, fromPrelabel: undefined });
    }
    else {
      const annotation = d.annotation;
      await this.run(SubmitRequest, { key: item.key, annotation, version: item.version, fromPrelabel: undefined }, { key: item.key, version: item.version, annotation });
    }
  }

  async skip(): Promise<void> {
    const item = this.state?.item;
    if (item) await this.run(SkipRequest, { key: item.key });
  }

  async back(): Promise<void> {
    if (this.state?.canGoBack) await this.run(BackRequest, undefined);
  }

  async next(): Promise<void> {
    await this.run(NextRequest, undefined);
  }

  /** Accepts the suggestion as it is and submits it: one action (Enter or the Confirm button). */
  async confirm(): Promise<void> {
    if (!this.state?.item || this.inFlight) return;
    if (this.paused) {
      this.refusedWhilePaused = true;
      return;
    }
    const d = this.draft;
    if (!d?.confirm()) return;
    // Drawn as it was while the submit is in flight: restyling 1,000 suggested boxes as confirmed would
    // hold the webview's thread as the answer arrives (~20 ms), and a success replaces the item anyway.
    // A failure draws it confirmed.
    this.confirming = d;
    try {
      await this.submit();
    } finally {
      this.confirming = undefined;
      this.requestUpdate();
    }
  }

  undo(): void {
    // A mask's history is the editor's (strokes); a confirm of a suggested mask is the draft's.
    const m = this.maskEditor;
    if (m?.canUndo) {
      m.undo();
      return;
    }
    if (this.draft?.undo()) this.requestUpdate();
  }

  /** A label hotkey or palette click: it becomes the active label and the editor applies it. */
  pick(label: string): void {
    this.activeLabel = label;
    this.editor?.applyLabel(label);
  }

  /**
   * Sends a request; an answer that carries a view shows it (the next item appears only now). A submit
   * says what it submitted: the answer may ask to hold that item for Back with it (heldSubmitted).
   */
  private async run<P, R extends { view?: LabelerView }>(req: IpcRequest<P, R>, params: P, submitted?: Submitted): Promise<R | undefined> {
    if (!this.ipc || this.inFlight) return undefined;
    this.inFlight = true;
    const drawBusy = setTimeout(() => (this.busy = true), BUSY_DRAWN_AFTER_MS);
    try {
      const r = await this.ipc.request(req, params);
      if (r?.view && this.applyView(r.view, submitted)) void this.markRendered(req.method);
      return r;
    } catch (e) {
      const reason = e instanceof HostRequestError ? e.reason : 'error';
      if (reason === 'paused') {
        // The host knew before this panel did; its next snapshot shows the project paused.
        this.refusedWhilePaused = true;
        return undefined;
      }
      this.notice = { kind: reason === 'conflict' || reason === 'paused' ? 'warning' : 'error', text: (e as Error).message };
      return undefined;
    } finally {
      clearTimeout(drawBusy);
      this.inFlight = false;
      if (this.busy) this.busy = false;
    }
  }

  /** Timing marks for npm run bench:ui: the view drawn (after the next frame), then its image decoded. */
  private async markRendered(method: string): Promise<void> {
    await this.updateComplete;
    await new Promise((r) => requestAnimationFrame(r));
    mark('render', method);
    const uri = this.state?.item?.imageUri;
    if (uri) mark('decoded', method, { decoded: await this.prefetch.decode(uri) });
  }

  private onChange(annotation: Annotation): void {
    if (!this.draft) return;
    this.draft.edit(annotation);
    this.requestUpdate();
  }

  private onMaskChange(d: MaskChangeDetail): void {
    if (!this.draft || this.draft.annotation.kind !== 'mask') return;
    this.draft.maskChanged(d.raster, d.modified);
    this.requestUpdate();
  }

  private onNotice(n: NoticeDetail): void {
    this.notice = n;
    if (n.kind === 'error') this.ipc?.send(ShowErrorCommand, { message: n.text });
  }

  override render() {
    const s = this.state;
    if (!s) return html`<div class="empty" role="status">Loading…</div>`;
    const p = s.project;
    const item = s.item;
    const chosen = this.draft?.annotation.kind === 'classes' ? this.draft.annotation.labels : [];
    return html`
      <header>
        <h1>${p.name}</h1>
        ${item ? html`<span class="key" title="Item">${item.key}</span><vscode-badge title="Item state">${item.state}</vscode-badge>` : nothing}
        ${item?.position ? html`<span class="key">${fmt(item.position.index)} / ${fmt(item.position.count)}</span>` : nothing}
        <span class="progress" role="status">${fmt(s.progress.labeled)} of ${fmt(s.progress.total)} labeled, ${fmt(s.progress.mine)} by you</span>
      </header>
      ${p.status === 'paused' || this.refusedWhilePaused ? renderPaused(this) : nothing}
      ${item?.rejected
        ? html`<div class="banner info rejected" role="status"><span class="codicon codicon-comment-discussion"></span>
            <span>Returned by ${item.rejected.by}: ${item.rejected.reason ? html`“${item.rejected.reason}”` : 'the labels were rejected'}. Label it again.</span></div>`
        : nothing}
      ${this.notice
        ? html`<div class="banner ${this.notice.kind}" role=${this.notice.kind === 'info' ? 'status' : 'alert'}>
            <span>${this.notice.text}</span>
            <vscode-button class="close" secondary icon="close" icon-only aria-label="Dismiss message" @click=${() => (this.notice = undefined)}></vscode-button>
          </div>`
        : nothing}
      <lbl-instructions .text=${p.instructions} .open=${this.ipc?.getUiState<UiState>()?.instructionsOpen ?? true}
        @lbl-instructions-toggle=${(e: CustomEvent<{ open: boolean }>) => this.ipc?.setUiState<UiState>({ ...this.ipc.getUiState<UiState>(), instructionsOpen: e.detail.open })}></lbl-instructions>
      <lbl-label-palette .labels=${p.labels} .chosen=${chosen} .active=${mediaOf(p.type) === 'image' || p.type === 'text-ner' ? this.activeLabel : undefined}></lbl-label-palette>
      <main>${item ? this.renderEditor() : renderEmpty(this)}</main>
      ${item ? this.renderActions() : nothing}
    `;
  }

  private renderEditor() {
    const s = this.state!;
    const item = s.item!;
    const d = this.draft!;
    const a = d.annotation;
    const labels = s.project.labels;
    const suggested = d.suggested || this.confirming === d;
    switch (a.kind) {
      case 'classes':
        return html`<lbl-class-editor id="editor" .text=${item.text} .imageUri=${item.imageUri} .labels=${labels} .chosen=${a.labels}
          ?multi=${isMultiLabel(s.project.type)} ?suggested=${suggested}></lbl-class-editor>`;
      case 'spans':
        return html`<lbl-ner-editor id="editor" .text=${item.text ?? ''} .spans=${a.spans} .labels=${labels} ?suggested=${suggested}></lbl-ner-editor>`;
      case 'boxes':
        return html`<lbl-box-editor id="editor" .imageUri=${item.imageUri} .imageWidth=${item.width} .imageHeight=${item.height}
          .labels=${labels} .activeLabel=${this.activeLabel} .boxes=${a.boxes} ?suggested=${suggested}></lbl-box-editor>`;
      case 'polygons':
        return html`<lbl-polygon-editor id="editor" .imageUri=${item.imageUri} .imageWidth=${item.width} .imageHeight=${item.height}
          .labels=${labels} .activeLabel=${this.activeLabel} .polygons=${a.polygons} ?suggested=${suggested}></lbl-polygon-editor>`;
      case 'mask':
        return html`<lbl-mask-editor id="editor" .imageUri=${item.imageUri} .imageWidth=${item.width} .imageHeight=${item.height}
          .labels=${labels} .activeLabel=${this.activeLabel} .ignoreLabel=${s.project.ignoreLabel} .mask=${d.mask} ?suggested=${suggested}></lbl-mask-editor>`;
    }
  }

  private renderActions() {
    const d = this.draft!;
    const s = this.state!;
    const conf = s.item?.prelabel?.confidence;
    const suggested = d.suggested || this.confirming === d;
    return html`<footer>
      <vscode-button secondary icon="arrow-left" ?disabled=${!s.canGoBack || this.busy} aria-label="Back to my previous item" @click=${() => this.back()}>Back</vscode-button>
      <vscode-button secondary icon="arrow-right" ?disabled=${this.busy} aria-label="Next item (without saving)" title="Next item without saving: after Back, returns toward the queue" @click=${() => this.next()}>Next</vscode-button>
      <vscode-button secondary icon="debug-step-over" ?disabled=${this.busy} aria-label="Skip this item" @click=${() => this.skip()}>Skip</vscode-button>
      <vscode-button secondary icon="discard" ?disabled=${!d.canUndo && !this.maskEditor?.canUndo} aria-label="Undo last edit (Ctrl+Z)" title="Undo (Ctrl/Cmd+Z)" @click=${() => this.undo()}>Undo</vscode-button>
      <span class="spacer"></span>
      ${suggested
        ? html`<span class="suggested-badge">suggested${conf !== undefined ? ` · ${Math.round(conf * 100)}%` : ''}${s.item?.prelabel?.source ? ` · ${s.item.prelabel.source}` : ''}</span>
            <vscode-button icon="check" ?disabled=${this.paused || this.busy} aria-label="Confirm the suggestion and submit it (Enter)"
              title="Confirm the suggestion and submit it (Enter)" @click=${() => this.confirm()}>Confirm &amp; Submit</vscode-button>`
        : html`<vscode-button icon="check-all" ?disabled=${this.paused || this.busy} aria-label="Submit (Enter)" title="Submit (Enter)" @click=${() => this.submit()}>Submit</vscode-button>`}
    </footer>`;
  }
}

customElements.define('lbl-labeler-app', LblLabelerApp);
declare global {
  interface HTMLElementTagNameMap {
    'lbl-labeler-app': LblLabelerApp;
  }
}
