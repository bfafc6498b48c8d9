/**
 * The append side of one journal file (one labeler on one device). Appends go through a kept-open fd,
 * each followed by fdatasync before the promise resolves; a torn last line is truncated on open.
 * The write and fdatasync are synchronous: two thread-pool round trips cost more than the sync
 * itself (0.2 ms typical), and their wake-ups dominated the latency tail on a busy machine.
 */
import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LabelingError } from '../errors';
import { JOURNAL_VERSION, type EventPayload, type JournalEvent } from './events';
import { fingerprintOf, HASH_BYTES } from './reader';

const BACK_CHUNK = 64 * 1024;

/** Size of the file up to and including its last newline (0 if none). */
async function completeLength(h: import('node:fs/promises').FileHandle, size: number): Promise<number> {
  let end = size;
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

/** The seq of the last complete line (0 if none or unreadable). */
async function lastSeq(h: import('node:fs/promises').FileHandle, length: number): Promise<number> {
  if (length === 0) return 0;
  const prevEnd = length - 1; // the final newline
  const from = Math.max(0, prevEnd - BACK_CHUNK);
  const buf = Buffer.alloc(prevEnd - from);
  await h.read(buf, 0, buf.length, from);
  const nl = buf.lastIndexOf(0x0a);
  try {
    const seq = (JSON.parse(buf.subarray(nl + 1).toString('utf8')) as { seq?: unknown }).seq;
    return typeof seq === 'number' ? seq : 0;
  } catch {
    return 0;
  }
}

/** The last `max` bytes of a followed by b. */
function lastBytes(a: Buffer, b: Buffer, max: number): Buffer {
  if (b.length >= max) return Buffer.from(b.subarray(b.length - max));
  return Buffer.concat([a.subarray(Math.max(0, a.length - (max - b.length))), b]);
}

export class JournalWriter {
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** The first and last HASH_BYTES of the file's complete lines, for its fingerprint without reading it. */
  private head: Buffer = Buffer.alloc(0);
  private tail: Buffer = Buffer.alloc(0);

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
  ) {}

  static async open(file: string, by: string, dev: string): Promise<JournalWriter> {
    await fsp.mkdir(path.dirname(file), { recursive: true });
    const h = await fsp.open(file, 'a+');
    try {
      const size = (await h.stat()).size;
      const length = await completeLength(h, size);
      if (length < size) {
        await h.truncate(length);
        await h.datasync();
      }
      const w = new JournalWriter(file, h, await lastSeq(h, length), length, by, dev, size - length);
      const ends = Math.min(HASH_BYTES, length);
      w.head = Buffer.alloc(ends);
      w.tail = Buffer.alloc(ends);
      await h.read(w.head, 0, ends, 0);
      await h.read(w.tail, 0, ends, length - ends);
      return w;
    } catch (e) {
      await h.close();
      throw new LabelingError('io', `cannot open journal (${(e as Error).message})`, { file }, { cause: e });
    }
  }

  /** The seq the next event will get. */
  get nextSeq(): number {
    return this.seq + 1;
  }

  /**
   * Appends events (one line each, one write) and fdatasyncs before resolving. Calls are serialized.
   * Resolves with the complete events as written and the byte range they occupy.
   */
  /** Hashes of the first and last bytes of the file's complete lines (as journalFingerprint reads them). */
  fingerprint(): { head: string; tail: string } {
    return fingerprintOf(this.head, this.tail);
  }

  append(payloads: EventPayload[], at = new Date()): Promise<{ events: JournalEvent[]; start: number; end: number }> {
    const run = (): { events: JournalEvent[]; start: number; end: number } => {
      if (this.closed) throw new LabelingError('io', 'journal is closed', { file: this.file });
      const iso = at.toISOString();
      const events = payloads.map((p, i) => ({ v: JOURNAL_VERSION, at: iso, by: this.by, dev: this.dev, seq: this.seq + 1 + i, ...p }) as JournalEvent);
      const data = Buffer.from(events.map((e) => JSON.stringify(e)).join('\n') + '\n', 'utf8');
      const start = this.size;
      try {
        let off = 0;
        while (off < data.length) off += fs.writeSync(this.h.fd, data, off, data.length - off);
        fs.fdatasyncSync(this.h.fd);
      } catch (e) {
        // Leave no partial line behind: cut back to the last complete line.
        try {
          fs.ftruncateSync(this.h.fd, start);
        } catch {
          // the error below is what the caller needs
        }
        throw new LabelingError('io', `journal append failed (${(e as Error).message})`, { file: this.file }, { cause: e });
      }
      this.seq += events.length;
      this.size = start + data.length;
      if (start < HASH_BYTES) this.head = lastBytes(this.head, data, Infinity).subarray(0, HASH_BYTES);
      this.tail = lastBytes(this.tail, data, HASH_BYTES);
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
    await this.h.close();
  }
}
