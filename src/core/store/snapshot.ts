/**
 * Index snapshots: .labeling/.cache/<id>/index.sqlite (db.export(), written atomically) and a sidecar
 * recording, per journal file, how far it was read and hashes of the first/last read bytes, so a
 * rewritten journal (git checkout, rebase) is detected and the index rebuilt.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Database } from 'sql.js';
import type { ProjectDef } from '../model';
import { writeFileAtomic } from '../project/fsutil';
import { journalFingerprint, type JournalPosition, type JournalProblem } from '../journal/reader';
import { SCHEMA_VERSION } from './schema';

export interface FileMark extends JournalPosition {
  head: string;
  tail: string;
}

export interface Sidecar {
  format: 1;
  schema: number;
  /** Hash of the parts of project.json the index depends on. */
  defHash: string;
  files: Record<string, FileMark>;
  problems: JournalProblem[];
  savedAt: string;
}

export const SNAPSHOT_FILE = 'index.sqlite';
export const SIDECAR_FILE = 'index.json';

/** What the index depends on: a change in any of these means a rebuild. */
export function indexDefHash(def: ProjectDef): string {
  const basis = { s: SCHEMA_VERSION, t: def.type, d: def.dataSources, c: def.consensus, q: def.queueSeed };
  return createHash('sha1').update(JSON.stringify(basis)).digest('hex');
}

export function markOf(absFile: string, pos: JournalPosition): FileMark {
  return { ...pos, ...journalFingerprint(absFile, pos.offset) };
}

/** True when the file still starts with the bytes that were read (same offset, same hashes). */
export function markStillValid(absFile: string, mark: FileMark): boolean {
  try {
    if (fs.statSync(absFile).size < mark.offset) return false;
    const fp = journalFingerprint(absFile, mark.offset);
    return fp.head === mark.head && fp.tail === mark.tail;
  } catch {
    return false;
  }
}

export async function saveSnapshot(dir: string, db: Database, sidecar: Sidecar): Promise<number> {
  const bytes = db.export();
  await writeFileAtomic(path.join(dir, SNAPSHOT_FILE), bytes);
  // The sidecar goes second: if we crash in between, the tail is replayed again, which is idempotent.
  await writeFileAtomic(path.join(dir, SIDECAR_FILE), JSON.stringify(sidecar));
  return bytes.byteLength;
}

export function loadSnapshot(dir: string, defHash: string): { bytes: Uint8Array; sidecar: Sidecar } | undefined {
  try {
    const sidecar = JSON.parse(fs.readFileSync(path.join(dir, SIDECAR_FILE), 'utf8')) as Sidecar;
    if (sidecar.format !== 1 || sidecar.schema !== SCHEMA_VERSION || sidecar.defHash !== defHash) return undefined;
    return { bytes: fs.readFileSync(path.join(dir, SNAPSHOT_FILE)), sidecar };
  } catch {
    return undefined;
  }
}
