/**
 * Writes to the sql.js index: items from data sources, events from journals, and the derived
 * per-item state (recomputed from the item's events, so arrival order never matters).
 */
import type { Database, SqlValue, Statement } from 'sql.js';
import type { ScannedItem } from '../ingest/scan';
import { EVENT_SPECS, EVENT_TYPES, type EventScope, type EventType, importOrderKey, orderKey, parseOrderKey, timeOfOrderKey, type JournalEvent, type ProjectEvent } from '../journal/events';
import { fileKey, vectorOf, type SeenVector } from '../team/vector';
import { LineJudge, roleEventOf } from '../team/judge';
import { RoleBook, type RoleMap } from '../team/roles';
import { packAnn, unpackAnn } from './ann-text';
import { assignDeltas, BUMP_ASSIGN, BUMP_HOUR, BUMP_OBJ, hourOf, INSERT_RVW, isOwnSubmit, objectLabels, reviewFacts, type AssignFact } from './dashboard-counters';
import { evRecords, evTypeCode, type EvRecord } from './ev-rows';
import { queueOrder } from '../queue/order';
import { getMeta, setMeta } from './db';
import { BUMP_PATTERN, PACKED_CLASSES, patternOfItem, patternOfRows, PatternTally } from './rating-patterns';
import { RECOUNT } from './schema';
import { computeItem, type Barriers, type Consensus, type ItemComputation } from './item-state';
import { doneOutcomes } from './suggestion-outcomes';
import { assignFactOf, doneValues, EV_COLUMNS, evRowOf, INSERT_DONE, INSERT_EV, journalOnlyItem, oldItemOf, sameDone, SELECT_DONE_OF_ITEM, SELECT_EV, SELECT_OLD_ITEM, stateValues, updateStateSql, UPDATE_STATE, type LinePlace, type OldItem, type ProjectEventRec, type StoredDone } from './index-rows';

export { assignFactOf, doneAnnSql, doneValues, INSERT_DONE, journalOnlyItem, STATE_COLUMNS, stateValues, type LinePlace, type ProjectEventRec } from './index-rows';

/** The done rows of a computation (doneValues of each). */
function doneValuesOf(item: number, c: ItemComputation, outcomes: ReturnType<typeof doneOutcomes>): SqlValue[][] {
  return c.done.map((d) => doneValues(d, item, c, outcomes));
}

/** Each event type's scope, read once (a module-local table: per-event lookups stay cheap). */
const SCOPE = Object.fromEntries(EVENT_TYPES.map((t) => [t, EVENT_SPECS[t].scope])) as Record<EventType, EventScope>;

export class IndexDb {
  private readonly stmts = new Map<string, Statement>();
  barriers: Barriers = { removeAll: '', keep: '' };
  /** Label names added by label-set events (kept in meta: a snapshot carries them). */
  readonly addedLabels = new Set<string>();
  /** Project-wide events read (label sets, status, roles), in total order: few, kept in meta. */
  projectEvents: ProjectEventRec[] = [];
  /** Bumped whenever projectEvents changes (the effective definition is recomputed only then). */
  projectVersion = 0;
  /** Items written since the last takeTouched() (the change feed reports them), or 'all'. */
  private touched: Set<number> | 'all' = new Set();

  private readonly judgeLine = new LineJudge(() => this.roles);
  /** The role events read, judged by what their authors had seen (team/roles.ts); base: project.json roles. */
  roles: RoleBook;

  constructor(
    readonly db: Database,
    private readonly seed: number,
    private consensus: Consensus,
    private readonly baseRoles?: RoleMap,
  ) {
    this.roles = new RoleBook(baseRoles);
    this.reloadMeta();
  }

  /** Why a journal line read from `file` is not applied (team/judge.ts), or undefined. */
  judge(e: JournalEvent, file: string): string | undefined {
    return this.judgeLine.judge(e, file);
  }

