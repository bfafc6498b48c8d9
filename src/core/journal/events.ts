/**
 * Journal events: one JSON object per line in journal/<labeler>/<device>.jsonl. Every event has v
 * (schema version), k (the consensus rule its writer computes with; absent on older lines), type, at (a hybrid logical clock, ISO time), by (labeler), dev (device), seq
 * (1-based per file), ps (project-level seen vector) and a payload. EVENT_SPECS below describes every
 * type once (scope, role, whether it carries `seen`, validation, its index code); every list, switch
 * and code elsewhere is derived from it, so adding a type is one entry there and one member of
 * EventPayload, and the compiler flags each switch that must handle it (assertNever).
 */
import { ANNOTATION_KINDS, isAnnotationKind, type Annotation, type LabelClass, type ProjectStatus, type Role } from '../model';
import { maskAnnotationProblem } from '../masks/raster';
import { roleSetProblem } from '../team/roles';
import { vectorProblem, type SeenVector } from '../team/vector';

/** Written by this version. Lines of version 1 (before seen vectors) are read as well. */
export const JOURNAL_VERSION = 2;
export const READABLE_VERSIONS: readonly number[] = [1, 2];

export type LabelSetMode = 'remove-all' | 'keep-as-prelabels' | 'continue';

export interface SubmitPayload {
  item: string;
  ann: Annotation;
  /** A prelabel (import or ML assist) nobody confirmed yet. */
  pre?: boolean;
  /** Model confidence in [0, 1]. */
  conf?: number;
  /**
   * Where a prelabel came from (file, model version); on a labeler's submit, the prelabel or model
   * suggestion the labeler was shown and confirmed (or changed, with `chg`).
   */
  src?: string;
  /** A labeler's submit (not `pre`) that changed the prelabel or suggestion `src` names before submitting it. */
  chg?: boolean;
}

/** What a reviewer had seen of the item: see team/vector.ts. Absent: everything ordered before. */
interface Seen {
  seen?: SeenVector;
}

export type EventPayload =
  | ({ type: 'submit' } & SubmitPayload)
  /** The labeler skips the item: out of their queue. */
  | { type: 'skip'; item: string }
  /** A reviewer returns a skipped item to the queue: the skips (and accept-skips) it saw are void. */
  | ({ type: 'unskip'; item: string } & Seen)
  /** A reviewer accepts the skip: the item stays skipped for everyone. */
  | ({ type: 'accept-skip'; item: string; base: number } & Seen)
  /** A reviewer rejects the labels: the submits it saw are void, the item is back in the queue (`reason` shown to the labelers). */
  | ({ type: 'reject'; item: string; base: number; reason?: string } & Seen)
  /** A reviewer approves the labels it saw (their consensus, or the single labeler's). */
  | ({ type: 'approve'; item: string; base: number } & Seen)
  /** A reviewer settles the final annotation (consensus decision). */
  | ({ type: 'decide'; item: string; ann: Annotation; base: number } & Seen)
  /** Assigns the item to a labeler (null: unassign). */
  | { type: 'assign'; item: string; to: string | null }
  /** Labels added to the project, with what happens to existing labels. */
  | { type: 'labels'; added: LabelClass[]; mode: LabelSetMode }
  | { type: 'status'; status: ProjectStatus }
  /** Replaces the roles of the labelers listed ([] removes them). */
  | { type: 'roles'; set: Record<string, Role[]> }
  /** An import batch: one line, so it is all-or-nothing. */
  | { type: 'import'; batch: string; submits: SubmitPayload[] }
  /** Reviews and assignments of many items (a bulk action): one line, so it is all-or-nothing. */
  | { type: 'batch'; batch: string; events: BatchedPayload[] };

/** The item events a batch may hold (each judged by its own role, each review with its own `seen`). */
export const BATCHABLE = ['approve', 'reject', 'decide', 'accept-skip', 'unskip', 'assign'] as const;
export type BatchedPayload = Extract<EventPayload, { type: (typeof BATCHABLE)[number] }>;

export type EventType = EventPayload['type'];

export interface EventHeader {
  v: number;
  /**
   * The consensus rule version (store/agreement.ts CONSENSUS_RULE_VERSION) of the extension that wrote the
   * line, so teammates on other versions are told (team/versions.ts). Absent on lines of versions before it
   * was recorded. Not a schema change: a line with a higher `k` is read and applied like any other.
   */
  k?: number;
  at: string;
  by: string;
  dev: string;
  seq: number;
  /** Project-level seen vector (team/vector.ts); absent on older lines: every project-wide event ordered before. */
  ps?: SeenVector;
}

