/**
 * The append side of one journal file (one labeler on one device). Appends go through a kept-open fd,
 * each followed by fdatasync before the promise resolves; a torn last line is truncated on open.
 * One process writes a file: openLockedWriter takes its lock (lock.ts) first, and a process that finds
 * `<device>.jsonl` held by a live one writes `<device>-2.jsonl` (then -3...).
 * The write and fdatasync are synchronous: two thread-pool round trips cost more than the sync
 * itself (0.2 ms typical), and their wake-ups dominated the latency tail on a busy machine.
 */
import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { ioError, LabelingError } from '../errors';
import { safeSegment } from '../project/paths';
import { CONSENSUS_RULE_VERSION } from '../store/agreement';
import { JOURNAL_VERSION, type EventPayload, type JournalEvent } from './events';
import type { SeenVector } from '../team/vector';
import { tryLock, type FileLock } from './lock';

/** How many device files (`<device>`, `<device>-2`, ...) a labeler may write at once on one machine. */
export const MAX_DEVICE_FILES = 64;

const BACK_CHUNK = 64 * 1024;

/** Offset just after the last newline before `end` (0 if none): the start of the line that ends at `end`. */
async function lineStart(h: import('node:fs/promises').FileHandle, end: number): Promise<number> {
  const buf = Buffer.alloc(BACK_CHUNK);
  while (end > 0) {
    const start = Math.max(0, end - BACK_CHUNK);
    const { bytesRead } = await h.read(buf, 0, end - start, start);
    const i = buf.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (i >= 0) return start + i + 1;
    end = start;
  }
  return 0;
}

/**
 * The seq of the last complete line that has one (0 if none), however long the lines are (an import
 * batch is one line, often megabytes). Lines that do not parse are stepped over.
 */
async function lastSeq(h: import('node:fs/promises').FileHandle, length: number): Promise<number> {
  let end = length - 1; // the newline ending the line looked at
  while (end > 0) {
    const start = await lineStart(h, end);
    const buf = Buffer.alloc(end - start);
    await h.read(buf, 0, buf.length, start);
    try {
      const seq = (JSON.parse(buf.toString('utf8')) as { seq?: unknown }).seq;
      if (typeof seq === 'number' && Number.isSafeInteger(seq)) return seq;
    } catch {
      // a corrupt or blank line: the reader reports it; look at the one before
    }
    end = start - 1;
  }
  return 0;
}

