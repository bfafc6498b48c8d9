/** Read queries over the index: item views, tree pages (keyset, never OFFSET), stats, export items. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LabelingError } from '../errors';
import type { ItemBounds } from '../geometry/bounds';
import { readImageSize } from '../ingest/image-size';
import { mediaOf, type ExportItem, type ItemRef, type ItemState, type MediaKind, type ProjectDef } from '../model';
import { unpackAnn } from './ann-text';
import type { IndexDb } from './index-db';
import { consensusFor } from './mask-source';
import { ITEM_FLAGS, ITEM_PATH } from './schema';
import { computeItem } from './item-state';
import type { BriefItem, ItemSummary, ItemView, Page, PageView, ProjectStats } from './types';

interface ItemRow {
  id: number;
  key: string;
  path: string;
  row: string | null;
  text: string | null;
  missing: number;
  state: ItemState;
  version: number;
  assignee: string | null;
  agreement: number | null;
  final: string | null;
  final_by: string | null;
  width: number | null;
  height: number | null;
}

const ITEM_COLS = `id, key, ${ITEM_PATH} AS path, row, text, missing, state, version, assignee, agreement, final, final_by, width, height`;

export class IndexViews {
  constructor(
    private readonly idx: IndexDb,
    private readonly root: string,
    private readonly def: () => ProjectDef,
  ) {}

  /** The index these views read (for the per-labeler reads). */
  get index(): IndexDb {
    return this.idx;
  }

  private refOf(r: ItemRow): ItemRef {
    return r.row === null ? { path: r.path } : { path: r.path, row: r.row };
  }

  private itemRow(key: string): ItemRow | undefined {
    return this.idx.all<ItemRow>(`SELECT ${ITEM_COLS} FROM items WHERE key = ?`, [key])[0];
  }

  private textOf(r: ItemRow): string | undefined {
    if (r.text !== null) return r.text;
    try {
      return fs.readFileSync(path.join(this.root, r.path), 'utf8');
    } catch {
      return undefined;
    }
  }

  private sizeOf(r: ItemRow): { width: number; height: number } | undefined {
    if (r.width !== null && r.height !== null) return { width: r.width, height: r.height };
    const size = readImageSize(path.join(this.root, r.path));
    // A cache of the file header, not a journaled fact: it is safe to store in the index.
    if (size) this.idx.run('UPDATE items SET width = ?, height = ? WHERE id = ?', [size.width, size.height, r.id]);
    return size;
  }

  /**
   * What an annotation of the item must lie within: its image as displayed (header read once, then
   * kept in the index) or its text; size or length undefined when it cannot be read.
   */
  boundsOf(key: string): ItemBounds | undefined {
    const r = this.itemRow(key);
    if (!r) return undefined;
    if (mediaOf(this.def().type) === 'text') return { media: 'text', length: this.textOf(r)?.length, what: r.key };
    return { media: 'image', size: r.missing ? undefined : this.sizeOf(r), what: r.path };
  }

  /** Text or image size, and the settled label, shared by item views and export items. */
  private fill(r: ItemRow, media: MediaKind, out: Pick<ItemView, 'text' | 'width' | 'height' | 'final' | 'finalBy' | 'agreement'>): void {
    if (media === 'text') {
      const text = this.textOf(r);
      if (text !== undefined) out.text = text;
    } else if (!r.missing) {
      const size = this.sizeOf(r);
      if (size) Object.assign(out, size);
    }
    if (r.final) out.final = unpackAnn(r.final);
    if (r.final_by) out.finalBy = JSON.parse(r.final_by) as string[];
    if (r.agreement !== null) out.agreement = r.agreement;
  }

  private compute(r: ItemRow) {
    return computeItem(this.idx.evRows(r.id), this.idx.barriers, consensusFor(this.def(), this.root), r.missing === 1);
  }

  getItem(key: string, me: string): ItemView | undefined {
    const r = this.itemRow(key);
    if (!r) return undefined;
    const media = mediaOf(this.def().type);
    const rows = this.idx.evRows(r.id);
    const c = computeItem(rows, this.idx.barriers, consensusFor(this.def(), this.root), r.missing === 1);
    const view: ItemView = {
      key: r.key,
      ref: this.refOf(r),
      media,
      state: r.state,
      version: r.version,
      skippedByMe: c.done.some((d) => d.labeler === me && d.kind === 'skip'),
      others: c.annotations.filter((a) => a.labeler !== me).map(strip),
    };
    const mine = c.annotations.find((a) => a.labeler === me);
    if (mine) {
      view.mine = strip(mine);
      const row = rows.find((x) => x.ord === mine.ord);
      if (row?.src) {
        view.mine.source = row.src;
        if (row.chg) view.mine.changed = true;
      }
    }
    const pre = c.prelabels.at(-1);
    if (pre) {
      view.prelabel = strip(pre);
      if (pre.source) view.prelabel.source = pre.source;
    }
    this.fill(r, media, view);
    if (r.assignee) view.assignee = r.assignee;
    if (c.review) view.review = c.review;
    if (c.conflict) view.conflict = c.conflict;
    if (c.rejected) view.rejected = c.rejected;
    return view;
  }

  /** An item row as a BriefItem (no event replay; see types.ts). */
  private brief(r: ItemRow, media: MediaKind, sizes = false): BriefItem {
    const b: BriefItem = { key: r.key, ref: this.refOf(r), state: r.state, version: r.version };
    if (media === 'text') {
      const text = this.textOf(r);
      if (text !== undefined) b.text = text;
    } else {
      const size = r.width !== null && r.height !== null ? { width: r.width, height: r.height } : sizes && !r.missing ? this.sizeOf(r) : undefined;
      if (size) Object.assign(b, size);
    }
    if (r.final) b.final = unpackAnn(r.final);
    return b;
  }

  /** A keyset slice (by key, through items_state) of the items in `state`, briefly: what ML assist trains on. */
  stateSlice(state: ItemState, after: string, limit: number, sizes = false): { items: BriefItem[]; next?: string } {
    const media = mediaOf(this.def().type);
    const rows = this.idx.all<ItemRow>(`SELECT ${ITEM_COLS} FROM items WHERE state = ? AND key > ? ORDER BY key LIMIT ?`, [state, after, limit]);
    const items = rows.map((r) => this.brief(r, media, sizes));
    return rows.length < limit ? { items } : { items, next: rows[rows.length - 1]!.key };
  }

  /**
   * The items of these keys, briefly, in the order given (unknown keys left out): one query per call.
   * `sizes`: an image's size is read from its header when the index does not know it yet (then kept).
   */
  briefItems(keys: readonly string[], sizes = false): BriefItem[] {
    if (!keys.length) return [];
    const media = mediaOf(this.def().type);
    const byKey = new Map<string, ItemRow>();
    for (let i = 0; i < keys.length; i += MEMBERS_SLICE) {
      const part = keys.slice(i, i + MEMBERS_SLICE);
      for (const r of this.idx.all<ItemRow>(`SELECT ${ITEM_COLS} FROM items WHERE key IN (${part.map(() => '?').join(',')})`, part)) byKey.set(r.key, r);
    }
    return keys.flatMap((k) => {
      const r = byKey.get(k);
      return r ? [this.brief(r, media, sizes)] : [];
    });
  }

  /** Key of the next item for `me`: assigned to me first, then unassigned, in the seeded order. */
  nextKey(me: string): string | undefined {
    const mineFirst = this.idx.one(`SELECT key FROM items i INDEXED BY items_assigned WHERE ${QUEUE_MINE} ORDER BY qorder, id LIMIT 1`, [me, me]);
    if (mineFirst !== undefined) return String(mineFirst);
    const free = this.idx.one(`SELECT key FROM items i INDEXED BY items_open WHERE ${QUEUE_FREE} ORDER BY qorder, id LIMIT 1`, [me]);
    return free === undefined ? undefined : String(free);
  }

  /** The first `limit` keys of the same queue (nextKey is the first of them). */
  nextKeys(me: string, limit: number): string[] {
    const n = Math.max(0, Math.floor(limit));
    const mine = this.idx.all<{ key: string }>(`SELECT key FROM items i INDEXED BY items_assigned WHERE ${QUEUE_MINE} ORDER BY qorder, id LIMIT ?`, [me, me, n]);
    const free = mine.length < n ? this.idx.all<{ key: string }>(`SELECT key FROM items i INDEXED BY items_open WHERE ${QUEUE_FREE} ORDER BY qorder, id LIMIT ?`, [me, n - mine.length]) : [];
    return [...mine, ...free].map((r) => r.key);
  }

  /**
   * Which of `keys` are in `me`'s queue: the items nextKey could give, by the same conditions (open,
   * assigned to me or to nobody, neither submitted nor skipped by me). One query per slice of keys.
   */
  queueMembers(me: string, keys: readonly string[]): Set<string> {
    const out = new Set<string>();
    for (let i = 0; i < keys.length; i += MEMBERS_SLICE) {
      const slice = keys.slice(i, i + MEMBERS_SLICE);
      const rows = this.idx.all<{ key: string }>(
        `SELECT key FROM items i WHERE key IN (${slice.map(() => '?').join(',')}) AND ((${QUEUE_MINE}) OR (${QUEUE_FREE}))`,
        [...slice, me, me, me],
      );
      for (const r of rows) out.add(r.key);
    }
    return out;
  }

  /** My items, most recent first (for Back). */
  historyKeys(me: string, limit: number): string[] {
    return this.idx
      .all<{ key: string }>('SELECT i.key FROM done d JOIN items i ON i.id = d.item WHERE d.labeler = ? ORDER BY d.t DESC, d.item DESC LIMIT ?', [me, limit])
      .map((r) => r.key);
  }

  page(view: PageView, me: string, after: string | undefined, limit: number): Page {
    const n = Math.max(1, Math.min(1000, Math.floor(limit)));
    type Row = { key: string; state: ItemState; version: number; assignee: string | null; conflict: number | null; c: string };
    let list: Row[];
    const cols = 'i.key, i.state, i.version, i.assignee, i.conflict';
    if (view === 'all') {
      list = this.idx.all<Row>(`SELECT ${cols}, i.key AS c FROM items i WHERE i.key > ? ORDER BY i.key LIMIT ?`, [after ?? '', n + 1]);
    } else if (view === 'queue') {
      const [q, id] = after ? after.split(':').map(Number) : [-1, -1];
      list = this.idx.all<Row>(
        `SELECT ${cols}, i.qorder || ':' || i.id AS c FROM items i INDEXED BY items_open WHERE i.open = 1 AND (i.qorder, i.id) > (?, ?) ORDER BY i.qorder, i.id LIMIT ?`,
        [q ?? -1, id ?? -1, n + 1],
      );
    } else if (view === 'mine') {
      list = this.idx.all<Row>(
        `SELECT ${cols}, d.item AS c FROM done d JOIN items i ON i.id = d.item WHERE d.labeler = ? AND d.kind = 1 AND d.item > ? ORDER BY d.item LIMIT ?`,
        [me, after ? Number(after) : -1, n + 1],
      );
    } else {
      list = this.idx.all<Row>(`SELECT ${cols}, i.key AS c FROM items i WHERE i.state = ? AND i.key > ? ORDER BY i.key LIMIT ?`, [view, after ?? '', n + 1]);
    }
    const more = list.length > n;
    const items: ItemSummary[] = list.slice(0, n).map((r) => {
      const s: ItemSummary = { key: r.key, state: r.state, version: r.version };
      if (r.assignee) s.assignee = r.assignee;
      if (r.conflict) s.conflict = true;
      return s;
    });
    return more ? { items, next: String(list[n - 1]!.c) } : { items };
  }

  /** Items per review filter, from the counter table (no scan). */
  reviewCounts(): ProjectStats['review'] {
    const n = new Map(this.idx.all<{ flag: number; n: number }>('SELECT flag, n FROM cnt_flag', []).map((r) => [r.flag, r.n]));
    return { prelabeled: n.get(ITEM_FLAGS.prelabeled) ?? 0, approved: n.get(ITEM_FLAGS.approved) ?? 0, rejected: n.get(ITEM_FLAGS.rejected) ?? 0, conflicts: n.get(ITEM_FLAGS.conflict) ?? 0 };
  }

  stats(me?: string): ProjectStats {
    const byState = new Map(this.idx.all<{ state: string; n: number }>('SELECT state, n FROM cnt_state', []).map((r) => [r.state, r.n]));
    const get = (s: ItemState): number => byState.get(s) ?? 0;
    const byLabel: Record<string, number> = {};
    for (const l of this.def().labels) byLabel[l.name] = 0;
    for (const r of this.idx.all<{ label: string; n: number }>('SELECT label, n FROM cnt_label WHERE n > 0 ORDER BY label', [])) byLabel[r.label] = r.n;
    const byLabeler: Record<string, number> = {};
    for (const r of this.idx.all<{ labeler: string; n: number }>('SELECT labeler, n FROM cnt_labeler WHERE n > 0 ORDER BY labeler', [])) {
      byLabeler[r.labeler] = r.n;
    }
    const stats: ProjectStats = {
      items: [...byState.values()].reduce((a, b) => a + b, 0),
      labeled: get('labeled'),
      skipped: get('skipped'),
      needsReview: get('needs-review'),
      incomplete: get('incomplete'),
      unlabeled: get('unlabeled'),
      missing: get('missing'),
      byLabel,
      byLabeler,
      review: this.reviewCounts(),
    };
    if (me !== undefined) stats.mine = byLabeler[me] ?? 0;
    return stats;
  }

  /** Every item in key order, read in keyset batches. */
  *exportItems(opts: { includePrelabels?: boolean; signal?: AbortSignal } = {}): Generator<ExportItem> {
    let after: string | undefined = '';
    while (after !== undefined) {
      if (opts.signal?.aborted) throw new LabelingError('cancelled', 'Cancelled.');
      const slice = this.exportSlice(after, EXPORT_SLICE, opts);
      yield* slice.items;
      after = slice.next;
    }
  }

  /** One keyset slice of exportItems: up to `limit` items with keys after `after`, and the cursor of the next (none at the end). */
  exportSlice(after: string, limit: number, opts: { includePrelabels?: boolean } = {}): { items: ExportItem[]; next?: string } {
    const media = mediaOf(this.def().type);
    const batch = this.idx.all<ItemRow>(`SELECT ${ITEM_COLS} FROM items WHERE key > ? ORDER BY key LIMIT ?`, [after, limit]);
    const items = batch.map((r) => {
      const c = this.compute(r);
      const item: ExportItem = {
        key: r.key,
        ref: this.refOf(r),
        media,
        state: r.state,
        all: [...c.annotations.map(strip), ...(opts.includePrelabels ? c.prelabels.map(strip) : [])],
      };
      this.fill(r, media, item);
      return item;
    });
    return batch.length < limit ? { items } : { items, next: batch[batch.length - 1]!.key };
  }
}

/** Not submitted or skipped by the labeler (`?`): the current entry of done. */
const NOT_DONE = 'NOT EXISTS (SELECT 1 FROM done d WHERE d.labeler = ? AND d.item = i.id)';
/** In the labeler's queue, assigned to them (parameters: me, me). */
const QUEUE_MINE = `open = 1 AND assignee = ? AND ${NOT_DONE}`;
/** In the labeler's queue, assigned to nobody (parameter: me). */
const QUEUE_FREE = `open = 1 AND assignee IS NULL AND ${NOT_DONE}`;
/** Keys per query of queueMembers (SQLite's parameter limit is far above). */
const MEMBERS_SLICE = 500;

/** Items per keyset slice of an export: a few ms of reading. */
export const EXPORT_SLICE = 500;

function strip<T extends { ord: string; source?: string }>(a: T): Omit<T, 'ord' | 'source'> {
  const rest: Partial<T> = { ...a };
  delete rest.ord;
  delete rest.source;
  return rest as Omit<T, 'ord' | 'source'>;
}
