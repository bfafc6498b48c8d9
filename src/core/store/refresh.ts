/** Incremental refresh: re-scan data sources; new -> items, vanished -> missing (labels kept), back -> restored. */
import { scanSources, type ScannedItem } from '../ingest/scan';
import type { ProjectDef } from '../model';
import type { IndexDb } from './index-db';
import type { RefreshResult, StoreProgress } from './types';

export async function refreshItems(
  idx: IndexDb,
  root: string,
  def: ProjectDef,
  opts: { signal?: AbortSignal; onProgress?: (p: StoreProgress) => void },
): Promise<RefreshResult> {
  const scanned: ScannedItem[] = [];
  await scanSources(root, def.dataSources, (it) => scanned.push(it), opts);
  const result: RefreshResult = { added: 0, missing: 0, restored: 0, total: 0 };
  const seen = new Set<number>();
  idx.db.exec('BEGIN');
  try {
    for (const it of scanned) {
      const row = idx.all<{ id: number; missing: number; text: string | null }>('SELECT id, missing, text FROM items WHERE key = ?', [it.key])[0];
      if (!row) {
        seen.add(idx.insertItem(it));
        result.added++;
        continue;
      }
      seen.add(row.id);
      if ((it.text ?? null) !== row.text) {
        idx.run('UPDATE items SET text = ? WHERE id = ?', [it.text ?? null, row.id]);
        idx.noteTouched(row.id);
      }
      if (row.missing) {
        idx.run('UPDATE items SET missing = 0, src = ? WHERE id = ?', [it.source, row.id]);
        idx.recomputeItem(row.id);
        result.restored++;
      }
    }
    for (const { id } of idx.all<{ id: number }>('SELECT id FROM items WHERE missing = 0', [])) {
      if (seen.has(id)) continue;
      idx.run('UPDATE items SET missing = 1 WHERE id = ?', [id]);
      idx.recomputeItem(id);
      result.missing++;
    }
    idx.db.exec('COMMIT');
  } catch (e) {
    idx.db.exec('ROLLBACK');
    throw e;
  }
  result.total = Number(idx.one('SELECT COUNT(*) FROM items', []));
  return result;
}
