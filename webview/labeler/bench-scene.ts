/**
 * Scenes for `npm run bench:webview` (scripts/bench-webview.mjs), bundled into a page in headless
 * Chromium: the real labeler app over a FakeTransport, fed the state a host would send. Not a test;
 * timings are reported, never asserted. Exposed as `window.lblBench`.
 */
import type { Box, Span } from '../../src/core/model';
import { LabelerStateNotification, type LabelerState } from '../../src/protocol/labeler';
import type { LblBoxEditor } from '../components/box-editor';
import type { LblNerEditor } from '../components/ner-editor';
import { FakeTransport } from '../shared/fake-transport';
import { HostIpc } from '../shared/host-ipc';
import './app';
import type { LblLabelerApp } from './app';
import { aState, anItem, pointerAt, someLabels } from './test-builders';

export const IMAGE_W = 1920;
export const IMAGE_H = 1080;

/** Deterministic pseudo-random numbers (mulberry32) so every run draws the same scene. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeBoxes(n: number, labels: string[]): Box[] {
  const r = rng(42);
  return Array.from({ length: n }, (_, i) => {
    const w = 10 + Math.round(r() * 120);
    const h = 10 + Math.round(r() * 120);
    return { label: labels[i % labels.length]!, x: Math.round(r() * (IMAGE_W - w)), y: Math.round(r() * (IMAGE_H - h)), w, h };
  });
}

export const SENTENCE = 'Alice Johnson met Bob in Berlin and they talked about Acme Corp. ';
/** ~100 KB of text and `n` spans, two per sentence ("Alice Johnson" PER, "Acme Corp" ORG) from the start. */
export function makeNerText(n: number): { text: string; spans: Span[] } {
  const text = SENTENCE.repeat(Math.ceil(100_000 / SENTENCE.length));
  const spans: Span[] = [];
  for (let i = 0; spans.length < n; i++) {
    const o = i * SENTENCE.length;
    spans.push({ start: o, end: o + 13, label: 'PER' });
    if (spans.length < n) spans.push({ start: o + 54, end: o + 63, label: 'ORG' });
  }
  if (spans[spans.length - 1]!.end > text.length) throw new Error('makeNerText: the text is too short for the spans');
  return { text, spans };
}

/** A 1920x1080 PNG with some structure, as a blob URL (no network). */
export async function makeImage(): Promise<string> {
  const c = document.createElement('canvas');
  c.width = IMAGE_W;
  c.height = IMAGE_H;
  const ctx = c.getContext('2d')!;
  const g = ctx.createLinearGradient(0, 0, IMAGE_W, IMAGE_H);
  g.addColorStop(0, '#345');
  g.addColorStop(1, '#987');
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, IMAGE_W, IMAGE_H);
  const blob = await new Promise<Blob>((res) => c.toBlob((b) => res(b!), 'image/png'));
  return URL.createObjectURL(blob);
}

const frame = () => new Promise((r) => requestAnimationFrame(() => r(undefined)));
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function mountApp(state: LabelerState): Promise<{ app: LblLabelerApp; transport: FakeTransport }> {
  document.body.replaceChildren();
  const transport = new FakeTransport();
  const app = document.createElement('lbl-labeler-app');
  app.ipc = new HostIpc(transport);
  document.body.append(app);
  transport.notify(LabelerStateNotification, state);
  await app.updateComplete;
  await frame();
  return { app, transport };
}

export interface Figures {
  [name: string]: { n: number; value: number; unit: string };
}

