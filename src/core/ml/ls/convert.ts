/**
 * Items and annotations to Label Studio tasks and results, and an ML backend's predictions back.
 * Our annotation -> LS result is the Label Studio export's `lsResult` (one converter for both).
 * LS result -> ours is strict, as a model's answer should be: a malformed value is an error naming its
 * field path; a result type the project cannot hold, a label it does not have or a region it cannot
 * convert is a problem of that prediction (skipped, never silently). Shapes are in percent of the
 * image in Label Studio and in pixels of the item here; only unrotated images and rectangles are
 * accepted (a rotation cannot be drawn as an axis-aligned box).
 *
 * Semantic segmentation (bring your own model: there is no built-in one): a mask goes out as one
 * brushlabels result per class (Label Studio's brush RLE, masks/ls-brush.ts), given its raster; a
 * prediction's brushlabels results are painted into a class raster in result order and its
 * polygonlabels results filled on top (pixel centres inside); LsPrediction.raster carries it, and the
 * caller stores it as a blob (storeMaskAnnotation) before any journal line names it.
 */
import { LabelingError } from '../../errors';
import { lsResult } from '../../formats/labelstudio-export';
import { finiteNumber, isObject, Shapes } from '../../formats/import-common';
import { annotationKindOf, isMultiLabel, mediaOf, type Annotation, type ExportItem, type ProjectDef } from '../../model';
import { lsNames } from './config';
import { fillRings } from '../../masks/fill-polygon';
import { brushResultsToRaster } from '../../masks/ls-brush';
import { IGNORE, maskAnnotationOf, presentClassNames, type ClassRaster } from '../../masks/raster';

/** What the conversions need of an item: its key, its text (text projects), its size (image projects). */
export type LsItem = Pick<ExportItem, 'key' | 'text' | 'width' | 'height'>;

export interface LsTask {
  id: number;
  data: { text: string } | { image: string };
}

/** One prediction converted to this extension's terms. */
export interface LsPrediction {
  annotation: Annotation;
  /** The prediction's score in [0, 1] (or, without one, the lowest score of its regions). */
  confidence?: number;
  modelVersion?: string;
  /** What was skipped and why, one sentence each. */
  problems: string[];
  /**
   * Semantic segmentation: the predicted mask in the project's class indices; `annotation` is its mask
   * annotation without a blob yet (store the raster with storeMaskAnnotation to get it).
   */
  raster?: ClassRaster;
}

type Def = Pick<ProjectDef, 'type' | 'labels'> & { ignoreLabel?: string };

/** Where a result came from, for error messages: the URL (or file) and the JSON path of the value. */
export interface Source {
  file: string;
  field: string;
}

/**
 * An item as an LS task. `urlOf` gives an image item's URL or path as the backend must fetch it (how
 * images are served is the caller's choice); text items carry their text.
 */
export function toTask(def: Pick<ProjectDef, 'type'>, item: LsItem, id: number, urlOf: (item: LsItem) => string): LsTask {
  if (mediaOf(def.type) === 'image') return { id, data: { image: urlOf(item) } };
  if (item.text === undefined) throw new LabelingError('invalid-input', 'a text item has no text to send to the model', { file: item.key });
  return { id, data: { text: item.text } };
}

/** Our annotation as LS result regions (percent of the image for shapes), named as in labelConfigXml. */
export function toLsResult(def: Pick<ProjectDef, 'type'> & Partial<Pick<ProjectDef, 'labels' | 'ignoreLabel'>>, item: LsItem, a: Annotation, raster?: ClassRaster): unknown[] {
  if (a.kind === 'mask') {
    if (!raster) throw new LabelingError('invalid-input', 'a mask goes to the model with its raster (read its blob first)', { file: item.key });
    const labels = (def.labels ?? []).map((l) => l.name);
    return lsResult(item as ExportItem, a, true, { raster, labels, ...(def.ignoreLabel !== undefined ? { ignoreName: def.ignoreLabel } : {}) });
  }
  if (mediaOf(def.type) === 'image' && (a.kind === 'boxes' || a.kind === 'polygons') && (!item.width || !item.height)) {
    throw new LabelingError('invalid-input', 'the image size is unknown: shapes cannot be given in percent', { file: item.key });
  }
  // lsResult reads only text, width and height of the item.
  return lsResult(item as ExportItem, a, mediaOf(def.type) === 'image');
}

