/**
 * When two labelers' annotations agree (consensus), rule version CONSENSUS_RULE_VERSION:
 *  - classes: the same set of labels;
 *  - spans: the same set of (start, end, label);
 *  - boxes and polygons: the optimal one-to-one matching of same-label shapes at IoU >= 0.5
 *    (geometry/matching.ts) covers every shape of both; polygons by their own area (all rings,
 *    even-odd), not their bounding boxes.
 * Version 1 matched boxes greedily and polygons by their bounding boxes.
 */
import type { Annotation } from '../model';
import { IOU_THRESHOLD, matchBoxes, matchPolygons, type Matching } from '../geometry/matching';

export { IOU_THRESHOLD };

/**
 * The version of the agreement rule. Part of the index definition hash (snapshot.ts), so a snapshot
 * built under another rule is rebuilt, and every clone of one version computes the same states.
 */
export const CONSENSUS_RULE_VERSION = 2;

function sameStrings(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const x = [...a].sort();
  const y = [...b].sort();
  return x.every((v, i) => v === y[i]);
}

/** Every shape of both matched: the same count, and the optimal matching pairs them all. */
function allMatched<T>(a: T[], b: T[], match: (a: T[], b: T[]) => Matching): boolean {
  return a.length === b.length && (a.length === 0 || match(a, b).pairs.length === a.length);
}

export function annotationsAgree(a: Annotation, b: Annotation): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'classes':
      return sameStrings([...new Set(a.labels)], [...new Set((b as typeof a).labels)]);
    case 'spans':
      return sameStrings(
        a.spans.map((s) => `${s.start}:${s.end}:${s.label}`),
        (b as typeof a).spans.map((s) => `${s.start}:${s.end}:${s.label}`),
      );
    case 'boxes':
      return allMatched(a.boxes, (b as typeof a).boxes, (x, y) => matchBoxes(x, y, IOU_THRESHOLD));
    case 'polygons':
      return allMatched(a.polygons, (b as typeof a).polygons, (x, y) => matchPolygons(x, y, IOU_THRESHOLD));
  }
}

export interface ConsensusGroup<T> {
  members: T[];
}

/**
 * Groups annotations (already in total order) by agreement with each group's first member; returns
 * the largest group (ties: the group formed first) and agreement = its size / count.
 */
export function consensusOf<T>(entries: T[], annOf: (t: T) => Annotation, rawOf?: (t: T) => string | null): { top: T[]; agreement: number } {
  const groups: T[][] = [];
  for (const e of entries) {
    // Identical serialisations agree without parsing geometry (the common case in a bulk replay).
    const g = groups.find((grp) => (rawOf !== undefined && rawOf(grp[0]!) === rawOf(e)) || annotationsAgree(annOf(grp[0]!), annOf(e)));
    if (g) g.push(e);
    else groups.push([e]);
  }
  let top: T[] = [];
  for (const g of groups) if (g.length > top.length) top = g;
  return { top, agreement: entries.length ? top.length / entries.length : 0 };
}
