/**
 * Span layout for the NER editor: splits the text into segments, each with the spans covering it, and
 * groups segments into chunks (cut at line breaks or white space) so the view renders and re-renders
 * only what changed. Pure: no DOM. Spans may overlap here (imported data); the editor refuses new ones.
 */
import type { Span } from '../model';

export interface Segment {
  start: number;
  /** Exclusive. */
  end: number;
  /** Indices into the spans array of every span covering this segment (empty for plain text). */
  spans: readonly number[];
}

export interface Chunk {
  start: number;
  end: number;
  segments: Segment[];
  /**
   * Changes whenever the chunk's segmentation or span labels change, and only then (not when spans
   * elsewhere are added and indices shift): a cheap re-render key.
   */
  signature: string;
}

const NO_SPANS: readonly number[] = Object.freeze([]);

/** Segments covering [0, textLength) in order; span offsets are clipped to the text. */
export function layoutSpans(textLength: number, spans: readonly Span[]): Segment[] {
  const cuts = new Set<number>([0, textLength]);
  const valid: number[] = [];
  spans.forEach((s, i) => {
    const a = Math.max(0, Math.min(textLength, s.start));
    const b = Math.max(0, Math.min(textLength, s.end));
    if (b > a) {
      cuts.add(a);
      cuts.add(b);
      valid.push(i);
    }
  });
  const points = [...cuts].sort((x, y) => x - y);
  // Sweep: spans sorted by start enter the active list; those ending drop out.
  valid.sort((i, j) => spans[i]!.start - spans[j]!.start || i - j);
  const out: Segment[] = [];
  let active: number[] = [];
  let next = 0;
  for (let k = 0; k + 1 < points.length; k++) {
    const a = points[k]!;
    const b = points[k + 1]!;
    if (active.length) active = active.filter((i) => spans[i]!.end > a);
    while (next < valid.length && spans[valid[next]!]!.start <= a) {
      const i = valid[next++]!;
      if (spans[i]!.end > a) active.push(i);
    }
    out.push({ start: a, end: b, spans: active.length ? active.slice() : NO_SPANS });
  }
  return out;
}

/**
 * Chunk boundaries: after at least `target` characters, cut after the next line break; if none comes
 * within another `target` characters, cut after the last white space (or hard at 2 x target).
 */
export function chunkBoundaries(text: string, target = 2000): number[] {
  const cuts: number[] = [0];
  let pos = 0;
  while (text.length - pos > target) {
    const from = pos + target;
    const limit = Math.min(text.length, pos + 2 * target);
    let cut = text.indexOf('\n', from);
    if (cut < 0 || cut >= limit) {
      const ws = text.slice(from, limit).search(/\s(?=\S*$)/);
      cut = ws >= 0 ? from + ws : limit - 1;
    }
    pos = cut + 1;
    if (pos >= text.length) break;
    cuts.push(pos);
  }
  cuts.push(text.length);
  return cuts;
}

/** Groups segments into chunks at the given boundaries, splitting segments that cross one. */
export function chunkSegments(segments: readonly Segment[], boundaries: readonly number[], spans: readonly Span[]): Chunk[] {
  const chunks: Chunk[] = [];
  let si = 0;
  for (let c = 0; c + 1 < boundaries.length; c++) {
    const start = boundaries[c]!;
    const end = boundaries[c + 1]!;
    const segs: Segment[] = [];
    while (si < segments.length && segments[si]!.start < end) {
      const s = segments[si]!;
      const a = Math.max(s.start, start);
      const b = Math.min(s.end, end);
      if (b > a) segs.push(a === s.start && b === s.end ? s : { start: a, end: b, spans: s.spans });
      if (s.end > end) break;
      si++;
    }
    chunks.push({ start, end, segments: segs, signature: signatureOf(segs, spans) });
  }
  return chunks;
}

function signatureOf(segs: readonly Segment[], spans: readonly Span[]): string {
  let sig = '';
  for (const s of segs) {
    if (!s.spans.length) continue;
    sig += `${s.start}-${s.end}`;
    for (const i of s.spans) sig += `:${spans[i]!.label}`;
    sig += ';';
  }
  return sig;
}

/** Layout + chunking in one call, as the editor uses it. */
export function layoutChunks(text: string, spans: readonly Span[], target = 2000): Chunk[] {
  return chunkSegments(layoutSpans(text.length, spans), chunkBoundaries(text, target), spans);
}
