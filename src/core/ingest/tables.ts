/** Table sources: CSV, TSV (csv-parse, never split on commas), JSONL and JSON arrays; one item per row. */
import { Parser, type Options } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import { LabelingError } from '../errors';
import { fastDelimited } from './fast-csv';
import { extensionOf } from './globs';

export interface TableRow {
  /** The id column value, or the 1-based row number. */
  row: string;
  text: string;
  /** 1-based line (JSONL), element index (JSON array) or record number (CSV/TSV) of the row. */
  line: number;
}

export interface TableOptions {
  textColumn: string;
  idColumn?: string;
}

/**
 * How ids are checked: 'all' (empty and duplicate ids are errors), or 'empty' only, for a reader that finds
 * duplicates another way and then reads again with 'all' to report one (the bulk build: the unique index on
 * item keys finds them, loader.ts; the Set of 1M ids was 1.1 of the scan's 2.4 s, scripts/bench-ingest-phases.ts).
 */
export type IdCheck = 'all' | 'empty';

/** Parses one table file's content; `file` is the workspace-relative path used in errors. */
export function parseTable(file: string, content: string | Buffer, opts: TableOptions, onRow: (r: TableRow) => void, ids: IdCheck = 'all'): void {
  const ext = extensionOf(file);
  if (ext === 'csv' || ext === 'tsv') parseDelimited(file, content, ext === 'tsv' ? '\t' : ',', opts, onRow, ids);
  else if (ext === 'jsonl' || ext === 'ndjson') parseJsonLines(file, String(content), opts, onRow, ids);
  else if (ext === 'json') parseJsonArray(file, String(content), opts, onRow, ids);
  else throw new LabelingError('invalid-input', `not a table file (expected .csv, .tsv, .jsonl or .json)`, { file });
}

class RowKeys {
  /** The ids so far; undefined when duplicates are not looked for (IdCheck 'empty'). */
  private readonly seen: Set<string> | undefined;
  private n = 0;
  constructor(
    private readonly file: string,
    private readonly idColumn: string | undefined,
    ids: IdCheck,
    /** Maps the position passed to next() to a file line (CSV records can span lines). */
    private readonly lineOf: (pos: number) => number = (pos) => pos,
  ) {
    this.seen = ids === 'all' ? new Set() : undefined;
  }
  next(idValue: unknown, pos: number): string {
    this.n++;
    if (this.idColumn === undefined) return String(this.n);
    if (idValue === undefined || idValue === null || idValue === '') {
      throw new LabelingError('invalid-input', 'empty id', { file: this.file, line: this.lineOf(pos), field: this.idColumn });
    }
    const id = String(idValue);
    if (!this.seen) return id;
    if (this.seen.has(id)) {
      throw new LabelingError('invalid-input', `duplicate id "${id}"`, { file: this.file, line: this.lineOf(pos), field: this.idColumn });
    }
    this.seen.add(id);
    return id;
  }
}

function textOf(v: unknown, file: string, line: number, field: string): string {
  if (v === undefined || v === null) throw new LabelingError('invalid-input', 'missing text column', { file, line, field });
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new LabelingError('invalid-input', 'text column is not a string', { file, line, field });
}

/** 1-based line where CSV record `index` starts (0 = header); only computed when reporting an error. */
function lineOfRecord(content: string | Buffer, delimiter: string, index: number): number {
  const withInfo = parse(content, { delimiter, bom: true, info: true, skip_empty_lines: true }) as unknown as {
    info: { lines: number };
  }[];
  return index === 0 ? 1 : (withInfo[index - 1]?.info.lines ?? 0) + 1;
}

/** Larger table files go through csv-parse, which reads the bytes without one whole-file string. */
const FAST_PATH_MAX_BYTES = 256 * 1024 * 1024;

/** csv-parse's push interface (what its stream Parser drives): records are handed over as parsed. */
interface PushParser {
  parse(data: Buffer | undefined, end: boolean, push: (record: string[]) => void, close: () => void): Error | undefined;
}

/**
 * Calls onRecord for each record without collecting them, in order, each once. Plain records take the
 * fast path (fast-csv.ts, ~5x faster); from the first record it cannot read on, csv-parse takes over
 * (its push interface: at 1M rows the record array of csv-parse/sync holds ~130 MB while the index is
 * written, and its on_record option costs 2x in speed).
 * Falls back to csv-parse/sync if this csv-parse version has no push interface.
 */
