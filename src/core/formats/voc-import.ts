/**
 * Pascal VOC import: one XML per image (a file or a folder of them, read recursively). Trusts
 * `<filename>` (not the XML's own name; `<folder>` is a dataset name like VOC2007, not a path), reads decimal coordinates, tolerates missing optional tags
 * (pose, truncated, difficult) and ignores parts and actions.
 */
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { throwIfAborted } from '../errors';
import { finiteNumber, invalid, isObject, readText, ResultBuilder, Shapes } from './import-common';
import type { ImportOptions, ImportResult } from './types';

export async function importVoc(path: string, opts: ImportOptions, isDir: boolean): Promise<ImportResult> {
  const files = isDir ? await filesEndingWith(path, '.xml') : [path];
  const out = new ResultBuilder(path, opts.target);
  const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, isArray: (name) => name === 'object' });
  for (const file of files) {
    throwIfAborted(opts.signal);
    const name = isDir ? relative(path, file).split('\\').join('/') : file;
    let doc: unknown;
    try {
      doc = parser.parse(await readText(file), true);
    } catch (e) {
      throw invalid(file, `not valid XML: ${(e as Error).message}`);
    }
    const ann = isObject(doc) ? doc.annotation : undefined;
    if (!isObject(ann)) throw invalid(file, 'a VOC file has an <annotation> root', { field: 'annotation' });
    const filename = typeof ann.filename === 'string' ? ann.filename.trim() : '';
    if (!filename) throw invalid(file, '<filename> is missing', { field: 'annotation.filename' });
    const size = isObject(ann.size) ? ann.size : {};
    const width = finiteNumber(size.width);
    const height = finiteNumber(size.height);
    const shapes = new Shapes();
    const objects = Array.isArray(ann.object) ? ann.object : [];
    objects.forEach((o, i) => {
      const field = `annotation.object[${i}]`;
      if (!isObject(o) || typeof o.name !== 'string' || !o.name.trim()) throw invalid(file, 'an object needs a <name>', { field });
      const b = isObject(o.bndbox) ? o.bndbox : undefined;
      const [x0, y0, x1, y1] = ['xmin', 'ymin', 'xmax', 'ymax'].map((k) => finiteNumber(b?.[k]));
      if (x0 === undefined || y0 === undefined || x1 === undefined || y1 === undefined) {
        throw invalid(file, '<bndbox> needs numeric xmin, ymin, xmax and ymax', { field: `${field}.bndbox` });
      }
      if (x1 < x0 || y1 < y0) throw invalid(file, 'xmax/ymax must not be less than xmin/ymin', { field: `${field}.bndbox` });
      shapes.boxes.push({ label: o.name.trim(), x: x0, y: y0, w: x1 - x0, h: y1 - y0 });
    });
    out.add(name, { ref: filename, ...(width && height ? { width, height } : {}) }, shapes);
  }
  return out.result();
}

/** Files below `dir` whose name ends with `ext` (lower case, e.g. '.xml'), sorted. */
export async function filesEndingWith(dir: string, ext: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.toLowerCase().endsWith(ext)) out.push(join(e.parentPath, e.name));
  }
  return out.sort();
}
