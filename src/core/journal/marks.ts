/**
 * Journal marks: how far the index has read a journal file, and proof of what it read. A mark keeps
 * the SHA-256 of every HASH_CHUNK bytes of the part read (the last chunk may be short) and the file's
 * stat when that part was last checked. While size, times, inode and device stay the same the part
 * is trusted; once any changed (an append, git checkout, a hand edit) it is hashed again and compared,
 * so a rewrite of any length anywhere in it is found. Hashing runs at ~1.7 GB/s, and only then.
 */
import { createHash, type Hash } from 'node:crypto';
import * as fs from 'node:fs';
import type { JournalEvent } from './events';
import { joinVersions, type LineVersions } from '../team/versions';
import { LineReader, type JournalPosition, type JournalProblem, type OnConsumed, type ReadResult } from './reader';

export const HASH_CHUNK = 1024 * 1024;

/**
 * File clocks are coarse (a kernel tick; 2 s on FAT): a stat recorded this soon after the file's
 * mtime could be followed by a change that leaves it the same, so such a stat is checked once more.
 */
const RACY_MS = 3000;

export interface FileStat {
  size: string;
  mtimeNs: string;
  ctimeNs: string;
  ino: string;
  dev: string;
  /** When this stat was taken (ms since the epoch). */
  at: number;
}

export interface FileMark extends JournalPosition {
  /** The file's stat taken before its first `offset` bytes were last read or checked; none: check them next time. */
  stat?: FileStat;
  /** SHA-256 (hex) of each HASH_CHUNK bytes of the first `offset` bytes; the last one may cover fewer. */
  chunks: string[];
}

/** Chunk hashes of a growing prefix of a file. */
export class ChunkHasher {
  private h: Hash = createHash('sha256');
  private fill = 0;

  constructor(
    /** Hashes of the complete chunks so far. */
    private readonly done: string[] = [],
    /** Bytes hashed so far (done.length * HASH_CHUNK + the current chunk's fill). */
    public offset = done.length * HASH_CHUNK,
  ) {}

  update(b: Uint8Array, start = 0, end = b.length): void {
    while (start < end) {
      const n = Math.min(end - start, HASH_CHUNK - this.fill);
      this.h.update(b.subarray(start, start + n));
      this.fill += n;
      this.offset += n;
      start += n;
      if (this.fill === HASH_CHUNK) {
        this.done.push(this.h.digest('hex'));
        this.h = createHash('sha256');
        this.fill = 0;
      }
    }
  }

  /** Hashes of every chunk, the current short one included. */
  digests(): string[] {
    return this.fill ? [...this.done, this.h.copy().digest('hex')] : [...this.done];
  }

  /** The hash of the last chunk touched (complete, or the current short one). */
  lastDigest(): string | undefined {
    return this.fill ? this.h.copy().digest('hex') : this.done.at(-1);
  }
}

function statOf(fd: number): FileStat {
  const s = fs.fstatSync(fd, { bigint: true });
  return { size: String(s.size), mtimeNs: String(s.mtimeNs), ctimeNs: String(s.ctimeNs), ino: String(s.ino), dev: String(s.dev), at: Date.now() };
}

/** True when two stats are of the same file unchanged (size, times, inode, device; not when they were taken). */
function sameStat(a: FileStat, b: FileStat): boolean {
  return a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.ino === b.ino && a.dev === b.dev;
}

/** True when the file's stat is what the mark recorded, and was recorded long enough after its last change. */
function trusted(mark: FileMark, now: FileStat): boolean {
  const s = mark.stat;
  if (!s || !sameStat(s, now)) return false;
  return Number(BigInt(s.mtimeNs) / 1_000_000n) < s.at - RACY_MS;
}

/**
 * Hashes the mark's part of the file from chunk `from` on, comparing each chunk with the mark's.
 * Returns a hasher at mark.offset, or undefined at the first difference (or when the file is shorter).
 */
function hashFrom(fd: number, mark: FileMark, from: number): ChunkHasher | undefined {
  const h = new ChunkHasher(mark.chunks.slice(0, from));
  const buf = Buffer.allocUnsafe(Math.min(HASH_CHUNK, Math.max(1, mark.offset - from * HASH_CHUNK)));
  for (let i = from; i * HASH_CHUNK < mark.offset; i++) {
    const len = Math.min(HASH_CHUNK, mark.offset - i * HASH_CHUNK);
    let got = 0;
    while (got < len) {
      const n = fs.readSync(fd, buf, got, len - got, i * HASH_CHUNK + got);
      if (n <= 0) return undefined;
      got += n;
    }
    h.update(buf, 0, len);
    if (h.lastDigest() !== mark.chunks[i]) return undefined;
  }
  return h;
}

