/**
 * The labeling panel's queue: its head (the item Next or a submit moves to) and the next keys, in ML
 * assist's queue order when the project asks for one (mlAssist.queueOrder), else in the store's. The
 * order is followed with a cursor: the items before it were out of this labeler's queue when last
 * looked at. Paused, the head is still the queue's first item (the webview disables Submit).
 */
import type * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import type { ProjectStore } from '../../core/store/project-store';
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

  /**
   * The key of the queue head (the store's nextItem, in the ML order when there is one); paused, the
   * queue's first item. Only keys are read: the caller reads the item when it sends it (an item with a
   * 1,000-box prelabel is ~0.5 ms to read, and the webview usually holds the head already).
   */
  headKey(store: ProjectStore, entry: ProjectEntry): string | undefined {
    // Paused (the store's nextItem would refuse): the labeler can still look at the queue's first item; the webview disables Submit.
    if (store.def.status === 'paused') return store.page('queue', undefined, 1).items[0]?.key;
    return this.orderedHeadKey(store, entry) ?? store.upcomingKeys(1)[0];
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
   * The queue head's key in the ML order: its first item at the cursor or after that is in this labeler's
   * queue (the store's rules, as nextItem's); undefined once the order is used up (nextItem serves the
   * items it does not list) or when there is none.
   */
  private orderedHeadKey(store: ProjectStore, entry: ProjectEntry): string | undefined {
    const order = this.queueOrder(store, entry);
    if (!order) return undefined;
    const got = store.queueKeysIn(order.loaded.keys, order.cursor, 1)[0];
    order.cursor = got ? got.index : order.loaded.keys.length;
    return got?.key;
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