export type JournalEvent = EventHeader & EventPayload;

/** Events that name an item. */
export type ItemEvent = Extract<JournalEvent, { item: string }>;
/** Review events: they carry `seen`. */
export type ReviewEvent = Extract<JournalEvent, { seen?: SeenVector }>;
export type ProjectEvent = Extract<JournalEvent, { type: 'labels' | 'status' | 'roles' }>;

/** item: names one item; project: project-wide (label set, status, roles); batch: many items in one line. */
export type EventScope = 'item' | 'project' | 'batch';

interface EventSpec {
  scope: EventScope;
  /** The role an author needs (when the project has roles). */
  role: Role;
  /**
   * A review carries `seen` (what the reviewer had seen of the item): 'label' reviews judge the labels
   * (approve, reject, decide), 'skip' reviews the skips (accept-skip, unskip); false: not a review.
   */
  review: false | 'label' | 'skip';
  /** For reviews: the review of its family that voids what it saw (reject, unskip). */
  voids?: true;
  /** The ev.type code in the index (item events only; -1: no ev row of its own). */
  code: number;
  /** Payload fields besides the header (a field not listed marks the line as written by a newer version). */
  fields: readonly string[];
  /** The first problem of the payload (the header is checked before), or undefined. */
  check: (e: Record<string, unknown>) => string | undefined;
}

const ok = (): undefined => undefined;

/**
 * Every event type. The ev codes 0 (submit) and 1 (skip), the most common, take no bytes in the index;
 * codes are stored, so an existing type keeps its code.
 */
export const EVENT_SPECS: { readonly [T in EventType]: EventSpec } = {
  submit: { scope: 'item', role: 'labeler', review: false, code: 0, fields: ['item', 'ann', 'pre', 'conf', 'src', 'chg'], check: submitProblem },
  skip: { scope: 'item', role: 'labeler', review: false, code: 1, fields: ['item'], check: ok },
  unskip: { scope: 'item', role: 'reviewer', review: 'skip', voids: true, code: 2, fields: ['item', 'seen'], check: ok },
  'accept-skip': { scope: 'item', role: 'reviewer', review: 'skip', code: 3, fields: ['item', 'base', 'seen'], check: ok },
  reject: {
    scope: 'item', role: 'reviewer', review: 'label', voids: true, code: 4, fields: ['item', 'base', 'seen', 'reason'],
    check: (e) => (e.reason === undefined || typeof e.reason === 'string' ? undefined : 'reason must be a string'),
  },
  approve: { scope: 'item', role: 'reviewer', review: 'label', code: 5, fields: ['item', 'base', 'seen'], check: ok },
  decide: { scope: 'item', role: 'reviewer', review: 'label', code: 6, fields: ['item', 'ann', 'base', 'seen'], check: (e) => annotationProblem(e.ann) },
  assign: {
    scope: 'item', role: 'manager', review: false, code: 7, fields: ['item', 'to'],
    check: (e) => (e.to === null || typeof e.to === 'string' ? undefined : 'to must be a labeler or null'),
  },
  labels: {
    scope: 'project', role: 'manager', review: false, code: -1, fields: ['added', 'mode'],
    check: (e) => {
      if (!Array.isArray(e.added)) return 'added must be an array';
      return e.mode === 'remove-all' || e.mode === 'keep-as-prelabels' || e.mode === 'continue' ? undefined : 'mode is invalid';
    },
  },
  status: {
    scope: 'project', role: 'manager', review: false, code: -1, fields: ['status'],
    check: (e) => (e.status === 'running' || e.status === 'paused' ? undefined : 'status is invalid'),
  },
  roles: { scope: 'project', role: 'manager', review: false, code: -1, fields: ['set'], check: (e) => roleSetProblem(e.set) },
  batch: {
    scope: 'batch', role: 'reviewer', review: false, code: -1, fields: ['batch', 'events'],
    check: (e) => {
      if (typeof e.batch !== 'string' || !Array.isArray(e.events)) return 'batch needs batch and events';
      for (let i = 0; i < e.events.length; i++) {
        const p = batchedProblem(e.events[i]);
        if (p) return `events[${i}]: ${p}`;
      }
      return undefined;
    },
  },
  import: {
    scope: 'batch', role: 'manager', review: false, code: -1, fields: ['batch', 'submits'],
    check: (e) => {
      if (typeof e.batch !== 'string' || !Array.isArray(e.submits)) return 'import needs batch and submits';
      for (let i = 0; i < e.submits.length; i++) {
        const p = submitProblem(e.submits[i]);
        if (p) return `submits[${i}]: ${p}`;
      }
      return undefined;
    },
  },
};