/** A hasher at the mark's offset, re-reading only its last short chunk (checked against the mark). */
function resume(fd: number, mark: FileMark): ChunkHasher | undefined {
  const whole = Math.floor(mark.offset / HASH_CHUNK);
  if (mark.chunks.length !== Math.ceil(mark.offset / HASH_CHUNK)) return undefined;
  return whole === mark.chunks.length ? new ChunkHasher([...mark.chunks]) : hashFrom(fd, mark, whole);
}

export interface FollowResult extends ReadResult {
  mark: FileMark;
  /** A hasher at the new mark (keep it to extend the mark without re-reading). */
  hasher?: ChunkHasher;
}

const NO_MARK: FileMark = { offset: 0, line: 0, chunks: [] };

/**
 * Reads a journal's new complete lines after `mark` (from the start without one), after making sure
 * the part the mark covers is unchanged: trusted while the stat is the same, hashed and compared
 * otherwise. Returns 'rewritten' when that part changed. `live` is a hasher kept at the mark's offset.
 */
export function followJournal(
  absFile: string,
  relFile: string,
  mark: FileMark | undefined,
  live: ChunkHasher | undefined,
  onEvent: (e: JournalEvent, line: number) => void,
  onProblem: (p: JournalProblem) => void,
): FollowResult | 'rewritten' {
  const fd = fs.openSync(absFile, 'r');
  try {
    const f = openFollow(fd, relFile, mark, live, onEvent, onProblem);
    if (f === 'rewritten') return f;
    while (f.reader.step());
    return f.finish();
  } finally {
    fs.closeSync(fd);
  }
}

/** What followJournalSliced yields to between reads (store/time-slice.ts TimeSlicer). */
export interface Yielder {
  due(): boolean;
  pause(): Promise<void>;
}

/** Bytes followJournalSliced reads per step: a few ms of parsing. */
const SLICE_BYTES = 256 * 1024;

/**
 * followJournal reading SLICE_BYTES at a time and yielding between reads when `slicer` says the
 * slice is used up (a background rebuild). Reads up to the file's size when it started: lines
 * appended meanwhile are left for the next follow.
 */
export async function followJournalSliced(
  absFile: string,
  relFile: string,
  onEvent: (e: JournalEvent, line: number) => void,
  onProblem: (p: JournalProblem) => void,
  slicer: Yielder,
): Promise<FollowResult | 'rewritten'> {
  const fd = fs.openSync(absFile, 'r');
  try {
    const f = openFollow(fd, relFile, undefined, undefined, onEvent, onProblem, SLICE_BYTES);
    if (f === 'rewritten') return f;
    while (f.reader.step()) if (slicer.due()) await slicer.pause();
    return f.finish();
  } finally {
    fs.closeSync(fd);
  }
}

function openFollow(
  fd: number,
  relFile: string,
  mark: FileMark | undefined,
  live: ChunkHasher | undefined,
  onEvent: (e: JournalEvent, line: number) => void,
  onProblem: (p: JournalProblem) => void,
  chunk?: number,
): 'rewritten' | { reader: LineReader; finish: () => FollowResult | 'rewritten' } {
  const stat = statOf(fd);
  const size = Number(stat.size);
  const from = mark ?? NO_MARK;
  if (size < from.offset) return 'rewritten';
  let hasher: ChunkHasher | undefined;
  if (!mark) hasher = new ChunkHasher();
  else if (!trusted(mark, stat)) {
    hasher = hashFrom(fd, mark, 0);
    if (!hasher) return 'rewritten';
  } else if (live?.offset === mark.offset) hasher = live;
  let rewritten = false;
  const consumed = (b: Buffer, s: number, e: number): void => {
    hasher ??= resume(fd, from);
    if (hasher) hasher.update(b, s, e);
    else rewritten = true;
  };
  const reader = new LineReader(fd, size, relFile, from, onEvent, onProblem, consumed, chunk);
  const finish = (): FollowResult | 'rewritten' => {
    if (rewritten) return 'rewritten';
    const r = reader.result();
    const chunks = hasher ? hasher.digests() : from.chunks;
    const mark: FileMark = { offset: r.offset, line: r.line, stat, chunks };
    if (r.ver) mark.ver = r.ver;
    return { ...r, mark, ...(hasher ? { hasher } : {}) };
  };
  return { reader, finish };
}

/** Feeds the file's bytes from the hasher's offset up to `end` into it; false when the file ends before. */
function hashBytes(fd: number, hasher: ChunkHasher, end: number): boolean {
  const buf = Buffer.allocUnsafe(Math.min(HASH_CHUNK, Math.max(1, end - hasher.offset)));
  while (hasher.offset < end) {
    const n = fs.readSync(fd, buf, 0, Math.min(buf.length, end - hasher.offset), hasher.offset);
    if (n <= 0) return false;
    hasher.update(buf, 0, n);
  }
  return true;
}

