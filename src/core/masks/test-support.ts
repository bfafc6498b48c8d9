/** Synthetic class-index masks for the mask tests and size measurements. */
import { seededRandom } from '../random';
import { IGNORE, type ClassRaster } from './raster';

/**
 * A mask like a painted photo: a few large regions (a ground band, ellipses, a wedge) of classes
 * 1..classes, with ragged edges (each boundary jitters by up to `jitter` pixels row by row) and, when
 * `ignoreBorder`, a 3-pixel ignore (255) ring around each ellipse as VOC draws its void boundaries.
 */
export function syntheticMask(width: number, height: number, opts: { seed?: number; classes?: number; jitter?: number; ignoreBorder?: boolean } = {}): ClassRaster {
  const random = seededRandom(opts.seed ?? 1);
  const classes = opts.classes ?? 5;
  const jitter = opts.jitter ?? 3;
  const data = new Uint8Array(width * height);
  const s = Math.min(width, height);
  // Ground: everything below a wavy horizon is class 1.
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const horizon = height * 0.7 + Math.sin(x / (width / 7)) * height * 0.05 + (random() - 0.5) * 2 * jitter;
      if (y > horizon) data[y * width + x] = 1;
    }
  }
  const blobs = Array.from({ length: 4 }, (_, k) => ({
    cx: width * (0.2 + 0.2 * k),
    cy: height * (0.35 + 0.1 * (k % 2)),
    rx: s * (0.08 + 0.04 * k),
    ry: s * (0.12 + 0.03 * k),
    cls: 1 + ((k + 1) % classes),
  }));
  for (const b of blobs) {
    for (let y = Math.max(0, Math.floor(b.cy - b.ry - 8)); y < Math.min(height, b.cy + b.ry + 8); y++) {
      const dy = (y - b.cy) / b.ry;
      if (Math.abs(dy) > 1.05) continue;
      const half = b.rx * Math.sqrt(Math.max(0, 1 - dy * dy));
      const l = Math.round(b.cx - half + (random() - 0.5) * 2 * jitter);
      const r = Math.round(b.cx + half + (random() - 0.5) * 2 * jitter);
      for (let x = Math.max(0, l - 3); x < Math.min(width, r + 3); x++) {
        data[y * width + x] = x >= l && x < r && Math.abs(dy) <= 1 ? b.cls : opts.ignoreBorder ? IGNORE : data[y * width + x]!;
      }
    }
  }
  // A wedge of the last class from the top-left corner.
  for (let y = 0; y < height * 0.3; y++) {
    const end = Math.round(width * 0.25 * (1 - y / (height * 0.3)) + (random() - 0.5) * 2 * jitter);
    for (let x = 0; x < Math.min(width, end); x++) data[y * width + x] = classes;
  }
  return { width, height, data };
}
