/**
 * Label Studio JSON import: a list of tasks (or one task). Each non-cancelled annotation becomes a
 * record (labeler = completed_by), each prediction a prelabel record (confidence = score). Results:
 * choices, labels (spans), rectanglelabels and polygonlabels (percent of the image; pixels from
 * original_width/height or `sizeOf`). Other result types (keypoints, text areas...) are reported as
 * problems, never dropped silently. Into a semantic-segmentation project: brushlabels (brush RLE) and
 * polygonlabels results become one mask per annotation (mask-import.ts lsResultsToRaster).
 */
import { throwIfAborted } from '../errors';
import { finiteNumber, invalid, isObject, parseJson, readText, ResultBuilder, Shapes } from './import-common';
import { lsResultsToRaster, maskRecord } from './mask-import';
import type { ImportOptions, ImportResult } from './types';

export async function importLabelStudio(file: string, opts: ImportOptions): Promise<ImportResult> {
  const doc = parseJson(await readText(file), file);
  const tasks = Array.isArray(doc) ? doc : [doc];
  const out = new ResultBuilder(file, opts.target);
  for (let t = 0; t < tasks.length; t++) {
    if (t % 1000 === 0) throwIfAborted(opts.signal);
    const task = tasks[t];
    const at = Array.isArray(doc) ? `[${t}]` : '$';
    if (!isObject(task) || !isObject(task.data)) throw invalid(file, 'a task needs a "data" object', { field: at });
    const ref = taskRef(task.data);
    if (ref === undefined) throw invalid(file, 'task data has no image or text value', { field: `${at}.data` });
    const groups: { key: string; list: unknown }[] = [
      { key: 'annotations', list: task.annotations },
      { key: 'predictions', list: task.predictions },
    ];
    for (const { key, list } of groups) {
      if (list === undefined) continue;
      if (!Array.isArray(list)) throw invalid(file, `"${key}" must be a list`, { field: `${at}.${key}` });
      for (let a = 0; a < list.length; a++) {
        const ann = list[a];
        const field = `${at}.${key}[${a}]`;
        if (!isObject(ann)) throw invalid(file, 'an annotation is an object', { field });
        if (ann.was_cancelled === true) continue;
        if (!Array.isArray(ann.result)) throw invalid(file, '"result" must be a list', { field: `${field}.result` });
        const prediction = key === 'predictions';
        const user = ann.completed_by ?? ann.last_created_by ?? ann.updated_by;
        const who = prediction ? ann.model_version : isObject(user) ? (user.email ?? user.id) : user;
        const score = finiteNumber(ann.score);
        const base = {
          ...(who !== undefined && who !== null ? { labeler: String(who) } : {}),
          ...(prediction ? { prelabel: true } : {}),
          ...(score !== undefined ? { confidence: score } : {}),
        };
        if (opts.target === 'mask') {
          const m = await lsResultsToRaster(ann.result, ref, opts, { file, field }, (f, why) => out.problem(f, why));
          if (!m) continue;
          const rec = maskRecord(ref, m.raster, m.names, base);
          if (rec.annotation.kind === 'mask') for (const c of rec.annotation.classes) out.seen(c);
          out.records.push(rec);
          continue;
        }
        const shapes = new Shapes();
        let size: { width: number; height: number } | undefined;
        for (let r = 0; r < ann.result.length; r++) {
          const res = ann.result[r];
          const rf = `${field}.result[${r}]`;
          if (!isObject(res) || !isObject(res.value)) throw invalid(file, 'a result needs a "value" object', { field: rf });
          const s = await readResult(res, res.value, ref, opts, shapes, file, rf, (why) => out.problem(rf, why));
          size ??= s;
        }
        out.add(field, { ref, ...base, ...(size ? size : {}) }, shapes);
      }
    }
  }
  return out.result();
}

function taskRef(data: Record<string, unknown>): string | undefined {
  for (const k of ['image', 'text', 'url', 'img']) if (typeof data[k] === 'string') return data[k] as string;
  const first = Object.values(data).find((v) => typeof v === 'string');
  return first as string | undefined;
}

async function readResult(
  res: Record<string, unknown>,
  v: Record<string, unknown>,
  ref: string,
  opts: ImportOptions,
  shapes: Shapes,
  file: string,
  field: string,
  problem: (why: string) => void,
): Promise<{ width: number; height: number } | undefined> {
  const type = String(res.type ?? '');
  const labels = (name: string): string[] => {
    const l = v[name];
    if (!Array.isArray(l) || !l.every((x) => typeof x === 'string')) throw invalid(file, `value.${name} must be a list of names`, { field });
    return l as string[];
  };
  if (type === 'choices') {
    shapes.classes.push(...labels('choices'));
    return undefined;
  }
  if (type === 'labels') {
    const start = finiteNumber(v.start);
    const end = finiteNumber(v.end);
    if (start === undefined || end === undefined || end < start) throw invalid(file, 'a span needs start <= end', { field });
    for (const label of labels('labels')) shapes.spans.push({ start, end, label });
    return undefined;
  }
  if (type !== 'rectanglelabels' && type !== 'polygonlabels') {
    problem(`result type "${type}" is not supported: skipped`);
    return undefined;
  }
  let width = finiteNumber(res.original_width);
  let height = finiteNumber(res.original_height);
  if (!width || !height) {
    const size = await opts.sizeOf?.(ref);
    width = size?.width;
    height = size?.height;
  }
  if (!width || !height) {
    problem(`the size of ${ref} is unknown (no original_width/height): skipped`);
    return undefined;
  }
  // x / 100 * W, as Label Studio's own converters compute it (so values match theirs to the last bit).
  const px = (v: number): number => (v / 100) * width!;
  const py = (v: number): number => (v / 100) * height!;
  if (type === 'rectanglelabels') {
    const [x, y, w, h] = ['x', 'y', 'width', 'height'].map((k) => finiteNumber(v[k]));
    if (x === undefined || y === undefined || w === undefined || h === undefined) {
      problem('a rectangle without x, y, width or height: skipped');
      return { width, height };
    }
    if (finiteNumber(v.rotation)) problem('rotated rectangle: imported without its rotation');
    for (const label of labels('rectanglelabels')) shapes.boxes.push({ label, x: px(x), y: py(y), w: px(w), h: py(h) });
  } else {
    const pts = v.points;
    if (!Array.isArray(pts) || pts.length < 3) throw invalid(file, 'a polygon needs at least 3 points', { field: `${field}.value.points` });
    const ring: number[] = [];
    for (const p of pts) {
      const x0 = Array.isArray(p) ? finiteNumber(p[0]) : undefined;
      const y0 = Array.isArray(p) ? finiteNumber(p[1]) : undefined;
      if (x0 === undefined || y0 === undefined) throw invalid(file, 'polygon points are [x, y] numbers', { field: `${field}.value.points` });
      ring.push(px(x0), py(y0));
    }
    for (const label of labels('polygonlabels')) shapes.polygons.push({ label, rings: [ring] });
  }
  return { width, height };
}
