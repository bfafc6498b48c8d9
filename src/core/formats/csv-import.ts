/**
 * CSV import (csv-parse), the counterpart of our CSV export and of simple training CSVs: an item
 * column (default `item`; e.g. `ReviewText` for a text-classification CSV whose rows are the texts)
 * and a label column (default `label`: a name, or a JSON array string of names for multi-label), or a
 * `shapes` column holding a JSON array of boxes {label,x,y,w,h}, polygons {label,rings} or spans
 * {label,start,end}. A CSV of exactly two other columns is read as item, label. Optional `labelers` (first one kept), `confidence` and `prelabel` columns.
 */
import { parse } from 'csv-parse/sync';
import { finiteNumber, invalid, isObject, parseJson, readText, ResultBuilder, Shapes } from './import-common';
import type { ImportOptions, ImportResult } from './types';

export async function importCsv(file: string, opts: ImportOptions): Promise<ImportResult> {
  const text = await readText(file);
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parse(text, { columns: true, info: true, skip_empty_lines: true, bom: true, relax_column_count: false });
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    throw invalid(file, `not valid CSV: ${(e as Error).message}`, line ? { line } : {});
  }
  const header = rows.length ? Object.keys(rows[0]!.record) : [];
  // A two-column training CSV (e.g. `ReviewText,Sentiment`) without our column names: text, then label.
  const plain = header.length === 2 && !header.includes('item') && !opts.itemColumn && !opts.labelColumn;
  const itemCol = opts.itemColumn ?? (plain ? header[0]! : 'item');
  const labelCol = opts.labelColumn ?? (plain ? header[1]! : 'label');
  if (rows.length && !header.includes(itemCol)) throw invalid(file, `no "${itemCol}" column (columns: ${header.join(', ')})`, { line: 1 });
  const hasShapes = header.includes('shapes');
  if (rows.length && !hasShapes && !header.includes(labelCol)) throw invalid(file, `no "${labelCol}" or "shapes" column`, { line: 1 });
  const out = new ResultBuilder(file, opts.target);
  for (const { record: r, info } of rows) {
    const line = info.lines;
    const ref = r[itemCol] ?? '';
    if (!ref) throw invalid(file, `empty ${itemCol}`, { line, field: itemCol });
    const shapes = new Shapes();
    if (hasShapes && r.shapes) readShapes(parseJson(r.shapes, file, line), shapes, file, line);
    else {
      const cell = (r[labelCol] ?? '').trim();
      if (cell.startsWith('[')) {
        const list = labelList(cell);
        if (!list) throw invalid(file, "a label list is a JSON array of names (or a Python list like ['a','b'])", { line, field: labelCol });
        shapes.classes.push(...list);
      } else if (cell) shapes.classes.push(cell);
    }
    const confidence = finiteNumber(r.confidence);
    const labeler = (r.labelers ?? '').split(';')[0];
    out.add(`line ${line}`, {
      ref,
      ...(labeler ? { labeler } : {}),
      ...(confidence !== undefined ? { confidence } : {}),
      ...(r.prelabel === 'true' ? { prelabel: true } : {}),
    }, shapes);
  }
  return out.result();
}

function readShapes(v: unknown, shapes: Shapes, file: string, line: number): void {
  if (!Array.isArray(v)) throw invalid(file, 'shapes must be a JSON array', { line, field: 'shapes' });
  v.forEach((s, i) => {
    const field = `shapes[${i}]`;
    if (!isObject(s) || typeof s.label !== 'string') throw invalid(file, 'a shape needs a label', { line, field });
    const n = (k: string): number => {
      const x = finiteNumber(s[k]);
      if (x === undefined) throw invalid(file, `"${k}" must be a number`, { line, field: `${field}.${k}` });
      return x;
    };
    if (Array.isArray(s.rings)) {
      const rings = s.rings.map((r, k) => {
        if (!Array.isArray(r) || r.length < 6 || r.length % 2 || !r.every((x) => finiteNumber(x) !== undefined)) {
          throw invalid(file, 'a ring is a list of at least 3 x,y pairs', { line, field: `${field}.rings[${k}]` });
        }
        return r.map(Number);
      });
      shapes.polygons.push({ label: s.label, rings });
    } else if ('start' in s) shapes.spans.push({ label: s.label, start: n('start'), end: n('end') });
    else shapes.boxes.push({ label: s.label, x: n('x'), y: n('y'), w: n('w'), h: n('h') });
  });
}

/** A JSON array of strings, or Azure's Python list literal (`['a','b']`); undefined if neither. */
export function labelList(cell: string): string[] | undefined {
  try {
    const v: unknown = JSON.parse(cell);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
  } catch {
    const inner = cell.trim().slice(1, -1).trim();
    if (!cell.trim().endsWith(']')) return undefined;
    if (!inner) return [];
    const out: string[] = [];
    const re = /\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*(,|$)/y;
    let m: RegExpExecArray | null;
    while (re.lastIndex < inner.length && (m = re.exec(inner))) {
      out.push((m[1] ?? m[2]!).replace(/\\(.)/g, '$1'));
      if (!m[3]) break;
    }
    return re.lastIndex === inner.length ? out : undefined;
  }
}
