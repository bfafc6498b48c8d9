/**
 * "What an author had seen", as a vector (architecture.md, "Team semantics"): for each journal file
 * `(by, dev)`, the highest `seq` of that file the author had read. Git delivers each journal file as a
 * prefix of what its one writer appended, so "seq <= the vector's entry" is exactly "had been read".
 *
 * On a line: `[[by, dev, seq], ...]`, sorted by by then dev, one entry per file.
 */

export type SeenEntry = [by: string, dev: string, seq: number];
export type SeenVector = SeenEntry[];

/** The header fields that place an event in its file and in the total order. */
export interface EventPlace {
  by: string;
  dev: string;
  seq: number;
  /** The total order key (orderKey in journal/events.ts). */
  ord: string;
}

/** The key of a journal file in maps of vectors. */
export const fileKey = (by: string, dev: string): string => `${by}\u0001${dev}`;

/** A vector from per-file highest seqs (keys from fileKey), sorted. */
export function vectorOf(highest: ReadonlyMap<string, number>): SeenVector {
  const out: SeenVector = [];
  for (const [k, seq] of highest) {
    const i = k.indexOf('\u0001');
    out.push([k.slice(0, i), k.slice(i + 1), seq]);
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
}

/** Per-file highest seqs of a vector (keys from fileKey). */
export function vectorMap(v: SeenVector): Map<string, number> {
  const m = new Map<string, number>();
  for (const [by, dev, seq] of v) m.set(fileKey(by, dev), Math.max(seq, m.get(fileKey(by, dev)) ?? 0));
  return m;
}

/**
 * Whether the author of `judge` had seen `e`: its own file's earlier lines always; otherwise the
 * entry of e's file in `seen` reaches e's seq; an event without a vector (`seen` undefined: older
 * journals, hand-written lines) had seen every event ordered before it.
 */
export function hadSeen(judge: EventPlace, seen: ReadonlyMap<string, number> | undefined, e: EventPlace): boolean {
  if (e.by === judge.by && e.dev === judge.dev && e.seq !== judge.seq) return e.seq < judge.seq;
  if (!seen) return e.ord < judge.ord;
  return (seen.get(fileKey(e.by, e.dev)) ?? 0) >= e.seq;
}

/** A problem with a `seen`/`ps` field as read from a line, or undefined when it is a valid vector. */
export function vectorProblem(v: unknown, field: string): string | undefined {
  if (!Array.isArray(v)) return `${field} must be an array of [by, dev, seq]`;
  for (let i = 0; i < v.length; i++) {
    const x = v[i] as unknown;
    if (!Array.isArray(x) || x.length !== 3 || typeof x[0] !== 'string' || !x[0] || typeof x[1] !== 'string' || !x[1] || typeof x[2] !== 'number' || !Number.isInteger(x[2]) || x[2] < 1) {
      return `${field}[${i}] must be [by, dev, seq] (two non-empty strings and a positive integer)`;
    }
  }
  return undefined;
}
