/**
 * Free pages added to an index snapshot as it is opened, so that the first writes after an open do not
 * copy the whole database.
 *
 * sql.js keeps the database in an in-memory file exactly as long as the snapshot. The first write that
 * needs a new page makes that file grow by 1/8, which copies all of it: at 1M items (585 MB) the first
 * submit after an open took 320-1,475 ms, at 200,000 items 68 ms (`scripts/bench-submit.ts --tail`).
 * Bytes added at the end are not enough: in rollback-journal mode SQLite truncates a file longer than its
 * database on commit (another copy). So the added bytes become pages of the database, on its freelist,
 * written in SQLite's file format (https://www.sqlite.org/fileformat2.html, "The Freelist"): new pages
 * are then taken from them, in place, until they run out.
 */

/** The snapshot bytes below which no headroom is added (a growth copy of a few MB costs a few ms). */
export const HEADROOM_FROM_BYTES = 8 * 1024 * 1024;
/** Headroom: 1/16 of the snapshot, at most this (8 MB: tens of thousands of submits). */
export const HEADROOM_MAX_BYTES = 8 * 1024 * 1024;

/** How many bytes of free pages to add to a snapshot of `size` bytes that already has `freeBytes` free. */
export function headroomBytes(size: number, freeBytes = 0): number {
  if (size < HEADROOM_FROM_BYTES) return 0;
  return Math.max(0, Math.min(HEADROOM_MAX_BYTES, Math.floor(size / 16)) - freeBytes);
}

interface Header {
  pageSize: number;
  usable: number;
  pages: number;
  firstTrunk: number;
  freePages: number;
}

/** The header fields the freelist needs, or undefined when the file is not one this can extend safely. */
function readHeader(b: Uint8Array, size: number): Header | undefined {
  if (size < 100 || new TextDecoder().decode(b.subarray(0, 15)) !== 'SQLite format 3') return undefined;
  const v = new DataView(b.buffer, b.byteOffset, 100);
  const raw = v.getUint16(16);
  const pageSize = raw === 1 ? 65536 : raw;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0 || size % pageSize !== 0) return undefined;
  // Rollback journal (1) for both versions; WAL (2) keeps pages elsewhere.
  if (b[18] !== 1 || b[19] !== 1) return undefined;
  const pages = v.getUint32(28);
  // The in-header size is valid only while the change counter equals version-valid-for; it must match the file.
  if (v.getUint32(24) !== v.getUint32(92) || pages !== size / pageSize) return undefined;
  // Auto-vacuum databases keep pointer-map pages that would have to cover the new pages.
  if (v.getUint32(52) !== 0) return undefined;
  return { pageSize, usable: pageSize - b[20]!, pages, firstTrunk: v.getUint32(32), freePages: v.getUint32(36) };
}

/**
 * The database in the first `size` bytes of `b` with free pages up to headroomBytes(size) (counting those it
 * has) taken from the zeroed bytes after it: a view of `b` that long, or of `size` bytes when none are added.
 */
export function withFreePages(b: Uint8Array, size: number): Uint8Array {
  const h = readHeader(b, size);
  if (!h) return b.subarray(0, size);
  const want = Math.floor(Math.min(b.length - size, headroomBytes(size, h.freePages * h.pageSize)) / h.pageSize) * h.pageSize;
  if (want <= 0) return b.subarray(0, size);
  const view = b.subarray(0, size + want);
  return addFreePages(view, size) > 0 ? view : b.subarray(0, size);
}

/**
 * Turns the `b.length - size` bytes after the database in `b` into free pages of it: new freelist trunk pages
 * listing them, chained before the existing freelist, and the header's page and freelist counts raised.
 * Returns the pages added: 0 (and `b` untouched) when the header is not one this can extend (see readHeader),
 * or the extra bytes are not a whole number of pages. The bytes after `size` must be zero.
 */
export function addFreePages(b: Uint8Array, size: number): number {
  const h = readHeader(b, size);
  if (!h) return 0;
  const extra = b.length - size;
  if (extra <= 0 || extra % h.pageSize !== 0) return 0;
  const added = extra / h.pageSize;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  // SQLite reads up to usable/4 - 2 leaves per trunk, and writes at most usable/4 - 8 (older versions' limit).
  const perTrunk = h.usable / 4 - 8;
  let next = h.firstTrunk;
  let firstNew = 0;
  // Trunks from the last new page down, each listing the pages after it; the lowest trunk becomes the first.
  for (let end = h.pages + added; end > h.pages; ) {
    const start = Math.max(h.pages + 1, end - perTrunk);
    const trunk = start;
    const off = (trunk - 1) * h.pageSize;
    v.setUint32(off, next);
    v.setUint32(off + 4, end - trunk);
    for (let p = trunk + 1, i = 0; p <= end; p++, i++) v.setUint32(off + 8 + i * 4, p);
    next = trunk;
    firstNew = trunk;
    end = start - 1;
  }
  v.setUint32(28, h.pages + added);
  v.setUint32(32, firstNew);
  v.setUint32(36, h.freePages + added);
  return added;
}
