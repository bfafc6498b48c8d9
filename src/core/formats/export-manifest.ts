/**
 * What an export wrote, so that the next one replaces only that. `<destination>/.labeling-export/
 * <format>.sha256` lists every file of the last export in that format with its SHA-256, in the
 * `sha256sum` format (`cd <destination> && sha256sum -c .labeling-export/coco.sha256` checks them).
 *
 * Installing a staged export (under the destination's commit lock):
 * - a staged file whose path is free is moved in (a whole folder when its folder is free);
 * - a file already there is replaced only when a manifest lists it with its current hash, so neither
 *   a user's own file nor a file the user edited after an export is ever overwritten (a file that
 *   already holds exactly the new bytes is left as it is and counts as written);
 * - files of the previous export in that format that this one no longer writes are removed, again
 *   only when unchanged; nothing else in the destination is touched (never a whole folder);
 * - anything else in the way refuses the export before a single file moves, naming the path.
 * The new manifest is written as `<format>.sha256.pending` before files move and renamed into place
 * after, so an export killed half-way leaves hashes the next export reconciles with what is on disk.
 */
import { createHash } from 'node:crypto';
import { createReadStream, type Dirent, type Stats } from 'node:fs';
import { lstat, readFile, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ioError, LabelingError, throwIfAborted } from '../errors';
import { withCommitLock } from './export-owner';

export const META_DIR = '.labeling-export';
const PENDING = '.pending';

/** Path ('/'-separated, relative to the destination) -> SHA-256 in hex. */
export type Manifest = Map<string, string>;

const LINE = /^(\\?)([0-9a-f]{64}) [ *](.*)$/;

/** `sha256sum` lines, sorted by path; names with `\` or a newline are escaped as sha256sum does. */
export function encodeManifest(m: Manifest): string {
  const lines: string[] = [];
  for (const path of [...m.keys()].sort()) {
    const escaped = /[\\\n\r]/.test(path);
    const name = escaped ? path.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : path;
    lines.push(`${escaped ? '\\' : ''}${m.get(path)!}  ${name}\n`);
  }
  return lines.join('');
}

export function parseManifest(text: string, file: string): Manifest {
  const m: Manifest = new Map();
  text.split('\n').forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw; // checked out with CRLF; a CR in a name is escaped
    if (!line) return;
    const match = LINE.exec(line);
    if (!match) {
      throw new LabelingError('invalid-input', 'not a line of an export manifest ("<sha256>  <path>"); delete the manifest to start over', { file, line: i + 1 });
    }
    const name = match[1] ? match[3]!.replace(/\\(\\|n|r)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : '\\')) : match[3]!;
    m.set(name, match[2]!);
  });
  return m;
}

export async function readManifest(file: string): Promise<Manifest> {
  try {
    return parseManifest(await readFile(file, 'utf8'), file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw e;
  }
}

async function writeManifest(file: string, m: Manifest): Promise<void> {
  await writeFile(`${file}.tmp`, encodeManifest(m));
  await rename(`${file}.tmp`, file);
}

/** SHA-256 of a file; `size` (when known) lets small files be read in one call (re-exports of YOLO, VOC). */
export async function hashFile(path: string, size = Infinity): Promise<string> {
  const hash = createHash('sha256');
  if (size < 1 << 20) return hash.update(await readFile(path)).digest('hex');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * SHA-256 of a file with CRLF read as LF: a file git checked out with CRLF line endings (core.autocrlf
 * on Windows) is still the file the export wrote.
 */
export async function hashFileLf(path: string): Promise<string> {
  const hash = createHash('sha256');
  const CR = Buffer.from('\r');
  let carry = false; // the previous chunk ended with CR
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    let buf = chunk as Buffer;
    if (carry && buf[0] !== 0x0a) hash.update(CR);
    carry = buf[buf.length - 1] === 0x0d;
    if (carry) buf = buf.subarray(0, -1);
    hash.update(Buffer.from(buf.toString('latin1').replace(/\r\n/g, '\n'), 'latin1'));
  }
  if (carry) hash.update(CR);
  return hash.digest('hex');
}

/** Whether the file's content is one of `hashes` (as written, or with its CRLF line endings read as LF). */
async function isOneOf(path: string, size: number, hashes: readonly string[], raw?: string): Promise<boolean> {
  if (!hashes.length) return false;
  if (hashes.includes(raw ?? (await hashFile(path, size)))) return true;
  return hashes.includes(await hashFileLf(path));
}

const lstatOrNone = (path: string): Promise<Stats | undefined> =>
  lstat(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });

const onDisk = (dest: string, rel: string): string => join(dest, ...rel.split('/'));

/** Whether the file at `path` is a regular file with this hash. */
async function holds(path: string, hash: string): Promise<boolean> {
  const st = await lstatOrNone(path);
  return !!st?.isFile() && (await isOneOf(path, st.size, [hash]));
}

/** Folds the pending manifests a killed export left into the real ones, keeping what is on disk. */
async function settlePending(dest: string, meta: string): Promise<void> {
  for (const name of (await readdir(meta)).filter((n) => n.endsWith(`.sha256${PENDING}`)).sort()) {
    const file = join(meta, name.slice(0, -PENDING.length));
    const current = await readManifest(file);
    for (const [rel, hash] of await readManifest(join(meta, name))) {
      if (current.get(rel) !== hash && (await holds(onDisk(dest, rel), hash))) current.set(rel, hash);
    }
    await writeManifest(file, current);
    await rm(join(meta, name), { force: true });
  }
}

