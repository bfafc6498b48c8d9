// Generates real sample data from npm packages that ship it (nothing is downloaded at run time and no data
// file is committed to this repository):
//   sentiment@5  UCI Sentiment Labelled Sentences (CC BY 4.0)  -> data/reviews.csv (id,source,text,sentiment)
//   mnist@1      MNIST handwritten digits (CC BY-SA 3.0)       -> data/digits/<n>.png (28x28 grayscale)
//                                                                data/digit-sheets/<n>.png (several digits per image,
//                                                                for object detection and segmentation)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PNG } from 'pngjs';

const require = createRequire(import.meta.url);

function csvCell(s) {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Writes `perSource` sentences of each of amazon, imdb and yelp. */
export function writeReviews(dir, perSource = 100) {
  const rows = ['id,source,text,sentiment'];
  for (const source of ['amazon', 'imdb', 'yelp']) {
    const file = require.resolve(`sentiment/test/fixtures/${source}.json`);
    const records = JSON.parse(readFileSync(file, 'utf8')).filter((r) => r.text && r.class !== null);
    // Alternate positive and negative so a small sample has both.
    const pos = records.filter((r) => r.class === 1);
    const neg = records.filter((r) => r.class === 0);
    for (let i = 0; i < perSource; i++) {
      const r = i % 2 === 0 ? pos[i >> 1] : neg[i >> 1];
      if (!r) break;
      rows.push([`${source}-${i + 1}`, source, csvCell(r.text.trim()), r.class === 1 ? 'positive' : 'negative'].join(','));
    }
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'reviews.csv'), rows.join('\n') + '\n');
  return rows.length - 1;
}

function digitPixels(digit, index) {
  const file = require.resolve(`mnist/src/digits/${digit}.json`);
  const data = JSON.parse(readFileSync(file, 'utf8')).data;
  return data.slice(index * 784, (index + 1) * 784);
}

function writePng(file, width, height, gray) {
  const png = new PNG({ width, height, colorType: 0 });
  for (let i = 0; i < width * height; i++) {
    const v = gray[i];
    png.data[i * 4] = png.data[i * 4 + 1] = png.data[i * 4 + 2] = v;
    png.data[i * 4 + 3] = 255;
  }
  writeFileSync(file, PNG.sync.write(png, { colorType: 0 }));
}

/** `perDigit` single digits per class, 28x28, white on black as in MNIST. */
export function writeDigits(dir, perDigit = 10) {
  mkdirSync(dir, { recursive: true });
  let n = 0;
  for (let d = 0; d <= 9; d++) {
    for (let i = 0; i < perDigit; i++) {
      const px = digitPixels(d, i).map((v) => Math.round(v * 255));
      writePng(path.join(dir, `${d}-${String(i + 1).padStart(3, '0')}.png`), 28, 28, px);
      n++;
    }
  }
  return n;
}

/** Sheets of 3-5 digits scaled 3x at fixed pseudo-random places on a 256x192 canvas. */
export function writeDigitSheets(dir, count = 12) {
  mkdirSync(dir, { recursive: true });
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const W = 256;
  const H = 192;
  const S = 3;
  for (let s = 0; s < count; s++) {
    const canvas = new Array(W * H).fill(24);
    const placed = [];
    const want = 3 + (s % 3);
    for (let tries = 0; placed.length < want && tries < 200; tries++) {
      const x = Math.floor(rand() * (W - 28 * S));
      const y = Math.floor(rand() * (H - 28 * S));
      if (placed.some((p) => Math.abs(p.x - x) < 28 * S && Math.abs(p.y - y) < 28 * S)) continue;
      const digit = Math.floor(rand() * 10);
      const px = digitPixels(digit, 20 + s * 5 + placed.length);
      for (let j = 0; j < 28 * S; j++)
        for (let i = 0; i < 28 * S; i++) {
          const v = px[Math.floor(j / S) * 28 + Math.floor(i / S)];
          const k = (y + j) * W + (x + i);
          canvas[k] = Math.max(canvas[k], Math.round(v * 255));
        }
      placed.push({ x, y, digit });
    }
    writePng(path.join(dir, `sheet-${String(s + 1).padStart(2, '0')}.png`), W, H, canvas);
  }
  return count;
}
