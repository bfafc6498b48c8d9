/** Chunked journal reading: from a byte offset to the last complete line; corrupt lines reported, torn tail left. */
import * as fs from 'node:fs';
import { foldVersions, type LineVersions } from '../team/versions';
import { eventProblem, itemsNamed, newerReason, type JournalEvent } from './events';

export interface JournalProblem {
  /** Workspace-relative journal path. */
  file: string;
  /** 1-based line. */
  line: number;
  message: string;
  /** Labels the line uses that the project does not define (it is left out until they are). */
  labels?: string[];
  /**
   * Written by a newer version of the extension (an event type, annotation kind, field or schema
   * version this one does not know): kept in the journal, counted as newer, not as corrupt; the
   * items it names (`items`) show "written by a newer version"; an upgrade replays it.
   */
  newer?: true;
  items?: string[];
}

/** The problem reported for a line of a newer version (see JournalProblem.newer). */
export function newerLine(file: string, line: number, why: string, items: string[]): JournalProblem {
  const p: JournalProblem = { file, line, message: `written by a newer version of the extension (${why}): kept, and applied once this extension is updated`, newer: true };
  if (items.length) p.items = items;
  return p;
}

/** Where reading a journal file stopped: byte offset after the last complete line and lines read. */
export interface JournalPosition {
  offset: number;
  line: number;
  /** The versions the lines read so far were written with (team/versions.ts); absent before any line was read. */
  ver?: LineVersions;
}

export interface ReadResult extends JournalPosition {
  /** Bytes after offset that do not end in a newline yet (a torn or in-progress last line). */
  tornBytes: number;
  events: number;
}

const CHUNK = 4 * 1024 * 1024;
const NL = 0x0a;

/** Called with the bytes of complete lines as they are consumed, in file order (a mark's hashes are taken from them). */
export type OnConsumed = (bytes: Buffer, start: number, end: number) => void;

/**
 * Reads complete lines of `absFile` from `from` and calls onEvent for each valid event. Invalid
 * lines are reported through onProblem and skipped. A last line without its newline is not consumed.
 */
export function readJournal(
  absFile: string,
  relFile: string,
  from: JournalPosition,
  onEvent: (e: JournalEvent, line: number) => void,
  onProblem: (p: JournalProblem) => void,
): ReadResult {
  const fd = fs.openSync(absFile, 'r');
  try {
    return readLines(fd, fs.fstatSync(fd).size, relFile, from, onEvent, onProblem);
  } finally {
    fs.closeSync(fd);
  }
}

/** readJournal on an open file of `size` bytes; `onConsumed` sees every byte up to the returned offset. */
export function readLines(
  fd: number,
  size: number,
  relFile: string,
  from: JournalPosition,
  onEvent: (e: JournalEvent, line: number) => void,
  onProblem: (p: JournalProblem) => void,
  onConsumed?: OnConsumed,
): ReadResult {
  const r = new LineReader(fd, size, relFile, from, onEvent, onProblem, onConsumed);
  while (r.step());
  return r.result();
}

/**
 * readLines one buffer at a time (`step` reads up to `chunk` bytes), so a caller can yield to the
 * event loop between steps; the file must stay open until the last step.
 */
export class LineReader {
  private pos: number;
  private line: number;
  private consumed: number;
  private events = 0;
  private carry: Buffer | undefined;
  private readonly buf: Buffer;
  /** Folded from every valid or newer line (a copy: the caller's position is not changed). */
  private ver: LineVersions | undefined;

  constructor(
    private readonly fd: number,
    private readonly size: number,
    private readonly relFile: string,
    from: JournalPosition,
    private readonly onEvent: (e: JournalEvent, line: number) => void,
    private readonly onProblem: (p: JournalProblem) => void,
    private readonly onConsumed?: OnConsumed,
    chunk = CHUNK,
  ) {
    this.pos = from.offset;
    this.line = from.line;
    this.consumed = from.offset;
    if (from.ver) this.ver = { ...from.ver };
    this.buf = Buffer.allocUnsafe(Math.min(chunk, Math.max(1, size - from.offset)));
  }

  /** Reads and handles one buffer; false once the end is reached. */
  step(): boolean {
    const { buf, size, relFile } = this;
    if (this.pos >= size) return false;
    const n = fs.readSync(this.fd, buf, 0, Math.min(buf.length, size - this.pos), this.pos);
    if (n <= 0) {
      this.pos = size;
      return false;
    }
    this.pos += n;
    const { pos, onEvent, onProblem } = this;
    // Locals in the per-line loop; written back after it.
    let { line, consumed, events, carry } = this;
    const pending = carry;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(NL, start);
      if (nl < 0 || nl >= n) break;
      let text: string;
      if (carry) {
        text = Buffer.concat([carry, buf.subarray(start, nl)]).toString('utf8');
        carry = undefined;
      } else {
        text = buf.toString('utf8', start, nl);
      }
      line++;
      start = nl + 1;
      consumed = pos - n + start;
      if (text.trim() === '') continue;
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (e) {
        onProblem({ file: relFile, line, message: `invalid JSON (${(e as Error).message})` });
        continue;
      }
      const newer = newerReason(raw);
      if (newer) {
        this.ver = foldVersions(this.ver, raw as Record<string, unknown>);
        onProblem(newerLine(relFile, line, newer, itemsNamed(raw)));
        continue;
      }
      const problem = eventProblem(raw);
      if (problem) {
        onProblem({ file: relFile, line, message: problem });
        continue;
      }
      this.ver = foldVersions(this.ver, raw as JournalEvent);
      events++;
      onEvent(raw as JournalEvent, line);
    }
    if (start > 0 && this.onConsumed) {
      if (pending) this.onConsumed(pending, 0, pending.length);
      this.onConsumed(buf, 0, start);
    }
    if (start < n) {
      const rest = Buffer.from(buf.subarray(start, n));
      carry = carry ? Buffer.concat([carry, rest]) : rest;
    }
    this.line = line;
    this.consumed = consumed;
    this.events = events;
    this.carry = carry;
    return this.pos < size;
  }

  result(): ReadResult {
    const r: ReadResult = { offset: this.consumed, line: this.line, tornBytes: this.size - this.consumed, events: this.events };
    if (this.ver) r.ver = this.ver;
    return r;
  }
}
