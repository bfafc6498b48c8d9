/**
 * The append side of one journal file (one labeler on one device). Appends go through a kept-open fd,
 * each followed by fdatasync before the promise resolves; a torn last line is truncated on open.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LabelingError } from '../errors';
import { JOURNAL_VERSION, type EventPayload, type JournalEvent } from './events';

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
      return new JournalWriter(file, h, await lastSeq(h, length), length, by, dev, size - length);
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
  append(payloads: EventPayload[], at = new Date()): Promise<{ events: JournalEvent[]; start: number; end: number }> {
    const run = async (): Promise<{ events: JournalEvent[]; start: number; end: number }> => {
      if (this.closed) throw new LabelingError('io', 'journal is closed', { file: this.file });
      const iso = at.toISOString();
      const events = payloads.map((p, i) => ({ v: JOURNAL_VERSION, at: iso, by: this.by, dev: this.dev, seq: this.seq + 1 + i, ...p }) as JournalEvent);
      const data = Buffer.from(events.map((e) => JSON.stringify(e)).join('\n') + '\n', 'utf8');
      const start = this.size;
      try {
        let off = 0;
        while (off < data.length) {
          const { bytesWritten } = await this.h.write(data, off, data.length - off);
          off += bytesWritten;
        }
        await this.h.datasync();
      } catch (e) {
        // Leave no partial line behind: cut back to the last complete line.
        await this.h.truncate(start).catch(() => undefined);
        throw new LabelingError('io', `journal append failed (${(e as Error).message})`, { file: this.file }, { cause: e });
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
    await this.h.close();
  }
}
