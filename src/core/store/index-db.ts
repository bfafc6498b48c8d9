/**
 * Writes to the sql.js index: items from data sources, events from journals, and the derived
 * per-item state (recomputed from the item's events, so arrival order never matters).
 */
import type { Database, SqlValue, Statement } from 'sql.js';
import type { ScannedItem } from '../ingest/scan';
import { headerOfOrderKey, orderKey, type JournalEvent, type SubmitPayload } from '../journal/events';
import { queueOrder } from '../queue/order';
import { getMeta, setMeta } from './db';
import { RECOUNT } from './schema';
import { computeItem, type Barriers, type Consensus, type EvRow } from './item-state';

const EV_COLUMNS = 'ord, type, ann, pre, conf, src, base, target';

// SQL as constants: statements are cached by their text, so it must not be rebuilt per call.
const INSERT_EV = `INSERT OR IGNORE INTO ev (item, ${EV_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const SELECT_EV = `SELECT ${EV_COLUMNS} FROM ev WHERE item = ? ORDER BY ord`;

/** An ev row from its columns (EV_COLUMNS order, from `offset`); `at` and `by` are read back from ord. */
function evRowOf(v: SqlValue[], offset: number): EvRow {
  const ord = v[offset] as string;
  return {
    ord, type: v[offset + 1] as string, ...headerOfOrderKey(ord), ann: v[offset + 2] as string | null,
    pre: v[offset + 3] as number, conf: v[offset + 4] as number | null, src: v[offset + 5] as string | null,
    base: v[offset + 6] as number | null, target: v[offset + 7] as string | null,
  };
}

export class IndexDb {
  private readonly stmts = new Map<string, Statement>();
  barriers: Barriers;

  constructor(
    readonly db: Database,
    private readonly seed: number,
    private consensus: Consensus,
  ) {
    this.barriers = { removeAll: getMeta(db, 'barrier_remove_all') ?? '', keep: getMeta(db, 'barrier_keep') ?? '' };
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

  /** During a bulk build: key -> id of every item, so replay needs no lookup query. */
  private keyIds?: Map<string, number>;
  private nextId = 0;

  /** Starts a bulk build on an empty index: ids are assigned here and remembered by key. */
  beginBulk(): void {
    this.keyIds = new Map();
    this.nextId = Number(this.one('SELECT COALESCE(MAX(id), 0) FROM items', []));
  }

  endBulk(): void {
    this.keyIds = undefined;
  }

  insertItem(it: ScannedItem, missing = false): number {
    const id = this.keyIds ? ++this.nextId : null;
    this.run('INSERT INTO items (id, key, path, row, src, text, qorder, missing, state, open) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [
      id, it.key, it.path, it.row ?? null, it.source, it.text ?? null, queueOrder(this.seed, it.key),
      missing ? 1 : 0, missing ? 'missing' : 'unlabeled', missing ? 0 : 1,
    ]);
    if (id !== null) {
      this.keyIds!.set(it.key, id);
      return id;
    }
    return Number(this.one('SELECT last_insert_rowid()', []));
  }

  itemId(key: string): number | undefined {
    if (this.keyIds) return this.keyIds.get(key);
    const v = this.one('SELECT id FROM items WHERE key = ?', [key]);
    return v === undefined ? undefined : Number(v);
  }

  /** The item for an event's key; an item known only from journals is created as missing. */
  private itemFor(key: string): number {
    const id = this.itemId(key);
    if (id !== undefined) return id;
    const hash = key.lastIndexOf('#');
    return this.insertItem({ key, path: hash < 0 ? key : key.slice(0, hash), row: hash < 0 ? undefined : key.slice(hash + 1), source: -1 }, true);
  }

  private insertEv(item: number, ord: string, e: JournalEvent, extra: Partial<Record<'ann' | 'pre' | 'conf' | 'src' | 'base' | 'target', SqlValue>>): void {
    this.run(INSERT_EV, [
      item, ord, e.type === 'import' ? 'submit' : e.type,
      extra.ann ?? null, extra.pre ?? 0, extra.conf ?? null, extra.src ?? null, extra.base ?? null, extra.target ?? null,
    ]);
  }

  private insertSubmit(item: number, ord: string, e: JournalEvent, s: SubmitPayload): void {
    this.insertEv(item, ord, e, { ann: JSON.stringify(s.ann), pre: s.pre ? 1 : 0, conf: s.conf ?? null, src: s.src ?? null });
  }

  /**
   * Records one journal event. Returns the ids of items whose state must be recomputed, or 'all'
   * when a label-set change moved a project-wide barrier.
   */
  applyEvent(e: JournalEvent): number[] | 'all' {
    const ord = orderKey(e);
    switch (e.type) {
      case 'submit': {
        const id = this.itemFor(e.item);
        this.insertSubmit(id, ord, e, e);
        return [id];
      }
      case 'import': {
        const ids: number[] = [];
        e.submits.forEach((s, i) => {
          const id = this.itemFor(s.item);
          this.insertSubmit(id, `${ord}\u0001${i.toString(36).padStart(5, '0')}`, e, s);
          ids.push(id);
        });
        return ids;
      }
      case 'skip':
      case 'unskip': {
        const id = this.itemFor(e.item);
        this.insertEv(id, ord, e, {});
        return [id];
      }
      case 'accept-skip':
      case 'reject':
      case 'approve': {
        const id = this.itemFor(e.item);
        this.insertEv(id, ord, e, { base: e.base });
        return [id];
      }
      case 'decide': {
        const id = this.itemFor(e.item);
        this.insertEv(id, ord, e, { ann: JSON.stringify(e.ann), base: e.base });
        return [id];
      }
      case 'assign': {
        const id = this.itemFor(e.item);
        this.insertEv(id, ord, e, { target: e.to ?? '' });
        return [id];
      }
      case 'labels': {
        if (e.mode === 'remove-all' && ord > this.barriers.removeAll) {
          this.barriers.removeAll = ord;
          setMeta(this.db, 'barrier_remove_all', ord);
          return 'all';
        }
        if (e.mode === 'keep-as-prelabels' && ord > this.barriers.keep) {
          this.barriers.keep = ord;
          setMeta(this.db, 'barrier_keep', ord);
          return 'all';
        }
        return [];
      }
      case 'status':
        return [];
    }
  }

  /** An item's events in total order. */
  evRows(item: number): EvRow[] {
    const s = this.stmt(SELECT_EV);
    s.bind([item]);
    const out: EvRow[] = [];
    while (s.step()) out.push(evRowOf(s.get(), 0));
    s.reset();
    return out;
  }

  /** Recomputes one item's derived state and keeps every counter current. */
  recomputeItem(id: number): void {
    const old = this.all<{ missing: number; final_labels: string | null }>('SELECT missing, final_labels FROM items WHERE id = ?', [id])[0];
    if (!old) return;
    const c = computeItem(this.evRows(id), this.barriers, this.consensus, old.missing === 1);
    const oldLabels = old.final_labels ? (JSON.parse(old.final_labels) as string[]) : [];
    for (const l of oldLabels) if (!c.finalLabels.includes(l)) this.run('UPDATE cnt_label SET n = n - 1 WHERE label = ?', [l]);
    for (const l of c.finalLabels) if (!oldLabels.includes(l)) this.bumpLabel(l, 1);
    this.writeItem(id, c);
    this.run('DELETE FROM done WHERE item = ?', [id]);
    for (const d of c.done) this.run('INSERT INTO done VALUES (?, ?, ?, ?)', [d.labeler, id, d.kind, d.t]);
  }

  private bumpLabel(label: string, n: number): void {
    this.run('INSERT INTO cnt_label VALUES (?, ?) ON CONFLICT(label) DO UPDATE SET n = n + excluded.n', [label, n]);
  }

  private writeItem(id: number, c: ReturnType<typeof computeItem>): void {
    this.run(
      'UPDATE items SET state = ?, open = ?, version = ?, assignee = ?, agreement = ?, final = ?, final_by = ?, final_labels = ? WHERE id = ?',
      [
        c.state, c.open ? 1 : 0, c.version, c.assignee ?? null, c.agreement ?? null,
        c.final ? JSON.stringify(c.final) : null, c.finalBy ? JSON.stringify(c.finalBy) : null,
        c.finalLabels.length ? JSON.stringify(c.finalLabels) : null, id,
      ],
    );
  }

  /**
   * Recomputes every item from its events in one pass (after a bulk load or a barrier change),
   * then recounts every counter from scratch.
   */
  recomputeAll(onProgress?: (done: number) => void): void {
    this.db.exec(`UPDATE items SET state = CASE WHEN missing = 1 THEN 'missing' ELSE 'unlabeled' END, open = 1 - missing,
      version = 0, assignee = NULL, agreement = NULL, final = NULL, final_by = NULL, final_labels = NULL
      WHERE version > 0 OR state NOT IN ('missing', 'unlabeled'); DELETE FROM done; DELETE FROM cnt_label;`);
    const missing = new Set(this.all<{ id: number }>('SELECT id FROM items WHERE missing = 1', []).map((r) => r.id));
    const labelCounts = new Map<string, number>();
    const st = this.db.prepare(`SELECT item, ${EV_COLUMNS} FROM ev ORDER BY item, ord`);
    let current = -1;
    let group: EvRow[] = [];
    let n = 0;
    const flush = (): void => {
      if (current < 0) return;
      const c = computeItem(group, this.barriers, this.consensus, missing.has(current));
      for (const l of c.finalLabels) labelCounts.set(l, (labelCounts.get(l) ?? 0) + 1);
      this.writeItem(current, c);
      for (const d of c.done) this.run('INSERT INTO done VALUES (?, ?, ?, ?)', [d.labeler, current, d.kind, d.t]);
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
    this.db.exec(RECOUNT);
  }
}
