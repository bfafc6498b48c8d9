/**
 * The held-out examples a training leaves for its validation job (issue 12 item 1), one JSON-lines file
 * beside the model (`holdout-<v>.jsonl`, written atomically by model-store.ts with the model):
 *
 *   {"format": "data-labeling.assist-holdout", "formatVersion": 1, "type", "items", "labels", "targetPrecision", "minItems"}
 *   {"item": "<key>", "final": <annotation>, "text": "..."}            one per held-out text item, or
 *   {"item": "<key>", "labels": [...], "features": "<base64 Float32>"} one per held-out image
 *
 * The texts and the images' feature vectors are the ones the training split, so the validation job
 * predicts exactly what the training held out, whatever changed in the workspace since. The header
 * carries what chooseThreshold is to be given (the target, the minimum count) and how many labels the
 * split was made of (the message says "held out n of m").
 */
import { promises as fsp } from 'node:fs';
import { LabelingError } from '../../errors';
import type { Annotation } from '../../model';
import type { AssistModelType } from './assist-model';
import type { HeldOutImages } from './image-train';
import { isAssistImageType } from './image-training-set';
import type { TrainingExample } from './training-set';

export const HOLDOUT_FORMAT = 'data-labeling.assist-holdout';
export const HOLDOUT_VERSION = 1;

export interface HoldoutHeader {
  format: typeof HOLDOUT_FORMAT;
  formatVersion: typeof HOLDOUT_VERSION;
  type: AssistModelType;
  /** Held-out examples (the lines after the header). */
  items: number;
  /** Labels the split was made of. */
  labels: number;
  targetPrecision: number;
  minItems: number;
}

export type HoldoutSettings = Omit<HoldoutHeader, 'format' | 'formatVersion' | 'items'>;

/** A read hold-out file: text examples or image vectors, by the header's type. */
export type Holdout = { header: HoldoutHeader; texts: TrainingExample[]; images?: undefined } | { header: HoldoutHeader; texts?: undefined; images: HeldOutImages };

/** The file's bytes for held-out text examples. */
export function encodeTextHoldout(s: HoldoutSettings, held: readonly TrainingExample[]): Uint8Array {
  const lines = [header(s, held.length), ...held.map((e) => JSON.stringify({ item: e.key, final: e.final, text: e.text }))];
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

/** The file's bytes for held-out images (their vectors as the bytes of a Float32Array, base64). */
export function encodeImageHoldout(s: HoldoutSettings, held: HeldOutImages): Uint8Array {
  const lines = [header(s, held.keys.length)];
  held.keys.forEach((item, i) => {
    const v = held.rows[i]!;
    lines.push(JSON.stringify({ item, labels: held.labels[i], features: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') }));
  });
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

function header(s: HoldoutSettings, items: number): string {
  const h: HoldoutHeader = { format: HOLDOUT_FORMAT, formatVersion: HOLDOUT_VERSION, type: s.type, items, labels: s.labels, targetPrecision: s.targetPrecision, minItems: s.minItems };
  return JSON.stringify(h);
}

/** Reads a hold-out file; anything amiss is a LabelingError naming the file, line and field. */
export async function readHoldout(file: string): Promise<Holdout> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new LabelingError(code === 'ENOENT' ? 'not-found' : 'io', `cannot read the held-out examples (${code ?? String(e)})`, { file });
  }
  return parseHoldout(text, file);
}

export function parseHoldout(text: string, file: string): Holdout {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const bad = (line: number, field: string, message: string) => new LabelingError('invalid-input', message, { file, line, field });
  const json = (i: number): Record<string, unknown> => {
    try {
      const o = JSON.parse(lines[i]!) as unknown;
      if (o && typeof o === 'object' && !Array.isArray(o)) return o as Record<string, unknown>;
    } catch {
      // reported below
    }
    throw bad(i + 1, 'line', 'not a JSON object');
  };
  if (!lines.length) throw bad(1, 'format', 'the file is empty');
  const h = json(0);
  if (h.format !== HOLDOUT_FORMAT) throw bad(1, 'format', `must be "${HOLDOUT_FORMAT}", got ${JSON.stringify(h.format)}`);
  if (h.formatVersion !== HOLDOUT_VERSION) throw bad(1, 'formatVersion', `this extension reads hold-out version ${HOLDOUT_VERSION}, the file has ${JSON.stringify(h.formatVersion)}`);
  if (typeof h.type !== 'string') throw bad(1, 'type', 'must be a string');
  for (const f of ['items', 'labels', 'targetPrecision', 'minItems'] as const) if (typeof h[f] !== 'number') throw bad(1, f, 'must be a number');
  const header = h as unknown as HoldoutHeader;
  if (lines.length - 1 !== header.items) throw bad(lines.length, 'items', `the header says ${header.items} held-out examples, the file has ${lines.length - 1}`);
  if (isAssistImageType(header.type)) {
    const images: HeldOutImages = { keys: [], rows: [], labels: [] };
    for (let i = 1; i < lines.length; i++) {
      const o = json(i);
      if (typeof o.item !== 'string') throw bad(i + 1, 'item', 'must be a string');
      if (!Array.isArray(o.labels) || !o.labels.every((l) => typeof l === 'string')) throw bad(i + 1, 'labels', 'must be a list of strings');
      if (typeof o.features !== 'string') throw bad(i + 1, 'features', 'must be base64 text');
      const bytes = Buffer.from(o.features, 'base64');
      if (bytes.byteLength % 4) throw bad(i + 1, 'features', `${bytes.byteLength} bytes are not 32-bit floats`);
      const row = new Float32Array(bytes.byteLength / 4);
      new Uint8Array(row.buffer).set(bytes);
      images.keys.push(o.item);
      images.rows.push(row);
      images.labels.push(o.labels as string[]);
    }
    return { header, images };
  }
  const texts: TrainingExample[] = [];
  for (let i = 1; i < lines.length; i++) {
    const o = json(i);
    if (typeof o.item !== 'string') throw bad(i + 1, 'item', 'must be a string');
    if (typeof o.text !== 'string') throw bad(i + 1, 'text', 'must be a string');
    const f = o.final as { kind?: unknown } | undefined;
    if (!f || typeof f !== 'object' || typeof f.kind !== 'string') throw bad(i + 1, 'final', 'must be an annotation');
    texts.push({ key: o.item, text: o.text, final: o.final as Annotation });
  }
  return { header, texts };
}
