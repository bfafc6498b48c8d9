/**
 * The labeling panel's queue: its head (the item Next or a submit moves to) and the next keys, in ML
 * assist's queue order when the project asks for one (mlAssist.queueOrder), else in the store's. The
 * order is followed with a cursor: the items before it were out of this labeler's queue when last
 * looked at. Paused, the head is still the queue's first item (the webview disables Submit).
 */
import type * as vscode from 'vscode';
import { LabelingError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { ProjectStore } from '../../core/store/project-store';
import type { ItemView } from '../../core/store/types';
import type { ProjectEntry } from '../projects/registry';
import { mlOrderOf, QueueOrders, type LoadedQueueOrder } from './queueOrders';

export class LabelerQueue {
  /** The order the queue head follows, and where in it: the items before `cursor` were out of this labeler's queue when last looked at. */
  private order: { loaded: LoadedQueueOrder; cursor: number } | undefined;

  /**
   * `orders`: ML assist's queue orders (else the queue reads them itself, once its project asks for
   * one); `register`: the panel's, for what the queue subscribes to; `onOrderChange`: an order changed.
   */
  constructor(
    private orders: QueueOrders | undefined,
    private readonly logger: Logger,
    private readonly register: <T extends vscode.Disposable>(d: T) => T,
    private readonly onOrderChange: (p: { root: string; id: string }) => void,
  ) {
    if (this.orders) register(this.orders.onDidChange((p) => this.onOrderChange(p)));
  }

  /** The queue head (the store's nextItem, in the ML order when there is one); paused, the queue's first item. */
  head(store: ProjectStore, entry: ProjectEntry): ItemView | undefined {
    try {
      return this.orderedHead(store, entry) ?? store.nextItem();
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
  queueOrder(store: ProjectStore, entry: ProjectEntry): { loaded: LoadedQueueOrder; cursor: number } | undefined {
    if (!mlOrderOf(store.def)) {
      this.order = undefined;
      return undefined;
    }
    if (!this.orders) {
      // Its own reader: the panel follows the file as it changes.
      const orders = (this.orders = this.register(new QueueOrders(this.logger)));
      this.register(orders.onDidChange((p) => this.onOrderChange(p)));
    }
    const loaded = this.orders.get(entry, store.def);
    if (!loaded) this.order = undefined;
    else if (this.order?.loaded !== loaded) this.order = { loaded, cursor: 0 };
    return this.order;
  }

  /** Reads the project's queue order file (when there is a reader: queueOrder makes one). */
  load(entry: ProjectEntry): Promise<void> | undefined {
    return this.orders?.load(entry);
  }

  /**
   * The queue head in the ML order: its first item at the cursor or after that is in this labeler's
   * queue (the store's rules, as nextItem's); undefined once the order is used up (nextItem serves the
   * items it does not list) or when there is none. Throws 'paused' as nextItem does.
   */
  private orderedHead(store: ProjectStore, entry: ProjectEntry): ItemView | undefined {
    const order = this.queueOrder(store, entry);
    if (!order) return undefined;
    const got = store.nextItemIn(order.loaded.keys, order.cursor);
    order.cursor = got ? got.index : order.loaded.keys.length;
    return got?.item;
  }

  /** The keys upcomingKeys would give in the ML order (then in nextItem's for what it does not list). */
  upcomingKeys(store: ProjectStore, entry: ProjectEntry, limit: number): string[] {
    const order = this.queueOrder(store, entry);
    if (!order) return store.upcomingKeys(limit);
    const keys = store.queueKeysIn(order.loaded.keys, order.cursor, limit).map((k) => k.key);
    if (keys.length < limit) for (const k of store.upcomingKeys(limit)) if (keys.length < limit && !keys.includes(k)) keys.push(k);
    return keys;
  }
}
