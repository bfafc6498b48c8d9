/**
 * The role state machine (architecture.md "Team semantics", DESIGN10 "Roles").
 *
 * - The base state is project.json `roles`, read once as the initial state.
 * - A `roles` event `{set}` replaces the roles of each labeler it lists (`[]` removes them).
 * - A role state with no entries at all is "no roles": everyone may do everything.
 * - The state an event E had seen = base + every VALID role event E had seen, folded in total order
 *   (`ord`, plain string compare). "E had seen R" is `hadSeen(E, E.ps, R)` from vector.ts, and R is
 *   ordered before E: the clock puts every event after what its author had seen, so for every line a
 *   writer of this version makes the second condition follows from the first; for a hand-edited line
 *   that claims to have seen an event ordered after it, only the ones ordered before it count. That keeps
 *   validity acyclic (a role event's validity only depends on role events ordered before it).
 * - A role event is valid iff its author is a manager in the state it had seen (or that state is "no
 *   roles") and the state it produces has at least one manager (so the first role event must name one).
 * - Labeler ids compare case-insensitively (they are usually emails); the id is kept as last written
 *   for display.
 *
 * Everything here is a function of the set of role events added, never of the order they were added in.
 */
import type { Role } from '../model';
import { hadSeen, vectorMap, type EventPlace, type SeenVector } from './vector';

export interface RoleEventRec extends EventPlace {
  /** Project-level seen vector of the role event; absent: it had seen everything ordered before it. */
  ps?: SeenVector;
  set: Record<string, Role[]>;
  /** Workspace-relative journal file and 1-based line, for reports. */
  file: string;
  line: number;
}

export type RoleMap = Record<string, Role[]>;

export interface RoleProblem {
  file: string;
  line: number;
  message: string;
}

/** The roles in their canonical order. */
export const ROLES: readonly Role[] = ['labeler', 'reviewer', 'manager'];

/** The key labeler ids compare by (case-insensitively: ids are usually emails). */
export function labelerKey(id: string): string {
  return id.toLowerCase();
}

/** Whether two labeler ids name the same labeler. */
export function sameLabeler(a: string, b: string): boolean {
  return a === b || labelerKey(a) === labelerKey(b);
}

/** One labeler's entry in a role state: the id as last written, and a non-empty role list. */
interface Entry {
  id: string;
  roles: Role[];
}
/** A role state keyed by labelerKey; no entries = "no roles". Never mutated once built. */
type State = ReadonlyMap<string, Entry>;

const canonical = (roles: Iterable<Role>): Role[] => {
  const s = new Set(roles);
  return ROLES.filter((r) => s.has(r));
};

/** The base state from project.json roles: empty role lists are no entry; ids equal but for case merge. */
function baseState(base: RoleMap | undefined): State {
  const m = new Map<string, Entry>();
  for (const [id, roles] of Object.entries(base ?? {})) {
    const k = labelerKey(id);
    const merged = canonical([...(m.get(k)?.roles ?? []), ...roles.filter((r) => ROLES.includes(r))]);
    if (merged.length) m.set(k, { id, roles: merged });
  }
  return m;
}

/** A problem with a role event's `set` as data, or undefined. */
export function roleSetProblem(set: unknown): string | undefined {
  if (typeof set !== 'object' || set === null || Array.isArray(set)) return 'set must be an object {labeler: [roles]}';
  const seen = new Map<string, string>();
  const entries = Object.entries(set as Record<string, unknown>);
  if (!entries.length) return 'set names no labeler';
  for (const [id, roles] of entries) {
    if (!id.trim()) return 'set has an empty labeler id';
    const k = labelerKey(id);
    const other = seen.get(k);
    if (other !== undefined) return `set lists "${other}" and "${id}", the same labeler (ids compare case-insensitively)`;
    seen.set(k, id);
    if (!Array.isArray(roles)) return `set["${id}"] must be an array of roles`;
    for (const r of roles) {
      if (!ROLES.includes(r as Role)) return `set["${id}"]: unknown role ${JSON.stringify(r)} (known: ${ROLES.join(', ')})`;
    }
  }
  return undefined;
}

function applySet(state: State, set: Record<string, Role[]>): State {
  const m = new Map(state);
  for (const [id, roles] of Object.entries(set)) {
    const r = canonical(roles);
    if (r.length) m.set(labelerKey(id), { id, roles: r });
    else m.delete(labelerKey(id));
  }
  return m;
}

const hasManager = (s: State): boolean => {
  for (const e of s.values()) if (e.roles.includes('manager')) return true;
  return false;
};

function toRoleMap(s: State): RoleMap | undefined {
  if (!s.size) return undefined;
  const out: RoleMap = {};
  for (const k of [...s.keys()].sort()) {
    const e = s.get(k)!;
    out[e.id] = [...e.roles];
  }
  return out;
}

