/**
 * The words of an import summary, shared by the CLI and the VS Code dry-run dialog: what matched,
 * items and objects counted apart ("128 images, 336 boxes"), the category mapping chosen, and what
 * the bounds check clipped or refused (with the rule it applied).
 */
import { EDGE_TOLERANCE_FRACTION, EDGE_TOLERANCE_PX } from '../geometry/bounds';
import type { ImportSummary } from './map-import';

const n = (v: number): string => v.toLocaleString('en-US');
const count = (v: number, one: string, many: string): string => `${n(v)} ${v === 1 ? one : many}`;

const OBJECT_NOUNS: Record<keyof ImportSummary['shapesByType'], [string, string]> = {
  classes: ['label', 'labels'],
  spans: ['span', 'spans'],
  boxes: ['box', 'boxes'],
  polygons: ['polygon', 'polygons'],
  masks: ['mask', 'masks'],
};

/** "128 images, 336 boxes" (objects of every kind present; a classification counts its labels). */
export function itemsAndObjects(s: ImportSummary, annotations: number): string {
  const items = s.media === 'image' ? count(s.items, 'image', 'images') : count(s.items, 'text', 'texts');
  const objects = (Object.keys(OBJECT_NOUNS) as (keyof typeof OBJECT_NOUNS)[])
    .filter((k) => s.shapesByType[k] > 0)
    .map((k) => count(s.shapesByType[k], ...OBJECT_NOUNS[k]));
  const extra = annotations !== s.items ? ` (${count(annotations, 'annotation', 'annotations')}: some items have several labelers)` : '';
  return `${[items, ...(objects.length ? objects : ['no objects'])].join(', ')}${extra}`;
}

/** "car → vehicle (12), person (new, 40), bike: skipped (5)", in first-seen order. */
export function categoryMapping(s: ImportSummary, max = 40): string {
  const parts = s.categories.slice(0, max).map((c) => {
    if (c.label === undefined) return `${c.source}: skipped (${n(c.objects)})`;
    const name = c.label === c.source ? c.source : `${c.source} → ${c.label}`;
    return `${name} (${c.created ? 'new, ' : ''}${n(c.objects)})`;
  });
  if (s.categories.length > max) parts.push(`and ${s.categories.length - max} more`);
  return parts.join(', ');
}

/** The bounds rule and what it did; undefined when no shape was checked. */
export function boundsLine(s: ImportSummary): string | undefined {
  const b = s.bounds;
  const shapes = s.shapesByType.boxes + s.shapesByType.polygons;
  if (!b.checked || (shapes + s.shapesByType.spans === 0 && b.refused === 0)) return undefined;
  const parts: string[] = [];
  if (s.media === 'image') {
    parts.push(`shapes up to ${EDGE_TOLERANCE_PX} px (or ${EDGE_TOLERANCE_FRACTION * 100}% of the side) past the image edge are clipped to it, shapes further out or with absurd coordinates are refused`);
    parts.push(`${count(b.clipped, 'shape', 'shapes')} clipped, ${n(b.refused)} refused`);
  } else {
    parts.push('spans must lie within the text (never clipped)');
    parts.push(`${count(b.refused, 'span', 'spans')} refused`);
  }
  if (b.unreadable) parts.push(`${count(b.unreadable, 'item', 'items')} whose ${s.media === 'image' ? 'image size' : 'text'} cannot be read got nothing`);
  return `Bounds: ${parts.join('; ')}.`;
}

/**
 * The summary as lines (no problems, no "final or prelabels": each front end says those its own way).
 * `annotations` is the number of submits the plan appends.
 */
export function summaryLines(s: ImportSummary, annotations: number): string[] {
  const lines = [`${n(s.records)} records: ${n(s.matched)} matched an item, ${n(s.unmatched)} did not.`];
  if (s.unmatchedExamples.length) lines.push(`Unmatched, e.g.: ${s.unmatchedExamples.slice(0, 3).join(', ')}`);
  lines.push(`To import: ${itemsAndObjects(s, annotations)}.`);
  if (s.categories.length) lines.push(`Labels: ${categoryMapping(s)}.`);
  const bounds = boundsLine(s);
  if (bounds) lines.push(bounds);
  return lines;
}