/** Boxes: data arriving -> 1,000 boxes drawn; selecting a box; each drag move. */
export async function boxScene(imageUri: string, runs = 5): Promise<Figures> {
  const labels = someLabels('car', 'person', 'bike', 'truck');
  const names = labels.map((l) => l.name);
  const boxes = makeBoxes(1000, names);
  const base = aState('image-detection', { item: null });
  const project = { ...base.project, labels };
  const render: number[] = [];
  let app!: LblLabelerApp;
  for (let i = 0; i < runs; i++) {
    const m = await mountApp({ ...base, project });
    app = m.app;
    const state = aState('image-detection', {
      project,
      item: anItem('image-detection', { key: `img-${i}.png`, imageUri, width: IMAGE_W, height: IMAGE_H, annotation: { kind: 'boxes', boxes } }),
    });
    const t0 = performance.now();
    m.transport.notify(LabelerStateNotification, state);
    await app.updateComplete;
    const ed = app.editor as LblBoxEditor;
    await ed.updateComplete;
    render.push(performance.now() - t0);
  }
  await frame();
  const ed = app.editor as LblBoxEditor;
  const select: number[] = [];
  for (let i = 0; i < 21; i++) {
    const b = boxes[(i * 37) % boxes.length]!;
    const t0 = performance.now();
    pointerAt(ed, 'pointerdown', b.x + b.w / 2, b.y + b.h / 2);
    pointerAt(ed, 'pointerup', b.x + b.w / 2, b.y + b.h / 2);
    await ed.updateComplete;
    select.push(performance.now() - t0);
  }
  const moves: number[] = [];
  const b = ed.boxes[ed.selected]!;
  pointerAt(ed, 'pointerdown', b.x + b.w / 2, b.y + b.h / 2);
  for (let i = 1; i <= 61; i++) {
    const t0 = performance.now();
    pointerAt(ed, 'pointermove', b.x + b.w / 2 + i, b.y + b.h / 2 + i / 2);
    await ed.updateComplete;
    moves.push(performance.now() - t0);
  }
  pointerAt(ed, 'pointerup', b.x + b.w / 2 + 61, b.y + b.h / 2 + 30);
  return {
    boxes_render_1000: { n: render.length, value: median(render), unit: 'ms' },
    box_select: { n: select.length, value: median(select), unit: 'ms' },
    box_drag_move: { n: moves.length, value: median(moves), unit: 'ms' },
  };
}

/** Spans: data arriving -> 100 KB text with 2,000 spans laid out; adding one span. */
export async function spanScene(runs = 5): Promise<Figures> {
  const { text, spans } = makeNerText(2000);
  const base = aState('text-ner', { item: null });
  const render: number[] = [];
  let app!: LblLabelerApp;
  for (let i = 0; i < runs; i++) {
    const m = await mountApp(base);
    app = m.app;
    const state = aState('text-ner', { item: anItem('text-ner', { key: `doc-${i}.txt`, text, annotation: { kind: 'spans', spans } }) });
    const t0 = performance.now();
    m.transport.notify(LabelerStateNotification, state);
    await app.updateComplete;
    const ed = app.editor as LblNerEditor;
    await ed.updateComplete;
    ed.shadowRoot!.querySelector('.text')!.getBoundingClientRect(); // force style and layout
    render.push(performance.now() - t0);
  }
  await frame();
  const ed = app.editor as LblNerEditor;
  const add: number[] = [];
  for (let i = 0; i < 21; i++) {
    const s = i * 70 * SENTENCE.length + 25; // "Berlin" in sentence i*70, not yet tagged
    ed.selectRange(s, s + 6);
    await ed.updateComplete;
    const t0 = performance.now();
    app.pick('LOC');
    await app.updateComplete;
    await ed.updateComplete;
    ed.shadowRoot!.querySelector('.text')!.getBoundingClientRect();
    add.push(performance.now() - t0);
  }
  const added = (app.draft!.annotation.kind === 'spans' ? app.draft!.annotation.spans.length : 0) - spans.length;
  if (added !== add.length) throw new Error(`span_add: expected ${add.length} new spans, got ${added}`);
  return {
    spans_render_2000: { n: render.length, value: median(render), unit: 'ms' },
    span_add: { n: add.length, value: median(add), unit: 'ms' },
  };
}

declare global {
  interface Window {
    lblBench: { makeImage: typeof makeImage; boxScene: typeof boxScene; spanScene: typeof spanScene; makeBoxes: typeof makeBoxes; makeNerText: typeof makeNerText };
  }
}
window.lblBench = { makeImage, boxScene, spanScene, makeBoxes, makeNerText };
