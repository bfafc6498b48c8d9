/**
 * Who runs an export, and whether it still runs. The staging folders and commit locks an export keeps
 * in `<destination>/.labeling-export/` are named `<kind>-<host>-<pid>-<token>` (host: a short hash of
 * the host name), so the next export to that destination removes what a dead export left and never
 * what a live one (another window, the CLI) is writing:
 * - same host: alive while its pid is; for our own pid, while this process holds the token (a crashed
 *   earlier run whose pid was reused is not mistaken for us);
 * - another host (a dev container, a network share), whose pids cannot be checked: alive while its
 *   heartbeat, the entry's mtime touched every 10 s, is younger than 5 minutes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { LabelingError, throwIfAborted } from '../errors';
import { processAlive } from '../journal/lock';

export type EntryKind = 'tmp' | 'lock';

export interface EntryOwner {
  kind: EntryKind;
  host: string;
  pid: number;
  token: string;
}

export const HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
export const HEARTBEAT_MS = 10_000;
export const FOREIGN_STALE_MS = 5 * 60_000;

const NAME = /^(tmp|lock)-([0-9a-f]{8})-(\d+)-([0-9a-f]{12})$/;
/** Tokens of this process's entries that are still in use. */
const held = new Set<string>();

export function parseEntryName(name: string): EntryOwner | undefined {
  const m = NAME.exec(name);
  return m ? { kind: m[1] as EntryKind, host: m[2]!, pid: Number(m[3]), token: m[4]! } : undefined;
}

/** Whether the export owning an entry still runs; `beatMs` is the entry's mtime (its last heartbeat). */
export function isLive(o: EntryOwner, beatMs: number, now = Date.now()): boolean {
  if (o.host !== HOST) return now - beatMs < FOREIGN_STALE_MS;
  if (o.pid === process.pid) return held.has(o.token);
  return processAlive(o.pid);
}

/** An entry of this process (a staging folder or a lock file), kept alive by a heartbeat until `end`. */
export class OwnEntry {
  readonly name: string;
  readonly path: string;
  private readonly token = randomBytes(6).toString('hex');
  private readonly timer: NodeJS.Timeout;

  constructor(dir: string, kind: EntryKind) {
    this.name = `${kind}-${HOST}-${process.pid}-${this.token}`;
    this.path = join(dir, this.name);
    held.add(this.token);
    this.timer = setInterval(() => {
      const t = new Date();
      utimes(this.path, t, t).catch(() => undefined);
    }, HEARTBEAT_MS);
    this.timer.unref();
  }

  /** Stops the heartbeat and removes the entry; from now on it counts as dead. */
  async end(): Promise<void> {
    clearInterval(this.timer);
    held.delete(this.token);
    await rm(this.path, { recursive: true, force: true });
  }
}

/** Removes the entries of `kind` in `dir` whose export died; returns the names of the live ones. */
export async function sweep(dir: string, kind: EntryKind): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const live: string[] = [];
  for (const name of names.sort()) {
    const owner = parseEntryName(name);
    if (owner?.kind !== kind) continue;
    const st = await lstat(join(dir, name)).catch(() => undefined);
    if (!st) continue;
    if (isLive(owner, st.mtimeMs)) live.push(name);
    else await rm(join(dir, name), { recursive: true, force: true });
  }
  return live;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `body` holding the commit lock of `dir`. Every contender creates its own `lock-…` file and
 * goes on only if it then sees no other live one (two contenders can never both see none); otherwise
 * it removes its file and tries again after a random pause. Files of dead contenders are removed on
 * the way, so a killed export never blocks the next one.
 */
export async function withCommitLock<T>(dir: string, body: () => Promise<T>, signal?: AbortSignal, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    throwIfAborted(signal);
    const me = new OwnEntry(dir, 'lock');
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(me.path, '', { flag: 'wx' });
      const others = (await sweep(dir, 'lock')).filter((n) => n !== me.name);
      if (!others.length) return await body();
      if (Date.now() > deadline) {
        throw new LabelingError('conflict', `another export to this folder is still finishing (${others[0]}); try again when it is done`, {
          file: dirname(dir),
        });
      }
    } finally {
      await me.end();
    }
    await sleep(50 + Math.random() * 200);
  }
}
