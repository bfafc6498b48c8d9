import * as path from 'node:path';
import * as vscode from 'vscode';
import { LabelingError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { Annotation } from '../../core/model';
import type { ProjectStore, SubmitOptions } from '../../core/store/project-store';
import { sameAnnotation } from '../../core/store/suggestion-outcomes';
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
  ResyncCommand,
  ShowErrorCommand,
  SkipRequest,
  SubmitRequest,
  type LabelerItem,
  type LabelerMessage,
  type LabelerState,
  type LabelerView,
  type SubmitParams,
  type SubmitResult,
} from '../../protocol/labeler';
import { sourceLabel, type LocalSuggestions } from '../assist/localSuggestions';
import { WebviewTypes } from '../constants';
import type { ProjectEntry } from '../projects/registry';
import type { ProjectChange, StoreManager } from '../projects/stores';
import { Disposable } from '../util/lifecycle';
import { InstructionsFile } from './instructionsFile';
import { maskRunsOf, submittedMask } from './labelerMasks';
import { projectDir } from '../../core/project/paths';
import { IpcHost, type Lap } from './ipcHost';
import { adoptAppPanel } from './panelRestore';
import { mlOrderOf, QueueOrders, type LoadedQueueOrder } from './queueOrders';
import { createAppPanel } from './webviewHtml';

const HISTORY = 200;

/** Folders a project's globs can match under (the part before the first wildcard), for localResourceRoots. */
export function dataRoots(folder: vscode.Uri, globs: string[]): vscode.Uri[] {
  return globs.map((g) => {
    const segs = g.split('/');
    const fixed: string[] = [];
    for (const s of segs.slice(0, -1)) {
      if (/[*?[\]{}!]/.test(s)) break;
      fixed.push(s);
    }
    return vscode.Uri.joinPath(folder, ...fixed);
  });
}

/** How many next queue items the webview holds ahead (their text, images decoded). */
const PREFETCH = 3;
/** How many of the labeler's previous items the webview holds behind the one shown, for Back. */
const BEHIND = 3;
/** How often an open panel checks instructions.md by its size and time (besides the file watcher). */
const INSTRUCTIONS_POLL_MS = 3_000;

/** A prelabel or suggestion as an item was sent with: what a confirm by reference submits, and what a submit records. */
interface Offered {
  annotation: Annotation;
  confidence?: number;
  /** The journal prelabel's src (a model version, an import), or a local suggestion's `model:<model>@<version>`. */
  source?: string;
}

