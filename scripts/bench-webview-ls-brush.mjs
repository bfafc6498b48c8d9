// The brush comparison of `npm run bench:webview` (scripts/bench-webview.mjs): one stroke of real pointer
// input (Playwright page.mouse, i.e. CDP Input.dispatchMouseEvent, the browser's own input path) through
// Label Studio's brush (<BrushLabels> over <Image>, Konva) and through our mask editor, on the same
// 4000 x 3000 picture, along the path of mask_stroke_move (300 moves of 50 image px zigzagging at the
// fitted zoom) with a 60 image-px brush.
//
// Both editors are timed by the same in-page probe, per move:
//   busy     from the first pointermove listener (window, capture) to the last mousemove listener
//            (window, bubble): the editor's handlers; plus, in the next animation frame, from a frame
//            callback queued before those handlers to one queued after them, which ends with a 1-pixel
//            readback of every canvas (as mask_stroke_move does) so the recorded canvas work is executed.
//            Drawing deferred to a frame callback (Konva's batchDraw) falls in between. Canvas draw calls
//            are counted, in the handlers, in the frame and in the frame after (which would be missed).
//            Waiting for the frame itself is not counted, as in mask_stroke_move.
//   latency  from the input event's timeStamp until that second frame callback ended: what a user sees,
//            including the wait for the frame (up to one vsync, ~16.7 ms at 60 Hz).
// Between moves the page is left to go idle (one frame), so each move is measured on its own.
// Label Studio 1.4.0 draws a stroke segment straight onto its layer's canvas in the handler (preDraw, at
// the size the image is shown) and rasterises the full-size mask only when it serialises (Region2RLE);
// our editor stamps into the 4000 x 3000 raster on every move. The serialisation is timed once too.
/* global requestAnimationFrame, performance, document, addEventListener, CanvasRenderingContext2D -- page.evaluate callbacks run in the browser */

import * as esbuild from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const W = 4000;
export const BRUSH_PX = 60;

/** The path of mask_stroke_move in image pixels, from the page (strokePath in webview/components/mask-editor.bench.ts). */
const strokePath = (p) => p.evaluate(() => window.lblMaskBench.strokePath());

/** Installs the probe (see the file comment); `canvases` is a function body returning the canvases to read back. */
async function installProbe(p, canvases) {
  await p.evaluate((canvasesSrc) => {
    const list = new Function(canvasesSrc);
    const probe = { samples: [], draws: 0, lateDraws: 0, cur: null };
    window.lblProbe = probe;
    // Counts canvas draw calls, to check that a move's drawing happened inside its measured window.
    for (const m of ['drawImage', 'putImageData', 'stroke', 'fill', 'fillRect', 'clearRect']) {
      const orig = CanvasRenderingContext2D.prototype[m];
      CanvasRenderingContext2D.prototype[m] = function (...a) {
        probe.draws++;
        return orig.apply(this, a);
      };
    }
    addEventListener('pointermove', (e) => {
      if (!e.buttons || !probe.armed) return;
      const s = { t0: performance.now(), ts: e.timeStamp, draws0: probe.draws };
      probe.cur = s;
      requestAnimationFrame(() => {
        s.tA = performance.now();
        s.drawsA = probe.draws;
      });
    }, { capture: true });
    addEventListener('mousemove', (e) => {
      const s = probe.cur;
      if (!e.buttons || !s || s.t1 !== undefined) return;
      s.t1 = performance.now();
      requestAnimationFrame(() => {
        for (const c of list()) c.getContext('2d')?.getImageData(0, 0, 1, 1);
        s.tB = performance.now();
        s.draws1 = probe.draws;
        probe.samples.push(s);
        probe.cur = null;
      });
    });
    // Resolves once move n is measured and one more frame has passed (any draw in it is counted as late).
    probe.wait = (n) => new Promise((res, rej) => {
      const limit = performance.now() + 5000;
      const poll = () => {
        if (probe.samples.length >= n) {
          const s = probe.samples[n - 1];
          requestAnimationFrame(() => {
            probe.lateDraws += probe.draws - s.draws1;
            res(undefined);
          });
        } else if (performance.now() > limit) rej(new Error(`move ${n} was not measured within 5 s (its events did not arrive)`));
        else requestAnimationFrame(poll);
      };
      poll();
    });
  }, canvases);
}

