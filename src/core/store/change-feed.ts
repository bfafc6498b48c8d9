/**
 * The change feed: after every commit, sync, refresh, rebuild and definition reload a ProjectStore says
 * what changed (architecture.md, "Change feed and jobs"), so views refresh from it and no caller
 * refreshes them by hand. Plain TypeScript (no vscode): the host subscribes once and coalesces bursts
 * with mergeChanges.
 */
import type { Logger } from '../logger';
import type { IndexDb } from './index-db';

/** What a change may have altered: item rows, the counters, the effective definition, the journal problems. */
export type ChangeKind = 'items' | 'stats' | 'definition' | 'problems';
export const CHANGE_KINDS: readonly ChangeKind[] = ['items', 'stats', 'definition', 'problems'];

/** The store operation that made the change. */
export type ChangeCause = 'commit' | 'sync' | 'refresh' | 'rebuild' | 'definition';

export interface StoreChange {
  /** Project id. */
  project: string;
  /**
   * Grows by one per change of this store. Whatever is read from the store after change N was emitted
   * reflects every change up to N: a view that built its state at seq N can skip changes <= N.
   */
  seq: number;
  cause: ChangeCause;
  /** Keys of the items whose row changed (state, labels, text, missing), or 'all' (rebuild, a label-set barrier, large scans). */
  items: readonly string[] | 'all';
  kinds: readonly ChangeKind[];
}

/** More touched items than this are reported as 'all': listeners then reload what they show. */
export const MAX_LISTED_ITEMS = 1000;

export type ChangeListener = (change: StoreChange) => void;

/** One store's subscribers. A listener that throws is logged; it never fails the store's write. */
export class ChangeFeed {
  private readonly listeners = new Set<ChangeListener>();
  private _seq = 0;

  constructor(private readonly project: string, private readonly log: Logger) {}

  /** The seq of the last change emitted (0 before any). */
  get seq(): number {
    return this._seq;
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Emits a change unless it is empty (no item and no kind). */
  emit(cause: ChangeCause, items: readonly string[] | 'all', kinds: readonly ChangeKind[]): StoreChange | undefined {
    if (items !== 'all' && !items.length && !kinds.length) return undefined;
    const change: StoreChange = { project: this.project, seq: ++this._seq, cause, items, kinds: sortKinds(kinds) };
    for (const l of [...this.listeners]) {
      try {
        l(change);
      } catch (e) {
        this.log.warn(`change listener of ${this.project} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return change;
  }
}

function sortKinds(kinds: Iterable<ChangeKind>): ChangeKind[] {
  const set = new Set(kinds);
  return CHANGE_KINDS.filter((k) => set.has(k));
}

/**
 * One change that covers both (a burst coalesced): the union of items and kinds, the later seq and
 * cause. 'all' absorbs any list; a union longer than MAX_LISTED_ITEMS becomes 'all'.
 */
export function mergeChanges(a: StoreChange, b: StoreChange): StoreChange {
  let items: readonly string[] | 'all';
  if (a.items === 'all' || b.items === 'all') items = 'all';
  else {
    const set = new Set([...a.items, ...b.items]);
    items = set.size > MAX_LISTED_ITEMS ? 'all' : [...set];
  }
  const later = b.seq >= a.seq ? b : a;
  return { project: later.project, seq: later.seq, cause: later.cause, items, kinds: sortKinds([...a.kinds, ...b.kinds]) };
}

/** True when the change may have altered the item with this key. */
export function touches(change: Pick<StoreChange, 'items'>, key: string): boolean {
  return change.items === 'all' || change.items.includes(key);
}

/** The keys of the items the index wrote since it was last asked (IndexDb.takeTouched), or 'all'. */
export function takeTouchedKeys(idx: IndexDb): readonly string[] | 'all' {
  const ids = idx.takeTouched();
  if (ids === 'all' || ids.length > MAX_LISTED_ITEMS) return 'all';
  const keys: string[] = [];
  for (const id of ids) {
    const k = idx.one('SELECT key FROM items WHERE id = ?', [id]);
    if (k !== undefined) keys.push(String(k)); // an item inserted by a rolled-back transaction is gone
  }
  return keys;
}
