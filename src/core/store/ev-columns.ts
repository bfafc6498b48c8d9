/**
 * Journal rows of a bulk build, held in typed columns instead of one object per event: at 3M
 * events objects cost ~700 MB of heap and garbage-collection passes over all of it. Rows are
 * numbered by item (key index, in order of first appearance) and grouped by a counting sort; the
 * order key string of a row is made only when it is written.
 */
import { EVENT_SPECS, EVENT_TYPES, importOrderKey, type EventScope, type EventType, orderKeyOf, orderTime, type JournalEvent } from '../journal/events';
import { byOfOrderKey, EV_TYPES, evRecords, evTypeCode, MemEv, type EvValues } from './ev-rows';

/** Each event type's scope, read once (a module-local table: per-event lookups stay cheap). */
const SCOPE = Object.fromEntries(EVENT_TYPES.map((t) => [t, EVENT_SPECS[t].scope])) as Record<EventType, EventScope>;

const PRE = 0x80;
/** A labeler's submit that changed its prelabel (ev.chg); type codes stay below it. */
const CHG = 0x40;
/** Annotation texts shared between rows; past this many distinct ones they are rarely repeated. */
const MAX_INTERNED = 4096;

/** Rarely set columns, kept by row number. */
export interface Sparse {
  sub?: number;
  conf?: number;
  src?: string;
  base?: number;
  target?: string;
  seen?: string;
}