function bad(src: Source, message: string, field = ''): LabelingError {
  return new LabelingError('invalid-input', message, { file: src.file, field: src.field + field });
}

/**
 * One LS prediction (`{result: [...], score, model_version}`) of an item as our annotation.
 * `fallbackVersion` is the answer-level model_version of older backends.
 */
export function fromLsPrediction(def: Def, item: LsItem, pred: unknown, src: Source, fallbackVersion?: string): LsPrediction {
  if (!isObject(pred)) throw bad(src, 'a prediction is an object {result, score, model_version}');
  if (!Array.isArray(pred.result)) throw bad(src, '"result" must be a list', '.result');
  if (def.type === 'image-semantic-segmentation') return withScore(maskPrediction(def, item, pred.result, src), pred, src, fallbackVersion);
  const problems: string[] = [];
  const shapes = new Shapes();
  const scores: number[] = [];
  for (let r = 0; r < pred.result.length; r++) {
    const at: Source = { file: src.file, field: `${src.field}.result[${r}]` };
    const res = pred.result[r];
    readRegion(def, item, res, at, shapes, (why) => problems.push(`${at.field}: ${why}`));
    const s = isObject(res) ? finiteNumber(res.score) : undefined;
    if (s !== undefined) scores.push(s);
  }
  keepProjectLabels(def, shapes, (why) => problems.push(`${src.field}: ${why}`));
  const { annotation, dropped } = shapes.toAnnotation(annotationKindOf(def.type));
  if (dropped) problems.push(`${src.field}: ${dropped} region(s) cannot become ${annotation.kind}: skipped`);
  if (annotation.kind === 'classes' && annotation.labels.length > 1 && !isMultiLabel(def.type)) {
    problems.push(`${src.field}: ${annotation.labels.length} classes for a single-label project: kept "${annotation.labels[0]}"`);
    annotation.labels.length = 1;
  }
  return withScore({ annotation, problems, scores }, pred, src, fallbackVersion);
}

/** The prediction with its score (else the lowest region score) and model version. */
function withScore(p: { annotation: Annotation; problems: string[]; scores: number[]; raster?: ClassRaster }, pred: Record<string, unknown>, src: Source, fallbackVersion?: string): LsPrediction {
  const { scores, problems } = p;
  const score = finiteNumber(pred.score) ?? (scores.length ? Math.min(...scores) : undefined);
  const version = pred.model_version ?? fallbackVersion;
  const out: LsPrediction = { annotation: p.annotation, problems };
  if (p.raster) out.raster = p.raster;
  if (score !== undefined) {
    if (score >= 0 && score <= 1) out.confidence = score;
    else problems.push(`${src.field}.score: ${score} is outside [0, 1]: no confidence kept`);
  }
  if (typeof version === 'string' || typeof version === 'number') out.modelVersion = String(version);
  return out;
}

/**
 * A semantic-segmentation prediction: brushlabels results painted in order (brush RLE), then
 * polygonlabels results filled over them; results of other types, labels the project lacks and
 * regions of another image size are problems, skipped.
 */