/** One labeling panel per project: the current item, its editor, and navigation through the queue. */
export class LabelerPanel extends Disposable {
  readonly panel: vscode.WebviewPanel;
  private readonly ipc: IpcHost;
  private ready = false;
  private current: string | undefined;
  /** Position in the labeler's history while going Back: -1 = at the queue head. */
  private historyIndex = -1;
  private history: string[] = [];
  private message: LabelerMessage | undefined;
  private _lastState: LabelerState | undefined;
  /** The version of the last state or view sent (the webview applies a view only on top of it). */
  private version = 0;
  /** The store's change seq the last state or view reflected: feed changes up to it are already shown. */
  private shownSeq = -1;
  private readonly instructions: InstructionsFile;
  /** Items the webview holds (next queue items, previous own items), with the version sent. */
  private held = new Map<string, number>();
  /** Keys the last view asked the webview to hold that it does not have yet: read and posted after its answer (flushHeld). */
  private pendingHeld: string[] = [];
  /** The prelabel or suggestion each item on screen or held was last sent with, at its version. */
  private offered = new Map<string, { version: number; offered?: Offered }>();
  /** ML assist's queue orders (only read for a project whose queueOrder is not random). */
  private orders: QueueOrders | undefined;
  /** The order the queue head follows, and where in it: the items before `cursor` were out of this labeler's queue when last looked at. */
  private order: { loaded: LoadedQueueOrder; cursor: number } | undefined;

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
    this.orders = restore.queueOrders;
    if (this.orders) this._register(this.orders.onDidChange((p) => this.orderChanged(p)));
    const def = entry.def!;
    const title = `Label: ${def.name}`;
    const roots = dataRoots(entry.folder.uri, def.dataSources.map((d) => d.glob));
    const app = { title, app: 'labeler', tag: 'lbl-labeler-app', dataRoots: roots };
    this.panel = this._register(restore.existing ? adoptAppPanel(restore.existing, extensionUri, app) : createAppPanel(extensionUri, { viewType: WebviewTypes.Labeler, ...app }));
    this.ipc = this._register(new IpcHost(this.panel.webview, logger, 'labeler'));
    const resync = () => {
      this.ready = true;
      this.held.clear(); // a (re)loaded webview holds nothing
      this.pendingHeld = [];
      void this.pushState();
    };
    this.ipc.onCommand(ReadyCommand, resync);
    this.ipc.onCommand(ResyncCommand, resync);
    this.ipc.onRequest(SubmitRequest, (p, lap) => this.submit(p, lap));
    this.ipc.onRequest(SkipRequest, async (p, lap) => {
      const store = await this.store();
      await store.skip(p.key);
      lap('store');
      this.forward(store);
      const view = this.answerView(store);
      lap('state');
      return { moved: true, view };
    });
    this.ipc.onRequest(BackRequest, async () => {
      const store = await this.store();
      this.history = store.historyKeys(HISTORY);
      const at = this.current ? this.history.indexOf(this.current) : -1;
      const nextIndex = at >= 0 ? at + 1 : 0;
      if (nextIndex >= this.history.length) return { moved: false };
      this.historyIndex = nextIndex;
      this.current = this.history[nextIndex];
      return { moved: true, view: this.answerView(store) };
    });
    this.ipc.onRequest(NextRequest, async () => {
      const store = await this.store();
      const moved = this.forward(store);
      return { moved, view: this.answerView(store) };
    });
    this.ipc.onRequest(OpenItemRequest, async (p) => {
      const store = await this.store();
      this.moveTo(store, p.key);
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
        if (e.id !== this.entry.id || e.root !== this.entry.root || !this.ready) return;
        this.held.clear(); // held items may show other suggestions now: sent again with the view
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
    const now = store.getItem(p.key);
    if (!now) throw new LabelingError('not-found', `item "${p.key}" is not in the project`);
    if (now.version !== p.version) {
      throw new LabelingError('conflict', `"${p.key}" changed since you opened it (a teammate's label or a review arrived). Your edit was not saved; the panel shows the current state.`);
    }
    const sent = this.offered.get(p.key);
    const offered = sent?.version === p.version ? sent.offered : this.offerOf(now);
    let annotation: Annotation | undefined;
    if (p.mask !== undefined) {
      annotation = await submittedMask(store.projectDir, store.def, p.key, p.mask);
      lap('mask'); // decoded, encoded as PNG and stored as a blob (LABELING_TIMINGS splits the store lap)
    } else annotation = p.annotation ?? (p.fromPrelabel ? offered?.annotation : undefined);
    if (!annotation) throw new LabelingError('invalid-input', `no annotation to submit for "${p.key}"`, { field: 'annotation' });
    await store.submit(p.key, annotation, outcomeOf(now, annotation, offered));
    lap('store');
    const savedAt = new Date().toISOString();
    this.message = undefined;
    this.forward(store);
    const view = this.answerView(store);
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
    return this._lastState;
  }

  /** The item on screen (tests and the review use it). */
  get currentKey(): string | undefined {
    return this.current;
  }

  /** Shows an item (a tree click, a restored panel). */
  async openItem(key: string): Promise<void> {
    const store = await this.store();
    this.moveTo(store, key);
    await this.pushView(store);
  }

  private moveTo(store: ProjectStore, key: string): void {
    if (!store.getItem(key)) throw new LabelingError('not-found', `item "${key}" is not in project ${this.entry.id}`);
    this.current = key;
    this.history = store.historyKeys(HISTORY);
    this.historyIndex = this.history.indexOf(key);
    this.message = undefined;
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
    if (!this.ready || c.seq <= this.shownSeq) return;
    // Held items it touched are sent again with the view below.
    if (c.items === 'all') this.held.clear();
    else for (const k of c.items) this.held.delete(k);
    if (c.kinds.includes('definition')) void this.pushState();
    else if (c.kinds.includes('items') || c.kinds.includes('stats')) void this.store().then((s) => this.pushView(s), () => undefined);
  }

  private forward(store: ProjectStore): boolean {
    if (this.historyIndex > 0) {
      this.historyIndex--;
      this.current = this.history[this.historyIndex];
      return true;
    }
    this.historyIndex = -1;
    const before = this.current;
    this.current = this.queueHead(store)?.key;
    return this.current !== before;
  }

  private queueHead(store: ProjectStore): ItemView | undefined {
    try {
      return this.orderedHead(store) ?? store.nextItem();
    } catch (e) {
      if (!(e instanceof LabelingError && e.reason === 'paused')) throw e;
      // Paused: the labeler can still look at the queue's first item; the webview disables Submit.
      const first = store.page('queue', undefined, 1).items[0];
      return first ? store.getItem(first.key) : undefined;
    }
  }

  /**
   * The ML queue order the project asks for (mlAssist.queueOrder), when its file is read and of that
   * kind; undefined for the random order (one look at the definition, nothing read). A new file starts
   * again at its first item.
   */
  private queueOrder(store: ProjectStore): { loaded: LoadedQueueOrder; cursor: number } | undefined {
    if (!mlOrderOf(store.def)) {
      this.order = undefined;
      return undefined;
    }
    if (!this.orders) {
      // Its own reader: the panel follows the file as it changes.
      const orders = (this.orders = this._register(new QueueOrders(this.logger)));
      this._register(orders.onDidChange((p) => this.orderChanged(p)));
    }
    const loaded = this.orders.get(this.entry, store.def);
    if (!loaded) this.order = undefined;
    else if (this.order?.loaded !== loaded) this.order = { loaded, cursor: 0 };
    return this.order;
  }

  private orderChanged(p: { root: string; id: string }): void {
    // Before the first snapshot, pushState waits for the order itself.
    if (p.id !== this.entry.id || p.root !== this.entry.root || !this.ready || !this._lastState) return;
    void this.store().then((s) => this.pushView(s), () => undefined); // the items to hold ahead follow the order
  }

  /**
   * The queue head in the ML order: its first item at the cursor or after that is in this labeler's
   * queue (the store's rules, as nextItem's); undefined once the order is used up (nextItem serves the
   * items it does not list) or when there is none. Throws 'paused' as nextItem does.
   */
  private orderedHead(store: ProjectStore): ItemView | undefined {
    const order = this.queueOrder(store);
    if (!order) return undefined;
    const got = store.nextItemIn(order.loaded.keys, order.cursor);
    order.cursor = got ? got.index : order.loaded.keys.length;
    return got?.item;
  }

  /** The keys upcomingKeys would give in the ML order (then in nextItem's for what it does not list). */
  private upcomingKeys(store: ProjectStore, limit: number): string[] {
    const order = this.queueOrder(store);
    if (!order) return store.upcomingKeys(limit);
    const keys = store.queueKeysIn(order.loaded.keys, order.cursor, limit).map((k) => k.key);
    if (keys.length < limit) for (const k of store.upcomingKeys(limit)) if (keys.length < limit && !keys.includes(k)) keys.push(k);
    return keys;
  }

  /** Sends the full snapshot (ready, resync, a new definition or instructions). */
  async pushState(): Promise<void> {
    if (!this.ready || this.isDisposed) return;
    try {
      const store = await this.store();
      // An ML queue order is read before the first item is chosen.
      if (mlOrderOf(store.def) && this.queueOrder(store) === undefined) await this.orders?.load(this.entry);
      const instructions = await this.instructions.read();
      const def = store.def;
      this.held.clear();
      this.pendingHeld = [];
      const view = this.answerView(store);
      const { base: _base, itemFromUpcoming: _held, position: _position, ...fields } = view;
      const state: LabelerState = {
        ...fields,
        project: { id: def.id, name: def.name, type: def.type, status: def.status, labels: def.labels, ...(def.ignoreLabel !== undefined ? { ignoreLabel: def.ignoreLabel } : {}), instructions },
      };
      this._lastState = state;
      this.panel.title = `Label: ${def.name}`;
      this.remembered();
      await this.ipc.notify(LabelerStateNotification, state);
    } catch (e) {
      this.logger.error(`labeler ${this.entry.id}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
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
    if (!this.ready || this.isDisposed) return;
    if (!this._lastState) return this.pushState();
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
    const view = this.buildView(store);
    // After the answer's write batch: the held items, then onShow (it remembers the item for Reload
    // Window in the workspace state, a message of its own to the workbench).
    setTimeout(() => setTimeout(() => {
      this.flushHeld(store);
      if (!this.isDisposed) this.restore.onShow?.(this);
    }, 0), 0);
    return view;
  }

  /** Reads the pending held items at their current version and posts them. */
  private flushHeld(store: ProjectStore): void {
    const keys = this.pendingHeld;
    this.pendingHeld = [];
    if (!keys.length || this.isDisposed) return;
    const upcoming: LabelerItem[] = [];
    try {
      for (const k of new Set(keys)) {
        if (!this.held.has(k)) continue; // out of the window (or changed) since
        const v = store.getItem(k);
        if (!v || v.state === 'missing') {
          this.held.delete(k);
          continue;
        }
        this.held.set(k, v.version);
        upcoming.push(this.toLabelerItem(v));
      }
    } catch (e) {
      // A store closed in between: the next view sends its item in full.
      for (const k of keys) if (!upcoming.some((u) => u.key === k)) this.held.delete(k);
      this.logger.warn(`labeler ${this.entry.id}: items to hold ahead not read: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (upcoming.length) void this.ipc.notify(LabelerUpcomingNotification, { upcoming });
  }

  /**
   * The view of the current item (the queue head when it is gone), on top of the last version sent.
   * Reads only the index: the item, the stats, the labeler's history keys and the next few keys.
   */
  private buildView(store: ProjectStore): LabelerView {
    let item = this.current ? store.getItem(this.current) : undefined;
    if (!item || item.state === 'missing') {
      if (this.historyIndex < 0) item = this.queueHead(store);
      this.current = item?.key;
    }
    const stats = store.stats(store.labeler);
    this.history = store.historyKeys(HISTORY);
    const view: LabelerView = {
      base: this.version,
      version: ++this.version,
      progress: { labeled: stats.labeled, total: stats.items - stats.missing, mine: stats.mine ?? 0 },
      canGoBack: this.history.length > 0 && (this.current === undefined || this.history.indexOf(this.current) < this.history.length - 1),
    };
    const def = store.def;
    if (stats.items - stats.missing === 0) view.noData = { globs: def.dataSources.map((d) => d.glob), definition: `.labeling/${def.id}/project.json` };
    if (item && this.held.get(item.key) === item.version) {
      view.itemFromUpcoming = item.key;
      const position = this.positionOf(item.key);
      if (position) view.position = position;
    } else if (item) view.item = this.toLabelerItem(item);
    if (this.message) view.message = this.message;
    this.addUpcoming(store, view);
    this.shownSeq = store.changeSeq;
    // The state the webview now shows, as it applies the view (applyView): the project stays, everything
    // else is the view's; a field the view leaves out (the no-data notice, a message) is gone.
    const { base: _base, itemFromUpcoming: _held, position: _position, ...fields } = view;
    if (this._lastState) this._lastState = { project: this._lastState.project, ...fields, item: item ? (view.item ?? this.toLabelerItem(item)) : undefined };
    return view;
  }

  /**
   * The items the webview should hold: the next queue items after the current one, and the labeler's own
   * items around the one shown in their history (the next BEHIND for Back, the one before for Next after
   * Back). Those it does not hold yet are read and sent after the answer (flushHeld); one it holds at an
   * older version is sent in full when it is shown (buildView compares versions), and one a change from
   * elsewhere touched is sent again (onProjectChange).
   */
  private addUpcoming(store: ProjectStore, view: LabelerView): void {
    if (store.def.status === 'paused') return;
    const keys = this.upcomingKeys(store, PREFETCH + 1).filter((k) => k !== this.current).slice(0, PREFETCH);
    const at = this.current === undefined ? -1 : this.history.indexOf(this.current);
    for (let i = Math.max(0, at - 1); i <= at + BEHIND && i < this.history.length; i++) {
      const k = this.history[i]!;
      if (i !== at && k !== this.current && !keys.includes(k)) keys.push(k);
    }
    for (const k of [...this.held.keys()]) if (!keys.includes(k)) this.held.delete(k);
    for (const k of [...this.offered.keys()]) if (k !== this.current && !keys.includes(k)) this.offered.delete(k);
    for (const k of keys) {
      if (this.held.has(k)) continue;
      this.held.set(k, -1); // its version is read when it is posted
      this.pendingHeld.push(k);
    }
    view.upcomingKeys = keys;
  }

  /** Where the item sits in the labeler's history (`index` of `count`, 1 = the oldest), if it is in it. */
  private positionOf(key: string): { index: number; count: number } | undefined {
    const idx = this.history.indexOf(key);
    return idx >= 0 ? { index: this.history.length - idx, count: this.history.length } : undefined;
  }

  private toLabelerItem(v: ItemView): LabelerItem {
    const item: LabelerItem = { key: v.key, ref: v.ref, media: v.media, state: v.state, version: v.version };
    if (v.text !== undefined) item.text = v.text;
    if (v.media === 'image') {
      item.imageUri = this.panel.webview.asWebviewUri(vscode.Uri.joinPath(this.entry.folder.uri, ...v.ref.path.split('/'))).toString();
      if (v.width) item.width = v.width;
      if (v.height) item.height = v.height;
    }
    const offered = v.mine ? undefined : this.offerOf(v);
    this.offered.set(v.key, offered ? { version: v.version, offered } : { version: v.version });
    if (v.mine) item.annotation = v.mine.annotation;
    else if (offered) {
      item.prelabel = { annotation: offered.annotation, source: sourceLabel(offered.source) };
      if (offered.confidence !== undefined) item.prelabel.confidence = offered.confidence;
    }
    const mask = maskRunsOf(projectDir(this.entry.root, this.entry.id), item.annotation ?? item.prelabel?.annotation, (m) => this.logger.warn(`labeler ${this.entry.id}: ${m}`));
    if (mask) item.mask = mask;
    const position = this.positionOf(v.key);
    if (position) item.position = position;
    if (v.rejected && !v.mine) item.rejected = v.rejected;
    return item;
  }

  /** The prelabel an item shows: its journal prelabel, else ML assist's local suggestion for its version. */
  private offerOf(v: ItemView): Offered | undefined {
    if (v.prelabel) {
      const o: Offered = { annotation: v.prelabel.annotation };
      if (v.prelabel.confidence !== undefined) o.confidence = v.prelabel.confidence;
      if (v.prelabel.source) o.source = v.prelabel.source;
      return o;
    }
    const s = this.restore.suggestions?.get(this.entry, v.key, v.version);
    return s && { annotation: s.annotation, confidence: s.confidence, source: s.source };
  }
}

/** A prelabel without a recorded source is recorded as this (what every confirm recorded before sources were). */
const UNNAMED_PRELABEL = 'prelabel';

/**
 * What a submit records of the prelabel or suggestion the item was shown with (journal `src`, `chg`):
 * its source, and whether the labeler changed it (compared canonically). An item shown with the
 * labeler's own earlier submit (Back, a resubmit) carries that submit's source forward: changed when
 * the new annotation differs from the journal prelabel of that source, or, for a local suggestion (no
 * longer at the item's version), when the earlier submit had changed it or this one differs from it.
 * So a confirmation corrected later counts as changed, not as dropped.
 */
function outcomeOf(now: ItemView, annotation: Annotation, offered: Offered | undefined): SubmitOptions {
  let source: string | undefined;
  let changed: boolean;
  if (offered) {
    source = offered.source ?? UNNAMED_PRELABEL;
    changed = !sameAnnotation(annotation, offered.annotation);
  } else {
    const mine = now.mine;
    if (!mine?.source) return {};
    source = mine.source;
    const ref = now.prelabel?.source === source ? now.prelabel.annotation : undefined;
    changed = ref ? !sameAnnotation(annotation, ref) : !!mine.changed || !sameAnnotation(annotation, mine.annotation);
  }
  return changed ? { source, changed: true } : { source };
}
