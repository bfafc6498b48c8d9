/**
 * Exclusive locks of journal files, one lock file per journal file under .labeling/.cache/ (never in
 * the tracked journal folder). A lock file is created atomically (open 'wx') and holds its owner's pid,
 * host name and a random token. A lock whose owner is gone (same host, pid not alive; or our own pid
 * with a token this process does not hold: a crashed earlier run whose pid was reused) is stale and is
 * taken over. Taking over happens under a second lock (`<lock>.break`, also 'wx') and only after the
 * stale file is seen unchanged (inode, mtime, content), so a live owner's lock is never removed.
 * Locks are released on close and, synchronously, when the process exits.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ioError } from '../errors';

export interface LockOwner {
  pid: number;
  host: string;
  token: string;
  at: string;
}

/** A lock file whose content is still being written is taken as held for this long. */
const WRITING_GRACE_MS = 10_000;

const held = new Map<string, FileLock>();
let exitHookInstalled = false;

export class FileLock {
  private released = false;
  constructor(
    readonly file: string,
    readonly owner: LockOwner,
  ) {}

  /** Removes the lock file if it is still ours. Never throws. */
  release(): void {
    if (this.released) return;
    this.released = true;
    held.delete(this.owner.token);
    try {
      if (parseOwner(fs.readFileSync(this.file, 'utf8'))?.token === this.owner.token) fs.unlinkSync(this.file);
    } catch {
      // gone already, or the cache folder was removed: nothing to release
    }
  }
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to another user). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.token === 'string') return o as LockOwner;
  } catch {
    // partial or foreign content
  }
  return undefined;
}

interface Seen {
  text: string;
  ino: bigint;
  mtimeNs: bigint;
}

/** The lock file as it is now, or undefined when there is none. */
function look(file: string): Seen | undefined {
  try {
    const st = fs.statSync(file, { bigint: true });
    return { text: fs.readFileSync(file, 'utf8'), ino: st.ino, mtimeNs: st.mtimeNs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioError('cannot read the lock', file, e);
  }
}

/** Whether the owner recorded in a lock file is gone. */
function isStale(seen: Seen): boolean {
  const owner = parseOwner(seen.text);
  if (!owner) return Date.now() - Number(seen.mtimeNs / 1_000_000n) > WRITING_GRACE_MS;
  if (owner.host !== os.hostname()) return false; // another machine's process: cannot be checked
  if (owner.pid === process.pid) return !held.has(owner.token);
  return !processAlive(owner.pid);
}

/** Creates the lock file; undefined when it exists. */
function create(file: string): FileLock | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw ioError('cannot create the lock', file, e);
  }
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), token: randomUUID(), at: new Date().toISOString() };
  const lock = new FileLock(file, owner);
  held.set(owner.token, lock);
  try {
    fs.writeSync(fd, JSON.stringify(owner));
  } catch (e) {
    held.delete(owner.token);
    fs.closeSync(fd);
    fs.rmSync(file, { force: true }); // ours: created a moment ago, never handed out
    throw ioError('cannot write the lock', file, e);
  }
  fs.closeSync(fd);
  installExitHook();
  return lock;
}

/** Replaces a stale lock by ours, under `<file>.break`; undefined when another process got there first. */
function takeOver(file: string, stale: Seen): FileLock | undefined {
  const breaker = create(`${file}.break`);
  if (!breaker) return undefined; // another process is taking it over right now
  try {
    const now = look(file);
    if (now && (now.ino !== stale.ino || now.mtimeNs !== stale.mtimeNs || now.text !== stale.text)) return undefined;
    if (now) fs.rmSync(file, { force: true });
    return create(file);
  } finally {
    breaker.release();
  }
}

/**
 * Takes the lock `file` (its folder is created). Returns undefined when a live process holds it.
 * Throws an 'io' LabelingError when the lock folder cannot be written.
 */
export function tryLock(file: string): FileLock | undefined {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
  } catch (e) {
    throw ioError('cannot create the lock folder', path.dirname(file), e);
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    const lock = create(file);
    if (lock) return lock;
    const seen = look(file);
    if (!seen) continue; // released in between: try again
    if (!isStale(seen)) return undefined;
    const taken = takeOver(file, seen);
    if (taken) return taken;
  }
  return undefined;
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const lock of [...held.values()]) lock.release();
  });
}
