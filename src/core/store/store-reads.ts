/** The synchronous queries of a ProjectStore (project-store.ts holds the writes). */
import { LabelingError } from '../errors';
import type { ItemBounds } from '../geometry/bounds';
import type { ExportItem, ItemState, ProjectDef } from '../model';
import { requireRunning } from './guards';
import { IndexLeases, type IndexLease } from './index-lease';
import { TimeSlicer, yieldToEventLoop } from './time-slice';
import type { BriefItem, ItemView, Page, PageView, ProjectStats } from './types';
import { EXPORT_SLICE, type IndexViews } from './views';
import { LabelerReads } from './labeler-reads';
import { outcomesOf, SELECT_MODEL_OUTCOMES, type SuggestionOutcome } from './suggestion-outcomes';

/** Keys of the first slice queueKeysIn reads (then twice as many each time). */
const ORDER_SLICE = 32;

export abstract class StoreReads {
  protected closed = false;
  /** Long readers of the index (index-lease.ts). */
  protected readonly leases = new IndexLeases();

  protected constructor(
    protected views: IndexViews,
    protected _def: ProjectDef,
    /** The labeler this store reads and writes as. */
    protected readonly me: string,
  ) {}

  get def(): ProjectDef {
    return this._def;
  }
  get labeler(): string {
    return this.me;
  }

  protected live(): IndexViews {
    if (this.closed) throw new LabelingError('io', 'the project store is closed');
    return this.views;
  }

  stats(labeler?: string): ProjectStats {
    return this.live().stats(labeler);
  }

  /** The next item for this labeler; throws 'paused' when the project is paused. */
  nextItem(): ItemView | undefined {
    requireRunning(this._def);
    const key = this.live().nextKey(this.me);
    return key === undefined ? undefined : this.views.getItem(key, this.me);
  }

  /** The keys nextItem() would give, in order, if the labeler submitted each in turn (up to `limit`; for prefetching). */
  upcomingKeys(limit: number): string[] {
    return this.live().nextKeys(this.me, limit);
  }

  getItem(key: string): ItemView | undefined {
    return this.live().getItem(key, this.me);
  }

  /**
   * Whether the item is in this labeler's queue: one nextItem() could give, by its rules (open, that is
   * not settled by consensus; assigned to this labeler or to nobody; neither submitted nor skipped by them).
   */
  isInQueue(key: string): boolean {
    return this.live().queueMembers(this.me, [key]).has(key);
  }

  /**
   * The first `limit` of `keys` (an order of the queue, e.g. ML assist's) at index `from` or after that
   * are in this labeler's queue (isInQueue), with their index: read in slices of a few dozen keys, one
   * query each, so a long run of items labeled since costs few queries.
   */
  queueKeysIn(keys: readonly string[], from: number, limit = 1): { key: string; index: number }[] {
    const views = this.live();
    const out: { key: string; index: number }[] = [];
    let slice = ORDER_SLICE;
    for (let i = Math.max(0, Math.floor(from)); i < keys.length && out.length < limit; i += slice, slice = Math.min(slice * 2, 4096)) {
      const part = keys.slice(i, i + slice);
      const members = views.queueMembers(this.me, part);
      for (let j = 0; j < part.length && out.length < limit; j++) if (members.has(part[j]!)) out.push({ key: part[j]!, index: i + j });
    }
    return out;
  }

  /** nextItem() in an order of the queue: its first item at `from` or after in this labeler's queue, with its index; throws 'paused' when the project is paused. */
  nextItemIn(keys: readonly string[], from: number): { item: ItemView; index: number } | undefined {
    requireRunning(this._def);
    const first = this.queueKeysIn(keys, from, 1)[0];
    const item = first && this.views.getItem(first.key, this.me);
    return item ? { item, index: first.index } : undefined;
  }

  /** What an annotation of the item must lie within (image as displayed, or text); undefined for no such item. */
  itemBounds(key: string): ItemBounds | undefined {
    return this.views.boundsOf(key);
  }

  /** This labeler's items, most recent first (for Back). */
  history(limit = 50): ItemView[] {
    return this.historyKeys(limit).flatMap((k) => this.views.getItem(k, this.me) ?? []);
  }

