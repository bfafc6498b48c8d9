import { parse } from 'csv-parse/sync';
import { promises as fsp } from 'node:fs';
import { labelList } from '../../core/formats/csv-import';

const HEAD_BYTES = 256 * 1024;

/**
 * Column names of a table file, for the create-project picker: the CSV/TSV header, or the keys of the
 * first JSONL object / first element of a JSON array. Reads at most the first 256 KB.
 */
export async function tableColumns(file: string): Promise<string[]> {
  const { head } = await readHeadOf(file);
  const lower = file.toLowerCase();
  if (lower.endsWith('.csv') || lower.endsWith('.tsv')) {
    const rows = parse(head, { delimiter: lower.endsWith('.tsv') ? '\t' : ',', to_line: 1, relax_column_count: true }) as string[][];
    return rows[0]?.map((c) => c.trim()).filter(Boolean) ?? [];
  }
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) {
    const first = head.split(/\r?\n/).find((l) => l.trim());
    return first ? keysOf(JSON.parse(first)) : [];
  }
  // JSON array: find the first complete object in the head.
  const start = head.indexOf('{');
  if (start < 0) return [];
  let depth = 0;
  let inString = false;
  for (let i = start; i < head.length; i++) {
    const c = head[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return keysOf(JSON.parse(head.slice(start, i + 1)));
  }
  return [];
}

function keysOf(v: unknown): string[] {
  return v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v) : [];
}

/** The first 256 KB of a file as text, without a BOM, and whether that is the whole file. */
async function readHeadOf(file: string): Promise<{ head: string; whole: boolean }> {
  const fh = await fsp.open(file, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return { head: buf.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, ''), whole: bytesRead < buf.length };
  } finally {
    await fh.close();
  }
}

/** A column that already holds labels, as found in the first rows of a CSV. */
export interface LabelColumn {
  column: string;
  /** Its distinct labels in the rows read (JSON or Python lists count each name), in order of first use. */
  values: string[];
  /** Rows read; a large file is sampled from its first 256 KB. */
  rows: number;
}

/** Column names that say "label" (alone or as a word of the name: `label`, `true_label`, `Sentiment`, `class_name`; `y` alone). */
const LABEL_WORDS = new Set(['label', 'labels', 'class', 'classes', 'category', 'categories', 'sentiment', 'tag', 'tags', 'target', 'annotation', 'gold']);
const saysLabel = (column: string) => column.toLowerCase() === 'y' || column.split(/[^A-Za-z]+|(?<=[a-z])(?=[A-Z])/).some((w) => LABEL_WORDS.has(w.toLowerCase()));
const MAX_CLASSES = 50;

/**
 * Columns of a CSV or TSV whose name says label and whose values look like classes: short names, at
 * most 50 distinct ones, repeated across rows (an id or free-text column is not a label column).
 */
export async function labelColumns(file: string, exclude: readonly string[] = []): Promise<LabelColumn[]> {
  const lower = file.toLowerCase();
  if (!lower.endsWith('.csv') && !lower.endsWith('.tsv')) return [];
  const { head, whole } = await readHeadOf(file);
  // Drop a last line the 256 KB cut may have split.
  const text = whole ? head : head.slice(0, Math.max(0, head.lastIndexOf('\n')));
  let rows: Record<string, string>[];
  try {
    rows = parse(text, { columns: true, delimiter: lower.endsWith('.tsv') ? '\t' : ',', skip_empty_lines: true, relax_column_count: true, relax_quotes: true });
  } catch {
    return []; // a head the parser refuses: no suggestion (the import itself reports such files precisely)
  }
  if (rows.length < 2) return [];
  const out: LabelColumn[] = [];
  for (const column of Object.keys(rows[0]!)) {
    if (exclude.includes(column) || !saysLabel(column)) continue;
    const values = classesIn(rows.map((r) => r[column] ?? ''));
    if (values) out.push({ column, values, rows: rows.length });
  }
  return out;
}

/** The distinct classes of a column's cells, or undefined when they do not look like classes. */
function classesIn(cells: string[]): string[] | undefined {
  const seen = new Set<string>();
  let filled = 0;
  for (const raw of cells) {
    const cell = raw.trim();
    if (!cell) continue;
    filled++;
    const names = cell.startsWith('[') ? labelList(cell) : [cell];
    if (!names) return undefined;
    for (const n of names) {
      if (n.length > 64 || /[\r\n]/.test(n)) return undefined;
      seen.add(n);
      if (seen.size > MAX_CLASSES) return undefined;
    }
  }
  // Classes repeat: fewer distinct values than half the filled rows (2 rows, 1 class is fine).
  return filled >= 2 && seen.size > 0 && seen.size <= Math.max(1, filled / 2) ? [...seen] : undefined;
}
