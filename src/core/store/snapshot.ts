/**
 * Index snapshots: .labeling/.cache/<id>/index.sqlite, written atomically (temp file + rename). What
 * the index has read of each journal (marks.ts) and the journal problems travel inside it, in the
 * meta table, so a snapshot can never be paired with another process's marks. Snapshots of format 1
 * (marks in a separate index.json) are not read: the index is rebuilt once, and index.json removed.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Database, SqlJsStatic } from 'sql.js';
import type { ProjectDef } from '../model';
import { readWholeFile, writeFileAtomic } from '../project/fsutil';
import type { FileMark } from '../journal/marks';
import type { JournalProblem } from '../journal/reader';
import { getMeta, openSnapshot, scalar, setMeta } from './db';
import { LabelingError } from '../errors';
import { headroomBytes, withFreePages } from './headroom';
import { SCHEMA_VERSION } from './schema';
import { CONSENSUS_RULE_VERSION } from './agreement';

/** 3: marks carry the versions their lines were written with (team/versions.ts); a format 2 snapshot is rebuilt once to read them. */
export const SNAPSHOT_FORMAT = 3;

export interface SnapshotMeta {
  format: typeof SNAPSHOT_FORMAT;
  schema: number;
  /** Hash of the parts of project.json the index depends on. */
  defHash: string;
  /** The label names of project.json the index was built with (known-labels.ts). */
  labels: string[];
  files: Record<string, FileMark>;
  problems: JournalProblem[];
  savedAt: string;
}

export const SNAPSHOT_FILE = 'index.sqlite';
/** Where format 1 kept the marks; removed when a snapshot is saved. */
const OLD_SIDECAR_FILE = 'index.json';
const META_KEY = 'snapshot';

/** What the index depends on: a change in any of these means a rebuild. */
export function indexDefHash(def: ProjectDef): string {
  // The ignore class (semantic segmentation) decides which mask lines are counted; absent, the hash is as before it existed.
  const basis = { s: SCHEMA_VERSION, t: def.type, d: def.dataSources, c: def.consensus, q: def.queueSeed, r: def.roles ?? null, k: CONSENSUS_RULE_VERSION, ...(def.ignoreLabel !== undefined ? { i: def.ignoreLabel } : {}) };
  return createHash('sha1').update(JSON.stringify(basis)).digest('hex');
}

/**
 * Writes the index with `meta` inside it: one file, one rename. Returns its size. The bytes written are the
 * database's in-memory file itself (fileImage) where sql.js offers it, else export()'s copy. The caller
 * makes no write to `db` until this resolves (the store saves inside its serialized writes); a write that
 * does come anyway is caught before the rename, and the snapshot is then not saved.
 */
export async function saveSnapshot(dir: string, db: Database, meta: SnapshotMeta): Promise<number> {
  // In a transaction of its own: BEGIN fails when one is open, whose pages the file would not have yet.
  db.exec('BEGIN');
  try {
    setMeta(db, META_KEY, JSON.stringify(meta));
    db.exec('COMMIT');
  } catch (e) {
    try {
      db.exec('ROLLBACK');
    } catch {
      // a failed COMMIT may have ended the transaction already; the first error is the one to report
    }
    throw e;
  }
  const file = path.join(dir, SNAPSHOT_FILE);
  const image = fileImage(db);
  let size: number;
  if (image) {
    const before = writeMark(db);
    await writeFileAtomic(file, image, {
      beforeRename: () => {
        if (writeMark(db) !== before) throw new LabelingError('conflict', 'the index was written to while its snapshot was being saved; the snapshot is left as it was');
      },
    });
    size = image.byteLength;
  } else {
    const bytes = db.export();
    await writeFileAtomic(file, bytes);
    size = bytes.byteLength;
  }
  await fs.promises.rm(path.join(dir, OLD_SIDECAR_FILE), { force: true });
  return size;
}

/**
 * The database as sql.js keeps it, in a file of Emscripten's in-memory file system: a view of that file's
 * bytes (`Database.fileImage`, added to sql.js by scripts/patch-sql-js.mjs), not a copy, so it changes with
 * the next write. export() copies every page through SQLite's backup API into a new buffer of the database's
 * size, which at 1M items is 600 MB of fresh memory touched on every save. After a commit the file is the
 * database (journal_mode MEMORY: no journal in it; the pages SQLite caches are written at commit); its bytes
 * differ from export()'s only in the header's change counters and in the contents of free pages. undefined
 * when sql.js lacks the method or the file is not a rollback-journal database of `page_count` pages.
 */
export function fileImage(db: Database): Uint8Array | undefined {
  const image = (db as Database & { fileImage?: () => Uint8Array }).fileImage?.();
  if (!image) return undefined;
  const size = Number(scalar(db, 'PRAGMA page_size')) * Number(scalar(db, 'PRAGMA page_count'));
  if (!(size > 0) || image.length < size || image[18] !== 1 || image[19] !== 1) return undefined;
  return image.subarray(0, size);
}

/** Changes when the database's pages may have: rows written (triggers' too) or the schema changed. */
function writeMark(db: Database): string {
  return `${String(scalar(db, 'SELECT total_changes()'))}/${String(scalar(db, 'PRAGMA schema_version'))}`;
}

/** The snapshot's database and what it covers; undefined when missing, unreadable, of another format or definition. */
export async function loadSnapshot(SQL: SqlJsStatic, dir: string, defHash: string): Promise<{ db: Database; meta: SnapshotMeta } | undefined> {
  let bytes: Uint8Array;
  try {
    let size = 0;
    const read = await readWholeFile(path.join(dir, SNAPSHOT_FILE), { spare: (s) => headroomBytes((size = s)) });
    bytes = withFreePages(read, size);
  } catch {
    return undefined;
  }
  let db: Database | undefined;
  try {
    db = openSnapshot(SQL, bytes);
    const text = db && getMeta(db, META_KEY);
    const meta = text ? (JSON.parse(text) as SnapshotMeta) : undefined;
    if (db && meta && meta.format === SNAPSHOT_FORMAT && meta.schema === SCHEMA_VERSION && meta.defHash === defHash) return { db, meta };
  } catch {
    // not a database of ours: rebuild
  }
  db?.close();
  return undefined;
}