  /** The keys of history(): no item text or image header is read. */
  historyKeys(limit = 50): string[] {
    return this.live().historyKeys(this.me, limit);
  }

  /** A tree page with a keyset cursor (`after` is the previous page's `next`). */
  page(view: PageView, after?: string, limit = 100): Page {
    return this.live().page(view, this.me, after, limit);
  }

  /** The per-labeler table: each labeler's items and annotations, pairs for agreement, disagreements, counts. */
  get labelers(): LabelerReads {
    return new LabelerReads(() => this.live().index);
  }

  /**
   * The live accuracy of each model version (issue 12 item 3): per `model:` source, of the labelers'
   * current submits that were shown its prelabel or suggestion (human submits, not prelabels), how many
   * took it unchanged; the newest model version first. Current submits, not every submit: a correction
   * replaces the confirmation it corrects, and voided labels stop counting (suggestion-outcomes.ts).
   * Read from the counter table cnt_outcome (a few rows per model version), whatever the project's size.
   */
  suggestionOutcomes(): SuggestionOutcome[] {
    return outcomesOf(this.live().index.all<{ src: string; chg: number; n: number }>(SELECT_MODEL_OUTCOMES, []));
  }

  /**
   * Items in key order; `all` holds every labeler's latest annotation (and prelabels if asked). For
   * synchronous use only (the whole read holds the event loop): long readers use readExportItems.
   */
  exportItems(opts: { includePrelabels?: boolean; signal?: AbortSignal } = {}): Iterable<ExportItem> {
    return this.live().exportItems(opts);
  }

  /**
   * A lease for a long reader (index-lease.ts): read with the store's synchronous queries in short
   * slices, calling `lease.check()` before each and yielding to the event loop between them, and
   * release it at the end (in a finally). While it is held a rebuild waits, or cancels it.
   */
  read(name: string, signal?: AbortSignal): Promise<IndexLease> {
    this.live();
    return this.leases.acquire(name, signal);
  }

  /**
   * The items of these keys, briefly (no event replay), in the order given: a queue page's texts or files
   * in one query. `opts.sizes`: images carry their size, read from the file's header if need be.
   */
  briefItems(keys: readonly string[], opts: { sizes?: boolean } = {}): BriefItem[] {
    return this.live().briefItems(keys, opts.sizes === true);
  }

  /**
   * The items in `state` in key order, briefly (no event replay: the item row only), for long readers:
   * keyset slices under a lease, yielding to the event loop once a slice of work (SLICE_MS) is used up,
   * so submits interleave. What ML assist trains on ('labeled' items and their final labels) without
   * reading every item of the project.
   */
  async *readItemsInState(state: ItemState, opts: { signal?: AbortSignal; name?: string; sizes?: boolean } = {}): AsyncGenerator<BriefItem> {
    const lease = await this.read(opts.name ?? `the ${state} items`, opts.signal);
    try {
      const slicer = new TimeSlicer(undefined, lease.signal);
      let after: string | undefined = '';
      while (after !== undefined) {
        lease.check();
        const slice: { items: BriefItem[]; next?: string } = this.live().stateSlice(state, after, 100, opts.sizes === true);
        yield* slice.items;
        after = slice.next;
        await slicer.maybePause();
      }
    } finally {
      lease.release();
    }
  }

  /**
   * exportItems for long readers (exports, imports mapping refs): keyset slices of EXPORT_SLICE items
   * under a lease, with a turn of the event loop between slices so submits interleave. A rebuild that
   * cancels readers ends it with "<name> stopped: the index is being rebuilt".
   */
  async *readExportItems(opts: { includePrelabels?: boolean; signal?: AbortSignal; name?: string } = {}): AsyncGenerator<ExportItem> {
    const lease = await this.read(opts.name ?? 'an export', opts.signal);
    try {
      let after: string | undefined = '';
      while (after !== undefined) {
        lease.check();
        const slice: { items: ExportItem[]; next?: string } = this.live().exportSlice(after, EXPORT_SLICE, opts);
        yield* slice.items;
        after = slice.next;
        if (after !== undefined) await yieldToEventLoop();
      }
    } finally {
      lease.release();
    }
  }
}