  /** Reads the barriers and added labels back from the database (after a rollback undid changes to them). */
  reloadMeta(): void {
    this.barriers = { removeAll: getMeta(this.db, 'barrier_remove_all') ?? '', keep: getMeta(this.db, 'barrier_keep') ?? '' };
    this.addedLabels.clear();
    for (const l of JSON.parse(getMeta(this.db, 'labels_added') ?? '[]') as string[]) this.addedLabels.add(l);
    this.projectEvents = JSON.parse(getMeta(this.db, 'project_events') ?? '[]') as ProjectEventRec[];
    this.projectVersion++;
    this.roles = new RoleBook(this.baseRoles);
    for (const p of this.projectEvents) if (p.type === 'roles') this.addRoleEvent(p);
  }

  private addRoleEvent(p: Extract<ProjectEventRec, { type: 'roles' }>): void {
    this.roles.add(roleEventOf(p, p.file, p.line));
  }

  /** Forgets the project-wide events read except role events, and what they did (before a bulk read's second pass). */
  resetProjectState(): void {
    this.projectEvents = this.projectEvents.filter((p) => p.type === 'roles');
    this.projectVersion++;
    this.barriers = { removeAll: '', keep: '' };
    this.addedLabels.clear();
    for (const k of ['barrier_remove_all', 'barrier_keep', 'labels_added']) this.db.run('DELETE FROM meta WHERE k = ?', [k]);
    setMeta(this.db, 'project_events', JSON.stringify(this.projectEvents));
  }

  /** Whether a project-wide event applies (a role event its author could not make does not). */
  projectEventApplies(p: ProjectEventRec): boolean {
    if (p.type !== 'roles') return true;
    return !this.roles.invalid().some((x) => x.file === p.file && x.line === p.line);
  }

  /** Records a project-wide event (the effective definition and the roles are computed from the list). */
  noteProjectEvent(e: ProjectEvent, where: LinePlace): void {
    const ord = orderKey(e);
    if (this.projectEvents.some((p) => p.ord === ord)) return;
    const rec = { ...e, ord, file: where.file, line: where.line } as ProjectEventRec;
    this.projectEvents.push(rec);
    this.projectVersion++;
    this.projectEvents.sort((a, b) => (a.ord < b.ord ? -1 : a.ord > b.ord ? 1 : 0));
    setMeta(this.db, 'project_events', JSON.stringify(this.projectEvents));
    if (rec.type === 'roles') this.addRoleEvent(rec);
  }

  /** What this index has read of project-wide events: the `ps` vector of an event written now. */
  projectSeen(): SeenVector {
    const m = new Map<string, number>();
    for (const p of this.projectEvents) m.set(fileKey(p.by, p.dev), Math.max(p.seq, m.get(fileKey(p.by, p.dev)) ?? 0));
    return vectorOf(m);
  }

  /** The latest time (ms) of a project-wide event read, 0 if none (the hybrid clock stays after it). */
  projectMaxMs(): number {
    return this.projectEvents.reduce((m, p) => Math.max(m, timeOfOrderKey(p.ord)), 0);
  }

  /** What this index has read of an item's events: the `seen` vector of a review written now. */
  itemSeen(id: number): SeenVector {
    const m = new Map<string, number>();
    const s = this.stmt('SELECT ord FROM ev WHERE item = ?');
    s.bind([id]);
    while (s.step()) {
      const p = parseOrderKey(s.get()[0] as string);
      const k = fileKey(p.by, p.dev);
      if (p.seq > (m.get(k) ?? 0)) m.set(k, p.seq);
    }
    s.reset();
    return vectorOf(m);
  }

  /** The latest time (ms) of the events of the item with this key, 0 if none (or no such item). */
  itemMaxMs(key: string): number {
    // One statement from the key (a lookup of the id, then this, cost a second sql.js round trip per submit).
    const v = this.one('SELECT max(ord) FROM ev WHERE item = (SELECT id FROM items WHERE key = ?)', [key]);
    return typeof v === 'string' ? timeOfOrderKey(v) : 0;
  }

  /** Records the label names a label-set event adds. */
  noteLabels(e: Extract<JournalEvent, { type: 'labels' }>): void {
    let added = false;
    for (const l of e.added) {
      if (typeof l?.name !== 'string' || this.addedLabels.has(l.name)) continue;
      this.addedLabels.add(l.name);
      added = true;
    }
    if (added) setMeta(this.db, 'labels_added', JSON.stringify([...this.addedLabels].sort()));
  }

  stmt(sql: string): Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  run(sql: string, params: SqlValue[]): void {
    const s = this.stmt(sql);
    s.run(params);
  }