function maskPrediction(def: Def, item: LsItem, results: unknown[], src: Source): { annotation: Annotation; problems: string[]; scores: number[]; raster: ClassRaster } {
  const problems: string[] = [];
  const scores: number[] = [];
  const labels = def.labels.map((l) => l.name);
  const classOf = (name: string): number | undefined => (name === def.ignoreLabel ? IGNORE : labels.includes(name) ? labels.indexOf(name) + 1 : undefined);
  const W = item.width;
  const H = item.height;
  const brush: { res: Record<string, unknown>; k: number }[] = [];
  const polygons: { label: string; ring: number[] }[] = [];
  let size = W && H ? { width: W, height: H } : undefined;
  results.forEach((res, k) => {
    const at = `${src.field}.result[${k}]`;
    if (!isObject(res) || !isObject(res.value)) throw bad(src, 'a result needs a "value" object', `.result[${k}]`);
    const s = finiteNumber(res.score);
    if (s !== undefined) scores.push(s);
    const type = typeof res.type === 'string' ? res.type.toLowerCase() : res.type;
    const v = res.value;
    const key = type === 'brushlabels' ? 'brushlabels' : type === 'polygonlabels' ? 'polygonlabels' : undefined;
    if (!key) {
      problems.push(`${at}: result type "${String(res.type)}" does not fit a ${def.type} project: skipped`);
      return;
    }
    const name = Array.isArray(v[key]) ? (v[key] as unknown[])[0] : undefined;
    if (typeof name !== 'string' || classOf(name) === undefined) {
      problems.push(`${at}: label ${JSON.stringify(name)} is not in the project: skipped`);
      return;
    }
    const ow = finiteNumber(res.original_width);
    const oh = finiteNumber(res.original_height);
    if (ow && oh && size && (ow !== size.width || oh !== size.height)) {
      problems.push(`${at}: the region is for a ${ow} x ${oh} image, ${item.key} is ${size.width} x ${size.height}: skipped`);
      return;
    }
    if (ow && oh) size ??= { width: ow, height: oh };
    if (key === 'brushlabels') brush.push({ res, k });
    else {
      const pts = v.points;
      if (!Array.isArray(pts) || pts.length < 3) throw bad(src, 'a polygon needs a list of at least 3 [x, y] points', `.result[${k}].value.points`);
      const ring: number[] = [];
      pts.forEach((p, i) => {
        const x = Array.isArray(p) ? finiteNumber(p[0]) : undefined;
        const y = Array.isArray(p) ? finiteNumber(p[1]) : undefined;
        if (x === undefined || y === undefined) throw bad(src, 'a point is [x, y] in percent', `.result[${k}].value.points[${i}]`);
        ring.push(x, y);
      });
      polygons.push({ label: name, ring });
    }
  });
  if (!size) throw bad(src, `the size of ${item.key} is unknown (no original_width/original_height)`);
  const { width: sw, height: sh } = size;
  let raster: ClassRaster;
  try {
    raster = brushResultsToRaster(brush.map((b) => b.res), labels, { size, ...(def.ignoreLabel !== undefined ? { ignoreName: def.ignoreLabel } : {}), where: { file: src.file, field: src.field } }).raster;
  } catch (e) {
    throw bad(src, (e as Error).message);
  }
  for (const p of polygons) {
    // Percent of the image, as Label Studio stores it, to pixels.
    const ring = p.ring.map((v, i) => (v / 100) * (i % 2 ? sh : sw));
    fillRings(raster, [ring], classOf(p.label)!);
  }
  const classes = presentClassNames(raster, labels, def.ignoreLabel);
  return { annotation: maskAnnotationOf(raster.width, raster.height, '', classes), problems, scores, raster };
}

function keepProjectLabels(def: Def, shapes: Shapes, problem: (why: string) => void): void {
  const known = new Set(def.labels.map((l) => l.name));
  const unknown = new Set<string>();
  const keep = (label: string): boolean => known.has(label) || (unknown.add(label), false);
  shapes.classes = shapes.classes.filter(keep);
  shapes.spans = shapes.spans.filter((s) => keep(s.label));
  shapes.boxes = shapes.boxes.filter((b) => keep(b.label));
  shapes.polygons = shapes.polygons.filter((p) => keep(p.label));
  if (unknown.size) problem(`label(s) not in the project: ${[...unknown].map((l) => JSON.stringify(l)).join(', ')}: skipped`);
}

function names(v: Record<string, unknown>, key: string, src: Source): string[] {
  const l = v[key];
  if (!Array.isArray(l) || !l.every((x) => typeof x === 'string')) throw bad(src, `must be a list of label names`, `.value.${key}`);
  return l as string[];
}

function num(v: Record<string, unknown>, key: string, src: Source): number {
  const n = finiteNumber(v[key]);
  if (n === undefined) throw bad(src, `must be a number (got ${JSON.stringify(v[key]) ?? 'nothing'})`, `.value.${key}`);
  return n;
}

