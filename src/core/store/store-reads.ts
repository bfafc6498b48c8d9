/** The synchronous queries of a ProjectStore (project-store.ts holds the writes). */
import { LabelingError } from '../errors';
import type { ItemBounds } from '../geometry/bounds';
import type { ExportItem, ProjectDef } from '../model';
import { requireRunning } from './guards';
import type { ItemView, Page, PageView, ProjectStats } from './types';
import type { IndexViews } from './views';
import { LabelerReads } from './labeler-reads';

export abstract class StoreReads {
  protected closed = false;

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

  /** Items in key order for exporters; `all` holds every labeler's latest annotation (and prelabels if asked). */
  exportItems(opts: { includePrelabels?: boolean; signal?: AbortSignal } = {}): Iterable<ExportItem> {
    return this.live().exportItems(opts);
  }
}