/** The judged role events: computed once per set of added events, then read many times. */
interface Judged {
  /** Valid role events, in total order, and their eventKeys. */
  valid: RoleEventRec[];
  validKeys: Set<string>;
  invalid: RoleProblem[];
  /** The distinct journal files of valid role events, and for each valid event the index of its file. */
  files: { by: string; dev: string }[];
  fileOf: number[];
  /** Role state per "which valid role events were seen" signature (see check). */
  states: Map<number | string, State>;
  /** One number per file, reused by psSeqs. */
  scratch: number[];
}

const eventKey = (e: EventPlace): string => `${e.by}\u0001${e.dev}\u0001${e.seq}`;

export class RoleBook {
  private readonly base: State;
  private readonly events = new Map<string, RoleEventRec>();
  private judged: Judged | undefined;

  /** `base`: project.json roles, the initial state. */
  constructor(base?: RoleMap) {
    this.base = baseState(base);
  }

  /**
   * Adds a role event (in any order; the same event added again replaces itself). Events whose set is
   * malformed are kept and reported by invalid().
   */
  add(e: RoleEventRec): void {
    this.events.set(eventKey(e), e);
    this.judged = undefined;
  }

  /** The project has roles at all (base or any role event): when false, check() always allows. */
  get active(): boolean {
    return this.base.size > 0 || this.events.size > 0;
  }

  /** The role events added, in total order. */
  roleEvents(): RoleEventRec[] {
    return [...this.events.values()].sort((a, b) => (a.ord < b.ord ? -1 : a.ord > b.ord ? 1 : 0));
  }

  /**
   * Undefined when `place.by` may act with `role` in the role state an event at `place` with
   * project-level seen `ps` had seen; else a one-line reason.
   *
   * Cost: judging is done once per set of role events (judge()). Per call, the role state depends only
   * on WHICH valid role events the event had seen, so that set is computed as a signature (a bitmask of
   * the k valid role events; a '0'/'1' string beyond 31 of them) from the event's own file, its `ps`
   * entries for the few journal files that hold role events (or its ord when it has no `ps`), and the
   * state is folded once per distinct signature and cached in a Map. Judging 3 million events with a
   * handful of role events is then a few comparisons and one Map lookup per event; every event with the
   * same ps (or, without ps, ordered between the same two role events) shares one cached state.
   */
  check(place: EventPlace, ps: SeenVector | undefined, role: Role): string | undefined {
    if (!this.active) return undefined;
    const state = this.stateSeenBy(place, ps);
    if (!state.size) return undefined;
    const mine = state.get(labelerKey(place.by));
    if (mine?.roles.includes(role)) return undefined;
    const has = mine ? `has ${mine.roles.join(', ')}` : 'has no role';
    return `${place.by} is not a ${role} in the roles its author had seen (${has})`;
  }

  /** The roles of `by` in the state an event at `place` had seen; undefined when that state is "no roles". */
  rolesSeenBy(place: EventPlace, ps: SeenVector | undefined, by = place.by): Role[] | undefined {
    const state = this.stateSeenBy(place, ps);
    if (!state.size) return undefined;
    return [...(state.get(labelerKey(by))?.roles ?? [])];
  }

  /** The roles after every valid role event in total order; undefined: no roles. */
  current(): RoleMap | undefined {
    const j = this.judge();
    let s = this.base;
    for (const e of j.valid) s = applySet(s, e.set);
    return toRoleMap(s);
  }

  /** The roles of one labeler now ([] when the project has roles and they have none; undefined: no roles). */
  rolesOf(id: string): Role[] | undefined {
    const cur = this.current();
    if (!cur) return undefined;
    for (const [k, r] of Object.entries(cur)) if (sameLabeler(k, id)) return r;
    return [];
  }

  /** Whether the role event at `e` (by, dev, seq) was added and is valid, so applied. */
  applies(e: EventPlace): boolean {
    return this.judge().validKeys.has(eventKey(e));
  }

  /** Role events that are not applied, with why, in total order. */
  invalid(): RoleProblem[] {
    return this.judge().invalid.map((p) => ({ ...p }));
  }

  /** The role events, for the index meta (snapshot); the base is not included (it is project.json). */
  toJSON(): unknown {
    return { v: 1, events: this.roleEvents().map((e) => ({ by: e.by, dev: e.dev, seq: e.seq, ord: e.ord, ...(e.ps ? { ps: e.ps } : {}), set: e.set, file: e.file, line: e.line })) };
  }