const pct = (xs, q) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];

/** Presses at the first point, moves through the rest (each measured), releases; returns the figures. */
async function stroke(p, screen) {
  await p.mouse.move(...screen[0]);
  await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await p.mouse.down();
  await p.evaluate(() => {
    window.lblProbe.armed = true;
  });
  for (let i = 1; i < screen.length; i++) {
    await p.mouse.move(...screen[i]);
    await p.evaluate((n) => window.lblProbe.wait(n), i);
  }
  await p.evaluate(() => {
    window.lblProbe.armed = false;
  });
  await p.mouse.up();
  const { samples, lateDraws } = await p.evaluate(() => ({ samples: window.lblProbe.samples, lateDraws: window.lblProbe.lateDraws }));
  const busy = samples.map((s) => s.t1 - s.t0 + (s.tB - s.tA));
  const latency = samples.map((s) => s.tB - s.ts);
  const handler = samples.map((s) => s.t1 - s.t0);
  // Canvas draw calls per move inside the measured window, and those of them made in the frame callbacks.
  const draws = samples.map((s) => s.draws1 - s.draws0);
  const frameDraws = samples.map((s) => s.draws1 - s.drawsA);
  if (pct(draws, 0.5) === 0) throw new Error('no canvas drawing was seen within the measured window of most moves');
  return {
    n: samples.length, p50: pct(busy, 0.5), p95: pct(busy, 0.95), handlerP50: pct(handler, 0.5),
    latencyP50: pct(latency, 0.5), latencyP95: pct(latency, 0.95), lateDraws, drawsP50: pct(draws, 0.5), frameDrawsP50: pct(frameDraws, 0.5),
  };
}

/** Our mask editor (a page of ours.html) through the probe. */
export async function oursBrush(p) {
  const screen = await p.evaluate(async () => {
    const pts = window.lblMaskBench.strokePath();
    const { el } = await window.lblMaskBench.mountMaskEditor();
    window.lblMaskEl = el;
    const r = el.shadowRoot.querySelector('canvas').getBoundingClientRect();
    const t = el.transform;
    return { pts: pts.map(([x, y]) => [r.left + x * t.scale + t.tx, r.top + y * t.scale + t.ty]), scale: t.scale };
  });
  await installProbe(p, "return window.lblMaskEl.shadowRoot.querySelectorAll('canvas');");
  const f = await stroke(p, screen.pts);
  await p.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
  const painted = await p.evaluate(() => window.lblMaskEl.raster.reduce((n, v) => n + (v ? 1 : 0), 0));
  if (painted === 0) throw new Error('the stroke painted no pixel');
  return { ...f, scale: screen.scale, painted };
}

