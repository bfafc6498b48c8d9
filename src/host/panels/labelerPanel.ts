/**
 * The labeling panel: one per project, the item on screen, navigation (Next, Skip, Back, Submit) and
 * the snapshots and views it posts. Beside it: labelerView.ts (where it is, what it showed, the views it
 * builds), labelerQueue.ts (the queue head and next keys, in an ML order), labelerHeld.ts (the items the
 * webview holds ahead and behind), labelerItem.ts (an item as sent, the prelabel offered, what a submit
 * records), labelerMasks.ts, labelerPanels.ts (the manager).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LabelingError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { Annotation } from '../../core/model';
import type { ProjectStore } from '../../core/store/project-store';
import type { ItemView } from '../../core/store/types';
import { ReadyCommand } from '../../protocol/ipc';
import {
  BackRequest,
  LabelerStateNotification,
  LabelerUpcomingNotification,
  LabelerViewNotification,
  NextRequest,
  OpenItemRequest,
  PingRequest,
  ReadyWithCommand,
  ResyncCommand,
  ShowErrorCommand,
  SkipRequest,
  SubmitRequest,
  type LabelerState,
  type LabelerView,
  type SubmitParams,
  type SubmitResult,
} from '../../protocol/labeler';
import type { LocalSuggestions } from '../assist/localSuggestions';
import { WebviewTypes } from '../constants';
import type { ProjectEntry } from '../projects/registry';
import type { ProjectChange, StoreManager } from '../projects/stores';
import { Disposable } from '../util/lifecycle';
import { InstructionsFile } from './instructionsFile';
import { dataRoots, offerOf, outcomeOf } from './labelerItem';
import { submittedMask } from './labelerMasks';
import { LabelerQueue } from './labelerQueue';
import { LabelerNav } from './labelerView';
import { IpcHost, type Lap } from './ipcHost';
import { adoptAppPanel } from './panelRestore';
import { mlOrderOf, type QueueOrders } from './queueOrders';
import { createAppPanel, webviewHtml } from './webviewHtml';

export { dataRoots } from './labelerItem';

/** How often an open panel checks instructions.md by its size and time (besides the file watcher). */
const INSTRUCTIONS_POLL_MS = 3_000;

/** One labeling panel per project: the current item, its editor, and navigation through the queue. */
export class LabelerPanel extends Disposable {
  readonly panel: vscode.WebviewPanel;
  private readonly ipc: IpcHost;
  private ready = false;
  /** The state embedded in the page (loadPage), until the webview says it shows it (then it is lastState). */
  private embedded: LabelerState | undefined;
  /** Something was to be posted before the webview said ready: the embedded state is not current. */
  private missed = false;
  private readonly instructions: InstructionsFile;
  /** The queue head and next keys (in ML assist's queue order, only read for a project whose queueOrder is not random). */
  private readonly queue: LabelerQueue;
  /** The item on screen, the history, what was sent (labelerView.ts). */
  private readonly nav: LabelerNav;