  /** A book from project.json roles and toJSON()'s output; throws with the field at fault when malformed. */
  static fromJSON(base: RoleMap | undefined, json: unknown): RoleBook {
    const book = new RoleBook(base);
    const o = json as { v?: unknown; events?: unknown };
    if (typeof o !== 'object' || o === null || o.v !== 1 || !Array.isArray(o.events)) {
      throw new Error('role book: expected {v: 1, events: [...]}');
    }
    o.events.forEach((x: unknown, i: number) => {
      const e = x as Partial<RoleEventRec>;
      const bad = (f: string): never => {
        throw new Error(`role book: events[${i}].${f} is missing or malformed`);
      };
      if (typeof e !== 'object' || e === null) bad('(event)');
      if (typeof e.by !== 'string' || !e.by) bad('by');
      if (typeof e.dev !== 'string' || !e.dev) bad('dev');
      if (!Number.isInteger(e.seq) || e.seq! < 1) bad('seq');
      if (typeof e.ord !== 'string') bad('ord');
      if (typeof e.file !== 'string') bad('file');
      if (!Number.isInteger(e.line)) bad('line');
      if (typeof e.set !== 'object' || e.set === null) bad('set');
      if (e.ps !== undefined && (!Array.isArray(e.ps) || !e.ps.every((p) => Array.isArray(p) && p.length === 3))) bad('ps');
      book.add({ by: e.by!, dev: e.dev!, seq: e.seq!, ord: e.ord!, ...(e.ps ? { ps: e.ps } : {}), set: e.set!, file: e.file!, line: e.line! });
    });
    return book;
  }

  // ------------------------------------------------------------------ internals

  private stateSeenBy(place: EventPlace, ps: SeenVector | undefined): State {
    const j = this.judge();
    const k = j.valid.length;
    if (!k) return this.base;
    const psSeq = ps ? this.psSeqs(j, ps) : undefined;
    let sig: number | string;
    if (k <= 31) {
      let bits = 0;
      for (let i = 0; i < k; i++) if (this.sees(j, i, place, psSeq)) bits |= 1 << i;
      sig = bits;
    } else {
      let s = '';
      for (let i = 0; i < k; i++) s += this.sees(j, i, place, psSeq) ? '1' : '0';
      sig = s;
    }
    let state = j.states.get(sig);
    if (!state) {
      state = this.base;
      for (let i = 0; i < k; i++) {
        const seen = typeof sig === 'number' ? (sig & (1 << i)) !== 0 : sig[i] === '1';
        if (seen) state = applySet(state, j.valid[i]!.set);
      }
      j.states.set(sig, state);
    }
    return state;
  }

  /** For each role-event file of j, the highest seq `ps` holds for it (0: none). */
  private psSeqs(j: Judged, ps: SeenVector): number[] {
    const out = j.scratch.fill(0); // reused: check() runs once per event of a whole journal
    for (const [by, dev, seq] of ps) {
      for (let f = 0; f < j.files.length; f++) {
        const file = j.files[f]!;
        if (file.by === by && file.dev === dev && seq > out[f]!) out[f] = seq;
      }
    }
    return out;
  }

  /**
   * Whether an event at `place` had seen valid role event i: exactly hadSeen(place, ps, R) (own file:
   * earlier lines; with ps: its entry for R's file reaches R.seq; without: R ordered before it), and R
   * ordered before place.
   */
  private sees(j: Judged, i: number, place: EventPlace, psSeq: number[] | undefined): boolean {
    const r = j.valid[i]!;
    if (!(r.ord < place.ord)) return false;
    if (r.by === place.by && r.dev === place.dev) return r.seq < place.seq;
    if (!psSeq) return true; // ordered before it, and no vector: had seen it
    return psSeq[j.fileOf[i]!]! >= r.seq;
  }

  /** Judges every role event, in total order (each one's validity depends only on those before it). */
  private judge(): Judged {
    if (this.judged) return this.judged;
    const valid: RoleEventRec[] = [];
    const invalid: RoleProblem[] = [];
    for (const e of this.roleEvents()) {
      const problem = roleSetProblem(e.set) ?? this.roleEventProblem(valid, e);
      if (problem) invalid.push({ file: e.file, line: e.line, message: `role change by ${e.by} not applied: ${problem}` });
      else valid.push(e);
    }
    const files: { by: string; dev: string }[] = [];
    const fileOf = valid.map((e) => {
      let f = files.findIndex((x) => x.by === e.by && x.dev === e.dev);
      if (f < 0) f = files.push({ by: e.by, dev: e.dev }) - 1;
      return f;
    });
    this.judged = { valid, validKeys: new Set(valid.map(eventKey)), invalid, files, fileOf, states: new Map(), scratch: files.map(() => 0) };
    return this.judged;
  }

  /** Why role event e (all role events before it judged: `valid`) is not valid, or undefined. */
  private roleEventProblem(valid: RoleEventRec[], e: RoleEventRec): string | undefined {
    const psMap = e.ps && vectorMap(e.ps);
    let seen = this.base;
    // `valid` holds only events ordered before e (judge() goes in total order), none of them e itself.
    for (const r of valid) if (hadSeen(e, psMap, r)) seen = applySet(seen, r.set);
    if (seen.size && !seen.get(labelerKey(e.by))?.roles.includes('manager')) {
      return `${e.by} is not a manager in the roles they had seen`;
    }
    if (!hasManager(applySet(seen, e.set))) {
      return seen.size ? 'it would leave the project without a manager' : 'the first role change must name a manager';
    }
    return undefined;
  }
}