  /** First column of the first row, or undefined. */
  one(sql: string, params: SqlValue[]): SqlValue | undefined {
    const s = this.stmt(sql);
    s.bind(params);
    const v = s.step() ? s.get()[0] : undefined;
    s.reset();
    return v;
  }

  all<T>(sql: string, params: SqlValue[]): T[] {
    const s = this.stmt(sql);
    s.bind(params);
    const out: T[] = [];
    while (s.step()) out.push(s.getAsObject() as T);
    s.reset();
    return out;
  }

  free(): void {
    for (const s of this.stmts.values()) s.free();
    this.stmts.clear();
  }

  setConsensus(c: Consensus): void {
    this.consensus = c;
  }

  insertItem(it: ScannedItem, missing = false): number {
    this.run('INSERT INTO items (key, row, src, text, qorder, missing, state, open) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
      it.key, it.row ?? null, it.source, it.text ?? null, queueOrder(this.seed, it.key),
      missing ? 1 : 0, missing ? 'missing' : 'unlabeled', missing ? 0 : 1,
    ]);
    const id = Number(this.one('SELECT last_insert_rowid()', []));
    this.noteTouched(id);
    return id;
  }

  /** Records that an item's row changed (recomputed, inserted, its text or missing flag written). */
  noteTouched(id: number): void {
    if (this.touched !== 'all') this.touched.add(id);
  }

  /** The items written since the last call, or 'all' after recomputeAll; then starts over. */
  takeTouched(): number[] | 'all' {
    const t = this.touched;
    this.touched = new Set();
    return t === 'all' ? 'all' : [...t];
  }

  itemId(key: string): number | undefined {
    const v = this.one('SELECT id FROM items WHERE key = ?', [key]);
    return v === undefined ? undefined : Number(v);
  }

  /** The item for an event's key; an item known only from journals is created as missing. */
  private itemFor(key: string): number {
    const id = this.itemId(key);
    if (id !== undefined) return id;
    return this.insertItem(journalOnlyItem(key), true);
  }

  /**
   * Records one journal event (without the import submits in `skip`). Returns the ids of items whose
   * state must be recomputed, or 'all' when a label-set change moved a project-wide barrier.
   */
  applyEvent(e: JournalEvent, skip?: ReadonlySet<number>, where: LinePlace = { file: '', line: 0 }): number[] | 'all' {
    const ord = orderKey(e);
    if (SCOPE[e.type] === 'project') {
      this.noteProjectEvent(e as ProjectEvent, where);
      if (e.type !== 'labels') return [];
      this.noteLabels(e);
      return this.moveBarrier(e, ord) ? 'all' : [];
    }
    const ids: number[] = [];
    evRecords(
      e,
      (key, sub, v) => {
        const id = this.itemFor(key);
        const o = sub < 0 ? ord : importOrderKey(ord, sub);
        this.run(INSERT_EV, [id, o, evTypeCode(v.type), v.ann, v.pre, v.conf, v.src, v.base, v.target, v.seen, v.chg]);
        // Labels per hour: a labeler's own submit, counted when its row is new (a line read twice is ignored).
        if (isOwnSubmit({ type: v.type, ord: o, pre: v.pre }) && this.db.getRowsModified() > 0) this.run(BUMP_HOUR, [hourOf(timeOfOrderKey(o)), e.by, 1]);
        ids.push(id);
      },
      skip,
    );
    return ids;
  }

  /** Applies a label-set change to the project-wide barriers; true when one moved. */
  moveBarrier(e: Extract<JournalEvent, { type: 'labels' }>, ord: string): boolean {
    if (e.mode === 'remove-all' && ord > this.barriers.removeAll) {
      this.barriers.removeAll = ord;
      setMeta(this.db, 'barrier_remove_all', ord);
      return true;
    }
    if (e.mode === 'keep-as-prelabels' && ord > this.barriers.keep) {
      this.barriers.keep = ord;
      setMeta(this.db, 'barrier_keep', ord);
      return true;
    }
    return false;
  }

  /** An item's events in total order. */
  evRows(item: number): EvRecord[] {
    const s = this.stmt(SELECT_EV);
    s.bind([item]);
    const out: EvRecord[] = [];
    while (s.step()) out.push(evRowOf(s.get(), 0));
    s.reset();
    return out;
  }

  /** Recomputes one item's derived state and keeps every counter current. */
  recomputeItem(id: number): void {
    const st = this.stmt(SELECT_OLD_ITEM);
    st.bind([id]);
    const old = st.step() ? oldItemOf(st.get()) : undefined;
    st.reset();
    if (!old) return;
    this.noteTouched(id);
    const rows = this.evRows(id);
    const c = computeItem(rows, this.barriers, this.consensus, old.missing === 1, false);
    if (c.final && c.finalText === undefined) c.finalText = packAnn(c.final);
    const oldDone = this.all<StoredDone>(SELECT_DONE_OF_ITEM, [id]);
    this.updateDashboardCounters(id, old, oldDone, rows, c);
    const oldLabels = old.final_labels ? (JSON.parse(old.final_labels) as string[]) : [];
    for (const l of oldLabels) if (!c.finalLabels.includes(l)) this.run('UPDATE cnt_label SET n = n - 1 WHERE label = ?', [l]);
    for (const l of c.finalLabels) if (!oldLabels.includes(l)) this.bumpLabel(l, 1);
    const oldPattern = this.hasPatterns() ? patternOfRows(oldDone, old.final) : undefined;
    const pattern = patternOfItem(c.done);
    if (oldPattern !== pattern) {
      if (oldPattern !== undefined) this.run('UPDATE cnt_pattern SET n = n - 1 WHERE p = ?', [oldPattern]);
      if (pattern !== undefined) {
        this.run(BUMP_PATTERN, [pattern, 1]);
        this.patternsSeen = true;
      }
    }
    this.writeChangedState(id, old.state, stateValues(c));
    this.writeDone(id, oldDone, doneValuesOf(id, c, doneOutcomes(rows, c.done)));
  }

  /** Writes the derived columns of an item that differ from `before` (as stored), none when nothing changed. */
  private writeChangedState(id: number, before: readonly SqlValue[], after: SqlValue[]): void {
    let mask = 0;
    const params: SqlValue[] = [];
    for (let i = 0; i < after.length; i++) {
      if (after[i] === before[i]) continue;
      mask |= 1 << i;
      params.push(after[i]!);
    }
    if (!mask) return;
    params.push(id);
    this.run((this.updateSql[mask] ??= updateStateSql(mask)), params);
  }
  /** updateStateSql by mask, built once each. */
  private readonly updateSql: string[] = [];

  /**
   * Brings an item's done rows from `before` (as stored) to `after` (doneValues): a row that holds the same
   * values is left alone (its indexes and counter triggers untouched), a changed one is deleted and inserted
   * again (the counter triggers see it leave and come back, as when every row was rewritten).
   */
  private writeDone(id: number, before: readonly StoredDone[], after: readonly SqlValue[][]): void {
    const was = new Map(before.map((o) => [o.labeler, o]));
    const kept = new Set<string>();
    const insert: SqlValue[][] = [];
    for (const v of after) {
      const o = was.get(v[0] as string);
      if (o && sameDone(o, v)) kept.add(o.labeler);
      else insert.push(v);
    }
    if (!kept.size && before.length) this.run('DELETE FROM done WHERE item = ?', [id]);
    else for (const o of before) if (!kept.has(o.labeler)) this.run('DELETE FROM done WHERE item = ? AND labeler = ?', [id, o.labeler]);
    for (const v of insert) this.run(INSERT_DONE, v);
  }

  /** The dashboard's counters (dashboard-counters.ts) of one item recomputed, from its row and done rows before and its computation. */
  private updateDashboardCounters(id: number, old: OldItem, oldDone: readonly StoredDone[], rows: readonly EvRecord[], c: ItemComputation): void {
    const finalText = c.finalText ?? null;
    if (old.final !== finalText) {
      const delta = new Map<string, number>();
      // A label set has no objects (and is not unpacked: this is the submit path).
      if (old.final !== null && !old.final.startsWith(PACKED_CLASSES)) for (const l of objectLabels(unpackAnn(old.final))) delta.set(l, (delta.get(l) ?? 0) - 1);
      for (const l of objectLabels(c.final)) delta.set(l, (delta.get(l) ?? 0) + 1);
      for (const [l, n] of delta) if (n) this.run(BUMP_OBJ, [l, n]);
    }
    const before: AssignFact | undefined = old.assignee === null ? undefined : { labeler: old.assignee, done: oldDone.some((d) => d.labeler === old.assignee) ? 1 : 0, open: old.open };
    const after = assignFactOf(c);
    for (const d of assignDeltas(before, after)) this.run(BUMP_ASSIGN, d);
    const facts = reviewFacts(rows);
    if (!old.rv && !facts.length) return;
    this.run('DELETE FROM rvw WHERE item = ?', [id]);
    for (const f of facts) this.run(INSERT_RVW, [id, f.labeler, f.acc, f.rej]);
  }

  /**
   * Whether cnt_pattern has a row (then an item may have a pattern). Only a yes is kept: a yes that became
   * wrong (a rollback) costs one needless read, a kept no could miss a pattern counted since.
   */
  private hasPatterns(): boolean {
    if (!this.patternsSeen) this.patternsSeen = this.one('SELECT 1 FROM cnt_pattern LIMIT 1', []) !== undefined;
    return this.patternsSeen;
  }
  private patternsSeen = false;

  bumpLabel(label: string, n: number): void {
    this.run('INSERT INTO cnt_label VALUES (?, ?) ON CONFLICT(label) DO UPDATE SET n = n + excluded.n', [label, n]);
  }

  private writeItem(id: number, c: ItemComputation): void {
    this.run(
      UPDATE_STATE,
      [...stateValues(c), id],
    );
  }

  /**
   * Recomputes every item from its events in one pass (after a bulk load or a barrier change),
   * then recounts every counter from scratch.
   */
  recomputeAll(onProgress?: (done: number) => void): void {
    this.touched = 'all';
    this.db.exec(`UPDATE items SET state = CASE WHEN missing = 1 THEN 'missing' ELSE 'unlabeled' END, open = 1 - missing,
      version = 0, assignee = NULL, agreement = NULL, final = NULL, final_by = NULL, final_labels = NULL, conflict = NULL, flags = NULL
      WHERE version > 0 OR state NOT IN ('missing', 'unlabeled'); DELETE FROM done; DELETE FROM cnt_label; DELETE FROM cnt_pattern;
      DELETE FROM rvw; DELETE FROM cnt_obj;`);
    const objects = new Map<string, number>();
    const missing = new Set(this.all<{ id: number }>('SELECT id FROM items WHERE missing = 1', []).map((r) => r.id));
    const labelCounts = new Map<string, number>();
    const patterns = new PatternTally();
    const st = this.db.prepare(`SELECT item, ${EV_COLUMNS} FROM ev ORDER BY item, ord`);
    let current = -1;
    let group: EvRecord[] = [];
    let n = 0;
    const flush = (): void => {
      if (current < 0) return;
      const c = computeItem(group, this.barriers, this.consensus, missing.has(current), false);
      for (const l of c.finalLabels) labelCounts.set(l, (labelCounts.get(l) ?? 0) + 1);
      for (const l of objectLabels(c.final)) objects.set(l, (objects.get(l) ?? 0) + 1);
      for (const f of reviewFacts(group)) this.run(INSERT_RVW, [current, f.labeler, f.acc, f.rej]);
      patterns.add(patternOfItem(c.done));
      this.writeItem(current, c);
      for (const v of doneValuesOf(current, c, doneOutcomes(group, c.done))) this.run(INSERT_DONE, v);
      if (++n % 50000 === 0) onProgress?.(n);
    };
    try {
      while (st.step()) {
        const v = st.get();
        const item = v[0] as number;
        if (item !== current) {
          flush();
          current = item;
          group = [];
        }
        group.push(evRowOf(v, 1));
      }
      flush();
    } finally {
      st.free();
    }
    for (const [l, k] of labelCounts) this.bumpLabel(l, k);
    for (const [p, k] of patterns.counts) this.run(BUMP_PATTERN, [p, k]);
    for (const [l, k] of objects) this.run(BUMP_OBJ, [l, k]);
    // cnt_hour and cnt_day count ev rows, which a recompute does not change.
    this.db.exec(RECOUNT);
  }
}
