/**
 * Where the labeling panel is and what it last showed: the item on screen, the labeler's history and
 * the position in it while going Back, the version of the last state or view sent, the items the
 * webview holds, and the prelabel or suggestion each was sent with. It builds the views the panel posts
 * (buildView); the panel (labelerPanel.ts) owns the webview, its messages and its lifecycle.
 */
import type * as vscode from 'vscode';
import { LabelingError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { Annotation } from '../../core/model';
import type { ProjectStore } from '../../core/store/project-store';
import type { ItemView } from '../../core/store/types';
import { submittedCopy, type LabelerItem, type LabelerMessage, type LabelerState, type LabelerView } from '../../protocol/labeler';
import type { LocalSuggestions } from '../assist/localSuggestions';
import type { ProjectEntry } from '../projects/registry';
import { HeldItems, heldWindow, positionIn } from './labelerHeld';
import { labelerItemOf, offerOf, type Offered } from './labelerItem';
import type { LabelerQueue } from './labelerQueue';

/** How many of the labeler's own items Back can go through. */
const HISTORY = 200;

/** What the items are sent for: the panel's webview (image URIs), its project (changes with the feed), ML assist's suggestions. */
export interface LabelerViewContext {
  webview: vscode.Webview;
  entry: () => ProjectEntry;
  logger: Logger;
  suggestions: LocalSuggestions | undefined;
}

export class LabelerNav {
  current: string | undefined;
  /** Position in the labeler's history while going Back: -1 = at the queue head. */
  private historyIndex = -1;
  private history: string[] = [];
  message: LabelerMessage | undefined;
  /** The state the webview shows, with the views applied (undefined until it says it shows one). */
  lastState: LabelerState | undefined;
  /** The version of the last state or view sent (the webview applies a view only on top of it). */
  version = 0;
  /** The store's change seq the last state or view reflected: feed changes up to it are already shown. */
  shownSeq = -1;
  /** Items the webview holds (next queue items, previous own items), and those it is yet to get. */
  readonly held = new HeldItems();
  /** The prelabel or suggestion each item on screen or held was last sent with, at its version. */
  readonly offered = new Map<string, { version: number; offered?: Offered }>();

  constructor(
    /** The queue head and next keys (in ML assist's queue order for a project whose queueOrder is not random). */
    private readonly queue: LabelerQueue,
    private readonly ctx: LabelerViewContext,
  ) {}

  /** Shows `key` (a tree click, a restored panel), at its place in the labeler's history if it is there. */
  moveTo(store: ProjectStore, key: string): void {
    if (!store.getItem(key)) throw new LabelingError('not-found', `item "${key}" is not in project ${this.ctx.entry().id}`);
    this.current = key;
    this.history = store.historyKeys(HISTORY);
    this.historyIndex = this.history.indexOf(key);
    this.message = undefined;
  }

  /** Next: the item after this one in the history while going Back, else the queue head. Whether the item changed. */
  forward(store: ProjectStore): boolean {
    if (this.historyIndex > 0) {
      this.historyIndex--;
      this.current = this.history[this.historyIndex];
      return true;
    }
    this.historyIndex = -1;
    const before = this.current;
    this.current = this.queue.headKey(store, this.ctx.entry());
    return this.current !== before;
  }

  /** Back: the labeler's item before the one shown; false when there is none. */
  back(store: ProjectStore): boolean {
    this.history = store.historyKeys(HISTORY);
    const at = this.current ? this.history.indexOf(this.current) : -1;
    const nextIndex = at >= 0 ? at + 1 : 0;
    if (nextIndex >= this.history.length) return false;
    this.historyIndex = nextIndex;
    this.current = this.history[nextIndex];
    return true;
  }

  /**
   * After a submit of the item on screen (not a mask: its runs come from its blob): the webview keeps
   * its own copy for Back, with the annotation it submitted (LabelerView.heldSubmitted), as a full read
   * would send it (the labeler's own annotation, so no prelabel; no rejection; the view gives the
   * position). Returns what the answer tells the webview, or undefined when the item on screen is not
   * the one submitted at that version.
   */
  keepSubmitted(store: ProjectStore, key: string, version: number, annotation: Annotation): LabelerView['heldSubmitted'] {
    const shown = this.lastState?.item;
    if (!shown || shown.key !== key || shown.version !== version || annotation.kind === 'mask') return undefined;
    const row = store.briefItems([key])[0];
    if (!row || row.state === 'missing') return undefined;
    this.held.keep(submittedCopy(shown, annotation, row));
    this.offered.set(key, { version: row.version });
    return { key, version: row.version, state: row.state };
  }

  /**
   * The view of the current item (the queue head when it is gone), on top of the last version sent.
   * Reads only the index: the item's row (the item in full only when the webview does not hold it at its
   * version: an item with a 1,000-box prelabel is ~0.5 ms to read), the stats, the labeler's history
   * keys and the next few keys.
   */
  buildView(store: ProjectStore): LabelerView {
    let row = this.current ? store.briefItems([this.current])[0] : undefined;
    if (!row || row.state === 'missing') {
      if (this.historyIndex < 0) {
        const head = this.queue.headKey(store, this.ctx.entry());
        row = head === undefined ? undefined : store.briefItems([head])[0];
      }
      this.current = row?.key;
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
    const held = row && this.held.item(row.key, row.version);
    let shown: LabelerItem | undefined;
    if (row && held) {
      view.itemFromUpcoming = row.key;
      const position = positionIn(this.history, row.key);
      if (position) view.position = position;
      // What the webview shows: the held copy at the view's position.
      const { position: _sent, ...rest } = held;
      shown = position ? { ...rest, position } : rest;
    } else if (row) {
      const item = store.getItem(row.key);
      if (item) shown = view.item = this.toLabelerItem(item);
    }
    if (this.message) view.message = this.message;
    this.addUpcoming(store, view);
    this.shownSeq = store.changeSeq;
    // The state the webview now shows, as it applies the view (applyView): the project stays, everything
    // else is the view's; a field the view leaves out (the no-data notice, a message) is gone.
    const { base: _base, itemFromUpcoming: _held, position: _position, ...fields } = view;
    if (this.lastState) this.lastState = { project: this.lastState.project, ...fields, item: shown };
    return view;
  }

  /**
   * The items the webview should hold: the next queue items after the current one, and the labeler's own
   * items around the one shown in their history (the next BEHIND for Back, the one before for Next after
   * Back). Those it does not hold yet are read and sent after the answer (the panel's flushHeld); one it
   * holds at an older version is sent in full when it is shown (buildView compares versions), and one a
   * change from elsewhere touched is sent again (the panel's onProjectChange).
   */
  private addUpcoming(store: ProjectStore, view: LabelerView): void {
    if (store.def.status === 'paused') return;
    const keys = heldWindow((limit) => this.queue.upcomingKeys(store, this.ctx.entry(), limit), this.current, this.history);
    for (const k of [...this.offered.keys()]) if (k !== this.current && !keys.includes(k)) this.offered.delete(k);
    this.held.hold(keys);
    view.upcomingKeys = keys;
  }

  /** The item as sent, remembering the prelabel or suggestion it is sent with at its version. */
  toLabelerItem(v: ItemView): LabelerItem {
    const entry = this.ctx.entry();
    const offered = v.mine ? undefined : offerOf(v, entry, this.ctx.suggestions);
    this.offered.set(v.key, offered ? { version: v.version, offered } : { version: v.version });
    return labelerItemOf(v, offered, positionIn(this.history, v.key), { webview: this.ctx.webview, entry, logger: this.ctx.logger });
  }
}
