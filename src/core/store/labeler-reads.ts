/**
 * Queries over the per-labeler table (`done`: each labeler's current status and annotation per item),
 * written by the bulk build and by incremental replay alike. Agreement statistics, review filters (by
 * labeler, by label, by agreement) and per-labeler counts read these in keyset slices: indexed SQL,
 * never a recomputation of every item.
 */
import type { Annotation } from '../model';
import { unpackAnn } from './ann-text';
import { PATTERN_SEP, RATING_SEP } from './rating-patterns';
import { doneAnnSql, type IndexDb } from './index-db';
import { AGREEMENT_INDEXED } from './schema';

export interface LabelerItem {
  key: string;
  /** 'sub': they labeled it (annotation set), 'skip': they skipped it. */
  kind: 'sub' | 'skip';
  /** ms time of their current event. */
  t: number;
  annotation?: Annotation;
}

export interface PairedItem {
  key: string;
  a: Annotation;
  b: Annotation;
}

export interface Slice<T> {
  rows: T[];
  /** Cursor for the next slice; absent on the last one. */
  next?: number;
}

/** Items that share these ratings: each labeler's annotation (labelers absent did not label them). */
export interface RatingPattern {
  ratings: [labeler: string, annotation: Annotation][];
  n: number;
}

export interface LabelerCounts {
  labeler: string;
  labeled: number;
  skipped: number;
}

const slice = <R extends { c: number }, T>(rows: R[], limit: number, make: (r: R) => T): Slice<T> => {
  const out: Slice<T> = { rows: rows.slice(0, limit).map(make) };
  if (rows.length > limit) out.next = rows[limit - 1]!.c;
  return out;
};

export class LabelerReads {
  constructor(private readonly idx: () => IndexDb) {}

  /** One labeler's items in item order (`after`: the previous slice's `next`). */
  items(labeler: string, after = 0, limit = 1000): Slice<LabelerItem> {
    // One index range per kind (labeler, kind, item), merged by item: `kind IN (0, 1) ORDER BY item`
    // would sort every remaining row of the labeler on each slice.
    type Row = { key: string; kind: number; t: number; ann: string | null; c: number };
    const range = (kind: number): Row[] =>
      this.idx().all<Row>(
        `SELECT i.key, d.kind, d.t, ${doneAnnSql('d', 'i')} AS ann, d.item AS c FROM done d INDEXED BY done_mine JOIN items i ON i.id = d.item WHERE d.labeler = ? AND d.kind = ? AND d.item > ? ORDER BY d.item LIMIT ?`,
        [labeler, kind, after, limit + 1],
      );
    const rows = [...range(1), ...range(0)].sort((x, y) => x.c - y.c).slice(0, limit + 1);
    return slice(rows, limit, (r) => {
      const it: LabelerItem = { key: r.key, kind: r.kind === 1 ? 'sub' : 'skip', t: r.t };
      if (r.ann !== null) it.annotation = unpackAnn(r.ann);
      return it;
    });
  }

  /** Items both labelers labeled, with each one's annotation (pairwise agreement), in item order. */
  paired(a: string, b: string, after = 0, limit = 1000): Slice<PairedItem> {
    const rows = this.idx().all<{ key: string; x: string; y: string; c: number }>(
      `SELECT i.key, ${doneAnnSql('d1', 'i')} AS x, ${doneAnnSql('d2', 'i')} AS y, d1.item AS c FROM done d1 INDEXED BY done_mine
         JOIN done d2 ON d2.item = d1.item AND d2.labeler = ? AND d2.kind = 1
         JOIN items i ON i.id = d1.item
       WHERE d1.labeler = ? AND d1.kind = 1 AND d1.item > ? ORDER BY d1.item LIMIT ?`,
      [b, a, after, limit + 1],
    );
    return slice(rows, limit, (r) => ({ key: r.key, a: unpackAnn(r.x), b: unpackAnn(r.y) }));
  }

  /**
   * Items grouped by their ratings (each labeler's current label set; classification projects): one row
   * per distinct pattern with its number of items, from the counter table cnt_pattern (rating-patterns.ts),
   * kept current by every write: a few dozen rows, whatever the number of items.
   */
  patterns(): RatingPattern[] {
    return this.idx().all<{ p: string; n: number }>('SELECT p, n FROM cnt_pattern WHERE n > 0 ORDER BY p', []).map((r) => ({
      n: r.n,
      ratings: r.p.split(PATTERN_SEP).map((x): [string, Annotation] => {
        const k = x.indexOf(RATING_SEP);
        return [x.slice(0, k), unpackAnn(x.slice(k + 1))];
      }),
    }));
  }

  /** Items several labelers labeled whose agreement is below `below` (in [0, 1]), lowest first. */
  disagreements(below: number, after?: { agreement: number; id: number }, limit = 100): { key: string; agreement: number; id: number }[] {
    const [ag, id] = after ? [after.agreement, after.id] : [-1, 0];
    // Through the partial index for `below` up to 1; above 1 (every item with an agreement) without it.
    const from = below <= 1 ? `items INDEXED BY items_agreement WHERE ${AGREEMENT_INDEXED} AND` : 'items WHERE agreement IS NOT NULL AND';
    return this.idx().all<{ key: string; agreement: number; id: number }>(
      `SELECT key, agreement, id FROM ${from} agreement < ? AND (agreement > ? OR (agreement = ? AND id > ?)) ORDER BY agreement, id LIMIT ?`,
      [below, ag, ag, id, limit],
    );
  }

  /** Per labeler: items they labeled and skipped (labeled from the counter table, skips over the index). */
  counts(): LabelerCounts[] {
    const labeled = new Map(this.idx().all<{ labeler: string; n: number }>('SELECT labeler, n FROM cnt_labeler WHERE n > 0', []).map((r) => [r.labeler, r.n]));
    const skipped = new Map<string, number>();
    for (const who of this.idx().all<{ labeler: string }>('SELECT DISTINCT labeler FROM done INDEXED BY done_mine', [])) {
      const n = Number(this.idx().one('SELECT COUNT(*) FROM done INDEXED BY done_mine WHERE labeler = ? AND kind = 0', [who.labeler]) ?? 0);
      if (n) skipped.set(who.labeler, n);
    }
    return [...new Set([...labeled.keys(), ...skipped.keys()])].sort().map((labeler) => ({ labeler, labeled: labeled.get(labeler) ?? 0, skipped: skipped.get(labeler) ?? 0 }));
  }
}