/** Label Studio (a page of ls.html) through the probe. */
export async function lsBrush(p) {
  const setup = await p.evaluate(async () => {
    const LS = window.LabelStudio.default ?? window.LabelStudio.LabelStudio ?? window.LabelStudio;
    const root = document.createElement('div');
    root.id = 'root';
    document.body.append(root);
    const image = await window.lblMaskBench.bigImage();
    new LS('root', {
      config: '<View><Image name="img" value="$image"/><BrushLabels name="tag" toName="img"><Label value="road"/><Label value="car"/><Label value="sky"/></BrushLabels></View>',
      interfaces: ['panel', 'controls', 'side-column'], user: { pk: 1, firstName: 'Bench', lastName: 'User' },
      task: { id: 1, data: { image }, annotations: [{ id: 1, result: [] }], predictions: [] },
    });
    const limit = performance.now() + 60000;
    for (;;) {
      const img = window.Htx?.annotationStore?.selected?.names?.get('img');
      if (img?.naturalWidth && img.stageWidth && document.querySelector('.konvajs-content canvas')) return { ok: true };
      if (performance.now() > limit) return { error: 'the image was not shown within 60 s' };
      await new Promise((r) => requestAnimationFrame(r));
    }
  });
  if (setup.error) throw new Error(setup.error);
  // Select the label as a user does (a click on it), which also selects the brush tool.
  await p.locator('.lsf-label', { hasText: 'road' }).first().click({ timeout: 10000 });
  const geo = await p.evaluate(({ brushPx, w }) => {
    const a = window.Htx.annotationStore.selected;
    const img = a.names.get('img');
    const label = a.names.get('tag').children.find((l) => l.value === 'road');
    const tool = img.getToolsManager().findSelectedTool();
    if (!label?.selected) return { error: 'the "road" label did not get selected by the click' };
    if (!tool || tool.toJSON?.().strokeWidth === undefined || !/Brush/.test(tool.fullName ?? tool.$treenode?.type?.name ?? '')) return { error: `the selected tool is ${tool?.fullName ?? tool?.$treenode?.type?.name ?? 'none'}, not the brush` };
    const rect = document.querySelector('.konvajs-content').getBoundingClientRect();
    if (img.naturalWidth !== w) return { error: `the image is ${img.naturalWidth} px wide, not ${w}` };
    // Label Studio's brush size is in stage pixels (the image as shown), its slider 1-50: 60 image px.
    const scale = img.stageWidth / img.naturalWidth;
    tool.setStroke(brushPx * scale);
    return { left: rect.left, top: rect.top, scale, stroke: tool.strokeWidth, zoom: img.zoomScale };
  }, { brushPx: BRUSH_PX, w: W });
  if (geo.error) throw new Error(geo.error);
  const screen = (await strokePath(p)).map(([x, y]) => [geo.left + x * geo.scale, geo.top + y * geo.scale]);
  await installProbe(p, "return document.querySelectorAll('canvas');");
  const f = await stroke(p, screen);
  // The stroke must have become a brush region whose result holds an RLE of the 4000 x 3000 mask.
  const check = await p.evaluate(async () => {
    const limit = performance.now() + 10000;
    for (;;) {
      const a = window.Htx.annotationStore.selected;
      const brush = a.regions.filter((r) => r.type === 'brushregion');
      const res = a.serializeAnnotation().filter((r) => r.type === 'brushlabels');
      if (brush.length && res.length && res[0].value?.rle?.length) {
        // Label Studio rasterises the stroke into the 4000 x 3000 mask only here, when it serialises.
        const t0 = performance.now();
        a.serializeAnnotation();
        const serializeMs = performance.now() - t0;
        return { serializeMs, rleValues: res[0].value.rle, regions: brush.length, points: brush[0].touches.reduce((n, t) => n + t.points.length / 2, 0), rle: res[0].value.rle.length, labels: res[0].value.brushlabels, w: res[0].original_width, h: res[0].original_height };
      }
      if (performance.now() > limit) return { error: `no brush region with an RLE after the stroke (regions: ${a.regions.length}, result: ${JSON.stringify(res).slice(0, 200)})` };
      await new Promise((r) => requestAnimationFrame(r));
    }
  });
  if (check.error) throw new Error(check.error);
  const { rleValues, ...rest } = check;
  return { ...f, scale: geo.scale, stroke: geo.stroke, ...rest, painted: await paintedPixels(rleValues, rest.w, rest.h) };
}

/**
 * Pixels set in a Label Studio brush RLE, decoded by the extension's own importer (src/core/masks/ls-brush.ts,
 * bundled for Node here): compared with what our stroke painted, it shows both brushes covered the same area.
 */
async function paintedPixels(rle, w, h) {
  const dir = mkdtempSync(path.join(tmpdir(), 'lbl-bench-rle-'));
  try {
    const out = path.join(dir, 'ls-brush.mjs');
    await esbuild.build({ entryPoints: ['src/core/masks/ls-brush.ts'], outfile: out, bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning' });
    const { lsRleToMask } = await import(pathToFileURL(out).href);
    return lsRleToMask(rle, w, h).reduce((n, v) => n + v, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
