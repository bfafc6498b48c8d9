// The mask section of npm run bench:ui (scripts/bench-ui.mjs; BENCH_UI_ONLY=mask-4000 runs it alone): issue
// 14's "submit of a 4,000 x 3,000 mask < 200 ms end to end". Each item of the mask-4000 project (20 street
// scenes, scripts/bench-ui-workspace.mjs) gets a mask painted with the brush through real mouse moves
// (MASK_STROKES strokes of a ~200 px brush, four classes, across most of the image), then Enter; the probe
// times from the key press until the next item is on screen (item key and progress changed, its image
// drawn by the editor, next frame). Then, in this process, the host's part of that submit is split on the
// masks this run stored (timeHostSubmit): decode of the runs, class check, PNG encode, hash, blob write,
// and the store's submit (journal append) on a copy of the project.
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ProjectStore } from '../src/core/store/project-store.ts';
import { ROOT } from './lib.mjs';
import { decodeMaskMessage, maskMessage } from '../src/protocol/mask-transport.ts';
import { decodeIndexedPng, encodeIndexedPng } from '../src/core/masks/png-indexed.ts';
import { putMask, sha256Hex } from '../src/core/masks/blob-store.ts';
import { checkClassIndices, presentClassNames } from '../src/core/masks/raster.ts';
import { submittedMask } from '../src/host/panels/labelerMasks.ts';
import { MASK_LABELS, maskProject } from './bench-ui-workspace.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const MASK_STROKES = 6;

/** Waits until the mask editor has its image loaded and a raster to paint on. */
export async function maskEditorReady(frame, timeoutMs = 30000) {
  await frame.waitForFunction(() => {
    const app = document.querySelector('lbl-labeler-app');
    const ed = app?.shadowRoot?.querySelector('lbl-mask-editor');
    return !!(ed && ed.imageLoaded && ed.encoded && ed.encoded());
  }, undefined, { timeout: timeoutMs, polling: 50 });
}

/** Brush up to about 200 image pixels (] steps: 20, 24, 29, ...). */
export async function bigBrush(page, frame) {
  for (let i = 0; i < 30; i++) {
    const size = await frame.evaluate(() => document.querySelector('lbl-labeler-app')?.shadowRoot?.querySelector('lbl-mask-editor')?.brushSize);
    if (!(size < 200)) return size;
    await page.keyboard.press(']');
  }
  return undefined;
}

/**
 * Paints item `i`'s mask: MASK_STROKES strokes, each with a class key (1-4) and a zig-zag of mouse moves
 * across the image (as the editor shows it), 24 steps a leg.
 */
export async function paintMask(page, frame, i) {
  // The image's rectangle on the page: the editor canvas's box and its view transform (image -> canvas CSS px).
  const canvas = frame.locator('lbl-labeler-app lbl-mask-editor canvas:not(.overlay)').first();
  const box = await canvas.boundingBox();
  if (!box) throw new Error('the mask canvas has no size');
  const t = await frame.evaluate(() => {
    const ed = document.querySelector('lbl-labeler-app')?.shadowRoot?.querySelector('lbl-mask-editor');
    return { ...ed.transform, w: ed.imageWidth ?? ed.image?.naturalWidth, h: ed.imageHeight ?? ed.image?.naturalHeight };
  });
  const at = (fx, fy) => [box.x + t.tx + fx * t.w * t.scale, box.y + t.ty + fy * t.h * t.scale];
  for (let s = 0; s < MASK_STROKES; s++) {
    await page.keyboard.press(String(1 + ((s + i) % MASK_LABELS.length)));
    const y0 = 0.12 + (0.76 * s) / MASK_STROKES + 0.02 * (i % 3);
    const pts = [at(0.1 + 0.03 * (i % 4), y0), at(0.45, y0 + 0.1), at(0.9 - 0.02 * (s % 3), y0 + 0.02)];
    await page.mouse.move(...pts[0]);
    await page.mouse.down();
    for (const p of pts.slice(1)) await page.mouse.move(...p, { steps: 24 });
    await page.mouse.up();
  }
  // The stroke's last repaint and lbl-mask-change.
  await frame.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
  return frame.evaluate(() => {
    const ed = document.querySelector('lbl-labeler-app')?.shadowRoot?.querySelector('lbl-mask-editor');
    const m = ed?.encoded();
    if (!m) return undefined;
    let painted = 0;
    for (let k = 0; k < m.runs.length; k += 2) if (m.runs[k] !== 0) painted += m.runs[k + 1];
    return { runs: m.runs.length / 2, painted: painted / (m.width * m.height) };
  });
}

