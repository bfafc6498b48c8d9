/**
 * The sql.js index schema. `ev` mirrors every item event of the journals (the raw record); items,
 * done and the counter tables are derived from it per item, so replay order does not matter.
 */

export const SCHEMA_VERSION = 13;

/** An item's workspace-relative file, from its key and row (itemKey in model.ts). */
export const ITEM_PATH = 'CASE WHEN row IS NULL THEN key ELSE substr(key, 1, length(key) - length(row) - 1) END';

/** Tables, created before bulk load. Secondary indexes and triggers come after (SECONDARY). */
export const TABLES = `
CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS items (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL,               -- unique: items_key is built after a bulk load (sorted, much faster)
  row TEXT,                        -- table rows: key is path#row; files: key is the path (see ITEM_PATH)
  src INTEGER NOT NULL,            -- index into def.dataSources, -1 when known only from journals
  text TEXT,                       -- table rows only; text files are read when shown
  qorder INTEGER NOT NULL,         -- seeded hash: the fixed random queue order
  missing INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL DEFAULT 'unlabeled',
  open INTEGER NOT NULL DEFAULT 1, -- 1 while the item is in the queue
  version INTEGER NOT NULL DEFAULT 0,
  assignee TEXT,
  agreement REAL,
  final TEXT,                      -- Annotation, packed (ann-text.ts)
  final_by TEXT,                   -- JSON string[]
  final_labels TEXT,               -- JSON string[] (distinct), for the label counters
  width INTEGER,
  height INTEGER,
  conflict INTEGER,                -- 1: the item's current reviews disagree (a review conflict, in needs-review)
  flags INTEGER                    -- ITEM_FLAGS bits (review filters): prelabeled 1, approved 2, rejected 4, review conflict 8
);
CREATE TABLE IF NOT EXISTS ev (
  item INTEGER NOT NULL,
  ord TEXT NOT NULL,               -- orderKey(): at, by, dev, seq[, index in an import batch]
  type INTEGER NOT NULL,           -- index into EV_TYPES (ev-rows.ts): submit 0 and skip 1 take no bytes
  ann TEXT,                        -- Annotation, packed (ann-text.ts) (submit, decide)
  pre INTEGER NOT NULL DEFAULT 0,
  conf REAL,
  src TEXT,
  chg INTEGER NOT NULL DEFAULT 0,  -- 1: a labeler's submit that changed the prelabel or suggestion src names
  base INTEGER,
  target TEXT,                     -- assign: the labeler ('' = unassign)
  seen TEXT,                       -- reviews: what the reviewer had seen of the item, JSON [[by, dev, seq], ...] (team/vector.ts)
  PRIMARY KEY (item, ord)
) WITHOUT ROWID;
-- Each labeler's current status and annotation per item (agreement statistics, review filters by
-- labeler, label or agreement, and per-labeler counts are SQL over it, never a recomputation).
CREATE TABLE IF NOT EXISTS done (
  labeler TEXT NOT NULL,
  item INTEGER NOT NULL,
  kind INTEGER NOT NULL,           -- 1: labeled by them (submit), 0: skipped
  t INTEGER NOT NULL,              -- ms time of that event (history order)
  ann TEXT,                        -- their current annotation, packed (ann-text.ts); NULL for a skip, or when it is the item's final (doneAnnSql)
  src TEXT,                        -- the prelabel or suggestion their current submit confirmed or changed (ev.src), else NULL
  chg INTEGER,                     -- 1 when that submit changed it, else NULL
  PRIMARY KEY (item, labeler)      -- item first: the bulk state pass inserts in item order
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cnt_state (state TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cnt_label (label TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cnt_labeler (labeler TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cnt_flag (flag INTEGER PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
-- Items per rating pattern (classification: each labeler's label set, rating-patterns.ts), for agreement.
CREATE TABLE IF NOT EXISTS cnt_pattern (p TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
-- Current submits per prelabel or suggestion source and whether they changed it (done.src, done.chg):
-- the live accuracy of each model version (suggestion-outcomes.ts).
CREATE TABLE IF NOT EXISTS cnt_outcome (src TEXT NOT NULL, chg INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (src, chg)) WITHOUT ROWID;
-- The dashboard's counters (dashboard-counters.ts). Labels submitted (a labeler's own submit events, not
-- prelabels or imports, voided or not) per UTC hour (floor(ms / 3.6e6)) and labeler, and per UTC day.
CREATE TABLE IF NOT EXISTS cnt_hour (hour INTEGER NOT NULL, labeler TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (hour, labeler)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cnt_day (day INTEGER PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
-- Per labeler: items they currently skipped (done.kind = 0).
CREATE TABLE IF NOT EXISTS cnt_skip (labeler TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
-- Per item and labeler with a label review after their first submit: acc 1 when the first such review
-- approved, rej 1 when one rejected (reviewFacts); counted per labeler in cnt_review.
CREATE TABLE IF NOT EXISTS rvw (item INTEGER NOT NULL, labeler TEXT NOT NULL, acc INTEGER NOT NULL, rej INTEGER NOT NULL, PRIMARY KEY (item, labeler)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cnt_review (labeler TEXT PRIMARY KEY, n INTEGER NOT NULL, acc INTEGER NOT NULL, rej INTEGER NOT NULL) WITHOUT ROWID;
-- Per assignee: items assigned (open or not), of them done by the assignee (a done row), and open.
CREATE TABLE IF NOT EXISTS cnt_assign (labeler TEXT PRIMARY KEY, n INTEGER NOT NULL, done INTEGER NOT NULL, open INTEGER NOT NULL) WITHOUT ROWID;
-- Objects (spans, boxes, polygons) per label in final annotations that are not label sets.
CREATE TABLE IF NOT EXISTS cnt_obj (label TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
`;

