// Workspaces for npm run bench:ui (scripts/bench-ui.mjs), made with the extension's own core code (run under
// `node --import tsx`): createProject writes project.json, JournalWriter writes the prelabel journal, so every
// file is what the product itself would write.
//   text-300     300 CSV rows, text classification                     fresh each run (under the run dir)
//   text-200k    200,000 CSV rows, text classification                 cached in .vscode-test/bench-ui/
//   image-200k   200,000 PNG files, image classification               cached in .vscode-test/bench-ui/
//   detect-1000  120 images, each with a 1,000-box prelabel (journal)  fresh each run
//   mask-4000    20 images of 4,000 x 3,000, semantic segmentation      images cached in .vscode-test/bench-ui/,
//                (a street-like scene each: sky, buildings, road, cars)  the project made again each run (its
//                                                                       items take one labeler: a run labels all)
// The 200k image files are hard links to 256 distinct small PNGs (round-robin): the store, the queue and
// the webview see 200,000 distinct paths (and URLs), but only 256 distinct contents get decoded.
// The cached projects are shared by runs; each run labels as a new labeler (bench-<run>), so earlier runs'
// labels do not empty its queue, and the store's snapshot in .labeling/.cache/ is reused (say so when not).
// rm -rf .vscode-test/bench-ui makes them again on the next run.
import { closeSync, existsSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { createProject } from '../src/core/project/create.ts';
import { JournalWriter } from '../src/core/journal/writer.ts';

export const LABELS = ['positive', 'negative', 'neutral'];
const READY = '.bench-ui-ready';
/** Bump when what the generator writes changes: cached workspaces of another version are made again. */
const GEN_VERSION = 1;
const readyAs = (dir) => (existsSync(path.join(dir, READY)) ? readFileSync(path.join(dir, READY), 'utf8').split('\n')[0] : undefined);

/** A w x h RGB PNG: a gradient and a block pattern that depend on `seed`. */
function png(w, h, seed) {
  const img = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      const block = ((x >> 4) + (y >> 4) + seed) % 5 === 0;
      img.data[i] = (x * 255) / w;
      img.data[i + 1] = block ? 255 - (seed * 37) % 256 : (y * 255) / h;
      img.data[i + 2] = (seed * 53) % 256;
      img.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(img);
}

function writeCsv(file, n) {
  mkdirSync(path.dirname(file), { recursive: true });
  const fd = openSync(file, 'w');
  writeSync(fd, 'id,text\n');
  for (let i = 0; i < n; i += 10_000) {
    let chunk = '';
    for (let j = i; j < Math.min(n, i + 10_000); j++) {
      chunk += `r${j},"Review ${j}: the product arrived on day ${j % 31}, it was ${['fine', 'great', 'broken', 'late'][j % 4]} and the seller ${j % 3 ? 'answered' : 'did not answer'}."\n`;
    }
    writeSync(fd, chunk);
  }
  closeSync(fd);
}

async function textProject(dir, id, n) {
  writeCsv(path.join(dir, 'data/items.csv'), n);
  await createProject(dir, {
    id, name: `Bench ${id}`, type: 'text-classification', labels: LABELS,
    dataSources: [{ kind: 'table', glob: 'data/*.csv', textColumn: 'text', idColumn: 'id' }], queueSeed: 42,
  });
}

async function imageProject(dir, id, n) {
  const src = path.join(dir, 'png-src');
  mkdirSync(src, { recursive: true });
  const distinct = 256;
  for (let s = 0; s < distinct; s++) writeFileSync(path.join(src, `${s}.png`), png(160, 120, s));
  for (let i = 0; i < n; i++) {
    const sub = path.join(dir, 'data/img', `d${String(Math.floor(i / 1000)).padStart(3, '0')}`);
    if (i % 1000 === 0) mkdirSync(sub, { recursive: true });
    linkSync(path.join(src, `${i % distinct}.png`), path.join(sub, `i${String(i).padStart(6, '0')}.png`));
  }
  await createProject(dir, {
    id, name: `Bench ${id}`, type: 'image-classification', labels: LABELS,
    dataSources: [{ kind: 'images', glob: 'data/img/**/*.png' }], queueSeed: 42,
  });
}

async function detectionProject(dir, id, images, boxes) {
  const data = path.join(dir, 'data/det');
  mkdirSync(data, { recursive: true });
  const W = 640;
  const H = 480;
  for (let i = 0; i < images; i++) writeFileSync(path.join(data, `p${String(i).padStart(4, '0')}.png`), png(W, H, i));
  await createProject(dir, {
    id, name: `Bench ${id}`, type: 'image-detection', labels: LABELS,
    dataSources: [{ kind: 'images', glob: 'data/det/*.png' }], queueSeed: 42,
  });
  // Prelabels as an import would write them: one submit with pre per image, 1,000 boxes on a grid.
  const w = await JournalWriter.open(path.join(dir, '.labeling', id, 'journal', 'model', 'bench.jsonl'), 'model', 'bench');
  try {
    for (let i = 0; i < images; i++) {
      const list = [];
      for (let b = 0; b < boxes; b++) {
        const col = b % 40;
        const row = Math.floor(b / 40);
        list.push({ label: LABELS[(b + i) % LABELS.length], x: col * 16 + 1, y: row * 19 + 1, w: 13 + (b % 3), h: 15 + (b % 4) });
      }
      await w.append([{ type: 'submit', item: `data/det/p${String(i).padStart(4, '0')}.png`, ann: { kind: 'boxes', boxes: list }, pre: true, conf: 0.8, src: 'bench-ui' }]);
    }
  } finally {
    await w.close();
  }
}

export const MASK_LABELS = ['sky', 'building', 'road', 'car'];
export const MASK_W = 4000;
export const MASK_H = 3000;

/**
 * A w x h RGB PNG of a street-like scene that depends on `seed`: a sky gradient, a row of buildings with
 * windows, a road with lane marks, a few cars and a sun, with a little texture (what a photo's masks trace).
 */
function scenePng(w, h, seed) {
  const img = new PNG({ width: w, height: h, colorType: 2, inputHasAlpha: true });
  const d = img.data;
  let r = seed * 2654435761 >>> 0;
  const rnd = () => ((r = (r * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const horizon = Math.round(h * (0.55 + 0.1 * rnd()));
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      const tex = ((x * 7 + y * 13) ^ (x >> 3)) & 15;
      if (y < horizon) {
        d[i] = 90 + (y * 80) / horizon + tex;
        d[i + 1] = 140 + (y * 60) / horizon + tex;
        d[i + 2] = 230 - tex;
      } else {
        const g = 70 + ((y - horizon) * 40) / (h - horizon) + tex;
        d[i] = g;
        d[i + 1] = g;
        d[i + 2] = g + 5;
      }
      d[i + 3] = 255;
    }
  }
  const rect = (x0, y0, x1, y1, c) => {
    for (let y = Math.max(0, y0 | 0); y < Math.min(h, y1 | 0); y++) {
      for (let x = Math.max(0, x0 | 0); x < Math.min(w, x1 | 0); x++) {
        const i = (y * w + x) * 4;
        d[i] = c[0];
        d[i + 1] = c[1];
        d[i + 2] = c[2];
      }
    }
  };
  const disc = (cx, cy, rad, c) => {
    for (let y = Math.max(0, cy - rad | 0); y < Math.min(h, cy + rad + 1 | 0); y++) {
      const dx = Math.sqrt(Math.max(0, rad * rad - (y - cy) ** 2));
      for (let x = Math.max(0, cx - dx | 0); x < Math.min(w, cx + dx + 1 | 0); x++) {
        const i = (y * w + x) * 4;
        d[i] = c[0];
        d[i + 1] = c[1];
        d[i + 2] = c[2];
      }
    }
  };
  disc(w * (0.1 + 0.8 * rnd()), h * 0.12, h * 0.05, [250, 230, 120]);
  // Buildings along the horizon, with windows.
  for (let x = 0; x < w;) {
    const bw = w * (0.05 + 0.08 * rnd());
    const top = horizon - h * (0.15 + 0.3 * rnd());
    const c = [120 + 80 * rnd(), 100 + 60 * rnd(), 90 + 50 * rnd()];
    rect(x, top, x + bw - 8, horizon, c);
    for (let wy = top + 40; wy < horizon - 60; wy += 90) for (let wx = x + 30; wx < x + bw - 60; wx += 80) rect(wx, wy, wx + 36, wy + 50, [40, 50, 70]);
    x += bw;
  }
  // Lane marks and cars on the road.
  for (let x = 0; x < w; x += 300) rect(x, horizon + (h - horizon) * 0.5, x + 160, horizon + (h - horizon) * 0.5 + 24, [235, 235, 235]);
  for (let k = 0; k < 3 + (seed % 3); k++) {
    const cw = w * (0.08 + 0.06 * rnd());
    const cx = rnd() * (w - cw);
    const cy = horizon + (h - horizon) * (0.15 + 0.6 * rnd());
    const c = [255 * rnd(), 255 * rnd(), 255 * rnd()];
    rect(cx, cy, cx + cw, cy + cw * 0.35, c);
    rect(cx + cw * 0.2, cy - cw * 0.2, cx + cw * 0.75, cy, c);
    disc(cx + cw * 0.2, cy + cw * 0.35, cw * 0.09, [20, 20, 20]);
    disc(cx + cw * 0.8, cy + cw * 0.35, cw * 0.09, [20, 20, 20]);
  }
  return PNG.sync.write(img, { colorType: 2 });
}

function maskImages(dir, images) {
  const data = path.join(dir, 'data/scenes');
  mkdirSync(data, { recursive: true });
  for (let i = 0; i < images; i++) writeFileSync(path.join(data, `s${String(i).padStart(3, '0')}.png`), scenePng(MASK_W, MASK_H, i + 1));
}

/** The project over the cached images, made again each run: one labeler per item, and each run labels them all. */
export async function maskProject(dir, id) {
  rmSync(path.join(dir, '.labeling'), { recursive: true, force: true });
  await createProject(dir, {
    id, name: `Bench ${id}`, type: 'image-semantic-segmentation', labels: MASK_LABELS, ignoreLabel: 'void',
    dataSources: [{ kind: 'images', glob: 'data/scenes/*.png' }], queueSeed: 42,
  });
}

/** The benchmark's projects (those of `names` when given): { name, id, dir, n, media, cached, secs } each (dir is the workspace folder). */
export async function prepareWorkspaces(runDir, cacheDir, log = console.log, names = undefined) {
  const specs = [
    { name: 'text-300', id: 'text300', n: 300, media: 'text', cached: false, make: (d) => textProject(d, 'text300', 300) },
    { name: 'text-200k', id: 'text200k', n: 200_000, media: 'text', cached: true, make: (d) => textProject(d, 'text200k', 200_000) },
    { name: 'image-200k', id: 'image200k', n: 200_000, media: 'image', cached: true, make: (d) => imageProject(d, 'image200k', 200_000) },
    { name: 'detect-1000', id: 'detect1000', n: 120, media: 'image', boxes: 1000, cached: false, make: (d) => detectionProject(d, 'detect1000', 120, 1000) },
    { name: 'mask-4000', id: 'mask4000', n: 20, media: 'image', mask: true, cached: true, make: (d) => maskImages(d, 20), fresh: (d) => maskProject(d, 'mask4000') },
  ];
  const out = [];
  for (const s of specs) {
    if (names && !names.includes(s.name)) continue;
    const dir = s.cached ? path.join(cacheDir, s.name) : path.join(runDir, s.name);
    const t0 = Date.now();
    let made = false;
    if (!s.cached || readyAs(dir) !== `v${GEN_VERSION}`) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      await s.make(dir);
      writeFileSync(path.join(dir, READY), `v${GEN_VERSION}\n${new Date().toISOString()}\n`);
      made = true;
    }
    await s.fresh?.(dir);
    const secs = (Date.now() - t0) / 1000;
    const snapshot = existsSync(path.join(dir, '.labeling/.cache', s.id));
    log(`  ${s.name}: ${made ? `generated in ${secs.toFixed(1)} s` : 'reused from cache'} (${path.relative(process.cwd(), dir)})${s.cached ? `, store snapshot ${snapshot ? 'present' : 'absent (the first open builds the index)'}` : ''}`);
    out.push({ name: s.name, id: s.id, dir, n: s.n, media: s.media, boxes: s.boxes, mask: s.mask, cached: s.cached, generatedSecs: made ? secs : undefined, snapshot });
  }
  return out;
}