  constructor(
    extensionUri: vscode.Uri,
    private entry: ProjectEntry,
    private readonly stores: StoreManager,
    private readonly logger: Logger,
    /**
     * `existing`: a panel VS Code restored after a reload; `onShow`: called after each state or view
     * posted; `suggestions`: ML assist's local suggestions, shown as prelabels; `queueOrders`: ML
     * assist's queue orders (else the panel reads them itself, once its project asks for one).
     */
    private readonly restore: { existing?: vscode.WebviewPanel; onShow?: (p: LabelerPanel) => void; suggestions?: LocalSuggestions; queueOrders?: QueueOrders } = {},
  ) {
    super();
    this.queue = new LabelerQueue(restore.queueOrders, logger, (d) => this._register(d), (p) => this.orderChanged(p));
    const def = entry.def!;
    const title = `Label: ${def.name}`;
    const roots = dataRoots(entry.folder.uri, def.dataSources.map((d) => d.glob));
    const app = { title, app: 'labeler', tag: 'lbl-labeler-app', dataRoots: roots };
    this.panel = this._register(restore.existing ? adoptAppPanel(restore.existing, extensionUri, app) : createAppPanel(extensionUri, { viewType: WebviewTypes.Labeler, ...app, deferHtml: true }));
    this.ipc = this._register(new IpcHost(this.panel.webview, logger, 'labeler'));
    this.nav = new LabelerNav(this.queue, { webview: this.panel.webview, entry: () => this.entry, logger, suggestions: restore.suggestions });
    if (!restore.existing) void this.loadPage(extensionUri, app);
    const resync = () => {
      this.embedded = undefined;
      this.ready = true;
      this.nav.held.reset(); // a (re)loaded webview holds nothing
      void this.pushState();
    };
    this.ipc.onCommand(ReadyCommand, resync);
    this.ipc.onCommand(ResyncCommand, resync);
    // The webview shows the embedded state: only the items to hold ahead follow, unless it is not current.
    this.ipc.onCommand(ReadyWithCommand, ({ version }) => {
      const shown = this.embedded;
      if (this.ready || this.missed || !shown || version !== shown.version || version !== this.nav.version) return resync();
      this.embedded = undefined;
      this.nav.lastState = shown;
      this.ready = true;
      void this.store().then((st) => this.flushHeld(st), () => undefined);
    });
    this.ipc.onRequest(SubmitRequest, (p, lap) => this.submit(p, lap));
    this.ipc.onRequest(SkipRequest, async (p, lap) => {
      const store = await this.store();
      await store.skip(p.key);
      lap('store');
      this.nav.forward(store);
      const view = this.answerView(store);
      lap('state');
      return { moved: true, view };
    });
    this.ipc.onRequest(BackRequest, async () => {
      const store = await this.store();
      if (!this.nav.back(store)) return { moved: false };
      return { moved: true, view: this.answerView(store) };
    });
    this.ipc.onRequest(NextRequest, async () => {
      const store = await this.store();
      const moved = this.nav.forward(store);
      return { moved, view: this.answerView(store) };
    });
    this.ipc.onRequest(OpenItemRequest, async (p) => {
      const store = await this.store();
      this.nav.moveTo(store, p.key);
      return { moved: true, view: this.answerView(store) };
    });
    // The floor of npm run bench:ui: a round trip that touches nothing.
    this.ipc.onRequest(PingRequest, () => ({ hostAt: Date.now() }));
    this.ipc.onCommand(ShowErrorCommand, ({ message }) => {
      this.logger.warn(`labeler webview: ${message}`);
      void vscode.window.showErrorMessage(message);
    });
    this._register(stores.onDidChange((c) => {
      if (c.entry.id === this.entry.id && c.entry.root === this.entry.root) this.onProjectChange(c);
    }));
    if (restore.suggestions) {
      this._register(restore.suggestions.onDidChange((e) => {
        if (e.id !== this.entry.id || e.root !== this.entry.root) return;
        if (!this.ready) {
          this.missed = true;
          return;
        }
        this.nav.held.forget('all'); // held items may show other suggestions now: sent again with the view
        void this.store().then((s) => this.pushView(s), () => undefined);
      }));
    }
    // File events can be lost (a watcher still starting, a busy machine): a cheap stat catches up.
    this.instructions = new InstructionsFile(path.join(entry.root, '.labeling', entry.id, 'instructions.md'));
    const poll = setInterval(() => void this.instructions.changedOnDisk().then((c) => c && !this.isDisposed && this.instructionsChanged()), INSTRUCTIONS_POLL_MS);
    this._register({ dispose: () => clearInterval(poll) });
    this._register(this.panel.onDidDispose(() => this.dispose()));
  }

