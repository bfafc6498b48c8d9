/**
 * The data-mapping step of an import: resolves each record's raw ref to a workspace item (strip a
 * prefix such as `azureml://.../paths/`, match the relative path, else the item text, else a unique
 * basename, else a unique name without extension), maps categories to project labels (rename through
 * `labelMap`, create missing ones or skip them, counted), and returns a dry-run summary plus the
 * submits the store appends as ONE batch. Refs that escape the workspace ('../', absolute paths) are
 * refused with a problem; nothing is read from or written to such paths. Given `boundsOf`, every shape
 * is checked against its item (geometry/bounds.ts): clipped within the tolerance, else refused, both
 * counted; an item whose size or text cannot be read gets nothing and is reported.
 */
import { boundedObjects, fitAnnotation, type ItemBounds } from '../geometry/bounds';
import { maskAnnotationOf, presentClassNames, type ClassRaster } from '../masks/raster';
import { itemKey, mediaOf, type Annotation, type ItemRef, type MediaKind, type ProjectDef } from '../model';
import { remapMask } from './mask-import';
import type { ImportProblem, ImportRecord, ImportSubmit } from './types';

export interface ItemIndex {
  /** Exact lookup by workspace-relative path or item key (`path#row`). */
  get(pathOrKey: string): ItemRef | undefined;
  /** Items whose file name (last path segment) is `name`. */
  byBasename(name: string): readonly ItemRef[];
  /** Items whose file name without extension is `stem`. */
  byStem(stem: string): readonly ItemRef[];
  /** Text items whose text is exactly `text` (text projects). */
  byText?(text: string): readonly ItemRef[];
}

export interface MapImportOptions {
  itemIndex: ItemIndex;
  def: ProjectDef;
  /** Removed from the start of every ref that has it. */
  stripPrefix?: string;
  /** Source category -> project label. */
  labelMap?: Record<string, string>;
  /** Add labels the project does not have (true) or skip their objects (false). */
  createLabels: boolean;
  /** Labeler for records that name none (e.g. the importing user). */
  labeler?: string;
  /** Import everything as prelabels to be confirmed. */
  asPrelabels?: boolean;
  /** The bounds of an item (its image as displayed, or its text); without it shapes are not checked. */
  boundsOf?: (ref: ItemRef) => ItemBounds | undefined;
}

/** How one source category was mapped: to a project label (existing or created), or skipped. */
export interface CategoryMapping {
  source: string;
  /** The project label; absent when its objects are skipped. */
  label?: string;
  created?: boolean;
  /** Objects (or class labels) of matched items that use this category. */
  objects: number;
}

export interface ImportSummary {
  records: number;
  matched: number;
  unmatched: number;
  /** Up to 10 refs that matched no item. */
  unmatchedExamples: string[];
  labelsCreated: string[];
  /** Label -> number of objects skipped because the project lacks it and createLabels is off. */
  labelsSkipped: Record<string, number>;
  /** Every source category in first-seen order and what it became. */
  categories: CategoryMapping[];
  /** What the items are ('image' or 'text'), for "128 images, 336 boxes". */
  media: MediaKind;
  /** Distinct items that get an annotation (an item labeled by several source labelers counts once). */
  items: number;
  /** Objects to import, after the bounds check. */
  shapesByType: { classes: number; spans: number; boxes: number; polygons: number; masks: number };
  /**
   * The bounds check (given `boundsOf`): shapes clipped to the image, objects refused (outside the
   * image beyond the tolerance, not finite, spans outside the text), items whose size/text is unreadable.
   */
  bounds: { checked: boolean; clipped: number; refused: number; unreadable: number };
  problems: ImportProblem[];
}

export interface MapImportResult {
  summary: ImportSummary;
  submits: ImportSubmit[];
}

const EXAMPLES = 10;

