// Workspaces for npm run bench:ui (scripts/bench-ui.mjs), made with the extension's own core code (run under
// `node --import tsx`): createProject writes project.json, JournalWriter writes the prelabel journal, so every
// file is what the product itself would write.
//   text-300     300 CSV rows, text classification                     fresh each run (under the run dir)
//   text-200k    200,000 CSV rows, text classification                 cached in .vscode-test/bench-ui/
//   image-200k   200,000 PNG files, image classification               cached in .vscode-test/bench-ui/
//   detect-1000  120 images, each with a 1,000-box prelabel (journal)  fresh each run
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

/** The benchmark's projects: { name, id, dir, n, media, cached, secs } each (dir is the workspace folder). */
export async function prepareWorkspaces(runDir, cacheDir, log = console.log) {
  const specs = [
    { name: 'text-300', id: 'text300', n: 300, media: 'text', cached: false, make: (d) => textProject(d, 'text300', 300) },
    { name: 'text-200k', id: 'text200k', n: 200_000, media: 'text', cached: true, make: (d) => textProject(d, 'text200k', 200_000) },
    { name: 'image-200k', id: 'image200k', n: 200_000, media: 'image', cached: true, make: (d) => imageProject(d, 'image200k', 200_000) },
    { name: 'detect-1000', id: 'detect1000', n: 120, media: 'image', boxes: 1000, cached: false, make: (d) => detectionProject(d, 'detect1000', 120, 1000) },
  ];
  const out = [];
  for (const s of specs) {
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
    const secs = (Date.now() - t0) / 1000;
    const snapshot = existsSync(path.join(dir, '.labeling/.cache', s.id));
    log(`  ${s.name}: ${made ? `generated in ${secs.toFixed(1)} s` : 'reused from cache'} (${path.relative(process.cwd(), dir)})${s.cached ? `, store snapshot ${snapshot ? 'present' : 'absent (the first open builds the index)'}` : ''}`);
    out.push({ name: s.name, id: s.id, dir, n: s.n, media: s.media, boxes: s.boxes, cached: s.cached, generatedSecs: made ? secs : undefined, snapshot });
  }
  return out;
}
