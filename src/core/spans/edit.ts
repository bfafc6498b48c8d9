/**
 * Span editing rules for NER: spans are kept sorted by start, never overlap when added from the UI,
 * and can be found by offset, relabelled and removed. Pure: no DOM.
 */
import type { Span } from '../model';

export function compareSpans(a: Span, b: Span): number {
  return a.start - b.start || a.end - b.end || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
}

export function sortSpans(spans: readonly Span[]): Span[] {
  return spans.slice().sort(compareSpans);
}

/** Index of the first span overlapping [start, end), ignoring index `except`; -1 if none. */
export function findOverlap(spans: readonly Span[], start: number, end: number, except = -1): number {
  for (let i = 0; i < spans.length; i++) {
    if (i === except) continue;
    const s = spans[i]!;
    if (s.start < end && start < s.end) return i;
  }
  return -1;
}

export type AddSpanResult = { ok: true; spans: Span[]; index: number } | { ok: false; conflict: number; message: string };

/** Adds a span in sorted position; refuses empty ranges and any overlap with an existing span. */
export function addSpan(spans: readonly Span[], span: Span, text?: string): AddSpanResult {
  if (span.end <= span.start) return { ok: false, conflict: -1, message: 'Select some text first.' };
  const conflict = findOverlap(spans, span.start, span.end);
  if (conflict >= 0) {
    const c = spans[conflict]!;
    const what = text === undefined ? `${c.start}-${c.end}` : `"${ellipsis(text.slice(c.start, c.end))}"`;
    return { ok: false, conflict, message: `Spans cannot overlap: this selection overlaps ${what} (${c.label}).` };
  }
  const out = spans.slice();
  let at = out.findIndex((s) => compareSpans(span, s) < 0);
  if (at < 0) at = out.length;
  out.splice(at, 0, { start: span.start, end: span.end, label: span.label });
  return { ok: true, spans: out, index: at };
}

export function removeSpan(spans: readonly Span[], index: number): Span[] {
  return spans.filter((_, i) => i !== index);
}

export function relabelSpan(spans: readonly Span[], index: number, label: string): Span[] {
  return spans.map((s, i) => (i === index ? { ...s, label } : s));
}

/** Index of the span containing character `offset` (start inclusive, end exclusive), or -1. */
export function spanAtOffset(spans: readonly Span[], offset: number): number {
  for (let i = 0; i < spans.length; i++) if (spans[i]!.start <= offset && offset < spans[i]!.end) return i;
  return -1;
}

function ellipsis(s: string, max = 30): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