/**
 * A part of a journal file that one of two readers takes (a bulk build's, store/bulk-journals.ts): its lines
 * from `start` up to `end` (both line starts; the end of the file when absent), and the chunk hashes of its
 * bytes from `hashFrom` up to `hashTo` (HASH_CHUNK boundaries, at or before start and end; the end when absent).
 * A head part starts at 0; a tail part starts where a head part ends, its hashes where the head's end.
 */
export interface FilePart {
  start: number;
  end?: number;
  hashFrom: number;
  hashTo?: number;
}

/**
 * Reads a part of a journal file from no mark. Its lines are numbered from `lineBase` (the lines before
 * it, when known); the mark returned covers the part (`line` counted from lineBase, `chunks` those of
 * [hashFrom, hashTo)), to be joined with the head's (joinMarks). No live hasher: the next append
 * resumes from the mark's last short chunk.
 */
export function followJournalPart(
  absFile: string,
  relFile: string,
  part: FilePart,
  lineBase: number,
  onEvent: (e: JournalEvent, line: number) => void,
  onProblem: (p: JournalProblem) => void,
): FollowResult {
  const fd = fs.openSync(absFile, 'r');
  try {
    const stat = statOf(fd);
    const size = Math.min(part.end ?? Infinity, Number(stat.size));
    const hasher = new ChunkHasher([], part.hashFrom);
    // The end of the line before the part, from the chunk boundary on, is hashed here.
    hashBytes(fd, hasher, Math.min(part.start, size));
    const hashTo = part.hashTo ?? Infinity;
    const consumed: OnConsumed = (b, s, e) => {
      const n = Math.min(e - s, hashTo - hasher.offset);
      if (n > 0) hasher.update(b, s, s + n);
    };
    const reader = new LineReader(fd, size, relFile, { offset: part.start, line: lineBase }, onEvent, onProblem, consumed);
    while (reader.step());
    const r = reader.result();
    const mark: FileMark = { offset: r.offset, line: r.line, stat, chunks: hasher.digests() };
    if (r.ver) mark.ver = r.ver;
    return { ...r, mark };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The mark of a file read as a head part then a tail part (followJournalPart; the tail's lines numbered
 * after the head's), as followJournal would have made it. Undefined when the two do not meet: the file
 * changed between the reads. The stat is kept only when both reads saw the same file (the earlier one:
 * trusted() then waits longer).
 */
export function joinMarks(head: FileMark, tail: FileMark, part: FilePart): FileMark | undefined {
  if (head.offset !== part.start || head.chunks.length * HASH_CHUNK !== part.hashFrom) return undefined;
  const mark: FileMark = { offset: tail.offset, line: tail.line, chunks: [...head.chunks, ...tail.chunks] };
  const a = head.stat;
  const b = tail.stat;
  if (a && b && sameStat(a, b)) mark.stat = a.at <= b.at ? a : b;
  const ver = joinVersions(head.ver, tail.ver);
  if (ver) mark.ver = ver;
  return mark;
}

/**
 * The mark after this process appended [start, end) holding `lines` lines right at its offset: the
 * bytes are read back and hashed. The stat stays the old one (the file changed since), so the next
 * follow checks the whole part. Undefined when the mark's last chunk no longer matches the file.
 * `ver`: the versions of the lines up to `end` (the mark's folded with the appended ones).
 */
export function extendMark(
  absFile: string,
  mark: FileMark | undefined,
  live: ChunkHasher | undefined,
  end: number,
  lines: number,
  ver?: LineVersions,
): { mark: FileMark; hasher: ChunkHasher } | undefined {
  const from = mark ?? NO_MARK;
  const fd = fs.openSync(absFile, 'r');
  try {
    const hasher = live?.offset === from.offset ? live : from.offset === 0 ? new ChunkHasher() : resume(fd, from);
    if (!hasher || !hashBytes(fd, hasher, end)) return undefined;
    const next: FileMark = { offset: end, line: from.line + lines, chunks: hasher.digests() };
    if (from.stat) next.stat = from.stat;
    if (ver ?? from.ver) next.ver = ver ?? from.ver;
    return { mark: next, hasher };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The mark with the file's current stat when its part still hashes the same (taken before the snapshot
 * is saved, so the next open needs no hashing); the mark unchanged when that part changed or the
 * file cannot be read (the next follow finds it).
 */
export function recheckMark(absFile: string, mark: FileMark): FileMark {
  let fd: number;
  try {
    fd = fs.openSync(absFile, 'r');
  } catch {
    return mark;
  }
  try {
    const stat = statOf(fd);
    if (trusted(mark, stat)) return mark;
    return hashFrom(fd, mark, 0) ? { ...mark, stat } : mark;
  } finally {
    fs.closeSync(fd);
  }
}
