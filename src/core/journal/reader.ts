/** Chunked journal reading: from a byte offset to the last complete line; corrupt lines reported, torn tail left. */
import * as fs from 'node:fs';
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
  let pos = from.offset;
  let line = from.line;
  let consumed = from.offset;
  let events = 0;
  let carry: Buffer | undefined;
  const buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(1, size - from.offset)));
  while (pos < size) {
    const n = fs.readSync(fd, buf, 0, Math.min(buf.length, size - pos), pos);
    if (n <= 0) break;
    pos += n;
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
        onProblem(newerLine(relFile, line, newer, itemsNamed(raw)));
        continue;
      }
      const problem = eventProblem(raw);
      if (problem) {
        onProblem({ file: relFile, line, message: problem });
        continue;
      }
      events++;
      onEvent(raw as JournalEvent, line);
    }
    if (start > 0 && onConsumed) {
      if (pending) onConsumed(pending, 0, pending.length);
      onConsumed(buf, 0, start);
    }
    if (start < n) {
      const rest = Buffer.from(buf.subarray(start, n));
      carry = carry ? Buffer.concat([carry, rest]) : rest;
    }
  }
  return { offset: consumed, line, tornBytes: size - consumed, events };
}
