/**
 * How many bytes a bulk build will write to the index, from the sizes of its inputs. sql.js keeps
 * the database in an in-memory file that grows by 1/8 at a time, copying itself each time (about 8x
 * its final size in copies); a file given room for the expected size (db.ts createEmptyIndex) is
 * written in place instead. The room is only touched where SQLite writes, so the factors are set a
 * little above the measured ratios of the finished index, its secondary indexes included (the bench's
 * project at 1M items: 223 MB from 68.8 MB of CSV, 3.24x; 613 MB with 493 MB of journals, 0.79x for
 * the events): an underestimate costs a growth step, a copy of the whole file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { globFiles } from '../ingest/globs';
import { listJournalFiles } from '../journal/files';
import type { ProjectDef } from '../model';

const TABLE_FACTOR = 3.5;
const JOURNAL_FACTOR = 0.85;
/** Below this the growth copies are negligible. */
export const MIN_SIZE_HINT = 4 * 1024 * 1024;
/** The room is allocated at once: past this, the last growth steps are left to SQLite. */
const MAX_SIZE_HINT = 1024 * 1024 * 1024;

function sizeOf(abs: string): number {
  try {
    return fs.statSync(abs).size;
  } catch {
    return 0;
  }
}

/** Expected index bytes (0 when too small to matter); never throws: scanning reports bad globs. */
export async function estimateIndexBytes(root: string, def: ProjectDef, signal?: AbortSignal): Promise<number> {
  return (await measureInputs(root, def, signal)).indexBytes;
}

/** The bytes of the table sources and the journals, and the index bytes expected from them (estimateIndexBytes). */
export async function measureInputs(root: string, def: ProjectDef, signal?: AbortSignal): Promise<{ tableBytes: number; journalBytes: number; indexBytes: number }> {
  let tableBytes = 0;
  for (const src of def.dataSources) {
    if (src.kind !== 'table') continue;
    try {
      for (const f of await globFiles(root, src.glob, signal)) tableBytes += sizeOf(path.join(root, f));
    } catch {
      // The scan reports it.
    }
  }
  let journalBytes = 0;
  for (const f of listJournalFiles(root, def.id)) journalBytes += sizeOf(f.abs);
  const bytes = Math.min(MAX_SIZE_HINT, Math.floor(TABLE_FACTOR * tableBytes + JOURNAL_FACTOR * journalBytes));
  return { tableBytes, journalBytes, indexBytes: bytes < MIN_SIZE_HINT ? 0 : bytes };
}
