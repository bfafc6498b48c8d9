/**
 * Incremental refresh: re-scan data sources; new -> items, vanished -> missing (labels kept), back ->
 * restored. The scan (async I/O) runs off the store's write chain; the differences are applied in short
 * steps of it (each one transaction of a few ms), so submits interleave.
 */
import { throwIfAborted } from '../errors';
import { scanSources, type ScannedItem } from '../ingest/scan';
import type { ProjectDef } from '../model';
import type { IndexDb } from './index-db';
import { SLICE_MS } from './time-slice';
import type { RefreshResult, StoreProgress } from './types';

/** Runs `fn` as one step of the store's write chain against the index in use (emitting what it changed). */
export type WriteStep = <T>(fn: (idx: IndexDb) => T) => Promise<T>;

/** Rows of the vanished-items pass per step. */
const MISSING_SLICE = 5_000;

function inTransaction<T>(idx: IndexDb, fn: () => T): T {
  idx.db.exec('BEGIN');
  try {
    const r = fn();
    idx.db.exec('COMMIT');
    return r;
  } catch (e) {
    idx.db.exec('ROLLBACK');
    throw e;
  }
}

/** Applies one scanned item; returns what it did. */
function applyScanned(idx: IndexDb, it: ScannedItem): 'added' | 'restored' | undefined {
  const row = idx.all<{ id: number; missing: number; text: string | null }>('SELECT id, missing, text FROM items WHERE key = ?', [it.key])[0];
  if (!row) {
    idx.insertItem(it);
    return 'added';
  }
  if ((it.text ?? null) !== row.text) {
    idx.run('UPDATE items SET text = ? WHERE id = ?', [it.text ?? null, row.id]);
    idx.noteTouched(row.id);
  }
  if (!row.missing) return undefined;
  idx.run('UPDATE items SET missing = 0, src = ? WHERE id = ?', [it.source, row.id]);
  idx.recomputeItem(row.id);
  return 'restored';
}

/**
 * Scans, then applies the differences step by step; a cancel stops between steps (each step is whole).
 * Stops early when the index was replaced meanwhile (a rebuild scans the sources itself).
 */
export async function refreshItems(
  root: string,
  def: ProjectDef,
  step: WriteStep,
  opts: { signal?: AbortSignal; onProgress?: (p: StoreProgress) => void },
): Promise<RefreshResult> {
  const scanned: ScannedItem[] = [];
  await scanSources(root, def.dataSources, (it) => scanned.push(it), opts);
  const result: RefreshResult = { added: 0, missing: 0, restored: 0, total: 0 };
  const keys = new Set<string>();
  let first: IndexDb | undefined;
  const same = (idx: IndexDb): boolean => (first ??= idx) === idx;
  let i = 0;
  while (i < scanned.length) {
    throwIfAborted(opts.signal);
    const ok = await step((idx) => {
      if (!same(idx)) return false;
      const end = performance.now() + SLICE_MS;
      inTransaction(idx, () => {
        do {
          const it = scanned[i++]!;
          keys.add(it.key);
          const did = applyScanned(idx, it);
          if (did) result[did]++;
        } while (i < scanned.length && performance.now() < end);
      });
      return true;
    });
    if (!ok) return result;
    opts.onProgress?.({ message: 'Comparing items', done: i, total: scanned.length });
  }
  let after = 0;
  for (;;) {
    throwIfAborted(opts.signal);
    const more = await step((idx) => {
      if (!same(idx)) return false;
      return inTransaction(idx, () => {
        const rows = idx.all<{ id: number; key: string }>('SELECT id, key FROM items WHERE missing = 0 AND id > ? ORDER BY id LIMIT ?', [after, MISSING_SLICE]);
        for (const r of rows) {
          if (keys.has(r.key)) continue;
          idx.run('UPDATE items SET missing = 1 WHERE id = ?', [r.id]);
          idx.recomputeItem(r.id);
          result.missing++;
        }
        if (rows.length) after = rows[rows.length - 1]!.id;
        return rows.length === MISSING_SLICE;
      });
    });
    if (!more) break;
  }
  result.total = await step((idx) => Number(idx.one('SELECT COUNT(*) FROM items', [])));
  return result;
}
