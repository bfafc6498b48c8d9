/**
 * Builders for the bounds tests of the importers (imported only by *.test.ts): a workspace with real
 * image files (PNG, or a tiny JPEG with an EXIF orientation) or text files and a project over them,
 * an import run through planImport + applyImport, and the journal text it left.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import type { ProjectType } from '../model';
import { createProject } from '../project/create';
import type { ProjectStore } from '../store/project-store';
import { openStore, tempWorkspace, writeFiles } from '../store/test-support';
import type { ImportFormat } from './types';
import { applyImport, planImport, type ImportPlan, type ImportPlanOptions } from './workflow';

export function png(width: number, height: number): Buffer {
  return PNG.sync.write(new PNG({ width, height }));
}

/**
 * The smallest JPEG header image-size (and a browser) reads: SOI, an APP1 Exif block whose IFD0 has
 * only the Orientation tag (or a JFIF APP0 without one), a baseline SOF0 frame of width × height, EOI.
 */
export function tinyJpeg(width: number, height: number, orientation?: number): Buffer {
  const parts: Buffer[] = [Buffer.from([0xff, 0xd8])];
  const segment = (marker: number, body: Buffer): void => {
    const len = Buffer.alloc(2);
    len.writeUInt16BE(body.length + 2);
    parts.push(Buffer.from([0xff, marker]), len, body);
  };
  if (orientation === undefined) segment(0xe0, Buffer.from([0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]));
  else {
    // TIFF, big-endian: "MM", 42, IFD0 at 8: one entry, tag 0x0112 (Orientation), type SHORT, count 1.
    const tiff = Buffer.from([0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0]);
    segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]));
  }
  segment(0xc0, Buffer.from([8, height >> 8, height & 255, width >> 8, width & 255, 1, 1, 0x11, 0]));
  parts.push(Buffer.from([0xff, 0xd9]));
  return Buffer.concat(parts);
}

export interface Workspace {
  root: string;
  id: string;
  store: ProjectStore;
}

/** A workspace with `files` (images or texts) and a project of `type` over `glob`. */
export async function workspace(type: ProjectType, labels: string[], files: Record<string, string | Uint8Array>, glob: string): Promise<Workspace> {
  const root = tempWorkspace();
  writeFiles(root, files);
  const id = 'b';
  const kind = type.startsWith('image') ? 'images' : 'text-files';
  await createProject(root, { id, type, labels, dataSources: [{ kind, glob }], queueSeed: 1 });
  return { root, id, store: await openStore({ root, id }, 'importer') };
}

/** Writes `name` into the workspace and plans, then applies, an import of it. */
export async function runImport(
  ws: Workspace,
  format: ImportFormat,
  name: string,
  content: string | Record<string, string>,
  over: Partial<ImportPlanOptions> = {},
): Promise<ImportPlan> {
  if (typeof content === 'string') writeFiles(ws.root, { [name]: content });
  else writeFiles(ws.root, Object.fromEntries(Object.entries(content).map(([f, c]) => [path.join(name, f), c])));
  const plan = await planImport(ws.store, { format, source: path.join(ws.root, name), createLabels: false, ...over }, ws.root);
  if (plan.submits.length) await applyImport(ws.store, plan, ws.root);
  return plan;
}

/** Every journal line the project holds, as text. */
export function journalText(ws: Workspace): string {
  const dir = path.join(ws.root, '.labeling', ws.id, 'journal');
  if (!fs.existsSync(dir)) return '';
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => fs.readFileSync(path.join(e.parentPath, e.name), 'utf8'))
    .join('');
}

/** Every box or polygon coordinate in the journal's import batches (to prove none is absurd). */
export function journalCoordinates(ws: Workspace): number[] {
  const out: number[] = [];
  for (const line of journalText(ws).split('\n').filter(Boolean)) {
    const ev = JSON.parse(line) as { type: string; submits?: { ann: { boxes?: { x: number; y: number; w: number; h: number }[]; polygons?: { rings: number[][] }[] } }[] };
    for (const s of ev.submits ?? []) {
      for (const b of s.ann.boxes ?? []) out.push(b.x, b.y, b.x + b.w, b.y + b.h);
      for (const p of s.ann.polygons ?? []) out.push(...p.rings.flat());
    }
  }
  return out;
}

/** Every x of the journal's shapes lies in [0, width] and every y in [0, height]; no 1e308, NaN or Infinity. */
export function assertJournalWithin(ws: Workspace, width: number, height: number): void {
  const text = journalText(ws);
  assert.doesNotMatch(text, /e\+30|null|Infinity|NaN/, 'no absurd number reaches the journal');
  const coords = journalCoordinates(ws);
  coords.forEach((v, i) => assert.ok(Number.isFinite(v) && v >= 0 && v <= (i % 2 ? height : width), `coordinate ${i} = ${v}`));
}
