/**
 * The items the labeling panel's webview holds besides the one shown: the next queue items (their text,
 * images decoded) and the labeler's previous items around the one shown, for Back. Each with the
 * version sent; the keys a view asks for that the webview does not have yet wait here until they are
 * read and posted after the view (flush).
 */
import type { ProjectStore } from '../../core/store/project-store';
import type { ItemView } from '../../core/store/types';
import type { LabelerItem } from '../../protocol/labeler';

/** How many next queue items the webview holds ahead (their text, images decoded). */
const PREFETCH = 3;
/** How many of the labeler's previous items the webview holds behind the one shown, for Back. */
const BEHIND = 3;

/**
 * The keys the webview should hold: the next queue items after the current one (`upcoming` gives the
 * queue's next keys), and the labeler's own items around the one shown in their history (the next
 * BEHIND for Back, the one before for Next after Back). The item Back shows comes second, after the
 * next queue item: the webview keeps a drawable bitmap of the first few keys' images only
 * (webview/labeler/prefetch.ts BITMAPS, decoded from the file off the page's thread), and a canvas
 * editor given a plain decoded image decodes it again on its thread as it draws.
 */
export function heldWindow(upcoming: (limit: number) => string[], current: string | undefined, history: string[]): string[] {
  const keys = upcoming(PREFETCH + 1).filter((k) => k !== current).slice(0, PREFETCH);
  const at = current === undefined ? -1 : history.indexOf(current);
  const back = history[at + 1];
  if (back !== undefined && back !== current && !keys.includes(back)) keys.splice(Math.min(1, keys.length), 0, back);
  for (let i = Math.max(0, at - 1); i <= at + BEHIND && i < history.length; i++) {
    const k = history[i]!;
    if (i !== at && k !== current && !keys.includes(k)) keys.push(k);
  }
  return keys;
}

/** Where the item sits in the labeler's history (`index` of `count`, 1 = the oldest), if it is in it. */
export function positionIn(history: string[], key: string): { index: number; count: number } | undefined {
  const idx = history.indexOf(key);
  return idx >= 0 ? { index: history.length - idx, count: history.length } : undefined;
}

export class HeldItems {
  /** Items the webview holds (next queue items, previous own items), with the version sent. */
  private held = new Map<string, number>();
  /** The items as last sent (flush), by key: what a view naming one shows, without reading it again. */
  private sent = new Map<string, LabelerItem>();
  /** Keys the last view asked the webview to hold that it does not have yet: read and posted after its answer (flush). */
  private pending: string[] = [];

  /** A (re)loaded webview, or a full snapshot: it holds nothing. */
  reset(): void {
    this.held.clear();
    this.sent.clear();
    this.pending = [];
  }

  /** Held items that may have changed (all of them, or these keys): sent again with the next view. */
  forget(keys: readonly string[] | 'all'): void {
    if (keys === 'all') {
      this.held.clear();
      this.sent.clear();
    } else {
      for (const k of keys) {
        this.held.delete(k);
        this.sent.delete(k);
      }
    }
  }

  /** Whether the webview holds the item at this version. */
  holds(key: string, version: number): boolean {
    return this.held.get(key) === version;
  }

  /** The item the webview holds with this key at this version, as it was sent; undefined when it holds none. */
  item(key: string, version: number): LabelerItem | undefined {
    const it = this.holds(key, version) ? this.sent.get(key) : undefined;
    return it?.version === version ? it : undefined;
  }

  /** The webview holds this item already (it made the copy itself: LabelerView.heldSubmitted): not to be read and posted. */
  keep(item: LabelerItem): void {
    this.held.set(item.key, item.version);
    this.sent.set(item.key, item);
    this.pending = this.pending.filter((k) => k !== item.key);
  }

  /** Holds these keys from now on: the others are let go, the new ones wait to be read and posted (flush). */
  hold(keys: string[]): void {
    for (const k of [...this.held.keys()]) {
      if (keys.includes(k)) continue;
      this.held.delete(k);
      this.sent.delete(k);
    }
    for (const k of keys) {
      if (this.held.has(k)) continue;
      this.held.set(k, -1); // its version is read when it is posted
      this.pending.push(k);
    }
  }

  /**
   * Reads the pending items at their current version, as `toItem` sends them (none when `disposed`);
   * `onProblem` hears why they could not be read (a store closed in between: the next view sends its
   * item in full).
   */
  flush(store: ProjectStore, disposed: boolean, toItem: (v: ItemView) => LabelerItem, onProblem: (message: string) => void): LabelerItem[] {
    const keys = this.pending;
    this.pending = [];
    if (!keys.length || disposed) return [];
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
        const item = toItem(v);
        this.sent.set(k, item);
        upcoming.push(item);
      }
    } catch (e) {
      // A store closed in between: the next view sends its item in full.
      for (const k of keys) {
        if (upcoming.some((u) => u.key === k)) continue;
        this.held.delete(k);
        this.sent.delete(k);
      }
      onProblem(e instanceof Error ? e.message : String(e));
    }
    return upcoming;
  }
}
