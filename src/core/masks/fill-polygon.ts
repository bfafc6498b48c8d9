/**
 * Polygons to mask pixels: a pixel belongs to the polygon when its centre lies inside the rings
 * (even-odd over all rings, so holes come out as in COCO and the polygon editor), by a scanline
 * through each row's pixel centres. Rings are flat [x1, y1, x2, y2, ...] lists in image pixels.
 */
import type { ClassRaster } from './raster';

/**
 * Paints `value` into every pixel of `r` inside `rings`; returns how many of them already had another
 * non-zero class (painted over).
 */
export function fillRings(r: ClassRaster, rings: readonly (readonly number[])[], value: number): number {
  const { width: w, height: h, data } = r;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const ring of rings) for (let i = 1; i < ring.length; i += 2) {
    y0 = Math.min(y0, ring[i]!);
    y1 = Math.max(y1, ring[i]!);
  }
  if (!Number.isFinite(y0)) return 0;
  let over = 0;
  const xs: number[] = [];
  for (let y = Math.max(0, Math.floor(y0)); y < Math.min(h, Math.ceil(y1)); y++) {
    const cy = y + 0.5;
    xs.length = 0;
    for (const ring of rings) {
      const n = ring.length >> 1;
      for (let k = 0; k < n; k++) {
        const ax = ring[2 * k]!;
        const ay = ring[2 * k + 1]!;
        const bx = ring[(2 * k + 2) % (2 * n)]!;
        const by = ring[(2 * k + 3) % (2 * n)]!;
        // Half-open in y, so a vertex on the scanline counts once.
        if ((ay <= cy && by > cy) || (by <= cy && ay > cy)) xs.push(ax + ((cy - ay) / (by - ay)) * (bx - ax));
      }
    }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const from = Math.max(0, Math.ceil(xs[k]! - 0.5));
      const to = Math.min(w, Math.ceil(xs[k + 1]! - 0.5));
      for (let x = from; x < to; x++) {
        const i = y * w + x;
        if (data[i] !== 0 && data[i] !== value) over++;
        data[i] = value;
      }
    }
  }
  return over;
}