/** The condition of the items_agreement partial index; a query through it repeats it (a threshold above 1 does not use it). */
export const AGREEMENT_INDEXED = 'agreement < 1';

/** items.flags bits: what the review filters count and list (kept by computeItem, counted in cnt_flag). */
export const ITEM_FLAGS = { prelabeled: 1, approved: 2, rejected: 4, conflict: 8 } as const;
const FLAG_BITS = '(SELECT 1 AS b UNION ALL SELECT 2 UNION ALL SELECT 4 UNION ALL SELECT 8)';

/** Indexes for the queue, trees and history, and the triggers that keep counters current. */
export const SECONDARY = `
CREATE UNIQUE INDEX IF NOT EXISTS items_key ON items (key);
-- The queue: the open items in seeded order (schema 13: partial, so a running project's closed items take no
-- entries, and the sort keys on qorder first: 1.2-1.5 s -> 0.7-0.8 s at 1M open items, 0.13 s at 100,000 of 1M;
-- every queue query says open = 1); items assigned to someone (few) in a small partial index.
CREATE INDEX IF NOT EXISTS items_open ON items (qorder, id) WHERE open = 1;
CREATE INDEX IF NOT EXISTS items_assigned ON items (assignee, qorder, id) WHERE open = 1 AND assignee IS NOT NULL;
DROP INDEX IF EXISTS items_queue;
CREATE INDEX IF NOT EXISTS items_state ON items (state, key);
CREATE INDEX IF NOT EXISTS done_mine ON done (labeler, kind, item);
CREATE INDEX IF NOT EXISTS done_hist ON done (labeler, t);
-- Review filters by agreement (items several labelers labeled), below a threshold in (0, 1]: only items
-- below full agreement, so the items all labelers agree on (most of a project) take no entries (schema 12;
-- over every item with an agreement it was ~40 MB of a 1M-item snapshot). Queries name AGREEMENT_INDEXED.
CREATE INDEX IF NOT EXISTS items_agreement ON items (agreement, id) WHERE agreement < 1;
CREATE TRIGGER IF NOT EXISTS t_items_ins AFTER INSERT ON items BEGIN
  INSERT INTO cnt_state VALUES (NEW.state, 1) ON CONFLICT(state) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS t_items_upd AFTER UPDATE OF state ON items WHEN OLD.state <> NEW.state BEGIN
  UPDATE cnt_state SET n = n - 1 WHERE state = OLD.state;
  INSERT INTO cnt_state VALUES (NEW.state, 1) ON CONFLICT(state) DO UPDATE SET n = n + 1;
END;
-- One small partial index per review filter (queries repeat the same WHERE expression).
CREATE INDEX IF NOT EXISTS items_prelabeled ON items (id) WHERE flags & 1;
CREATE INDEX IF NOT EXISTS items_approved ON items (id) WHERE flags & 2;
CREATE INDEX IF NOT EXISTS items_rejected ON items (id) WHERE flags & 4;
CREATE INDEX IF NOT EXISTS items_conflict ON items (id) WHERE flags & 8;
CREATE TRIGGER IF NOT EXISTS t_items_flags_ins AFTER INSERT ON items WHEN NEW.flags IS NOT NULL BEGIN
  INSERT INTO cnt_flag SELECT b, 1 FROM ${FLAG_BITS} WHERE NEW.flags & b ON CONFLICT(flag) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS t_items_flags_upd AFTER UPDATE OF flags ON items WHEN COALESCE(OLD.flags, 0) <> COALESCE(NEW.flags, 0) BEGIN
  UPDATE cnt_flag SET n = n - 1 WHERE COALESCE(OLD.flags, 0) & flag;
  INSERT INTO cnt_flag SELECT b, 1 FROM ${FLAG_BITS} WHERE COALESCE(NEW.flags, 0) & b ON CONFLICT(flag) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS t_done_ins AFTER INSERT ON done WHEN NEW.kind = 1 BEGIN
  INSERT INTO cnt_labeler VALUES (NEW.labeler, 1) ON CONFLICT(labeler) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS t_done_del AFTER DELETE ON done WHEN OLD.kind = 1 BEGIN
  UPDATE cnt_labeler SET n = n - 1 WHERE labeler = OLD.labeler;
END;
CREATE TRIGGER IF NOT EXISTS t_done_src_ins AFTER INSERT ON done WHEN NEW.src IS NOT NULL BEGIN
  INSERT INTO cnt_outcome VALUES (NEW.src, COALESCE(NEW.chg, 0), 1) ON CONFLICT(src, chg) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS t_done_src_del AFTER DELETE ON done WHEN OLD.src IS NOT NULL BEGIN
  UPDATE cnt_outcome SET n = n - 1 WHERE src = OLD.src AND chg = COALESCE(OLD.chg, 0);
END;
CREATE TRIGGER IF NOT EXISTS t_done_skip_ins AFTER INSERT ON done WHEN NEW.kind = 0 BEGIN
  INSERT INTO cnt_skip VALUES (NEW.labeler, 1) ON CONFLICT(labeler) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS t_done_skip_del AFTER DELETE ON done WHEN OLD.kind = 0 BEGIN
  UPDATE cnt_skip SET n = n - 1 WHERE labeler = OLD.labeler;
END;
CREATE TRIGGER IF NOT EXISTS t_rvw_ins AFTER INSERT ON rvw BEGIN
  INSERT INTO cnt_review VALUES (NEW.labeler, 1, NEW.acc, NEW.rej) ON CONFLICT(labeler) DO UPDATE SET n = n + 1, acc = acc + excluded.acc, rej = rej + excluded.rej;
END;
CREATE TRIGGER IF NOT EXISTS t_rvw_del AFTER DELETE ON rvw BEGIN
  UPDATE cnt_review SET n = n - 1, acc = acc - OLD.acc, rej = rej - OLD.rej WHERE labeler = OLD.labeler;
END;
-- cnt_day follows cnt_hour (an upsert's DO UPDATE fires the update trigger).
CREATE TRIGGER IF NOT EXISTS t_hour_ins AFTER INSERT ON cnt_hour BEGIN
  INSERT INTO cnt_day VALUES (NEW.hour / 24, NEW.n) ON CONFLICT(day) DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER IF NOT EXISTS t_hour_upd AFTER UPDATE OF n ON cnt_hour BEGIN
  UPDATE cnt_day SET n = n + NEW.n - OLD.n WHERE day = NEW.hour / 24;
END;
`;

