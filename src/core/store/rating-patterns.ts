/**
 * Rating patterns (classification projects): an item's pattern is each labeler's current label set, in
 * labeler order, as one text (`labeler \x1f packed annotation`, joined by `\x1e`). The index keeps how many
 * items have each pattern in a counter table (cnt_pattern), current after every write like the other
 * counters, so agreement statistics read a few dozen rows instead of every annotation (1M items x 3
 * labelers: 1 s just to step the rows through sql.js, scripts/bench.ts done_scan_raw).
 *
 * Only label sets make patterns: spans, boxes and polygons are all but unique per item, so a table of
 * their patterns would hold every annotation a second time.
 */
import { ANNOTATION_KINDS } from '../model';
import type { ItemComputation } from './item-state';

/** The packed prefix of a label set (ann-text.ts: the prefix code of its kind). */
export const PACKED_CLASSES = String.fromCharCode(2 + ANNOTATION_KINDS.classes.code);
const CLASSES = PACKED_CLASSES;
export const PATTERN_SEP = '\u001e';
export const RATING_SEP = '\u001f';

/** A done row as the index holds it: kind 1 labeled (ann NULL: the item's final), 0 skipped. */
export interface DoneRow {
  labeler: string;
  kind: number;
  ann: string | null;
}

function patternOf(ratings: [string, string][]): string | undefined {
  if (!ratings.length) return undefined;
  ratings.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let p = '';
  for (let i = 0; i < ratings.length; i++) p += (i ? PATTERN_SEP : '') + ratings[i]![0] + RATING_SEP + ratings[i]![1];
  return p;
}

/** The pattern of an item as just computed (undefined: no labeler's label set). */
export function patternOfItem(done: ItemComputation['done']): string | undefined {
  const r: [string, string][] = [];
  for (const d of done) if (d.kind === 'sub' && d.ann !== null && d.ann.startsWith(CLASSES)) r.push([d.labeler, d.ann]);
  return patternOf(r);
}

/** The pattern of an item from its rows in the index and its final (packed), before they are replaced. */
export function patternOfRows(rows: readonly DoneRow[], final: string | null): string | undefined {
  const r: [string, string][] = [];
  for (const d of rows) {
    if (d.kind !== 1) continue;
    const ann = d.ann ?? final;
    if (ann !== null && ann.startsWith(CLASSES)) r.push([d.labeler, ann]);
  }
  return patternOf(r);
}

/** Counts per pattern, for a bulk pass (written to cnt_pattern once at the end). */
export class PatternTally {
  readonly counts = new Map<string, number>();
  add(p: string | undefined, n = 1): void {
    if (p !== undefined) this.counts.set(p, (this.counts.get(p) ?? 0) + n);
  }
}

export const BUMP_PATTERN = 'INSERT INTO cnt_pattern VALUES (?, ?) ON CONFLICT(p) DO UPDATE SET n = n + excluded.n';
