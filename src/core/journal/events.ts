/**
 * Journal events: one JSON object per line in journal/<labeler>/<device>.jsonl, schema version v:1.
 * Every event has type, at (ISO time), by (labeler), dev (device), seq (1-based per file) and a payload.
 */
import type { Annotation, LabelClass, ProjectStatus } from '../model';

export const JOURNAL_VERSION = 1;

export type LabelSetMode = 'remove-all' | 'keep-as-prelabels' | 'continue';

export interface SubmitPayload {
  item: string;
  ann: Annotation;
  /** A prelabel (import or ML assist) nobody confirmed yet. */
  pre?: boolean;
  /** Model confidence in [0, 1]. */
  conf?: number;
  /** Where a prelabel came from (file, model version). */
  src?: string;
}

export type EventPayload =
  | ({ type: 'submit' } & SubmitPayload)
  /** The labeler skips the item: out of their queue. */
  | { type: 'skip'; item: string }
  /** Returns a skipped item to the queue: every skip (and accept-skip) before it is void. */
  | { type: 'unskip'; item: string }
  /** A reviewer accepts the skip: the item stays skipped for everyone. */
  | { type: 'accept-skip'; item: string; base: number }
  /** A reviewer rejects the labels: every submit before it is void, the item is back in the queue. */
  | { type: 'reject'; item: string; base: number }
  /** A reviewer approves the current labels (the consensus, or the single labeler's). */
  | { type: 'approve'; item: string; base: number }
  /** A reviewer settles the final annotation (consensus decision). */
  | { type: 'decide'; item: string; ann: Annotation; base: number }
  /** Assigns the item to a labeler (null: unassign). */
  | { type: 'assign'; item: string; to: string | null }
  /** Labels added to the project, with what happens to existing labels. */
  | { type: 'labels'; added: LabelClass[]; mode: LabelSetMode }
  | { type: 'status'; status: ProjectStatus }
  /** An import batch: one line, so it is all-or-nothing. */
  | { type: 'import'; batch: string; submits: SubmitPayload[] };

export type EventType = EventPayload['type'];

export interface EventHeader {
  v: 1;
  at: string;
  by: string;
  dev: string;
  seq: number;
}

export type JournalEvent = EventHeader & EventPayload;

/** Events that name an item. */
export type ItemEvent = Extract<JournalEvent, { item: string }>;

/**
 * Total order of events across files: (at, by, dev, seq), as a compact string that compares in that
 * order: at as fixed-width base-36 milliseconds, then by, dev and seq (base 36, fixed width).
 */
export function orderKey(e: Pick<EventHeader, 'at' | 'by' | 'dev' | 'seq'>): string {
  return orderKeyOf(orderTime(e.at), e.by, e.dev, e.seq);
}

/** The time an order key sorts by: milliseconds of `at`, 0 when it does not parse. */
export function orderTime(at: string): number {
  const ms = Date.parse(at);
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

/** The order key of an event from its parts (`ms` from orderTime). */
export function orderKeyOf(ms: number, by: string, dev: string, seq: number): string {
  return `${ms.toString(36).padStart(9, '0')}\u0001${by}\u0001${dev}\u0001${seq.toString(36).padStart(7, '0')}`;
}

/** The order key of the i-th submit of an import event with order key `ord`. */
export function importOrderKey(ord: string, i: number): string {
  return `${ord}\u0001${i.toString(36).padStart(5, '0')}`;
}

/** Milliseconds since the epoch of an order key's time. */
export function timeOfOrderKey(ord: string): number {
  return parseInt(ord.slice(0, 9), 36);
}

/** The event time (ISO) and labeler an order key was made from. */
export function headerOfOrderKey(ord: string): { at: string; by: string } {
  const a = ord.indexOf('\u0001');
  const b = ord.indexOf('\u0001', a + 1);
  return { at: new Date(timeOfOrderKey(ord)).toISOString(), by: ord.slice(a + 1, b) };
}

const ITEM_TYPES = new Set(['submit', 'skip', 'unskip', 'accept-skip', 'reject', 'approve', 'decide', 'assign']);
const BASED = new Set(['accept-skip', 'reject', 'approve', 'decide']);
const ANN_KINDS = new Set(['classes', 'spans', 'boxes', 'polygons']);

function annotationProblem(a: unknown): string | undefined {
  if (typeof a !== 'object' || a === null) return 'ann must be an object';
  const k = (a as { kind?: unknown }).kind;
  if (typeof k !== 'string' || !ANN_KINDS.has(k)) return 'ann.kind is not one of classes, spans, boxes, polygons';
  const list = (a as Record<string, unknown>)[k === 'classes' ? 'labels' : k];
  if (!Array.isArray(list)) return `ann.${k === 'classes' ? 'labels' : k} must be an array`;
  return undefined;
}

function submitProblem(s: unknown): string | undefined {
  if (typeof s !== 'object' || s === null) return 'submit must be an object';
  const o = s as Record<string, unknown>;
  if (typeof o.item !== 'string' || !o.item) return 'item must be a non-empty string';
  return annotationProblem(o.ann);
}

/**
 * Checks the shape of a parsed line (cheap: it runs on every replayed event). Returns a message
 * naming the bad field, or undefined when the event is usable.
 */
export function eventProblem(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'not a JSON object';
  const e = raw as Record<string, unknown>;
  if (e.v !== JOURNAL_VERSION) return `unsupported schema version v=${String(e.v)}`;
  if (typeof e.type !== 'string') return 'type is missing';
  if (typeof e.at !== 'string' || e.at.length < 20 || Number.isNaN(Date.parse(e.at))) return 'at must be an ISO time';
  if (typeof e.by !== 'string' || !e.by) return 'by is missing';
  if (typeof e.dev !== 'string' || !e.dev) return 'dev is missing';
  if (typeof e.seq !== 'number' || !Number.isInteger(e.seq) || e.seq < 1) return 'seq must be a positive integer';
  if (ITEM_TYPES.has(e.type) && (typeof e.item !== 'string' || !e.item)) return 'item must be a non-empty string';
  if (BASED.has(e.type) && typeof e.base !== 'number') return 'base (item version) is missing';
  switch (e.type) {
    case 'submit':
      return submitProblem(e);
    case 'decide':
      return annotationProblem(e.ann);
    case 'assign':
      return e.to === null || typeof e.to === 'string' ? undefined : 'to must be a labeler or null';
    case 'labels':
      if (!Array.isArray(e.added)) return 'added must be an array';
      return e.mode === 'remove-all' || e.mode === 'keep-as-prelabels' || e.mode === 'continue' ? undefined : 'mode is invalid';
    case 'status':
      return e.status === 'running' || e.status === 'paused' ? undefined : 'status is invalid';
    case 'import': {
      if (typeof e.batch !== 'string' || !Array.isArray(e.submits)) return 'import needs batch and submits';
      for (let i = 0; i < e.submits.length; i++) {
        const p = submitProblem(e.submits[i]);
        if (p) return `submits[${i}]: ${p}`;
      }
      return undefined;
    }
    case 'skip':
    case 'unskip':
    case 'accept-skip':
    case 'reject':
    case 'approve':
      return undefined;
    default:
      return `unknown event type "${e.type}"`;
  }
}