export function mapImport(records: readonly ImportRecord[], opts: MapImportOptions): MapImportResult {
  const known = new Set(opts.def.labels.map((l) => l.name));
  const created: string[] = [];
  const summary: ImportSummary = {
    records: records.length,
    matched: 0,
    unmatched: 0,
    unmatchedExamples: [],
    labelsCreated: created,
    labelsSkipped: {},
    categories: [],
    media: mediaOf(opts.def.type),
    items: 0,
    shapesByType: { classes: 0, spans: 0, boxes: 0, polygons: 0, masks: 0 },
    bounds: { checked: opts.boundsOf !== undefined, clipped: 0, refused: 0, unreadable: 0 },
    problems: [],
  };
  const textFirst = summary.media === 'text';
  const submits: ImportSubmit[] = [];
  const categories = new Map<string, CategoryMapping>();
  const items = new Set<string>();
  const mapLabel = (l: string): string | undefined => {
    let c = categories.get(l);
    if (!c) {
      const name = opts.labelMap?.[l] ?? l;
      c = { source: l, objects: 0 };
      if (known.has(name)) c.label = name;
      else if (opts.createLabels) {
        known.add(name);
        created.push(name);
        Object.assign(c, { label: name, created: true });
      }
      categories.set(l, c);
      summary.categories.push(c);
    }
    c.objects++;
    if (c.label !== undefined) return c.label;
    const name = opts.labelMap?.[l] ?? l;
    summary.labelsSkipped[name] = (summary.labelsSkipped[name] ?? 0) + 1;
    return undefined;
  };
  for (const rec of records) {
    const found = resolveRef(rec.ref, opts, textFirst);
    if ('problem' in found) {
      summary.problems.push({ where: short(rec.ref), message: found.problem });
      unmatched(summary, rec.ref);
      continue;
    }
    if (!found.ref) {
      unmatched(summary, rec.ref);
      continue;
    }
    summary.matched++;
    let raster: ClassRaster | undefined;
    let mapped: ReturnType<typeof mapLabels>;
    if (rec.mask) {
      // The raster re-indexed to the project's labels, then those this import creates (in that order).
      const order = (): string[] => [...opts.def.labels.map((l) => l.name), ...created];
      const r = remapMask(rec.mask, mapLabel, (label) => order().indexOf(label) + 1, opts.def.ignoreLabel);
      if (r.problem) {
        summary.problems.push({ where: short(rec.ref), message: `${r.problem}: nothing imported for this item` });
        continue;
      }
      raster = r.raster;
      const classes = presentClassNames(raster, order(), opts.def.ignoreLabel);
      const before = rec.annotation.kind === 'mask' ? rec.annotation.classes.length : 0;
      mapped = { annotation: maskAnnotationOf(raster.width, raster.height, '', classes), before, after: classes.length };
    } else mapped = mapLabels(rec.annotation, mapLabel);
    if (mapped.before > 0 && mapped.after === 0) {
      summary.problems.push({ where: short(rec.ref), message: 'every object uses a skipped label: nothing imported for this item' });
      continue;
    }
    const bounds = opts.boundsOf?.(found.ref);
    const annotation = bounds ? fitToItem(summary, rec, mapped.annotation, bounds) : mapped.annotation;
    if (!annotation) continue;
    countShapes(summary, annotation);
    items.add(itemKey(found.ref));
    const prelabel = opts.asPrelabels === true || rec.prelabel === true;
    const labeler = rec.labeler ?? opts.labeler;
    submits.push({
      ref: found.ref,
      annotation,
      ...(labeler !== undefined ? { labeler } : {}),
      ...(prelabel ? { prelabel } : {}),
      ...(rec.confidence !== undefined ? { confidence: rec.confidence } : {}),
      ...(raster ? { raster } : {}),
    });
  }
  summary.items = items.size;
  return { summary, submits };
}

/** Checks one record's shapes against its item; undefined when nothing of it is left to import. */
function fitToItem(summary: ImportSummary, rec: ImportRecord, annotation: Annotation, bounds: ItemBounds): Annotation | undefined {
  const where = short(rec.ref);
  const size = bounds.media === 'image' ? bounds.size : undefined;
  if (size && rec.width !== undefined && rec.height !== undefined && (rec.width !== size.width || rec.height !== size.height)) {
    const rotated = rec.width === size.height && rec.height === size.width ? ' (rotated by its EXIF orientation?)' : '';
    summary.problems.push({ where, message: `the file gives the image size ${rec.width}×${rec.height}, the image is ${size.width}×${size.height} as displayed${rotated}: shapes are checked against ${size.width}×${size.height}` });
  }
  const fit = fitAnnotation(annotation, bounds);
  summary.bounds.clipped += fit.clipped;
  summary.bounds.refused += fit.refused.length;
  const noun = annotation.kind === 'spans' ? 'span' : annotation.kind === 'boxes' ? 'box' : annotation.kind === 'mask' ? 'mask' : 'polygon';
  if (fit.unreadable) {
    summary.bounds.unreadable++;
    summary.problems.push({ where, message: `${fit.unreadable}: its ${fit.refused.length} object(s) are not imported` });
  } else for (const r of fit.refused) summary.problems.push({ where, message: `${noun} ${r.index} refused: ${r.reason}` });
  if (boundedObjects(annotation) > 0 && fit.refused.length >= boundedObjects(annotation)) {
    if (!fit.unreadable) summary.problems.push({ where, message: 'every object was refused: nothing imported for this item' });
    return undefined;
  }
  return fit.annotation;
}

function unmatched(summary: ImportSummary, ref: string): void {
  summary.unmatched++;
  if (summary.unmatchedExamples.length < EXAMPLES) summary.unmatchedExamples.push(short(ref));
}

function short(ref: string): string {
  return ref.length > 80 ? `${ref.slice(0, 77)}...` : ref;
}

type Resolved = { ref: ItemRef | undefined } | { problem: string };