/** The decimal number of s[from, from + len), or -1 when one of them is not a digit. */
function decimal(s: string, from: number, len: number): number {
  let v = 0;
  for (let i = from; i < from + len; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * orderTime(at), computed from the digits of the `YYYY-MM-DDTHH:MM:SS.sssZ` text toISOString writes (every
 * line this extension writes; days 1-28, hours 0-23, after 1970, so no date rolls over), without
 * Date.parse: ~0.35 us a row of a rebuild. Any other text goes through orderTime.
 */
export function orderTimeOfIso(at: string): number {
  if (at.length !== 24 || at.charCodeAt(4) !== 45 || at.charCodeAt(7) !== 45 || at.charCodeAt(10) !== 84 || at.charCodeAt(13) !== 58 || at.charCodeAt(16) !== 58 || at.charCodeAt(19) !== 46 || at.charCodeAt(23) !== 90) {
    return orderTime(at);
  }
  const y = decimal(at, 0, 4);
  const mo = decimal(at, 5, 2);
  const d = decimal(at, 8, 2);
  const h = decimal(at, 11, 2);
  const mi = decimal(at, 14, 2);
  const sec = decimal(at, 17, 2);
  const ms = decimal(at, 20, 3);
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 28 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59 || ms < 0) return orderTime(at);
  const t = Date.UTC(y, mo - 1, d, h, mi, sec, ms);
  return t > 0 ? t : orderTime(at);
}

/**
 * The rows of an EvColumns as plain data (typed arrays, strings, numbers), posted between threads: a journal
 * part read by another thread (bulk.ts) is appended to this thread's columns as if read here after them.
 */
export interface PackedColumns {
  n: number;
  item: Int32Array;
  ms: Float64Array;
  seq: Float64Array;
  who: Int32Array;
  code: Uint8Array;
  ann: (string | null)[];
  sparse: [number, Sparse][];
  whos: { by: string; dev: string }[];
  /** Item keys by index. */
  keys: string[];
}

function grow<T extends Float64Array | Int32Array | Uint8Array>(a: T, cap: number): T {
  const b = new (a.constructor as new (n: number) => T)(cap);
  b.set(a);
  return b;
}

export class EvColumns {
  /** Rows so far. */
  n = 0;
  private item = new Int32Array(1024);
  private ms = new Float64Array(1024);
  private seq = new Float64Array(1024);
  private who = new Int32Array(1024);
  private code = new Uint8Array(1024);
  private readonly ann: (string | null)[] = [];
  private readonly sparse = new Map<number, Sparse>();
  /** Distinct annotation texts (classification journals repeat a handful). */
  private readonly anns = new Map<string, string>();
  /** `by` and `dev` of each writer, by index. */
  private readonly whos: { by: string; dev: string }[] = [];
  private readonly whoIndex = new Map<string, number>();
  private lastWho = -1;
  /** Item key -> index, in order of first appearance. */
  readonly keys = new Map<string, number>();
  private start?: Int32Array;
  private order?: Int32Array;

  /**
   * Adds the rows of one item event (none for label-set and status events), leaving out the import
   * submits in `skip`. All of an event's rows or none: an import's rows are made before any is added.
   */
  add(e: JournalEvent, skip?: ReadonlySet<number>): void {
    if (SCOPE[e.type] === 'project') return;
    const ms = orderTimeOfIso(e.at);
    const who = this.whoOf(e.by, e.dev);
    if (SCOPE[e.type] !== 'batch') {
      evRecords(e, (key, sub, v) => this.push(key, ms, who, e.seq, sub, v));
      return;
    }
    const rows: [string, number, EvValues][] = [];
    evRecords(e, (key, sub, v) => rows.push([key, sub, v]), skip);
    for (const [key, sub, v] of rows) this.push(key, ms, who, e.seq, sub, v);
  }

  /** Index of a (by, dev) writer; a journal file has one, so the last one is checked first. */
  private whoOf(by: string, dev: string): number {
    const last = this.whos[this.lastWho];
    if (last && last.by === by && last.dev === dev) return this.lastWho;
    const whoKey = `${by}\u0001${dev}`;
    let who = this.whoIndex.get(whoKey);
    if (who === undefined) {
      who = this.whos.length;
      this.whos.push({ by, dev });
      this.whoIndex.set(whoKey, who);
    }
    return (this.lastWho = who);
  }

  /** Index of a new row, with room for it. */
  private next(): number {
    const i = this.n++;
    if (i === this.item.length) {
      const cap = i * 2;
      this.item = grow(this.item, cap);
      this.ms = grow(this.ms, cap);
      this.seq = grow(this.seq, cap);
      this.who = grow(this.who, cap);
      this.code = grow(this.code, cap);
    }
    return i;
  }

  private keyIndex(key: string): number {
    let k = this.keys.get(key);
    if (k === undefined) this.keys.set(key, (k = this.keys.size));
    return k;
  }

  private pushAnn(ann: string | null): void {
    if (ann !== null) {
      const known = this.anns.get(ann);
      if (known !== undefined) ann = known;
      else if (this.anns.size < MAX_INTERNED) this.anns.set(ann, ann);
    }
    this.ann.push(ann);
  }

  private push(key: string, ms: number, who: number, seq: number, sub: number, v: EvValues): void {
    const i = this.next();
    this.item[i] = this.keyIndex(key);
    this.ms[i] = ms;
    this.seq[i] = seq;
    this.who[i] = who;
    this.code[i] = evTypeCode(v.type) | (v.pre ? PRE : 0) | (v.chg ? CHG : 0);
    this.pushAnn(v.ann);
    if (sub >= 0 || v.conf !== null || v.src !== null || v.base !== null || v.target !== null || v.seen !== null) {
      const s: Sparse = {};
      if (sub >= 0) s.sub = sub;
      if (v.conf !== null) s.conf = v.conf;
      if (v.src !== null) s.src = v.src;
      if (v.base !== null) s.base = v.base;
      if (v.target !== null) s.target = v.target;
      if (v.seen !== null) s.seen = v.seen;
      this.sparse.set(i, s);
    }
  }

  /** The rows so far as plain data (before group()). */
  pack(): PackedColumns {
    const { n } = this;
    return {
      n, item: this.item.slice(0, n), ms: this.ms.slice(0, n), seq: this.seq.slice(0, n), who: this.who.slice(0, n), code: this.code.slice(0, n),
      ann: this.ann, sparse: [...this.sparse], whos: this.whos, keys: [...this.keys.keys()],
    };
  }

  /** Appends packed rows after these, as if they had been added here (keys new to these numbered in their order). */
  append(p: PackedColumns): void {
    const keyOf = new Int32Array(p.keys.length);
    for (let j = 0; j < p.keys.length; j++) keyOf[j] = this.keyIndex(p.keys[j]!);
    const whoOf = p.whos.map((w) => this.whoOf(w.by, w.dev));
    const sparse = new Map(p.sparse);
    for (let r = 0; r < p.n; r++) {
      const i = this.next();
      this.item[i] = keyOf[p.item[r]!]!;
      this.ms[i] = p.ms[r]!;
      this.seq[i] = p.seq[r]!;
      this.who[i] = whoOf[p.who[r]!]!;
      this.code[i] = p.code[r]!;
      this.pushAnn(p.ann[r] ?? null);
      const s = sparse.get(r);
      if (s) this.sparse.set(i, s);
    }
  }

  /** Groups the rows by item (a counting sort; rows keep their reading order within an item). */
  group(): void {
    const items = this.keys.size;
    const start = new Int32Array(items + 1);
    for (let i = 0; i < this.n; i++) start[this.item[i]! + 1]!++;
    for (let k = 0; k < items; k++) start[k + 1]! += start[k]!;
    const pos = start.slice(0, items);
    const order = new Int32Array(this.n);
    for (let i = 0; i < this.n; i++) order[pos[this.item[i]!]!++] = i;
    this.start = start;
    this.order = order;
    // The per-row item and reading-order columns are no longer needed.
    this.item = new Int32Array(0);
  }

  /** The rows of item index k, in reading order (group() first). */
  rowsOf(k: number): MemEv[] {
    const out: MemEv[] = [];
    for (let j = this.start![k]!; j < this.start![k + 1]!; j++) out.push(this.row(this.order![j]!));
    return out;
  }

  private row(i: number): MemEv {
    const w = this.whos[this.who[i]!]!;
    const s = this.sparse.get(i);
    let ord = orderKeyOf(this.ms[i]!, w.by, w.dev, this.seq[i]!);
    if (s?.sub !== undefined) ord = importOrderKey(ord, s.sub);
    const code = this.code[i]!;
    return new MemEv(
      ord, byOfOrderKey(ord), EV_TYPES[code & ~(PRE | CHG)]!, this.ann[i]!, code & PRE ? 1 : 0,
      s?.conf ?? null, s?.src ?? null, s?.base ?? null, s?.target ?? null, s?.seen ?? null, code & CHG ? 1 : 0,
    );
  }
}
