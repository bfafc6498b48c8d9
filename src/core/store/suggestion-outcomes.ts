/**
 * What labelers did with the prelabels and model suggestions they were shown (issue 12 item 3): a
 * labeler's submit records the source it was shown (`src`, e.g. `model:text-logreg@3`) and, when the
 * labeler changed it first, `chg`. Each labeler's CURRENT submit on an item counts (the done table
 * holds its src and chg; triggers keep cnt_outcome current, schema.ts), not every submit: a labeler who
 * confirmed a suggestion and later corrected it counts once, as changed, and a submit voided by a
 * reject or a label-set change stops counting, as it stops counting as a label. So the figures are
 * "of the suggestions in the labels as they stand, the share taken unchanged", and they do not drift
 * with how often people go Back.
 */
import type { Annotation } from '../model';
import { timeOfOrderKey } from '../journal/events';
import type { ItemComputation } from './item-state';
import type { EvRecord } from './ev-rows';

/** The source a model suggestion is recorded under: `model:<name>@<version>`. */
export function modelSource(model: string, version: number): string {
  return `model:${model}@${version}`;
}

/** The model name and version of a `model:<name>@<version>` source, or undefined. */
export function parseModelSource(src: string): { model: string; version: number } | undefined {
  const m = /^model:(.+)@(\d+)$/.exec(src);
  return m ? { model: m[1]!, version: Number(m[2]) } : undefined;
}

/** One source's current submits: `confirmed` of `total` took it unchanged. */
export interface SuggestionOutcome {
  source: string;
  confirmed: number;
  total: number;
}

/** cnt_outcome rows of `model:` sources (n > 0): the read of suggestionOutcomes. */
export const SELECT_MODEL_OUTCOMES = "SELECT src, chg, n FROM cnt_outcome WHERE src >= 'model:' AND src < 'model;' AND n > 0";

/** Folds cnt_outcome rows into outcomes, the newest model version first (then by name; unversioned last). */
export function outcomesOf(rows: readonly { src: string; chg: number; n: number }[]): SuggestionOutcome[] {
  const by = new Map<string, SuggestionOutcome>();
  for (const r of rows) {
    let o = by.get(r.src);
    if (!o) by.set(r.src, (o = { source: r.src, confirmed: 0, total: 0 }));
    o.total += r.n;
    if (!r.chg) o.confirmed += r.n;
  }
  const version = (s: string) => parseModelSource(s)?.version ?? -1;
  return [...by.values()].sort((a, b) => version(b.source) - version(a.source) || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
}

/** The src and chg of a labeler's current submit, as done stores them. */
export interface DoneOutcome {
  src: string;
  chg: boolean;
}

/**
 * Per labeler of `done`: the src (and chg) of the ev row their current submit is, when it has a src.
 * The row is found by labeler, time and annotation (what done holds of it); undefined when no submit
 * row has a src (most items: no read beyond that check).
 */
export function doneOutcomes(rows: readonly EvRecord[], done: ItemComputation['done']): Map<string, DoneOutcome> | undefined {
  if (!rows.some((r) => r.src !== null && r.type === 'submit' && !r.pre)) return undefined;
  const subs = new Map<string, ItemComputation['done'][number]>();
  for (const d of done) if (d.kind === 'sub') subs.set(d.labeler, d);
  const current = new Map<string, EvRecord>();
  for (const r of rows) {
    if (r.type !== 'submit' || r.pre) continue;
    const d = subs.get(r.by);
    if (d && d.ann === r.ann && d.t === timeOfOrderKey(r.ord)) current.set(r.by, r); // the last match: rows are in order
  }
  const out = new Map<string, DoneOutcome>();
  for (const [by, r] of current) if (r.src !== null) out.set(by, { src: r.src, chg: r.chg === 1 });
  return out.size ? out : undefined;
}

/** Counts per (src, chg), for a bulk build (written to cnt_outcome once at the end, before the triggers exist). */
export class OutcomeTally {
  readonly counts = new Map<string, { src: string; chg: number; n: number }>();
  add(outcomes: Map<string, DoneOutcome> | undefined): void {
    if (!outcomes) return;
    for (const o of outcomes.values()) {
      const k = `${o.chg ? 1 : 0}${o.src}`;
      const c = this.counts.get(k);
      if (c) c.n++;
      else this.counts.set(k, { src: o.src, chg: o.chg ? 1 : 0, n: 1 });
    }
  }
}

export const INSERT_OUTCOME = 'INSERT INTO cnt_outcome VALUES (?, ?, ?) ON CONFLICT(src, chg) DO UPDATE SET n = n + excluded.n';

/**
 * Whether two annotations are the same labels, compared canonically: label sets as sets, spans, boxes
 * and polygons as collections of values (their order and their objects' key order do not matter).
 */
export function sameAnnotation(a: Annotation, b: Annotation): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'classes' && b.kind === 'classes') {
    const x = new Set(a.labels);
    const y = new Set(b.labels);
    return x.size === y.size && [...x].every((l) => y.has(l));
  }
  if (a.kind === 'mask' || b.kind === 'mask') return a.kind === 'mask' && b.kind === 'mask' && a.blob === b.blob;
  const list = (v: Annotation): unknown[] => (v.kind === 'spans' ? v.spans : v.kind === 'boxes' ? v.boxes : v.kind === 'polygons' ? v.polygons : v.kind === 'classes' ? v.labels : []);
  // The usual case, a prelabel confirmed as it was sent (or sent back unchanged), costs no strings: 1,000
  // boxes through canonicalJson took ~10 ms of the extension host's turn per submit (bench:ui detect-1000).
  const la = list(a);
  const lb = list(b);
  if (la.length !== lb.length) return false;
  if (la.every((x, i) => sameValue(x, lb[i]))) return true;
  const xs = la.map(canonicalJson).sort();
  const ys = lb.map(canonicalJson).sort();
  return xs.length === ys.length && xs.every((s, i) => s === ys[i]);
}

/** Deep equality as canonicalJson sees it (keys whose value is undefined are absent; arrays in order). */
function sameValue(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
  if (Array.isArray(x) || Array.isArray(y)) {
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!sameValue(x[i], y[i])) return false;
    return true;
  }
  const o = x as Record<string, unknown>;
  const q = y as Record<string, unknown>;
  let n = 0;
  for (const k in o) {
    if (!Object.prototype.hasOwnProperty.call(o, k) || o[k] === undefined) continue;
    if (!sameValue(o[k], q[k])) return false;
    n++;
  }
  for (const k in q) if (Object.prototype.hasOwnProperty.call(q, k) && q[k] !== undefined) n--;
  return n === 0;
}

/** JSON with object keys sorted (arrays keep their order: a polygon's points are ordered). */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}
