/**
 * The `ev` rows a journal event becomes, shared by the incremental path (one INSERT per event) and
 * the bulk build (rows grouped per item in memory, sorted, inserted once per item).
 */
import { assertNever } from '../model';
import { EVENT_SPECS, EVENT_TYPES, headerOfOrderKey, type JournalEvent, type SubmitPayload } from '../journal/events';
import type { SeenVector } from '../team/vector';
import { packAnn } from './ann-text';
import type { EvRow } from './item-state';

/** ev.type codes, from EVENT_SPECS (an integer column: submit 0 and skip 1, the most common, take no bytes). */
export const EV_TYPES: string[] = [];
for (const t of EVENT_TYPES) if (EVENT_SPECS[t].code >= 0) EV_TYPES[EVENT_SPECS[t].code] = t;
const EV_TYPE_CODE = new Map(EV_TYPES.map((t, i) => [t, i]));

export function evTypeCode(type: string): number {
  return EV_TYPE_CODE.get(type)!;
}

/** A review's seen vector as stored (ev.seen): its JSON text, or null when the line had none. */
export const seenText = (v: SeenVector | undefined): string | null => (v ? JSON.stringify(v) : null);

/** done.kind as stored: 1 labeled (submit), 0 skipped. */
export const doneKindCode = (kind: 'sub' | 'skip'): number => (kind === 'sub' ? 1 : 0);

/** An ev row with the columns item-state.ts does not read: chg (1: a labeler's submit changed the prelabel `src` names). */
export type EvRecord = EvRow & { chg: number };

/** The stored columns of an ev row besides item and ord. */
export type EvValues = Omit<EvRecord, 'ord' | 'by' | 'at'>;

/** An ev row held in memory during a bulk build; `at` is derived from ord only when read. */
export class MemEv implements EvRecord {
  constructor(
    readonly ord: string,
    readonly by: string,
    readonly type: string,
    readonly ann: string | null,
    readonly pre: number,
    readonly conf: number | null,
    readonly src: string | null,
    readonly base: number | null,
    readonly target: string | null,
    readonly seen: string | null,
    readonly chg: number,
  ) {}

  get at(): string {
    return headerOfOrderKey(this.ord).at;
  }
}

/** The labeler an order key was made from (the second \u0001-separated field). */
export function byOfOrderKey(ord: string): string {
  const a = ord.indexOf('\u0001');
  return ord.slice(a + 1, ord.indexOf('\u0001', a + 1));
}

/** Packed texts of label-set annotations, by their labels each after a U+0000 (a build reads a handful of distinct ones). */
const packedLabelSets = new Map<string, string>();
const MAX_PACKED_LABEL_SETS = 4096;
const CLASSES_FIELDS = ['kind', 'labels'];

/**
 * packAnn(a), remembered for `{"kind":"classes","labels":[…]}` objects of exactly those two fields in that
 * order (the text packAnn makes depends on the order): a classification journal repeats a few label sets,
 * and JSON.stringify of each line's annotation was ~5% of a rebuild's CPU.
 */
export function packSubmitAnn(a: SubmitPayload['ann']): string {
  if (a.kind !== 'classes') return packAnn(a);
  let fields = 0;
  for (const k in a) if (k !== CLASSES_FIELDS[fields++]) return packAnn(a);
  const labels = a.labels as unknown[];
  if (fields !== 2 || !Array.isArray(labels)) return packAnn(a);
  let key = '';
  for (let j = 0; j < labels.length; j++) {
    const l = labels[j];
    if (typeof l !== 'string' || l.includes('\u0000')) return packAnn(a);
    key = `${key}\u0000${l}`;
  }
  let packed = packedLabelSets.get(key);
  if (packed === undefined) {
    packed = packAnn(a);
    if (packedLabelSets.size < MAX_PACKED_LABEL_SETS) packedLabelSets.set(key, packed);
  }
  return packed;
}

function submitValues(type: string, s: SubmitPayload): EvValues {
  return { type, ann: packSubmitAnn(s.ann), pre: s.pre ? 1 : 0, conf: s.conf ?? null, src: s.src ?? null, base: null, target: null, seen: null, chg: s.chg && !s.pre ? 1 : 0 };
}

function plain(type: string, extra: Partial<EvValues> = {}): EvValues {
  return { type, ann: null, pre: 0, conf: null, src: null, base: null, target: null, seen: null, chg: 0, ...extra };
}

/**
 * Calls `push` with (item key, sub, values) for every ev row of an item event: sub is -1, or the
 * index of the submit in an import (its ord is importOrderKey(ord, sub)); submits listed in `skip`
 * are left out (they keep their index). Project-wide events give no rows.
 */
export function evRecords(e: JournalEvent, push: (key: string, sub: number, v: EvValues) => void, skip?: ReadonlySet<number>): void {
  switch (e.type) {
    case 'submit':
      push(e.item, -1, submitValues('submit', e));
      return;
    case 'import':
      e.submits.forEach((s, i) => {
        if (!skip?.has(i)) push(s.item, i, submitValues('submit', s));
      });
      return;
    case 'skip':
      push(e.item, -1, plain(e.type));
      return;
    case 'unskip':
      push(e.item, -1, plain(e.type, { seen: seenText(e.seen) }));
      return;
    case 'reject':
      // the reason, shown to the labelers when the item comes back, is kept in src
      push(e.item, -1, plain(e.type, { base: e.base, seen: seenText(e.seen), src: e.reason ?? null }));
      return;
    case 'accept-skip':
    case 'approve':
      push(e.item, -1, plain(e.type, { base: e.base, seen: seenText(e.seen) }));
      return;
    case 'decide':
      push(e.item, -1, plain(e.type, { ann: packAnn(e.ann), base: e.base, seen: seenText(e.seen) }));
      return;
    case 'assign':
      push(e.item, -1, plain(e.type, { target: e.to ?? '' }));
      return;
    case 'batch':
      // The i-th event of a batch is placed like the i-th submit of an import (its ord is importOrderKey(ord, i)).
      e.events.forEach((x, i) => evRecords({ ...e, ...x } as JournalEvent, (key, _sub, v) => push(key, i, v)));
      return;
    case 'labels':
    case 'status':
    case 'roles':
      return;
    default:
      assertNever(e, 'event type');
  }
}

/**
 * Orders strings as SQLite's BINARY collation does on their UTF-8 bytes (code point order), which
 * differs from JavaScript's UTF-16 order only between surrogates and U+E000..U+FFFF.
 */
export function compareOrd(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // Surrogates (code points above U+FFFF) sort after U+E000..U+FFFF in UTF-8.
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}
