import { parse } from 'csv-parse/sync';
import { promises as fsp } from 'node:fs';

/**
 * Column names of a table file, for the create-project picker: the CSV/TSV header, or the keys of the
 * first JSONL object / first element of a JSON array. Reads at most the first 256 KB.
 */
export async function tableColumns(file: string): Promise<string[]> {
  const fh = await fsp.open(file, 'r');
  let head: string;
  try {
    const buf = Buffer.alloc(256 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    head = buf.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '');
  } finally {
    await fh.close();
  }
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
