/**
 * COCO run-length encoded masks (pycocotools layout): counts alternate background/foreground runs over
 * the image in column-major order, starting with background. `counts` is a number list (uncompressed)
 * or a string (compressed: 5 bits per character with a continuation bit, deltas from the run two back).
 * Only the bounding box and area are derived: turning masks into polygons is out of scope.
 */
export interface RleStats {
  /** Foreground pixel count. */
  area: number;
  /** [x, y, w, h] of the foreground in pixels; all 0 for an empty mask. */
  bbox: [number, number, number, number];
}

/** Decodes a compressed COCO RLE string to run lengths; throws on a malformed string. */
export function decodeRleString(s: string): number[] {
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      if (p >= s.length) throw new Error(`RLE string ends inside a number at character ${p}`);
      const c = s.charCodeAt(p) - 48;
      if (c < 0 || c > 63) throw new Error(`bad RLE character '${s[p]}' at ${p}`);
      x |= (c & 0x1f) << (5 * k);
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && c & 0x10) x |= -1 << (5 * k);
    }
    if (counts.length > 2) x += counts[counts.length - 2]!;
    counts.push(x);
  }
  return counts;
}

/** Area and bounding box of a mask of `height` x `width` given by run lengths. */
export function rleStats(counts: readonly number[], height: number, width: number): RleStats {
  let pos = 0;
  let area = 0;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i]!;
    if (!Number.isInteger(n) || n < 0) throw new Error(`run ${i} is not a non-negative integer (${n})`);
    if (i % 2 === 1 && n > 0) {
      const first = pos;
      const last = pos + n - 1;
      const c0 = Math.floor(first / height);
      const c1 = Math.floor(last / height);
      x0 = Math.min(x0, c0);
      x1 = Math.max(x1, c1);
      if (c0 === c1) {
        y0 = Math.min(y0, first % height);
        y1 = Math.max(y1, last % height);
      } else {
        // The run crosses a column boundary: it reaches the bottom row of one column and the top of the next.
        y0 = 0;
        y1 = height - 1;
      }
      area += n;
    }
    pos += n;
  }
  if (pos > height * width) throw new Error(`runs cover ${pos} pixels, the mask has ${height * width}`);
  if (!area) return { area: 0, bbox: [0, 0, 0, 0] };
  return { area, bbox: [x0, y0, x1 - x0 + 1, y1 - y0 + 1] };
}
