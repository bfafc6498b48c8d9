/**
 * Azure ML labeled-dataset JSONL import (the MLTable `read_json_lines` form): classification `label`
 * as a string or a list; detection `label: [{label, topX, topY, bottomX, bottomY, isCrowd}]` and
 * segmentation `label: [{label, polygon: [[x1,y1,...]]}]` as ratios of the image size (from
 * `image_details` or `sizeOf`); optional `label_confidence` (number or list: their mean is kept).
 */
import { throwIfAborted } from '../errors';
import { finiteNumber, invalid, isObject, parseJson, readText, ResultBuilder, Shapes } from './import-common';
import type { ImportOptions, ImportResult } from './types';

export async function importAzureJsonl(file: string, opts: ImportOptions): Promise<ImportResult> {
  const lines = (await readText(file)).split(/\r?\n/);
  const out = new ResultBuilder(file, opts.target);
  for (let i = 0; i < lines.length; i++) {
    if (i % 5000 === 0) throwIfAborted(opts.signal);
    const text = lines[i]!.trim();
    if (!text) continue;
    const line = i + 1;
    const o = parseJson(text, file, line);
    if (!isObject(o)) throw invalid(file, 'each line is a JSON object', { line });
    const ref = o.image_url;
    if (typeof ref !== 'string' || !ref) throw invalid(file, 'image_url must be a non-empty string', { line, field: 'image_url' });
    const details = isObject(o.image_details) ? o.image_details : {};
    let width = finiteNumber(details.width);
    let height = finiteNumber(details.height);
    const shapes = new Shapes();
    const label = o.label;
    const needsSize = Array.isArray(label) && label.some((l) => isObject(l));
    if (needsSize && (!width || !height)) {
      const size = await opts.sizeOf?.(ref);
      width = size?.width;
      height = size?.height;
      if (!width || !height) {
        out.problem(`line ${line}`, `the size of ${ref} is unknown (no image_details): skipped`);
        continue;
      }
    }
    if (typeof label === 'string') shapes.classes.push(label);
    else if (Array.isArray(label)) {
      label.forEach((l, k) => {
        const field = `label[${k}]`;
        if (typeof l === 'string') shapes.classes.push(l);
        else if (isObject(l) && typeof l.label === 'string') readObject(l, l.label, width!, height!, shapes, file, line, field);
        else throw invalid(file, 'a label is a string or an object with "label"', { line, field });
      });
    } else throw invalid(file, 'label must be a string or a list', { line, field: 'label' });
    const conf = o.label_confidence;
    const confs = (Array.isArray(conf) ? conf : conf === undefined ? [] : [conf]).map(finiteNumber);
    if (confs.some((c) => c === undefined)) throw invalid(file, 'label_confidence must be numbers', { line, field: 'label_confidence' });
    const confidence = confs.length ? (confs as number[]).reduce((s, c) => s + c, 0) / confs.length : undefined;
    out.add(`line ${line}`, {
      ref,
      ...(confidence !== undefined ? { confidence } : {}),
      ...(width && height ? { width, height } : {}),
    }, shapes);
  }
  return out.result();
}

function readObject(l: Record<string, unknown>, label: string, w: number, h: number, shapes: Shapes, file: string, line: number, field: string): void {
  if (Array.isArray(l.polygon)) {
    const rings = l.polygon.map((r, k) => {
      if (!Array.isArray(r) || r.length < 6 || r.length % 2) throw invalid(file, 'a polygon is a list of at least 3 x,y pairs', { line, field: `${field}.polygon[${k}]` });
      return r.map((v, j) => {
        const n = finiteNumber(v);
        if (n === undefined) throw invalid(file, 'polygon values must be numbers', { line, field: `${field}.polygon[${k}]` });
        return n * (j % 2 ? h : w);
      });
    });
    shapes.polygons.push({ label, rings });
    return;
  }
  const [x0, y0, x1, y1] = ['topX', 'topY', 'bottomX', 'bottomY'].map((k) => finiteNumber(l[k]));
  if (x0 === undefined || y0 === undefined || x1 === undefined || y1 === undefined) {
    throw invalid(file, 'a box needs topX, topY, bottomX and bottomY', { line, field });
  }
  if (x1 < x0 || y1 < y0) throw invalid(file, 'bottomX/bottomY must not be less than topX/topY', { line, field });
  shapes.boxes.push({ label, x: x0 * w, y: y0 * h, w: (x1 - x0) * w, h: (y1 - y0) * h });
}