export const EVENT_TYPES = Object.keys(EVENT_SPECS) as EventType[];
export const isEventType = (t: unknown): t is EventType => typeof t === 'string' && Object.prototype.hasOwnProperty.call(EVENT_SPECS, t);
export const isProjectEvent = (e: JournalEvent): e is ProjectEvent => EVENT_SPECS[e.type].scope === 'project';
export const isReviewEvent = (e: JournalEvent): e is ReviewEvent => EVENT_SPECS[e.type].review !== false;
/** The review types of a family, from EVENT_SPECS. */
export const reviewTypes = (family: 'label' | 'skip'): EventType[] => EVENT_TYPES.filter((t) => EVENT_SPECS[t].review === family);
/** The review type of a family that voids what it saw (reject, unskip). */
export const voidingReview = (family: 'label' | 'skip'): EventType => EVENT_TYPES.find((t) => EVENT_SPECS[t].review === family && EVENT_SPECS[t].voids)!;

const HEADER_FIELDS = ['v', 'k', 'type', 'at', 'by', 'dev', 'seq', 'ps'];
const KNOWN_FIELDS = new Map(EVENT_TYPES.map((t) => [t, new Set([...HEADER_FIELDS, ...EVENT_SPECS[t].fields])]));
const SUBMIT_FIELDS = new Set(EVENT_SPECS.submit.fields);

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