/** Recomputes every counter from scratch (after a bulk load or a project-wide recompute). */
export const RECOUNT = `
DELETE FROM cnt_state;
INSERT INTO cnt_state SELECT state, COUNT(*) FROM items GROUP BY state;
DELETE FROM cnt_labeler;
INSERT INTO cnt_labeler SELECT labeler, COUNT(*) FROM done WHERE kind = 1 GROUP BY labeler;
DELETE FROM cnt_flag;
INSERT INTO cnt_flag SELECT b, (SELECT COUNT(*) FROM items WHERE flags & b) FROM ${FLAG_BITS};
DELETE FROM cnt_skip;
INSERT INTO cnt_skip SELECT labeler, COUNT(*) FROM done WHERE kind = 0 GROUP BY labeler;
DELETE FROM cnt_review;
INSERT INTO cnt_review SELECT labeler, COUNT(*), SUM(acc), SUM(rej) FROM rvw GROUP BY labeler;
DELETE FROM cnt_assign;
INSERT INTO cnt_assign SELECT i.assignee, COUNT(*), SUM(EXISTS (SELECT 1 FROM done d WHERE d.item = i.id AND d.labeler = i.assignee)), SUM(i.open)
  FROM items i WHERE i.assignee IS NOT NULL GROUP BY i.assignee;
`;

/**
 * Pragmas re-applied after every open (they are not stored in the snapshot). The in-memory database has
 * one connection, so it holds its file lock (locking_mode EXCLUSIVE): otherwise every statement outside
 * a transaction takes the lock again and looks for a hot journal through sql.js's JavaScript file
 * system, ~0.19 ms of each submit's index work on a loaded machine (a CPU profile of 2,500 submits at
 * 200k items: applyOwnAppend 2.2 s -> 1.1-1.6 s).
 */
export const PRAGMAS = `
PRAGMA journal_mode = MEMORY;
PRAGMA synchronous = OFF;
PRAGMA temp_store = FILE;
PRAGMA cache_size = -16384;
PRAGMA locking_mode = EXCLUSIVE;
`;

/** Migrations from older index versions; an index this code cannot migrate is rebuilt. */
export const MIGRATIONS: Record<number, string> = {};
