/**
 * Checks an annotation against the project before it is journaled, and (given the item's bounds)
 * against its item: boxes and polygons within the image as displayed, spans within the text
 * (geometry/bounds.ts, strict: the store never clips).
 */
import { LabelingError, type ErrorLocation } from '../errors';
import { strictFit, type ItemBounds } from '../geometry/bounds';
import { annotationKindOf, isMultiLabel, type Annotation, type ProjectDef } from '../model';
import { checkMaskAnnotation } from '../masks/raster';

const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);

/**
 * `bounds` may be a function: it is called only for shapes and spans, so a classification submit never
 * reads its item's text or image header.
 */
export function checkAnnotation(def: ProjectDef, ann: Annotation, where: ErrorLocation = {}, bounds?: ItemBounds | (() => ItemBounds | undefined)): void {
  const fail = (message: string, field: string): never => {
    throw new LabelingError('invalid-input', message, { ...where, field: where.field ? `${where.field}.${field}` : field });
  };
  const kind = annotationKindOf(def.type);
  if (!ann || ann.kind !== kind) fail(`a ${def.type} project takes "${kind}" annotations`, 'kind');
  const names = new Set(def.labels.map((l) => l.name));
  const known = (label: unknown, field: string): void => {
    if (typeof label !== 'string' || !names.has(label)) fail(`unknown label "${String(label)}"`, field);
  };
  switch (ann.kind) {
    case 'classes':
      ann.labels.forEach((l, i) => known(l, `labels[${i}]`));
      if (new Set(ann.labels).size !== ann.labels.length) fail('a label is repeated', 'labels');
      if (!isMultiLabel(def.type) && ann.labels.length > 1) fail('a multi-class project takes one label', 'labels');
      if (!ann.labels.length) fail('choose at least one label', 'labels');
      break;
    case 'spans':
      ann.spans.forEach((s, i) => {
        known(s.label, `spans[${i}].label`);
        if (!Number.isInteger(s.start) || !Number.isInteger(s.end) || s.start < 0 || s.end <= s.start) {
          fail('a span needs integer 0 <= start < end', `spans[${i}]`);
        }
      });
      break;
    case 'boxes':
      ann.boxes.forEach((b, i) => {
        known(b.label, `boxes[${i}].label`);
        if (![b.x, b.y, b.w, b.h].every(finite) || b.w <= 0 || b.h <= 0) fail('a box needs finite x, y and positive w, h', `boxes[${i}]`);
      });
      break;
    case 'mask':
      checkMaskAnnotation(ann, def.labels.map((l) => l.name), def.ignoreLabel, where);
      break;
    case 'polygons':
      ann.polygons.forEach((p, i) => {
        known(p.label, `polygons[${i}].label`);
        if (!Array.isArray(p.rings) || !p.rings.length) fail('a polygon needs at least one ring', `polygons[${i}].rings`);
        p.rings.forEach((r, j) => {
          if (!Array.isArray(r) || r.length < 6 || r.length % 2 !== 0 || !r.every(finite)) {
            fail('a ring needs at least 3 points as [x1, y1, x2, y2, ...]', `polygons[${i}].rings[${j}]`);
          }
        });
      });
      break;
  }
  if (!bounds || ann.kind === 'classes') return;
  const b = typeof bounds === 'function' ? bounds() : bounds;
  if (b) checkBounds(ann, b, fail);
}

/** The first object that does not lie within its item, as a field path (`boxes[2]`) and a reason. */
function checkBounds(ann: Annotation, bounds: ItemBounds, fail: (message: string, field: string) => never): void {
  const fit = strictFit(ann, bounds);
  const first = fit.refused[0];
  if (!first) return;
  const list = ann.kind === 'boxes' ? 'boxes' : ann.kind === 'polygons' ? 'polygons' : ann.kind === 'mask' ? 'mask' : 'spans';
  if (ann.kind === 'mask') fail(fit.unreadable ? `${fit.unreadable}, so the mask's size cannot be checked` : first.reason, 'width');
  if (fit.unreadable) fail(`${fit.unreadable}, so its ${list} cannot be checked`, list);
  fail(`${first.reason}${fit.refused.length > 1 ? ` (and ${fit.refused.length - 1} more)` : ''}`, `${list}[${first.index}]`);
}