/** The parts of an order key: time (ms), labeler, device and seq of its line. */
export function parseOrderKey(ord: string): { ms: number; by: string; dev: string; seq: number } {
  const a = ord.indexOf('\u0001');
  const b = ord.indexOf('\u0001', a + 1);
  const c = ord.indexOf('\u0001', b + 1);
  const d = ord.indexOf('\u0001', c + 1);
  return { ms: parseInt(ord.slice(0, a), 36), by: ord.slice(a + 1, b), dev: ord.slice(b + 1, c), seq: parseInt(ord.slice(c + 1, d < 0 ? undefined : d), 36) };
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

function annotationProblem(a: unknown): string | undefined {
  if (typeof a !== 'object' || a === null) return 'ann must be an object';
  const k = (a as { kind?: unknown }).kind;
  if (!isAnnotationKind(k)) return `ann.kind is not one of ${Object.keys(ANNOTATION_KINDS).join(', ')}`;
  const field = ANNOTATION_KINDS[k].list;
  if (!Array.isArray((a as Record<string, unknown>)[field])) return `ann.${field} must be an array`;
  if (k === 'mask') return maskAnnotationProblem(a, 'ann');
  return undefined;
}

function submitProblem(s: unknown): string | undefined {
  if (typeof s !== 'object' || s === null) return 'submit must be an object';
  const o = s as Record<string, unknown>;
  if (typeof o.item !== 'string' || !o.item) return 'item must be a non-empty string';
  if (o.chg !== undefined) {
    if (typeof o.chg !== 'boolean') return 'chg must be a boolean';
    if (o.pre) return 'chg (the labeler changed the prelabel) cannot be on a prelabel (pre)';
  }
  return annotationProblem(o.ann);
}

/** The first problem of an event inside a batch, or undefined. */
function batchedProblem(x: unknown): string | undefined {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return 'not an object';
  const o = x as Record<string, unknown>;
  if (!(BATCHABLE as readonly unknown[]).includes(o.type)) return `type must be one of ${BATCHABLE.join(', ')}`;
  const spec = EVENT_SPECS[o.type as EventType];
  if (typeof o.item !== 'string' || !o.item) return 'item must be a non-empty string';
  if (spec.review && o.type !== 'unskip' && typeof o.base !== 'number') return 'base (item version) is missing';
  if (o.seen !== undefined) {
    const p = vectorProblem(o.seen, 'seen');
    if (p) return p;
  }
  return spec.check(o);
}

const kindOfAnn = (a: unknown): string | undefined => {
  const k = typeof a === 'object' && a !== null ? (a as { kind?: unknown }).kind : undefined;
  return typeof k === 'string' && !isAnnotationKind(k) ? `annotation kind "${k}"` : undefined;
};

/** What in a line this version does not know, or undefined. */
function newerPart(e: Record<string, unknown>, type: EventType): string | undefined {
  const known = KNOWN_FIELDS.get(type)!;
  for (const k in e) if (!known.has(k)) return `field "${k}"`;
  if (type === 'submit' || type === 'decide') return kindOfAnn(e.ann);
  if (type === 'batch' && Array.isArray(e.events)) {
    for (const x of e.events as unknown[]) {
      if (typeof x !== 'object' || x === null) continue;
      const t = (x as { type?: unknown }).type;
      if (typeof t === 'string' && !isEventType(t)) return `event type "${t}" in a batch`;
      if (!isEventType(t)) continue;
      const known = KNOWN_FIELDS.get(t)!;
      for (const k in x) if (k !== 'type' && !known.has(k)) return `field "events[].${k}"`;
      if (t === 'decide') {
        const kind = kindOfAnn((x as { ann?: unknown }).ann);
        if (kind) return kind;
      }
    }
  }
  if (type === 'import' && Array.isArray(e.submits)) {
    for (const s of e.submits as unknown[]) {
      if (typeof s !== 'object' || s === null) continue;
      for (const k in s) if (!SUBMIT_FIELDS.has(k)) return `field "submits[].${k}"`;
      const k = kindOfAnn((s as { ann?: unknown }).ann);
      if (k) return k;
    }
  }
  return undefined;
}

/**
 * Why a parsed line was written by a newer version of the extension (a schema version, event type,
 * annotation kind or field this version does not know), or undefined. Such a line is kept and
 * counted, never reported as corrupt; the next version replays it.
 */
export function newerReason(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const e = raw as Record<string, unknown>;
  if (typeof e.v === 'number' && Number.isInteger(e.v) && e.v > JOURNAL_VERSION) return `schema version v=${e.v}`;
  if (!READABLE_VERSIONS.includes(e.v as number)) return undefined;
  if (typeof e.type === 'string' && e.type && !isEventType(e.type)) return `event type "${e.type}"`;
  if (!isEventType(e.type)) return undefined;
  const part = newerPart(e, e.type);
  return part && `${part} of a "${e.type}" event`;
}

/**
 * Checks the shape of a parsed line (cheap: it runs on every replayed event). Returns a message
 * naming the bad field, or undefined when the event is usable. Call newerReason first: a line of a
 * newer version is not corrupt.
 */
export function eventProblem(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'not a JSON object';
  const e = raw as Record<string, unknown>;
  if (!READABLE_VERSIONS.includes(e.v as number)) return `unsupported schema version v=${String(e.v)}`;
  if (typeof e.type !== 'string') return 'type is missing';
  if (!isEventType(e.type)) return `unknown event type "${e.type}"`;
  if (typeof e.at !== 'string' || e.at.length < 20 || Number.isNaN(Date.parse(e.at))) return 'at must be an ISO time';
  if (typeof e.by !== 'string' || !e.by) return 'by is missing';
  if (typeof e.dev !== 'string' || !e.dev) return 'dev is missing';
  if (typeof e.seq !== 'number' || !Number.isInteger(e.seq) || e.seq < 1) return 'seq must be a positive integer';
  if (e.k !== undefined && (typeof e.k !== 'number' || !Number.isInteger(e.k) || e.k < 1)) return 'k (consensus rule version) must be a positive integer';
  if (e.ps !== undefined) {
    const p = vectorProblem(e.ps, 'ps');
    if (p) return p;
  }
  const spec = EVENT_SPECS[e.type];
  if (spec.scope === 'item' && (typeof e.item !== 'string' || !e.item)) return 'item must be a non-empty string';
  if (spec.review) {
    if (e.type !== 'unskip' && typeof e.base !== 'number') return 'base (item version) is missing';
    if (e.seen !== undefined) {
      const p = vectorProblem(e.seen, 'seen');
      if (p) return p;
    }
  }
  return spec.check(e);
}

/** The item keys a line names (for "written by a newer version" on the items it touches). */
export function itemsNamed(raw: unknown): string[] {
  if (typeof raw !== 'object' || raw === null) return [];
  const e = raw as { item?: unknown; submits?: unknown };
  const out: string[] = [];
  if (typeof e.item === 'string' && e.item) out.push(e.item);
  if (Array.isArray(e.submits)) for (const s of e.submits as { item?: unknown }[]) if (typeof s?.item === 'string' && s.item) out.push(s.item);
  const events = (raw as { events?: unknown }).events;
  if (Array.isArray(events)) for (const s of events as { item?: unknown }[]) if (typeof s?.item === 'string' && s.item) out.push(s.item);
  return out;
}