/** How many files are checked or moved at once (a re-export of YOLO or VOC touches one file per image). */
const PARALLEL = 32;

/** Runs `fn` over `items` with at most `n` calls in flight. */
async function eachLimit<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

const order = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

interface Conflict {
  rel: string;
  why: string;
}

const WHY = {
  foreign: `is in the way and is not listed in ${META_DIR}/ as a file an export wrote`,
  changed: 'was changed after the last export',
  stale: 'was changed after the last export, which wrote it; this export would remove it',
  kind: (st: Stats): string => `is in the way (${st.isDirectory() ? 'a folder' : st.isSymbolicLink() ? 'a symbolic link' : 'not a plain file'})`,
};

export interface InstallRequest {
  format: string;
  destDir: string;
  stagingDir: string;
  /** Every staged file with its hash. */
  written: Manifest;
  signal?: AbortSignal;
}

/** Moves a staged export into place (see the module comment); returns its top-level names. */
export async function install(req: InstallRequest): Promise<string[]> {
  const dest = req.destDir;
  const meta = join(dest, META_DIR);
  return withCommitLock(meta, async () => {
    try {
      return await installLocked(req, meta);
    } catch (e) {
      throw ioError('cannot move the export into place', dest, e);
    }
  }, req.signal);
}

async function installLocked(req: InstallRequest, meta: string): Promise<string[]> {
  const { destDir: dest, stagingDir: staging } = req;
  await settlePending(dest, meta);
  const manifests = new Map<string, Manifest>();
  for (const n of (await readdir(meta)).filter((x) => x.endsWith('.sha256'))) manifests.set(n, await readManifest(join(meta, n)));
  const previous = manifests.get(`${req.format}.sha256`) ?? new Map<string, string>();
  const recorded = (rel: string): string[] => [...manifests.values()].map((m) => m.get(rel)).filter((h) => h !== undefined);

  const moves: string[] = [];
  const removes: string[] = [];
  const conflicts: Conflict[] = [];
  const visit = async (rel: string, entry: Dirent): Promise<void> => {
    const st = await lstatOrNone(onDisk(dest, rel));
    if (!st) moves.push(rel);
    else if (entry.isDirectory() && st.isDirectory()) {
      const children = await readdir(onDisk(staging, rel), { withFileTypes: true });
      await eachLimit(children, PARALLEL, (c) => visit(`${rel}/${c.name}`, c));
    } else if (entry.isDirectory() || !st.isFile()) conflicts.push({ rel, why: WHY.kind(st) });
    else {
      const path = onDisk(dest, rel);
      const hash = await hashFile(path, st.size);
      const known = recorded(rel);
      // The very bytes this export wrote (also a file of an earlier version's export): left as it is.
      if (hash === req.written.get(rel)) return;
      if (await isOneOf(path, st.size, known, hash)) moves.push(rel);
      else conflicts.push({ rel, why: known.length ? WHY.changed : WHY.foreign });
    }
  };
  const top = (await readdir(staging, { withFileTypes: true })).sort((a, b) => order(a.name, b.name));
  for (const e of top) await visit(e.name, e);
  const gone = [...previous].filter(([rel]) => !req.written.has(rel));
  await eachLimit(gone, PARALLEL, async ([rel, hash]) => {
    const st = await lstatOrNone(onDisk(dest, rel));
    if (!st) return;
    if (await holds(onDisk(dest, rel), hash)) removes.push(rel);
    else conflicts.push({ rel, why: WHY.stale });
  });
  if (conflicts.length) throw conflictError(dest, conflicts.sort((a, b) => order(a.rel, b.rel)));
  throwIfAborted(req.signal);

  const manifest = join(meta, `${req.format}.sha256`);
  await writeManifest(manifest + PENDING, req.written);
  await eachLimit(moves, PARALLEL, (rel) => rename(onDisk(staging, rel), onDisk(dest, rel)));
  await eachLimit(removes, PARALLEL, (rel) => rm(onDisk(dest, rel), { force: true }));
  await pruneEmptyFolders(dest, removes);
  await writeManifest(manifest, req.written);
  await rm(manifest + PENDING, { force: true });
  return top.map((e) => e.name);
}

function conflictError(dest: string, conflicts: Conflict[]): LabelingError {
  const [first] = conflicts;
  const more = conflicts.length > 1 ? ` (and ${conflicts.length - 1} more)` : '';
  return new LabelingError(
    'conflict',
    `${first!.why}${more}. Nothing was written: export into another folder, or move it away and export again`,
    { file: onDisk(dest, first!.rel) },
  );
}

/** Removes the folders that removed files leave empty, bottom up, up to (not including) the destination. */
async function pruneEmptyFolders(dest: string, removed: readonly string[]): Promise<void> {
  const parent = (rel: string): string => rel.slice(0, Math.max(0, rel.lastIndexOf('/')));
  let level = new Set(removed.map(parent).filter(Boolean));
  while (level.size) {
    const up = new Set<string>();
    for (const dir of level) {
      const removedDir = await rmdir(onDisk(dest, dir)).then(
        () => true,
        () => false, // not empty (a user's file, or files this export wrote)
      );
      if (removedDir && parent(dir)) up.add(parent(dir));
    }
    level = up;
  }
}
