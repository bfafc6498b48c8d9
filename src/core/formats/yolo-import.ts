/**
 * YOLO import from a folder: `classes.txt` (one name per line) and label files `labels/**.txt` (or
 * `*.txt` beside classes.txt), a line per object: `class cx cy w h` (box) or `class x1 y1 x2 y2 ...`
 * (YOLO-seg polygon), normalised to [0,1]. Pixels need the image size: `sizeOf` is asked first, then
 * the matching file in a sibling `images/` folder is measured. The record's ref is that image's path
 * relative to the dataset folder when found, else the label path without `.txt`.
 */
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { readImageSize } from '../ingest/image-size';
import { throwIfAborted } from '../errors';
import { invalid, readText, ResultBuilder, Shapes } from './import-common';
import type { ImportOptions, ImportResult } from './types';

export async function importYolo(dir: string, opts: ImportOptions): Promise<ImportResult> {
  const classesFile = join(dir, 'classes.txt');
  const classes = (await readText(classesFile)).split(/\r?\n/).map((l) => l.trim());
  while (classes.length && !classes[classes.length - 1]) classes.pop();
  classes.forEach((c, i) => {
    if (!c) throw invalid(classesFile, 'empty class name', { line: i + 1 });
  });
  const all = await listFiles(dir);
  const hasLabelsDir = all.some((f) => f.startsWith('labels/'));
  const labelFiles = all.filter((f) => f.endsWith('.txt') && f !== 'classes.txt' && (!hasLabelsDir || f.startsWith('labels/')));
  const images = new Map<string, string>(); // path without extension under images/ -> path
  for (const f of all) {
    if (f.startsWith('images/') && /\.(jpe?g|png|gif|bmp|webp|tiff?)$/i.test(f)) images.set(f.slice(7).replace(/\.[^./]+$/, ''), f);
  }
  const out = new ResultBuilder(dir, opts.target);
  for (const rel of labelFiles) {
    throwIfAborted(opts.signal);
    const stem = (hasLabelsDir ? rel.slice(7) : rel).replace(/\.txt$/, '');
    const image = images.get(stem);
    const ref = image ?? stem;
    const size = (await opts.sizeOf?.(ref)) ?? (image ? readImageSize(join(dir, image)) : undefined);
    const file = join(dir, rel);
    if (!size) {
      out.problem(rel, `the size of image ${ref} is unknown: skipped`);
      continue;
    }
    const shapes = new Shapes();
    const lines = (await readText(file)).split(/\r?\n/);
    lines.forEach((text, i) => {
      const f = text.trim().split(/\s+/);
      if (!text.trim()) return;
      const line = i + 1;
      const nums = f.map(Number);
      if (nums.some((n) => !Number.isFinite(n))) throw invalid(file, 'values must be numbers', { line });
      const cls = nums[0]!;
      if (!Number.isInteger(cls) || cls < 0 || cls >= classes.length) {
        throw invalid(file, `class ${f[0]} is not in classes.txt (0-${classes.length - 1})`, { line });
      }
      const label = classes[cls]!;
      const v = nums.slice(1);
      if (v.length === 4) {
        const [cx, cy, w, h] = v as [number, number, number, number];
        shapes.boxes.push({ label, x: (cx - w / 2) * size.width, y: (cy - h / 2) * size.height, w: w * size.width, h: h * size.height });
      } else if (v.length >= 6 && v.length % 2 === 0) {
        shapes.polygons.push({ label, rings: [v.map((n, j) => n * (j % 2 ? size.height : size.width))] });
      } else throw invalid(file, `expected "class cx cy w h" or "class x1 y1 x2 y2 x3 y3 ...", found ${f.length} fields`, { line });
    });
    out.add(rel, { ref, width: size.width, height: size.height }, shapes);
  }
  return out.result();
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(relative(dir, join(e.parentPath, e.name)).split('\\').join('/'));
  }
  return out.sort();
}
