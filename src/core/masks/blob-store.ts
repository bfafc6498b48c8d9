/**
 * Mask blobs: each mask is stored once as its indexed-colour PNG (VOC palette) at
 * `<projectDir>/masks/<sha256 of the PNG bytes>.png`, so the journal holds only the hash, git stores
 * and deduplicates the file, and the file is itself a VOC SegmentationClass mask.
 *
 * A blob is written atomically (temp file beside it, fsync, rename) and never rewritten: a put of a
 * mask already stored keeps the file, only refreshing its modification time so that `collectMasks`
 * does not remove it before the journal entry naming it lands. A stored file whose bytes no longer
 * match its name (damaged on disk) is replaced by the good bytes. Reads verify the hash.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { ioError, LabelingError } from '../errors';
import { decodeIndexedPng, encodeIndexedPng } from './png-indexed';
import { checkClassIndices, checkPresentIndices, isBlobHash, maskAnnotationOf, presentClassNames, type ClassRaster, type MaskAnnotation } from './raster';

export { isBlobHash };

export const MASKS_DIR = 'masks';
/** Blobs younger than this are never collected: a mask being submitted is written before its journal entry. */
export const DEFAULT_GRACE_MS = 24 * 60 * 60 * 1000;

const BLOB_NAME = /^([0-9a-f]{64})\.png$/;
/** writeFileAtomic's temp files for a blob: `<sha>.png.<pid>.<ms>.<n>.tmp`. */
const TEMP_NAME = /^[0-9a-f]{64}\.png\.\d+\.\d+\.\d+\.tmp$/;

/** The path of a blob; throws on anything but 64 lowercase hex digits (a journal value must not pick the path). */
export function maskBlobPath(projectDir: string, sha: string): string {
  if (!isBlobHash(sha)) throw new LabelingError('invalid-input', `a mask blob is named by 64 lowercase hex digits (sha256), not "${String(sha).slice(0, 80)}"`);
  return path.join(projectDir, MASKS_DIR, `${sha}.png`);
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface PutResult {
  sha: string;
  file: string;
  bytes: number;
  /** False when the same blob was already stored. */
  written: boolean;
}

/**
 * Stores the raster's PNG; returns its hash. The same synchronous steps as putMaskSync: on the submit path a
 * mask is encoded, written and fsynced in one turn of the extension host rather than seven asynchronous hops,
 * each of which waited behind whatever else the host had queued (bench:ui mask-4000).
 */
export async function putMask(projectDir: string, raster: ClassRaster): Promise<PutResult> {
  return putMaskSync(projectDir, raster);
}

let syncCounter = 0;

/**
 * Stores the raster's PNG (also for the index build, which runs in one synchronous pass: store/mask-source.ts,
 * consensus majority masks). Written atomically: a temp file named as writeFileAtomic names it, fsync, rename.
 */
export function putMaskSync(projectDir: string, raster: ClassRaster): PutResult {
  const png = encodeIndexedPng(raster);
  const sha = sha256Hex(png);
  const file = maskBlobPath(projectDir, sha);
  let existing: Buffer | undefined;
  try {
    existing = fs.readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError('cannot read the mask blob', file, e);
  }
  if (existing && sha256Hex(existing) === sha) {
    const now = new Date();
    try {
      fs.utimesSync(file, now, now);
    } catch (e) {
      throw ioError('cannot touch the mask blob', file, e);
    }
    return { sha, file, bytes: png.length, written: false };
  }
  const tmp = `${file}.${process.pid}.${Date.now()}.${syncCounter++}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, png);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw ioError('cannot write', file, e);
  }
  return { sha, file, bytes: png.length, written: true };
}

/** getMask for the synchronous index build: the raster, or the same errors. */
export function getMaskSync(projectDir: string, sha: string): ClassRaster {
  const file = maskBlobPath(projectDir, sha);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new LabelingError('not-found', 'the mask blob is missing: the journal names it but the file is not there (was it left out of a commit?)', { file }, { cause: e });
    }
    throw ioError('cannot read the mask blob', file, e);
  }
  return verifiedRaster(bytes, sha, file);
}

function verifiedRaster(bytes: Uint8Array, sha: string, file: string): ClassRaster {
  const actual = sha256Hex(bytes);
  if (actual !== sha) {
    throw new LabelingError('invalid-input', `the mask blob is damaged: its sha256 is ${actual}, its name says ${sha}`, { file });
  }
  const { width, height, data } = decodeIndexedPng(bytes, file);
  return { width, height, data };
}

/**
 * The submit path: checks every pixel is unlabeled, a class of `labels` or (with `ignoreName`) ignore,
 * stores the mask and returns its journal annotation. `present`: the distinct indices of the raster when
 * the caller knows them (the runs it was decoded from), checked instead of every pixel.
 */
export async function storeMaskAnnotation(projectDir: string, raster: ClassRaster, labels: readonly string[], ignoreName?: string, present?: readonly number[]): Promise<{ annotation: MaskAnnotation; put: PutResult }> {
  if (present) checkPresentIndices(raster, present, labels.length, ignoreName !== undefined);
  else checkClassIndices(raster, labels.length, ignoreName !== undefined);
  const classes = presentClassNames(raster, labels, ignoreName, {}, present);
  const put = await putMask(projectDir, raster);
  return { annotation: maskAnnotationOf(raster.width, raster.height, put.sha, classes), put };
}

/** Reads a blob back: missing, damaged (hash mismatch) or undecodable blobs are errors naming the file. */
export async function getMask(projectDir: string, sha: string): Promise<ClassRaster> {
  const file = maskBlobPath(projectDir, sha);
  let bytes: Buffer;
  try {
    bytes = await fsp.readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new LabelingError('not-found', 'the mask blob is missing: the journal names it but the file is not there (was it left out of a commit?)', { file }, { cause: e });
    }
    throw ioError('cannot read the mask blob', file, e);
  }
  return verifiedRaster(bytes, sha, file);
}

export interface CollectOptions {
  /** Keep unreferenced blobs younger than this (default 24 h). */
  graceMs?: number;
  /** The clock, for tests. */
  now?: number;
}

/**
 * Removes the blobs no journal entry references any more, once older than the grace period. Only
 * files this store writes are touched: `<64 hex>.png` blobs and its own stale `<64 hex>.png.*.tmp`
 * temp files; anything else in the folder stays. Returns the removed file names.
 */
export async function collectMasks(projectDir: string, referenced: ReadonlySet<string>, opts: CollectOptions = {}): Promise<string[]> {
  const dir = path.join(projectDir, MASKS_DIR);
  const graceMs = opts.graceMs ?? DEFAULT_GRACE_MS;
  const now = opts.now ?? Date.now();
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw ioError('cannot list the mask blobs', dir, e);
  }
  const removed: string[] = [];
  for (const name of names.sort()) {
    const blob = BLOB_NAME.exec(name);
    if (blob ? referenced.has(blob[1]!) : !TEMP_NAME.test(name)) continue;
    const file = path.join(dir, name);
    let st;
    try {
      st = await fsp.lstat(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw ioError('cannot read the mask blob', file, e);
    }
    if (!st.isFile() || now - st.mtimeMs < graceMs) continue;
    try {
      await fsp.unlink(file);
      removed.push(name);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError('cannot remove the unreferenced mask blob', file, e);
    }
  }
  return removed;
}
