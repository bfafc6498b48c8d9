/**
 * Journal folder names for labeler ids (architecture.md "Team semantics": "the folder name is a lossless
 * encoding of the labeler id"). `.labeling/<project>/journal/<labelerFolder(id)>/<device>.jsonl`.
 *
 * The encoding, one path segment that is safe on Linux, macOS and Windows:
 * - [A-Za-z0-9@._+-] are kept; every other UTF-8 byte is %XX (uppercase hex), '%' included;
 * - a leading '.' is %2E (no '.', '..' or hidden folders), and so is a trailing '.' (Windows drops it);
 * - a name Windows reserves (CON, PRN, AUX, NUL, COM0-9, LPT0-9, alone or before a '.') has its first
 *   letter %XX-encoded ("con" -> "%63on");
 * - decoding is plain percent-decoding, accepted only when re-encoding gives the folder back, so each id
 *   has exactly one folder and each folder at most one id.
 * - Long ids: a segment must stay within 255 bytes. When the encoding is longer, the folder is its first
 *   MAX_PREFIX characters (cut before a %XX, never inside one), then '~' and 32 hex digits of the SHA-256
 *   of the lowercased id. '~' never occurs in a full encoding, so such a folder is recognizably hashed:
 *   labelerOfFolder gives undefined (it cannot be decoded), and folderNamesLabeler matches it by the hash,
 *   which, being of the lowercased id, compares case-insensitively like ids do.
 *
 * Ids differing only in case get different folders (the encoding is lossless), and name the same labeler;
 * on a case-insensitive file system they may share one folder, which is just as right.
 */
import { createHash } from 'node:crypto';
import { safeSegment } from '../project/paths';
import { labelerKey, sameLabeler } from './roles';

/** The longest folder name, in bytes (all encoded names are ASCII). */
export const MAX_FOLDER_BYTES = 255;
const HASH_HEX = 32;
/** The readable prefix of a hashed folder: room for '~' and the hash. */
export const MAX_PREFIX = MAX_FOLDER_BYTES - 1 - HASH_HEX;

const KEEP = /^[A-Za-z0-9@._+-]$/;
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)/i;

/** The full, reversible encoding (no length limit). */
function encode(id: string): string {
  let out = '';
  for (const byte of Buffer.from(id, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += byte < 0x80 && KEEP.test(c) ? c : pct(byte);
  }
  if (out.startsWith('.')) out = '%2E' + out.slice(1);
  if (out.length > 1 && out.endsWith('.')) out = out.slice(0, -1) + '%2E';
  if (RESERVED.test(out)) out = pct(out.charCodeAt(0)) + out.slice(1);
  return out;
}
const pct = (byte: number): string => '%' + byte.toString(16).toUpperCase().padStart(2, '0');

const hashOf = (id: string): string => createHash('sha256').update(labelerKey(id), 'utf8').digest('hex').slice(0, HASH_HEX);

/** The journal folder of a labeler id: one path segment of at most MAX_FOLDER_BYTES bytes. */
export function labelerFolder(id: string): string {
  if (!id) throw new Error('a labeler id must not be empty');
  const full = encode(id);
  if (full.length <= MAX_FOLDER_BYTES) return full;
  let cut = MAX_PREFIX;
  const pctAt = full.lastIndexOf('%', cut - 1);
  if (pctAt >= 0 && pctAt > cut - 3) cut = pctAt; // never split a %XX
  return `${full.slice(0, cut)}~${hashOf(id)}`;
}

/** The labeler id a folder encodes; undefined when it is not labelerFolder of any id (or is hashed). */
export function labelerOfFolder(folder: string): string | undefined {
  if (!folder || folder.length > MAX_FOLDER_BYTES || !/^(?:[A-Za-z0-9@._+-]|%[0-9A-F]{2})+$/.test(folder)) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < folder.length; i++) {
    if (folder[i] === '%') {
      bytes.push(parseInt(folder.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(folder.charCodeAt(i));
  }
  let id: string;
  try {
    id = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return undefined; // not UTF-8
  }
  return encode(id) === folder ? id : undefined;
}

/**
 * Whether a journal folder names labeler `by`: it decodes to `by` (case-insensitively), or it is the
 * hashed form of a long id whose hash is `by`'s, or it is the legacy `safeSegment(by)` folder of
 * projects made before the lossless encoding (compared case-insensitively too).
 */
export function folderNamesLabeler(folder: string, by: string): boolean {
  if (!by) return false;
  const id = labelerOfFolder(folder);
  if (id !== undefined && sameLabeler(id, by)) return true;
  const tilde = folder.lastIndexOf('~');
  if (id === undefined && tilde >= 0 && folder.length - tilde - 1 === HASH_HEX && folder.slice(tilde + 1) === hashOf(by)) return true;
  return folder.toLowerCase() === safeSegment(by).toLowerCase();
}

/**
 * The folder a writer appends to for labeler `id`, given the folders already in the journal directory:
 * its lossless folder if it exists, else its legacy `safeSegment` folder if that exists (an existing
 * project keeps one folder per labeler, so a device file and its seq numbering go on where they were),
 * else the lossless folder.
 */
export function journalFolderFor(id: string, existing: readonly string[]): string {
  const lossless = labelerFolder(id);
  if (existing.includes(lossless)) return lossless;
  const legacy = safeSegment(id);
  return existing.includes(legacy) ? legacy : lossless;
}
