/**
 * The data-source scan of a bulk build, run in a worker thread (jobs/tasks.ts, stream 'scan-sources'):
 * files are globbed, read and parsed there (scanSources, the same code and the same errors as in the
 * main thread), and each item becomes a row of the items table as the bulk build inserts it:
 * (id, key, row, src, text, qorder), ids numbered in scan order from 1. Rows are encoded for binding
 * (store/row-encoding.ts) in chunks whose buffers are transferred, so the main thread binds them
 * without decoding a string; it decodes only the keys it must look up (items with journal events).
 */
import type { DataSource } from '../model';
import { queueOrder } from '../queue/order';
import { RowEncoder, transferList, type EncodedRows } from '../store/row-encoding';
import { scanSources, type Progress } from './scan';
import type { IdCheck } from './tables';

export interface ScanStreamInput {
  root: string;
  sources: DataSource[];
  /** The project's queueSeed (qorder). */
  seed: number;
  /** Rows per chunk. */
  chunkRows: number;
  /** How table rows' ids are checked (tables.ts): 'empty' when the receiver's unique key index finds duplicates. */
  ids?: IdCheck;
}

/** Columns of a scanned item row, in INSERT order. */
export const SCAN_ROW = { id: 0, key: 1, row: 2, src: 3, text: 4, qorder: 5 } as const;
export const SCAN_ROW_WIDTH = 6;

/** What the stream posts: rows, or the scan's progress between them. */
export type ScanChunk = { kind: 'rows'; rows: EncodedRows } | { kind: 'progress'; progress: Progress };

/** Scans the sources, posting the rows chunk by chunk; returns the number of items. */
export async function scanToChunks(input: ScanStreamInput, emit: (c: ScanChunk, transfer?: ArrayBuffer[]) => void): Promise<number> {
  const enc = new RowEncoder(SCAN_ROW_WIDTH, input.chunkRows, input.chunkRows * 96);
  let id = 0;
  const flush = (): void => {
    if (!enc.rows) return;
    const rows = enc.take();
    emit({ kind: 'rows', rows }, transferList(rows));
  };
  const n = await scanSources(
    input.root,
    input.sources,
    (it) => {
      enc.add([++id, it.key, it.row ?? null, it.source, it.text ?? null, queueOrder(input.seed, it.key)]);
      if (enc.full) flush();
    },
    {
      ...(input.ids ? { ids: input.ids } : {}),
      onProgress: (progress) => {
        // Rows scanned before a progress message go first: the message's count includes them.
        flush();
        emit({ kind: 'progress', progress });
      },
    },
  );
  flush();
  return n;
}
