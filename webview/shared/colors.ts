/** Label colours: lookup by name and a readable text colour on top of a label colour. */
import type { LabelClass } from '../../src/core/model';

const FALLBACK = '#888888';

export function colorMap(labels: readonly LabelClass[]): Map<string, string> {
  return new Map(labels.map((l) => [l.name, l.color]));
}

export function colorOf(map: ReadonlyMap<string, string>, label: string): string {
  return map.get(label) ?? FALLBACK;
}

/** Black or white, whichever reads better on `hex` (#rrggbb). */
export function textOn(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  if (!Number.isFinite(n)) return '#000000';
  const r = (n >> 16) & 255;
  const g = (n >> 8) & 255;
  const b = n & 255;
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? '#000000' : '#ffffff';
}

/** The label a hotkey selects, if any. */
export function labelForKey(labels: readonly LabelClass[], key: string): LabelClass | undefined {
  const k = key.toLowerCase();
  return labels.find((l) => l.hotkey === k);
}
