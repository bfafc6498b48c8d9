/** Scans a project's data sources into items (keys, refs, text for table rows). */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LabelingError, throwIfAborted } from '../errors';
import { itemKey, type DataSource } from '../model';
import { extensionOf, globFiles, IMAGE_EXTENSIONS } from './globs';
import { parseTable, type IdCheck } from './tables';

export interface ScannedItem {
  key: string;
  path: string;
  row?: string;
  /** Index of the data source in def.dataSources. */
  source: number;
  /** Text of table rows (text files are read when shown). */
  text?: string;
}

export interface Progress {
  message: string;
  done?: number;
  total?: number;
}
export type ProgressCallback = (p: Progress) => void;

export interface ScanOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** Awaited after each table file and every PAUSE_EVERY files of a folder (a background build writes what it got). */
  pause?: () => Promise<void>;
  /** How table rows' ids are checked (tables.ts); 'all' unless the caller finds duplicate keys itself. */
  ids?: IdCheck;
}

const PAUSE_EVERY = 2048;

/**
 * Calls onItem for every item of every source, sources in order, files sorted. A key produced by
 * two sources is reported once (first source wins). Throws LabelingError naming file and line for a
 * bad row; honours the AbortSignal between files and every 10,000 rows.
 */
export async function scanSources(
  root: string,
  sources: readonly DataSource[],
  onItem: (item: ScannedItem) => void,
  opts: ScanOptions = {},
): Promise<number> {
  // Keys are unique within one source (sorted unique paths, unique row ids): only several sources can repeat one.
  const seen = sources.length > 1 ? new Set<string>() : undefined;
  let count = 0;
  const emit = (item: ScannedItem): void => {
    if (seen) {
      if (seen.has(item.key)) return;
      seen.add(item.key);
    }
    onItem(item);
    count++;
    if (count % 10000 === 0) {
      throwIfAborted(opts.signal);
      opts.onProgress?.({ message: `Indexed ${count} items`, done: count });
    }
  };
  for (let s = 0; s < sources.length; s++) {
    const src = sources[s]!;
    throwIfAborted(opts.signal);
    let files: string[];
    try {
      files = await globFiles(root, src.glob, opts.signal);
    } catch (e) {
      if (e instanceof LabelingError) throw new LabelingError(e.reason, e.message, { field: `dataSources[${s}].glob` });
      throw e;
    }
    opts.onProgress?.({ message: `Found ${files.length} files for ${src.glob}`, done: count });
    const { pause } = opts;
    if (src.kind === 'images' || src.kind === 'text-files') {
      const images = src.kind === 'images';
      for (let i = 0; i < files.length; i++) {
        const f = files[i]!;
        if (!images || IMAGE_EXTENSIONS.includes(extensionOf(f))) emit({ key: f, path: f, source: s });
        if (pause && i % PAUSE_EVERY === PAUSE_EVERY - 1) await pause();
      }
    } else {
      for (const f of files) {
        throwIfAborted(opts.signal);
        const content = await fsp.readFile(path.join(root, f));
        parseTable(f, content, src, (r) => emit({ key: itemKey({ path: f, row: r.row }), path: f, row: r.row, source: s, text: r.text }), opts.ids);
        if (pause) await pause();
      }
    }
  }
  opts.onProgress?.({ message: `Indexed ${count} items`, done: count, total: count });
  return count;
}
