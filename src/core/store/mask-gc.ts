/**
 * Collecting mask blobs (semantic segmentation). The journals are append-only: a voided, replaced or
 * rejected mask's submit line still names its blob, and replay must be able to show it, so a blob a
 * journal line names is never removed. What goes is what no line and no index row names, once past
 * collectMasks' grace period (24 h): consensus majorities the index no longer holds as a final (a new
 * submit changed the majority), and blobs of submits whose journal append never happened (a conflict,
 * a crash between the blob and the line). Run in the idle snapshot (ProjectStore.saveSnapshot), so it
 * never delays a submit; the names come from the journal files as they are on disk (lines of every
 * labeler, corrupt, newer or left-out ones included) and from items.final.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Database } from 'sql.js';
import { collectMasks, type CollectOptions } from '../masks/blob-store';
import { journalDir } from '../project/paths';
import { unpackAnnText } from './ann-text';

const BLOB = /"blob":"([0-9a-f]{64})"/g;

function addBlobs(text: string, into: Set<string>): void {
  for (const m of text.matchAll(BLOB)) into.add(m[1]!);
}

/** The blobs the journal files of a project name (every `"blob":"<sha>"` in them). */
export function journalMaskBlobs(root: string, id: string): Set<string> {
  const out = new Set<string>();
  const dir = journalDir(root, id);
  let files: string[];
  try {
    files = (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.jsonl'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return out;
    throw e;
  }
  for (const f of files) addBlobs(fs.readFileSync(path.join(dir, f), 'utf8'), out);
  return out;
}

/** The blobs of the index's final annotations (majority masks among them). */
export function finalMaskBlobs(db: Database): Set<string> {
  const out = new Set<string>();
  const st = db.prepare('SELECT final FROM items WHERE final IS NOT NULL');
  try {
    while (st.step()) addBlobs(unpackAnnText(st.get()[0] as string), out);
  } finally {
    st.free();
  }
  return out;
}

/** Removes the project's unreferenced mask blobs; returns their file names. */
export async function collectProjectMasks(root: string, id: string, projectDir: string, db: Database, opts: CollectOptions = {}): Promise<string[]> {
  const referenced = journalMaskBlobs(root, id);
  for (const b of finalMaskBlobs(db)) referenced.add(b);
  return collectMasks(projectDir, referenced, opts);
}