/**
 * The host's part of a mask submit, split, on the masks this run stored (`since`: epoch ms; the painted
 * ones): each is read back to its raster, encoded as the webview sends it, and put through the host's
 * steps one by one in a scratch dir; then, as the panel's submit does, submittedMask and the store's submit
 * (journal append, index) on a copy of the project (its images hard-linked, a fresh .labeling/), one item
 * each. Returns per-step medians (ms), the whole submittedMask's and the store submit's p50 and max.
 */
export async function timeHostSubmit(workspace, id, since) {
  const dir = path.join(workspace, '.labeling', id, 'masks');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.png') && statSync(path.join(dir, f)).mtimeMs >= since) : [];
  const scratch = mkdtempSync(path.join(ROOT, '.vscode-test', 'bench-ui-mask-host-'));
  const steps = { json: [], decodeRuns: [], check: [], classes: [], pngEncode: [], sha256: [], write: [], submittedMask: [], storeSubmit: [] };
  let pngBytes = 0;
  let store;
  try {
    // The copy of the project the submits go to.
    const copy = path.join(scratch, 'ws');
    mkdirSync(path.join(copy, 'data/scenes'), { recursive: true });
    const images = readdirSync(path.join(workspace, 'data/scenes')).filter((f) => f.endsWith('.png')).sort();
    for (const f of images) linkSync(path.join(workspace, 'data/scenes', f), path.join(copy, 'data/scenes', f));
    await maskProject(copy, id);
    store = await ProjectStore.open({ root: copy, id, labeler: 'bench-host', device: 'bench', wasmPath: path.join(ROOT, 'node_modules/sql.js/dist/sql-wasm.wasm') });
    for (const [k, f] of files.entries()) {
      const { width, height, data } = decodeIndexedPng(readFileSync(path.join(dir, f)), f);
      const msg = maskMessage(data, width, height);
      let t = performance.now();
      const lap = (name) => {
        const now = performance.now();
        steps[name].push(now - t);
        t = now;
      };
      const wire = JSON.parse(JSON.stringify(msg)); // what structured clone / JSON does to it on the way
      lap('json');
      const decoded = decodeMaskMessage(wire, { classCount: MASK_LABELS.length, allowIgnore: true, what: f });
      lap('decodeRuns');
      const raster = { width: decoded.width, height: decoded.height, data: decoded.raster };
      checkClassIndices(raster, MASK_LABELS.length, true);
      lap('check');
      presentClassNames(raster, MASK_LABELS, 'void');
      lap('classes');
      const png = encodeIndexedPng(raster);
      lap('pngEncode');
      sha256Hex(png);
      lap('sha256');
      pngBytes += png.length;
      await putMask(path.join(scratch, 'w'), raster);
      lap('write'); // putMask again: encode + hash + atomic write (fsync)
      steps.write[steps.write.length - 1] -= steps.pngEncode.at(-1) + steps.sha256.at(-1);
      const key = `data/scenes/${images[k % images.length]}`;
      const t0 = performance.now();
      const ann = await submittedMask(store.projectDir, store.def, key, JSON.parse(JSON.stringify(msg)));
      const t1 = performance.now();
      await store.submit(key, ann);
      steps.submittedMask.push(t1 - t0);
      steps.storeSubmit.push(performance.now() - t1);
    }
  } finally {
    await store?.close();
    rmSync(scratch, { recursive: true, force: true });
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  const out = { n: files.length, pngKB: files.length ? pngBytes / files.length / 1024 : NaN };
  for (const [k, xs] of Object.entries(steps)) out[k] = xs.length ? med(xs) : NaN;
  out.submittedMaskMax = steps.submittedMask.length ? Math.max(...steps.submittedMask) : NaN;
  out.storeSubmitMax = steps.storeSubmit.length ? Math.max(...steps.storeSubmit) : NaN;
  return out;
}

export { sleep };
