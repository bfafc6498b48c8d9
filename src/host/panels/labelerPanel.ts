import * as path from 'node:path';
import { promises as fsp } from 'node:fs';
import * as vscode from 'vscode';
import { LabelingError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { ProjectStore } from '../../core/store/project-store';
import type { ItemView } from '../../core/store/types';
import { ReadyCommand } from '../../protocol/ipc';
import {
  BackRequest,
  LabelerStateNotification,
  NextRequest,
  OpenItemRequest,
  PingRequest,
  ShowErrorCommand,
  SkipRequest,
  SubmitRequest,
  type LabelerItem,
  type LabelerMessage,
  type LabelerState,
} from '../../protocol/labeler';
import { WebviewTypes } from '../constants';
import type { ProjectEntry } from '../projects/registry';
import type { StoreManager } from '../projects/stores';
import { Disposable } from '../util/lifecycle';
import { IpcHost } from './ipcHost';
import { adoptAppPanel } from './panelRestore';
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

  constructor(
    extensionUri: vscode.Uri,
    private entry: ProjectEntry,
    private readonly stores: StoreManager,
    private readonly logger: Logger,
    /** `existing`: a panel VS Code restored after a reload; `onShow`: called after each state push. */
    private readonly restore: { existing?: vscode.WebviewPanel; onShow?: (p: LabelerPanel) => void } = {},
  ) {
    super();
    const def = entry.def!;
    const title = `Label: ${def.name}`;
    const roots = dataRoots(entry.folder.uri, def.dataSources.map((d) => d.glob));
    const app = { title, app: 'labeler', tag: 'lbl-labeler-app', dataRoots: roots };
    this.panel = this._register(restore.existing ? adoptAppPanel(restore.existing, extensionUri, app) : createAppPanel(extensionUri, { viewType: WebviewTypes.Labeler, ...app }));
    this.ipc = this._register(new IpcHost(this.panel.webview, logger, 'labeler'));
    this.ipc.onCommand(ReadyCommand, () => {
      this.ready = true;
      void this.push();
    });
    this.ipc.onRequest(SubmitRequest, async (p) => {
      const store = await this.store();
      const now = store.getItem(p.key);
      if (!now) throw new LabelingError('not-found', `item "${p.key}" is not in the project`);
      if (now.version !== p.version) {
        throw new LabelingError('conflict', `"${p.key}" changed since you opened it (a teammate's label or a review arrived). Your edit was not saved; the panel shows the current state.`);
      }
      await store.submit(p.key, p.annotation, p.fromPrelabel ? { source: 'prelabel' } : {});
      const savedAt = new Date().toISOString();
      this.message = undefined;
      await this.advanceAfterWrite(store);
      return { savedAt };
    });
    this.ipc.onRequest(SkipRequest, async (p) => {
      const store = await this.store();
      await store.skip(p.key);
      await this.advanceAfterWrite(store);
      return { moved: true };
    });
    this.ipc.onRequest(BackRequest, async () => {
      const store = await this.store();
      this.history = store.historyKeys(HISTORY);
      const at = this.current ? this.history.indexOf(this.current) : -1;
      const nextIndex = at >= 0 ? at + 1 : 0;
      if (nextIndex >= this.history.length) return { moved: false };
      this.historyIndex = nextIndex;
      this.current = this.history[nextIndex];
      await this.push();
      return { moved: true };
    });
    this.ipc.onRequest(NextRequest, async () => {
      const store = await this.store();
      const moved = this.forward(store);
      await this.push();
      return { moved };
    });
    this.ipc.onRequest(OpenItemRequest, async (p) => {
      await this.openItem(p.key);
      return { moved: true };
    });
    this.ipc.onRequest(PingRequest, () => ({ hostAt: Date.now() }));
    this.ipc.onCommand(ShowErrorCommand, ({ message }) => {
      this.logger.warn(`labeler webview: ${message}`);
      void vscode.window.showErrorMessage(message);
    });
    this._register(stores.onDidChangeProject((e) => {
      if (!e || (e.id === this.entry.id && e.root === this.entry.root)) {
        if (e) this.entry = e;
        void this.push();
      }
    }));
    this._register(this.panel.onDidDispose(() => this.dispose()));
  }

  get project(): ProjectEntry {
    return this.entry;
  }

  /** The last snapshot sent to the webview (tests and the review use it). */
  get lastState(): LabelerState | undefined {
    return this._lastState;
  }

  /** The item on screen (tests and the review use it). */
  get currentKey(): string | undefined {
    return this.current;
  }

  async openItem(key: string): Promise<void> {
    const store = await this.store();
    if (!store.getItem(key)) throw new LabelingError('not-found', `item "${key}" is not in project ${this.entry.id}`);
    this.current = key;
    this.history = store.historyKeys(HISTORY);
    this.historyIndex = this.history.indexOf(key);
    this.message = undefined;
    await this.push();
  }

  private store(): Promise<ProjectStore> {
    return this.stores.get(this.entry);
  }

  /** After a submit or skip: the next item of the history when going back through it, else the queue head. */
  private async advanceAfterWrite(store: ProjectStore): Promise<void> {
    this.forward(store);
    await this.stores.changedProject(this.entry); // pushes the new state through onDidChangeProject
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
      return store.nextItem();
    } catch (e) {
      if (!(e instanceof LabelingError && e.reason === 'paused')) throw e;
      // Paused: the labeler can still look at the queue's first item; the webview disables Submit.
      const first = store.page('queue', undefined, 1).items[0];
      return first ? store.getItem(first.key) : undefined;
    }
  }

  /** Sends the full snapshot. */
  async push(): Promise<void> {
    if (!this.ready || this.isDisposed) return;
    try {
      const store = await this.store();
      const def = store.def;
      let item = this.current ? store.getItem(this.current) : undefined;
      if (!item || item.state === 'missing') {
        if (this.historyIndex < 0) item = this.queueHead(store);
        this.current = item?.key;
      }
      const stats = store.stats(store.labeler);
      this.history = store.historyKeys(HISTORY);
      const state: LabelerState = {
        project: { id: def.id, name: def.name, type: def.type, status: def.status, labels: def.labels, instructions: await this.instructions() },
        progress: { labeled: stats.labeled, total: stats.items - stats.missing, mine: stats.mine ?? 0 },
        canGoBack: this.history.length > 0 && (this.current === undefined || this.history.indexOf(this.current) < this.history.length - 1),
      };
      if (stats.items - stats.missing === 0) state.noData = { globs: def.dataSources.map((d) => d.glob), definition: `.labeling/${def.id}/project.json` };
      if (item) state.item = this.toLabelerItem(item);
      if (this.message) state.message = this.message;
      this.panel.title = `Label: ${def.name}`;
      this._lastState = state;
      this.restore.onShow?.(this);
      await this.ipc.notify(LabelerStateNotification, state);
    } catch (e) {
      this.logger.error(`labeler ${this.entry.id}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }

  private toLabelerItem(v: ItemView): LabelerItem {
    const item: LabelerItem = { key: v.key, ref: v.ref, media: v.media, state: v.state, version: v.version };
    if (v.text !== undefined) item.text = v.text;
    if (v.media === 'image') {
      item.imageUri = this.panel.webview.asWebviewUri(vscode.Uri.joinPath(this.entry.folder.uri, ...v.ref.path.split('/'))).toString();
      if (v.width) item.width = v.width;
      if (v.height) item.height = v.height;
    }
    if (v.mine) item.annotation = v.mine.annotation;
    else if (v.prelabel) {
      item.prelabel = { annotation: v.prelabel.annotation, source: 'prelabel' };
      if (v.prelabel.confidence !== undefined) item.prelabel.confidence = v.prelabel.confidence;
    }
    const idx = this.history.indexOf(v.key);
    if (idx >= 0) item.position = { index: this.history.length - idx, count: this.history.length };
    return item;
  }

  private async instructions(): Promise<string> {
    try {
      return await fsp.readFile(path.join(this.entry.root, '.labeling', this.entry.id, 'instructions.md'), 'utf8');
    } catch {
      return '';
    }
  }
}

/** Keeps one labeling panel per project. */
export class LabelerPanels extends Disposable {
  private readonly panels = new Map<string, LabelerPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly stores: StoreManager,
    private readonly logger: Logger,
    private readonly onShow?: (p: LabelerPanel) => void,
  ) {
    super();
  }

  get all(): LabelerPanel[] {
    return [...this.panels.values()];
  }

  /** `existing`: a panel VS Code restored after a reload, to fill (or close, when the project has one already). */
  async show(entry: ProjectEntry, key?: string, existing?: vscode.WebviewPanel): Promise<LabelerPanel> {
    if (!entry.def) throw entry.error ?? new LabelingError('invalid-project', `project ${entry.id} cannot be loaded`);
    await this.stores.get(entry); // index first, so the panel opens on real data
    const k = `${entry.root}::${entry.id}`;
    let p = this.panels.get(k);
    if (p) {
      existing?.dispose();
      p.panel.reveal();
    }
    else {
      p = new LabelerPanel(this.extensionUri, entry, this.stores, this.logger, { ...(existing ? { existing } : {}), ...(this.onShow ? { onShow: this.onShow } : {}) });
      this.panels.set(k, p);
      const created = p;
      p.panel.onDidDispose(() => {
        if (this.panels.get(k) === created) this.panels.delete(k);
      });
    }
    if (key) await p.openItem(key);
    return p;
  }

  override dispose(): void {
    this.panels.forEach((p) => p.dispose());
    super.dispose();
  }
}