function eachRecord(content: string | Buffer, options: Options & { delimiter: string }, onRecord: (record: string[]) => void): void {
  // The fast path decodes the file into one string: only below V8's string limit (~512 MB), with margin.
  const decodable = typeof content === 'string' || content.length <= FAST_PATH_MAX_BYTES;
  const fast = decodable ? fastDelimited(typeof content === 'string' ? content : content.toString('utf8'), options.delimiter, onRecord) : 0;
  if (fast === true) return;
  // The fast path stopped at a record it cannot read: csv-parse reads the file again, the records handed over skipped.
  let skip = fast;
  const rest = (r: string[]): void => {
    if (skip > 0) skip--;
    else onRecord(r);
  };
  const api = (new Parser(options) as unknown as { api?: PushParser }).api;
  if (typeof api?.parse !== 'function') {
    for (const r of parse(content, options) as string[][]) rest(r);
    return;
  }
  const err = api.parse(typeof content === 'string' ? Buffer.from(content) : content, true, rest, () => undefined);
  if (err !== undefined) throw err;
}

function parseDelimited(file: string, content: string | Buffer, delimiter: string, opts: TableOptions, onRow: (r: TableRow) => void, ids: IdCheck): void {
  let header: string[] | undefined;
  let ti = -1;
  let ii = -1;
  let keys: RowKeys | undefined;
  let i = 0;
  let thrown: unknown;
  const onRecord = (record: string[]): void => {
    try {
      handle(record);
    } catch (e) {
      thrown = e;
      throw e;
    }
  };
  const handle = (record: string[]): void => {
    if (!header) {
      header = record;
      ti = header.indexOf(opts.textColumn);
      if (ti < 0) throw new LabelingError('invalid-input', `no column "${opts.textColumn}" in the header`, { file, line: 1, field: opts.textColumn });
      ii = opts.idColumn === undefined ? -1 : header.indexOf(opts.idColumn);
      if (opts.idColumn !== undefined && ii < 0) {
        throw new LabelingError('invalid-input', `no column "${opts.idColumn}" in the header`, { file, line: 1, field: opts.idColumn });
      }
      keys = new RowKeys(file, opts.idColumn, ids, (n) => lineOfRecord(content, delimiter, n));
      return;
    }
    i++;
    onRow({ row: keys!.next(ii < 0 ? undefined : record[ii], i), text: record[ti]!, line: i });
  };
  try {
    eachRecord(content, { delimiter, bom: true, skip_empty_lines: true, relax_column_count: false }, onRecord);
  } catch (e) {
    if (e === thrown) throw e; // from onRow or a header check, not from the CSV syntax
    const line = (e as { lines?: number }).lines;
    throw new LabelingError('invalid-input', `bad row: ${(e as Error).message}`, { file, line }, { cause: e });
  }
}

function rowOf(file: string, obj: unknown, line: number, opts: TableOptions, keys: RowKeys, onRow: (r: TableRow) => void): void {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw new LabelingError('invalid-input', 'a row must be a JSON object', { file, line });
  }
  const o = obj as Record<string, unknown>;
  const text = textOf(o[opts.textColumn], file, line, opts.textColumn);
  onRow({ row: keys.next(opts.idColumn === undefined ? undefined : o[opts.idColumn], line), text, line });
}

function parseJsonLines(file: string, content: string, opts: TableOptions, onRow: (r: TableRow) => void, ids: IdCheck): void {
  const keys = new RowKeys(file, opts.idColumn, ids);
  let start = content.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 0;
  while (start < content.length) {
    let end = content.indexOf('\n', start);
    if (end < 0) end = content.length;
    line++;
    const text = content.slice(start, end).trim();
    start = end + 1;
    if (!text) continue;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      throw new LabelingError('invalid-input', `invalid JSON (${(e as Error).message})`, { file, line }, { cause: e });
    }
    rowOf(file, obj, line, opts, keys, onRow);
  }
}

function parseJsonArray(file: string, content: string, opts: TableOptions, onRow: (r: TableRow) => void, ids: IdCheck): void {
  let arr: unknown;
  try {
    arr = JSON.parse(content.charCodeAt(0) === 0xfeff ? content.slice(1) : content);
  } catch (e) {
    throw new LabelingError('invalid-input', `invalid JSON (${(e as Error).message})`, { file }, { cause: e });
  }
  if (!Array.isArray(arr)) throw new LabelingError('invalid-input', 'expected a JSON array of objects', { file });
  const keys = new RowKeys(file, opts.idColumn, ids);
  // JSON arrays carry no reliable line numbers: the line reported is the 1-based element index.
  arr.forEach((o, i) => rowOf(file, o, i + 1, opts, keys, onRow));
}