export class JournalWriter {
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly h: import('node:fs/promises').FileHandle,
    private seq: number,
    /** Bytes in the file (all complete lines). */
    public size: number,
    private readonly by: string,
    private readonly dev: string,
    /** Bytes removed from a torn last line on open. */
    readonly repairedBytes: number,
    /** The name used in messages (workspace-relative). */
    private readonly display: string,
    private readonly lock: FileLock | undefined,
  ) {}

  /**
   * Whether the path still names the file this writer holds open. git (a rebase, a checkout, a stash
   * pop) replaces files rather than writing into them: appends to the old handle would land in a file
   * nobody reads any more. The store checks before each append and reopens.
   */
  stillAtPath(): boolean {
    try {
      // The open file's identity cannot change (an fd names one inode): read once, only the path is stat'ed each time.
      const open = (this.held ??= fs.fstatSync(this.h.fd));
      const now = fs.statSync(this.file, { throwIfNoEntry: false });
      return now !== undefined && open.ino === now.ino && open.dev === now.dev;
    } catch {
      return false;
    }
  }
  private held: { ino: number; dev: number } | undefined;

  /** The device id written into every event (`<device>-2` for a second device file). */
  get device(): string {
    return this.dev;
  }

  /**
   * Opens a journal file for appending. Without `lock` the caller guarantees it is the file's only
   * writer (tests); openLockedWriter is the way in otherwise. The lock is released on close.
   */
  static async open(file: string, by: string, dev: string, opts: { display?: string; lock?: FileLock } = {}): Promise<JournalWriter> {
    const display = opts.display ?? file;
    let h: import('node:fs/promises').FileHandle;
    try {
      await fsp.mkdir(path.dirname(file), { recursive: true });
      h = await fsp.open(file, 'a+');
    } catch (e) {
      throw ioError('cannot open the journal', display, e);
    }
    try {
      const size = (await h.stat()).size;
      const length = await lineStart(h, size); // all complete lines
      if (length < size) {
        await h.truncate(length);
        await h.datasync();
      }
      return new JournalWriter(file, h, await lastSeq(h, length), length, by, dev, size - length, display, opts.lock);
    } catch (e) {
      await h.close();
      throw ioError('cannot open the journal', display, e);
    }
  }

  /** The seq the next event will get. */
  get nextSeq(): number {
    return this.seq + 1;
  }

  /**
   * Appends events (one line each, one write) and fdatasyncs before resolving. Calls are serialized.
   * Each line is stamped v, k (the consensus rule this version computes with), at, by, dev and seq. Resolves with the complete events as written and the byte range they occupy.
   */
  append(payloads: (EventPayload & { ps?: SeenVector })[], at = new Date()): Promise<{ events: JournalEvent[]; start: number; end: number }> {
    const run = (): { events: JournalEvent[]; start: number; end: number } => {
      if (this.closed) throw new LabelingError('io', 'journal is closed', { file: this.display });
      const iso = at.toISOString();
      const events = payloads.map((p, i) => ({ v: JOURNAL_VERSION, k: CONSENSUS_RULE_VERSION, at: iso, by: this.by, dev: this.dev, seq: this.seq + 1 + i, ...p }) as JournalEvent);
      const data = Buffer.from(events.map((e) => JSON.stringify(e)).join('\n') + '\n', 'utf8');
      const start = this.size;
      try {
        let off = 0;
        while (off < data.length) off += fs.writeSync(this.h.fd, data, off, data.length - off);
        fs.fdatasyncSync(this.h.fd);
      } catch (e) {
        // Leave no partial line behind: cut back to the last complete line, and only ever what this
        // call wrote (the lock makes this process the only writer; the size check keeps it so anyway).
        try {
          if (fs.fstatSync(this.h.fd).size <= start + data.length) fs.ftruncateSync(this.h.fd, start);
        } catch {
          // the error below is what the caller needs
        }
        throw ioError('cannot append to the journal', this.display, e);
      }
      this.seq += events.length;
      this.size = start + data.length;
      return { events, start, end: this.size };
    };
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => undefined);
    return p;
  }

  async close(): Promise<void> {
    await this.chain;
    if (this.closed) return;
    this.closed = true;
    try {
      await this.h.close();
    } finally {
      this.lock?.release();
    }
  }
}

export interface LockedWriterOptions {
  /** Folder of this labeler's journal files (journal/<labeler>/). */
  journalFolder: string;
  /** Folder of their locks, under .labeling/.cache/. */
  lockFolder: string;
  /** The same folder as journalFolder, workspace-relative, for messages. */
  displayFolder: string;
  by: string;
  device: string;
}

/**
 * Opens the first device file no live process writes: `<device>.jsonl`, else `<device>-2.jsonl`, ...
 * Files do not multiply when nothing is contended: a lock released (or left by a dead process) is taken
 * again by the next writer.
 */
export async function openLockedWriter(o: LockedWriterOptions): Promise<JournalWriter> {
  const seg = safeSegment(o.device);
  for (let n = 1; n <= MAX_DEVICE_FILES; n++) {
    const name = n === 1 ? seg : `${seg}-${n}`;
    const lock = tryLock(path.join(o.lockFolder, `${name}.lock`));
    if (!lock) continue;
    try {
      return await JournalWriter.open(path.join(o.journalFolder, `${name}.jsonl`), o.by, n === 1 ? o.device : `${o.device}-${n}`, {
        display: `${o.displayFolder}/${name}.jsonl`,
        lock,
      });
    } catch (e) {
      lock.release();
      throw e;
    }
  }
  throw new LabelingError('io', `${MAX_DEVICE_FILES} processes are writing journals of ${o.by} on this device; close some`, { file: o.displayFolder });
}