/** Resolves one raw ref to an item, or explains why it cannot be. */
export function resolveRef(raw: string, opts: Pick<MapImportOptions, 'itemIndex' | 'stripPrefix'>, textFirst = false): Resolved {
  const idx = opts.itemIndex;
  if (textFirst && idx.byText) {
    const hits = idx.byText(raw);
    if (hits.length === 1) return { ref: hits[0] };
    if (hits.length > 1) return { problem: `${hits.length} items have this text: ambiguous` };
  }
  let ref = raw;
  if (opts.stripPrefix && ref.startsWith(opts.stripPrefix)) ref = ref.slice(opts.stripPrefix.length);
  else ref = stripUrl(ref);
  ref = ref.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  if (/^\/|^[a-zA-Z]:\//.test(ref)) return { problem: `absolute path refused (outside the workspace); pass a prefix to strip` };
  if (ref.split('/').includes('..')) return { problem: `path with '..' refused (outside the workspace)` };
  const exact = idx.get(ref);
  if (exact) return { ref: exact };
  const name = ref.slice(ref.lastIndexOf('/') + 1);
  if (!name) return { ref: undefined };
  const byName = idx.byBasename(name);
  if (byName.length === 1) return { ref: byName[0] };
  if (byName.length > 1) return { problem: `${byName.length} items are named ${name}: ambiguous, import with a prefix to strip` };
  if (!name.includes('.')) {
    const byStem = idx.byStem(name);
    if (byStem.length === 1) return { ref: byStem[0] };
    if (byStem.length > 1) return { problem: `${byStem.length} items are named ${name}.*: ambiguous` };
  }
  return { ref: undefined };
}

/** `azureml://.../paths/<p>` -> `<p>`; other URLs -> their decoded path (Label Studio `?d=<p>` too). */
function stripUrl(ref: string): string {
  if (/^azureml:\/\//i.test(ref)) {
    const i = ref.indexOf('/paths/');
    return i >= 0 ? ref.slice(i + 7) : ref;
  }
  const local = /^\/data\/local-files\/\?d=(.*)$/.exec(ref);
  if (local) return safeDecode(local[1]!);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref)) {
    try {
      const u = new URL(ref);
      return safeDecode(u.pathname.replace(/^\/+/, ''));
    } catch {
      return ref;
    }
  }
  return ref;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function mapLabels(a: Annotation, map: (l: string) => string | undefined): { annotation: Annotation; before: number; after: number } {
  const keep = <T extends { label: string }>(xs: T[]): T[] =>
    xs.flatMap((x) => {
      const label = map(x.label);
      return label === undefined ? [] : [{ ...x, label }];
    });
  switch (a.kind) {
    case 'classes': {
      const labels = [...new Set(a.labels.flatMap((l) => map(l) ?? []))];
      return { annotation: { kind: 'classes', labels }, before: a.labels.length, after: labels.length };
    }
    case 'spans': {
      const spans = keep(a.spans);
      return { annotation: { kind: 'spans', spans }, before: a.spans.length, after: spans.length };
    }
    case 'boxes': {
      const boxes = keep(a.boxes);
      return { annotation: { kind: 'boxes', boxes }, before: a.boxes.length, after: boxes.length };
    }
    case 'polygons': {
      const polygons = keep(a.polygons);
      return { annotation: { kind: 'polygons', polygons }, before: a.polygons.length, after: polygons.length };
    }
    case 'mask':
      // A mask record carries its raster (ImportRecord.mask): mapImport re-indexes it (remapMask).
      throw new Error('a mask annotation is mapped with its raster (remapMask)');
  }
}

function countShapes(summary: ImportSummary, a: Annotation): void {
  const s = summary.shapesByType;
  if (a.kind === 'classes') s.classes += a.labels.length;
  else if (a.kind === 'spans') s.spans += a.spans.length;
  else if (a.kind === 'boxes') s.boxes += a.boxes.length;
  else if (a.kind === 'polygons') s.polygons += a.polygons.length;
  else s.masks++;
}

/** An in-memory ItemIndex over known items (the CLI and tests; the store may answer from sql.js). */
export function itemIndexOf(items: Iterable<{ ref: ItemRef; text?: string }>): ItemIndex {
  const byKey = new Map<string, ItemRef>();
  const names = new Map<string, ItemRef[]>();
  const stems = new Map<string, ItemRef[]>();
  const texts = new Map<string, ItemRef[]>();
  const push = (m: Map<string, ItemRef[]>, k: string, r: ItemRef): void => {
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  };
  for (const { ref, text } of items) {
    const key = ref.row === undefined ? ref.path : `${ref.path}#${ref.row}`;
    byKey.set(key, ref);
    if (ref.row === undefined) {
      const name = ref.path.slice(ref.path.lastIndexOf('/') + 1);
      push(names, name, ref);
      const dot = name.lastIndexOf('.');
      if (dot > 0) push(stems, name.slice(0, dot), ref);
    }
    if (text !== undefined) push(texts, text, ref);
  }
  return {
    get: (k) => byKey.get(k),
    byBasename: (n) => names.get(n) ?? [],
    byStem: (s) => stems.get(s) ?? [],
    byText: (t) => texts.get(t) ?? [],
  };
}