function readRegion(def: Def, item: LsItem, res: unknown, src: Source, shapes: Shapes, problem: (why: string) => void): void {
  if (!isObject(res) || !isObject(res.value)) throw bad(src, 'a result needs a "value" object');
  const v = res.value;
  const type = res.type;
  if (typeof type !== 'string') throw bad(src, 'must name the result type ("choices", "labels", ...)', '.type');
  const media = mediaOf(def.type);
  const fits = type === 'choices' || (media === 'text' ? type === 'labels' : type === 'rectanglelabels' || type === 'polygonlabels');
  if (!fits) {
    problem(`result type "${type}" does not fit a ${def.type} project: skipped`);
    return;
  }
  if (typeof res.to_name === 'string' && res.to_name !== lsNames(def.type).to) {
    problem(`to_name "${res.to_name}" is not "${lsNames(def.type).to}" (the config's object): read anyway`);
  }
  if (type === 'choices') {
    shapes.classes.push(...names(v, 'choices', src));
    return;
  }
  if (type === 'labels') {
    readSpan(item, v, src, shapes, problem);
    return;
  }
  const rotation = finiteNumber(res.image_rotation) ?? 0;
  if (rotation !== 0) throw bad(src, `image_rotation ${rotation} is not supported: only unrotated images (0)`, '.image_rotation');
  const W = item.width || finiteNumber(res.original_width);
  const H = item.height || finiteNumber(res.original_height);
  if (!W || !H) throw bad(src, `the size of ${item.key} is unknown (no original_width/original_height)`);
  // x / 100 * W, as Label Studio's converters compute it (the same bits as theirs).
  const px = (x: number): number => (x / 100) * W;
  const py = (y: number): number => (y / 100) * H;
  if (type === 'rectanglelabels') {
    const [x, y, w, h] = (['x', 'y', 'width', 'height'] as const).map((k) => num(v, k, src)) as [number, number, number, number];
    const turn = finiteNumber(v.rotation) ?? 0;
    if (turn !== 0) throw bad(src, `a rotated rectangle (${turn}°) cannot be an axis-aligned box`, '.value.rotation');
    if (w < 0 || h < 0) throw bad(src, `width and height must not be negative (${w} x ${h})`, '.value');
    for (const label of names(v, 'rectanglelabels', src)) shapes.boxes.push({ label, x: px(x), y: py(y), w: px(w), h: py(h) });
    return;
  }
  const pts = v.points;
  if (!Array.isArray(pts) || pts.length < 3) throw bad(src, 'a polygon needs a list of at least 3 [x, y] points', '.value.points');
  const ring: number[] = [];
  pts.forEach((p, i) => {
    const x = Array.isArray(p) ? finiteNumber(p[0]) : undefined;
    const y = Array.isArray(p) ? finiteNumber(p[1]) : undefined;
    if (x === undefined || y === undefined) throw bad(src, 'a point is [x, y] in percent', `.value.points[${i}]`);
    ring.push(px(x), py(y));
  });
  for (const label of names(v, 'polygonlabels', src)) shapes.polygons.push({ label, rings: [ring] });
}

/**
 * A span in character offsets of the item text (JavaScript string indices, as Label Studio's editor
 * counts them). A Python backend counts code points: when `value.text` shows that, the offsets are
 * converted; when it matches neither, it is a problem and the offsets are kept.
 */
function readSpan(item: LsItem, v: Record<string, unknown>, src: Source, shapes: Shapes, problem: (why: string) => void): void {
  const text = item.text ?? '';
  let start = num(v, 'start', src);
  let end = num(v, 'end', src);
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end <= start) {
    throw bad(src, `a span needs whole offsets 0 <= start < end (got ${start}, ${end})`, '.value');
  }
  if (typeof v.text === 'string' && text.slice(start, end) !== v.text) {
    const cp = codePointOffsets(text, start, end);
    if (cp && text.slice(cp[0], cp[1]) === v.text) [start, end] = cp;
    else problem(`value.text ${JSON.stringify(v.text)} is not the text at ${start}-${end} (${JSON.stringify(text.slice(start, end))}): offsets kept`);
  }
  if (end > text.length) throw bad(src, `span end ${end} is past the end of the text (${text.length} characters)`, '.value.end');
  for (const label of names(v, 'labels', src)) shapes.spans.push({ start, end, label });
}

/** Code point offsets as string indices, or undefined when they are past the end. */
function codePointOffsets(text: string, start: number, end: number): [number, number] | undefined {
  let i = 0;
  let cp = 0;
  let s: number | undefined;
  while (i <= text.length) {
    if (cp === start) s = i;
    if (cp === end) return s === undefined ? undefined : [s, i];
    if (i === text.length) break;
    i += text.codePointAt(i)! > 0xffff ? 2 : 1;
    cp++;
  }
  return undefined;
}