  /**
   * The webview's Submit (integration tests call it as the webview would). The annotation, or with
   * `fromPrelabel` the prelabel or suggestion the item was sent with at that version; the submit
   * records which one it confirmed or changed (outcomeOf).
   */
  async submit(p: SubmitParams, lap: Lap = () => undefined): Promise<SubmitResult> {
    const store = await this.store();
    // Its version from the item's row; the item in full (its annotations replayed) only when what it was
    // sent with is not known at that version, or the outcome needs its own earlier submit.
    const row = store.briefItems([p.key])[0];
    if (!row) throw new LabelingError('not-found', `item "${p.key}" is not in the project`);
    if (row.version !== p.version) {
      throw new LabelingError('conflict', `"${p.key}" changed since you opened it (a teammate's label or a review arrived). Your edit was not saved; the panel shows the current state.`);
    }
    let full: ItemView | undefined;
    const now = (): ItemView => {
      full ??= store.getItem(p.key);
      if (!full) throw new LabelingError('not-found', `item "${p.key}" is not in the project`);
      return full;
    };
    const sent = this.nav.offered.get(p.key);
    const offered = sent?.version === p.version ? sent.offered : offerOf(now(), this.entry, this.restore.suggestions);
    lap('read'); // the item's row read for its version, and its offer (LABELING_TIMINGS: the rest of the store lap is the durable submit)
    let annotation: Annotation | undefined;
    if (p.mask !== undefined) {
      annotation = await submittedMask(store.projectDir, store.def, p.key, p.mask);
      lap('mask'); // decoded, encoded as PNG and stored as a blob (LABELING_TIMINGS splits the store lap)
    } else annotation = p.annotation ?? (p.fromPrelabel ? offered?.annotation : undefined);
    if (!annotation) throw new LabelingError('invalid-input', `no annotation to submit for "${p.key}"`, { field: 'annotation' });
    await store.submit(p.key, annotation, outcomeOf(now, annotation, offered));
    lap('store');
    const savedAt = new Date().toISOString();
    this.nav.message = undefined;
    const kept = p.mask === undefined ? this.nav.keepSubmitted(store, p.key, p.version, annotation) : undefined;
    this.nav.forward(store);
    const view = this.answerView(store);
    if (kept) view.heldSubmitted = kept;
    lap('state');
    return { savedAt, view };
  }

  get project(): ProjectEntry {
    return this.entry;
  }

  /** instructions.md of this panel's project. */
  get instructionsFile(): string {
    return this.instructions.path;
  }

  /** instructions.md changed on disk (LabelerPanels watches it): read it again and send the snapshot. */
  instructionsChanged(): void {
    this.instructions.invalidate();
    void this.pushState();
  }

  /** The last snapshot sent to the webview, with the views applied (tests and the review use it). */
  get lastState(): LabelerState | undefined {
    return this.nav.lastState;
  }

  /** The item on screen (tests and the review use it). */
  get currentKey(): string | undefined {
    return this.nav.current;
  }

  /** Shows an item (a tree click, a restored panel). */
  async openItem(key: string): Promise<void> {
    const store = await this.store();
    this.nav.moveTo(store, key);
    await this.pushView(store);
  }

  private store(): Promise<ProjectStore> {
    return this.stores.get(this.entry);
  }

  /**
   * A change from the feed. The change this panel made itself is shown already (its answer carried the
   * view): skipped by seq. A new definition sends the full snapshot; anything else a view.
   */
  private onProjectChange(c: ProjectChange): void {
    this.entry = c.entry;
    if (!this.ready) this.missed = true;
    if (!this.ready || c.seq <= this.nav.shownSeq) return;
    // Held items it touched are sent again with the view below.
    this.nav.held.forget(c.items);
    if (c.kinds.includes('definition')) void this.pushState();
    else if (c.kinds.includes('items') || c.kinds.includes('stats')) void this.store().then((s) => this.pushView(s), () => undefined);
  }

  private orderChanged(p: { root: string; id: string }): void {
    // Before the first snapshot, pushState waits for the order itself.
    if (p.id !== this.entry.id || p.root !== this.entry.root) return;
    if (!this.ready) this.missed = true;
    if (!this.ready || !this.nav.lastState) return;
    void this.store().then((s) => this.pushView(s), () => undefined); // the items to hold ahead follow the order
  }

  /** Sends the full snapshot (ready, resync, a new definition or instructions). */
  async pushState(): Promise<void> {
    if (!this.ready) this.missed = true;
    if (!this.ready || this.isDisposed) return;
    try {
      const store = await this.store();
      const state = await this.stateOf(store);
      this.afterAnswer(store);
      this.remembered();
      await this.ipc.notify(LabelerStateNotification, state);
    } catch (e) {
      this.logger.error(`labeler ${this.entry.id}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }

  /**
   * The full snapshot (nothing held: the items to hold ahead are pending, posted by flushHeld). An ML
   * queue order is read before the first item is chosen.
   */
  private async stateOf(store: ProjectStore): Promise<LabelerState> {
    if (mlOrderOf(store.def) && this.queue.queueOrder(store, this.entry) === undefined) await this.queue.load(this.entry);
    const instructions = await this.instructions.read();
    const def = store.def;
    this.nav.held.reset();
    this.flushHeld(store);
    const view = this.nav.buildView(store);
    const { base: _base, itemFromUpcoming: _held, position: _position, ...fields } = view;
    const state: LabelerState = {
      ...fields,
      project: { id: def.id, name: def.name, type: def.type, status: def.status, labels: def.labels, ...(def.ignoreLabel !== undefined ? { ignoreLabel: def.ignoreLabel } : {}), instructions },
    };
    this.nav.lastState = state;
    this.panel.title = `Label: ${def.name}`;
    return state;
  }

  /**
   * A new panel's page, with its first state embedded and the first item's image preloaded: the webview
   * draws it as its script runs, without the ready round trip, and the image is fetched while the script
   * loads (the items to hold ahead are posted once it says it shows that state, so their images do not
   * compete with the first). Without a state (it could not be read), the page asks for one as a restored
   * panel does.
   */
  private async loadPage(extensionUri: vscode.Uri, app: { title: string; app: string; tag: string }): Promise<void> {
    let state: LabelerState | undefined;
    this.missed = false;
    try {
      state = await this.stateOf(await this.store());
    } catch (e) {
      this.logger.error(`labeler ${this.entry.id}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
    if (this.isDisposed) return;
    // lastState is what the webview shows: this one once it says so.
    this.nav.lastState = undefined;
    this.embedded = state;
    this.panel.webview.html = webviewHtml(this.panel.webview, extensionUri, app.app, app.tag, this.panel.title, state, state?.item?.imageUri ? [state.item.imageUri] : []);
    if (state) this.remembered();
  }

  /**
   * Remembers the item shown for Reload Window at once. Snapshots and views from elsewhere (an open, a
   * change) are not the labeling loop's answers, whose remembering waits for the answer's write batch
   * (answerView): a panel closed or reloaded right after one of these still comes back on its item.
   */
  private remembered(): void {
    if (!this.isDisposed) this.restore.onShow?.(this);
  }

  /** Sends a view (a change from elsewhere, a host-side open); before the first snapshot, the snapshot. */
  private async pushView(store: ProjectStore): Promise<void> {
    if (!this.ready) this.missed = true;
    if (!this.ready || this.isDisposed) return;
    if (!this.nav.lastState) return this.pushState();
    try {
      const view = this.answerView(store);
      this.remembered();
      await this.ipc.notify(LabelerViewNotification, view);
    } catch (e) {
      this.logger.error(`labeler ${this.entry.id}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }

  /**
   * The view to post (an answer, a snapshot, a change). The items it asks the webview to hold are read
   * and posted after it (a notification), so the next item is drawn first (a detection item with 1,000
   * prelabel boxes is ~50 KB to read and post; a snapshot holds up to seven). The extension host batches
   * its writes until a timer runs, so a notification posted from a timer set now would travel with the
   * answer: it waits for a second timer, and a view built before then posts it first (the webview gets
   * items before any view that names them).
   */
  private answerView(store: ProjectStore): LabelerView {
    this.flushHeld(store);
    const view = this.nav.buildView(store);
    this.afterAnswer(store);
    return view;
  }

  /**
   * After the answer's write batch: the held items, then onShow (it remembers the item for Reload
   * Window in the workspace state, a message of its own to the workbench).
   */
  private afterAnswer(store: ProjectStore): void {
    setTimeout(() => setTimeout(() => {
      this.flushHeld(store);
      if (!this.isDisposed) this.restore.onShow?.(this);
    }, 0), 0);
  }

  /** Reads the pending held items at their current version and posts them. */
  private flushHeld(store: ProjectStore): void {
    const upcoming = this.nav.held.flush(store, this.isDisposed, (v) => this.nav.toLabelerItem(v), (m) => this.logger.warn(`labeler ${this.entry.id}: items to hold ahead not read: ${m}`));
    if (upcoming.length) void this.ipc.notify(LabelerUpcomingNotification, { upcoming });
  }
}
