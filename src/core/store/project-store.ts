/**
 * ProjectStore: one open labeling project. The journal append (fdatasync'd) is the commit point; the
 * sql.js index answers every query and is snapshotted to .labeling/.cache/<id>/ when idle (also
 * after ~50k events, once writes pause) and on close. Writes are serialized; reads are synchronous.
 * Every write, sync, refresh, rebuild and definition reload ends by emitting what it changed on
 * `onChange` (change-feed.ts), before its promise resolves.
 */
import type { SqlJsStatic } from 'sql.js';
import { LabelingError } from '../errors';
import { type EventPayload, type SubmitPayload } from '../journal/events';
import type { JournalProblem } from '../journal/reader';
import { nullLogger, type Logger } from '../logger';
import type { Annotation, ProjectDef } from '../model';
import { completeLabels, reservedHotkeys, type LabelInput } from '../project/create';
import { loadProject } from '../project/load';
import { effectiveDefinition } from '../team/definition';
import { teamVersionsOf, type TeamVersion } from '../team/versions';
import { cacheDir, projectDir } from '../project/paths';
import { ChangeFeed, takeTouchedKeys, type ChangeCause, type ChangeKind, type ChangeListener } from './change-feed';
import { loadSqlJs } from './db';
import { requireItem, requireRole, requireRunning } from './guards';
import { IndexDb } from './index-db';
import { NewerLines } from './newer-lines';
import { OwnJournal } from './own-journal';
import { labelsChangeNeedsRebuild, projectLabelsOf } from './known-labels';
import { applyOwnAppend, buildIndex, journalStateOf, openFromSnapshot, replayTails, snapshotMetaOf, type JournalState } from './loader';
import { rebuildBeside, type RebuildSteps } from './background-build';
import { writeImport, type ImportOptions, type ImportResult } from './import-lines';
import { REBUILD_CANCELS_READERS, type ReadersPolicy } from './index-lease';
import { refreshItems } from './refresh';
import type { WriteContext } from './manager-writes';
import { yieldToEventLoop } from './time-slice';
import { indexDefHash, saveSnapshot } from './snapshot';
import { SnapshotSchedule } from './snapshot-schedule';
import { collectProjectMasks } from './mask-gc';
import type { CollectOptions } from '../masks/blob-store';
import { StoreActions } from './store-actions';
import type { ItemView, Page, PageView, RebuildResult, RefreshResult, StoreProgress } from './types';
import { checkAnnotation } from './validate';
import { IndexViews } from './views';

export interface OpenOptions {
  root: string;
  id: string;
  labeler: string;
  device: string;
  /** Path of sql-wasm.wasm (the extension ships dist/sql-wasm.wasm). */
  wasmPath: string;
  logger?: Logger;
  signal?: AbortSignal;
  onProgress?: (p: StoreProgress) => void;
  /** The bundled worker (dist/worker.js): builds of the index scan the data sources in a worker thread. */
  workerFile?: string;
}

export interface SubmitOptions {
  prelabel?: boolean;
  confidence?: number;
  /** A prelabel's origin; on a labeler's submit, the prelabel or suggestion they were shown (journal `src`). */
  source?: string;
  /** A labeler's submit that changed the prelabel or suggestion `source` names (journal `chg`); needs `source`, not with `prelabel`. */
  changed?: boolean;
}

export { SNAPSHOT_EVERY, SNAPSHOT_IDLE_MS } from './snapshot-schedule';

export class ProjectStore extends StoreActions {
  private chain: Promise<unknown> = Promise.resolve();
  /** Refreshes and rebuilds, one at a time, beside the write chain (they write through short steps of it). */
  private maint: Promise<unknown> = Promise.resolve();
  /** Aborted by close(): stops a refresh or rebuild running beside the writes. */
  private readonly closing = new AbortController();
  private readonly own: OwnJournal;
  private readonly snapshots: SnapshotSchedule;
  private readonly feed: ChangeFeed;
  /** Set by a rebuild inside the current write: its change covers every item. */
  private rebuilt = false;

  private constructor(
    private readonly SQL: SqlJsStatic,
    private readonly opts: OpenOptions,
    /** project.json as read: the base definition (this.def is the effective one: base + project-wide events). */
    private base: ProjectDef,
    private idx: IndexDb,
    private journals: JournalState,
    private readonly log: Logger,
  ) {
    super(new IndexViews(idx, opts.root, () => this._def), base, opts.labeler);
    this._def = this.effective();
    this.feed = new ChangeFeed(base.id, log);
    this.own = new OwnJournal(opts.root, base.id, opts.labeler, opts.device, log, (rel, size) => this.catchUpOwn(rel, size));
    this.snapshots = new SnapshotSchedule((fn) => this.serial(fn), () => this.saveSnapshot(), log);
    this.idx.takeTouched(); // what opening wrote is not a change
  }

  /** Opens a project: snapshot + new journal tails, or a full build when there is no usable snapshot. */
  static async open(opts: OpenOptions): Promise<ProjectStore> {
    const log = opts.logger ?? nullLogger;
    const def = await loadProject(opts.root, opts.id);
    const SQL = await loadSqlJs(opts.wasmPath);
    let loaded = await openFromSnapshot(SQL, opts.root, def, log);
    let fresh = false;
    if (!loaded) {
      loaded = { ...(await buildIndex(SQL, opts.root, def, opts)), replayed: 0 };
      fresh = true;
    }
    const store = new ProjectStore(SQL, opts, def, loaded.idx, journalStateOf(loaded), log);
    if (fresh) await store.snapshots.save();
    else store.snapshots.afterEvents(loaded.replayed);
    return store;
  }

  /**
   * Lines of this process's journal file up to `size` that the index has not read (another process of this
   * labeler wrote the file and exited), applied when the writer opens, before it appends after them.
   */
  private catchUpOwn(rel: string, size: number): void {
    if ((this.journals.marks.get(rel)?.offset ?? 0) === size) return;
    try {
      this.snapshots.afterEvents(replayTails(this.idx, this.opts.root, this._def.id, this.journals));
    } catch (e) {
      // commit() reads them again after its append and reports what still fails
      this.log.warn(`${rel}: could not read lines written by another process (${e instanceof Error ? e.message : String(e)})`);
    }
  }

  /** project.json plus the project-wide events the index holds (pause/resume, labels added, roles). */
  private effective(): ProjectDef {
    const c = this.effectiveCache;
    if (c && c.base === this.base && c.idx === this.idx && c.version === this.idx.projectVersion) return c.def;
    const def = effectiveDefinition(this.base, this.idx.projectEvents, (e) => this.idx.projectEventApplies(e));
    this.effectiveCache = { base: this.base, idx: this.idx, version: this.idx.projectVersion, def };
    return def;
  }
  private effectiveCache?: { base: ProjectDef; idx: IndexDb; version: number; def: ProjectDef };

  /** project.json as read (the base of the effective definition `def`). */
  get baseDef(): ProjectDef {
    return this.base;
  }

  /** The project's folder, `.labeling/<id>/` (absolute): its mask blobs are under `masks/`. */
  get projectDir(): string {
    return projectDir(this.opts.root, this.base.id);
  }

  /** Workspace-relative path of this labeler's journal on this device. */
  get journalFile(): string {
    return this.own.file;
  }

  /** Journal lines not applied ({file, line, message}): corrupt ones, and those of a newer version (`newer`). */
  problems(): JournalProblem[] {
    return [...this.journals.problems];
  }

  /** Per labeler, the highest consensus rule and journal version on their lines and their latest line (team/versions.ts). */
  teamVersions(): TeamVersion[] {
    return teamVersionsOf([...this.journals.marks.values()].map((m) => m.ver));
  }

  override getItem(key: string): ItemView | undefined {
    const view = super.getItem(key);
    const newer = view && this.newer.of(this.journals.problems).get(key);
    if (newer) view.newer = newer;
    return view;
  }

  override page(view: PageView, after?: string, limit = 100): Page {
    const page = super.page(view, after, limit);
    const newer = this.newer.of(this.journals.problems);
    if (newer.size) for (const s of page.items) if (newer.has(s.key)) s.newer = true;
    return page;
  }

  /** Per item key: the lines of a newer version that name it. */
  private readonly newer = new NewerLines();

  private serial<T>(fn: () => Promise<T> | T): Promise<T> {
    return this.enqueue('chain', fn);
  }

  /** Runs `fn` after everything queued on that chain before it (whatever its outcome). */
  private enqueue<T>(on: 'chain' | 'maint', fn: () => Promise<T> | T): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.closed) throw new LabelingError('io', 'the project store is closed');
      return fn();
    };
    const p = this[on].then(run, run);
    this[on] = p.catch(() => undefined);
    return p;
  }

  /** Listens to what each change altered (called synchronously, inside the write); returns the unsubscribe. */
  onChange(listener: ChangeListener): () => void {
    return this.feed.subscribe(listener);
  }

  /** The seq of the last change emitted: state read from the store now reflects every change up to it. */
  get changeSeq(): number {
    return this.feed.seq;
  }

  /** A serialized operation that may change the index: it ends by emitting what it changed (also when it throws after a write). */
  protected override mutate<T>(cause: ChangeCause, fn: () => Promise<T>): Promise<T> {
    return this.serial(async () => {
      const def = this._def;
      const problems = this.journals.problems.length;
      this.rebuilt = false;
      try {
        return await fn();
      } finally {
        this.emitChange(cause, def, problems);
      }
    });
  }

  private emitChange(cause: ChangeCause, defBefore: ProjectDef, problemsBefore: number): void {
    this._def = this.effective();
    const touched = takeTouchedKeys(this.idx);
    const items = this.rebuilt ? 'all' : touched;
    const kinds: ChangeKind[] = [];
    if (items === 'all' || items.length) kinds.push('items', 'stats');
    if (this._def !== defBefore && (this.rebuilt || JSON.stringify(this._def) !== JSON.stringify(defBefore))) kinds.push('definition');
    if (this.rebuilt || this.journals.problems.length !== problemsBefore) kinds.push('problems');
    this.rebuilt = false;
    this.feed.emit(cause, items, kinds);
  }

  /**
   * Appends events durably (the commit point), then applies them to the index; the journal mark moves
   * over them only once applied. When the index cannot apply one, the events stay saved and the call
   * succeeds: they are read again like a teammate's lines, and one that still fails is a journal
   * problem (a rebuild would fail on it too), logged and shown with its line.
   */
  private async commit(payloads: EventPayload[]): Promise<void> {
    const appended = await this.own.append(this.idx, payloads);
    await this.afterApplied(applyOwnAppend(this.idx, this.journals, this.opts.root, this._def.id, appended.file, appended, this.log));
  }

  /** After events were applied: a rebuild when the journals no longer match the index, else a snapshot when due. */
  private async afterApplied(n: number): Promise<void> {
    if (this.journals.stale) {
      this.rebuildBehind(this.journals.stale);
      return;
    }
    const rejudge = this.journals.rejudge;
    if (rejudge) {
      // The index stays in use; a background rebuild (labeling goes on beside it) judges every line again.
      this.journals.rejudge = undefined;
      this.log.info(`Rebuilding the index in the background: ${rejudge}`);
      void this.rebuild().catch((e: unknown) => this.log.warn(`rebuild: ${e instanceof Error ? e.message : String(e)}`));
    }
    this.snapshots.afterEvents(n);
  }

  /** Resolves once the maintenance queued so far (refreshes, rebuilds, a re-judging after a role event) is done. */
  settled(): Promise<void> {
    return this.maintenance(async () => undefined);
  }

  // ------------------------------------------------------------------ labeling

  submit(key: string, annotation: Annotation, opts: SubmitOptions = {}): Promise<void> {
    return this.mutate('commit', async () => {
      requireRunning(this._def);
      requireRole(this._def, this.opts.labeler, 'labeler');
      requireItem(this.idx, key);
      checkAnnotation(this._def, annotation, { field: 'annotation' }, () => this.views.boundsOf(key));
      if (opts.changed && (opts.prelabel || opts.source === undefined)) {
        throw new LabelingError('invalid-input', opts.prelabel ? 'a prelabel cannot be marked changed: only a labeler changes one' : 'changed needs the source of the prelabel or suggestion that was changed', { field: 'changed' });
      }
      const p: EventPayload = { type: 'submit', item: key, ann: annotation };
      if (opts.prelabel) p.pre = true;
      if (opts.confidence !== undefined) p.conf = opts.confidence;
      if (opts.source !== undefined) p.src = opts.source;
      if (opts.changed) p.chg = true;
      await this.commit([p]);
    });
  }

  skip(key: string): Promise<void> {
    return this.mutate('commit', async () => {
      requireRunning(this._def);
      requireRole(this._def, this.opts.labeler, 'labeler');
      requireItem(this.idx, key);
      await this.commit([{ type: 'skip', item: key }]);
    });
  }

  /** What the reviewer and manager writes (manager-writes.ts) need; built at the start of their write step. */
  protected override writeContext(): WriteContext {
    return { def: this._def, idx: this.idx, labeler: this.opts.labeler, boundsOf: (k) => this.views.boundsOf(k), commit: (p) => this.commit(p) };
  }

  /**
   * Writes an import: up to IMPORT_LINE_MAX submits per journal line, each line all-or-nothing and
   * written as one step of the write chain, so submits interleave (import-lines.ts). Labels the import
   * creates (`createLabels`, mode 'continue') go in the same append as the first line. Everything is
   * checked first (against the project plus those labels), so a refused import writes nothing. A cancel
   * stops between lines: the error says how many were written ("k of n batches imported").
   */
  importBatch(batch: string, submits: SubmitPayload[], createLabels: LabelInput[] = [], opts: ImportOptions = {}): Promise<ImportResult> {
    if (this.closed) return Promise.reject(new LabelingError('io', 'the project store is closed'));
    return writeImport(batch, submits, opts, {
      prepare: () => {
        requireRole(this._def, this.opts.labeler, 'manager');
        const added = createLabels.length ? completeLabels(createLabels, this._def.labels, reservedHotkeys(this._def.type)) : [];
        return { def: added.length ? { ...this._def, labels: [...this._def.labels, ...added] } : this._def, added };
      },
      check: (def, s, i) => {
        requireItem(this.idx, s.item);
        checkAnnotation(def, s.ann, { field: `submits[${i}]` }, () => this.views.boundsOf(s.item));
      },
      write: (line, first) =>
        this.mutate('commit', async () => {
          requireRole(this._def, this.opts.labeler, 'manager');
          const events: EventPayload[] = line ? [line] : [];
          if (first?.added.length) events.unshift({ type: 'labels', added: first.added, mode: 'continue' });
          if (events.length) await this.commit(events);
        }),
    });
  }

  /** Re-reads project.json after an edit; rebuilds the index when its data sources or consensus changed. */
  reloadDefinition(): Promise<ProjectDef> {
    return this.mutate('definition', async () => {
      const def = await loadProject(this.opts.root, this.base.id);
      const labels = labelsChangeNeedsRebuild(this.journals.project.names, projectLabelsOf(def).names, this.journals.problems);
      const rebuild = indexDefHash(def) !== indexDefHash(this.base) || labels !== undefined;
      this.base = def;
      if (rebuild) this.rebuildBehind('the definition changed (data sources, consensus or labels)');
      else this.journals.project = projectLabelsOf(def);
      this._def = this.effective();
      return this._def;
    });
  }

  // ------------------------------------------------------------------ index maintenance

  /** Reads teammates' new journal lines (after git pull or a watcher event). Returns events applied. */
  syncJournals(): Promise<number> {
    return this.mutate('sync', async () => {
      const n = replayTails(this.idx, this.opts.root, this._def.id, this.journals);
      const rebuild = this.journals.stale !== undefined;
      await this.afterApplied(n);
      return rebuild ? 0 : n;
    });
  }

  private maintenance<T>(fn: () => Promise<T>): Promise<T> {
    return this.enqueue('maint', fn);
  }

  /**
   * Re-scans data sources: new files become items, vanished ones missing (labels kept), returning ones
   * restored. The scan runs off the write chain; the differences are applied in short steps of it.
   */
  refresh(signal?: AbortSignal, onProgress?: (p: StoreProgress) => void): Promise<RefreshResult> {
    return this.maintenance(async () => {
      const step = <T>(fn: (idx: IndexDb) => T): Promise<T> =>
        yieldToEventLoop().then(() => this.mutate('refresh', async () => fn(this.idx)));
      const r = await refreshItems(this.opts.root, this.base, step, { signal: this.withClosing(signal), ...(onProgress ? { onProgress } : {}) });
      if (r.added || r.missing || r.restored) this.snapshots.afterEvents(1);
      return r;
    });
  }

  /**
   * Builds a new index from the data sources and every journal while this one keeps serving reads and
   * writes (background-build.ts); then replays onto it the lines appended meanwhile and swaps it in with
   * one short write step. Running readers (leases) are waited for, or cancelled with `readers: 'cancel'`.
   * A cancel keeps the index in use.
   */
  rebuild(signal?: AbortSignal, onProgress?: (p: StoreProgress) => void, opts: { readers?: ReadersPolicy } = {}): Promise<RebuildResult> {
    return this.maintenance(async () => {
      const steps: RebuildSteps = {
        SQL: this.SQL,
        root: this.opts.root,
        ...(this.opts.workerFile ? { workerFile: this.opts.workerFile } : {}),
        wasmPath: this.opts.wasmPath,
        log: this.log,
        base: () => this.base,
        leases: this.leases,
        step: (fn) => this.mutate('rebuild', fn),
        install: (idx, state) => this.install(idx, state),
      };
      const r = await rebuildBeside(steps, opts.readers ?? 'wait', this.withClosing(signal ?? this.opts.signal), onProgress ?? this.opts.onProgress);
      this.snapshots.replaced();
      return r;
    });
  }

  /** The caller's signal, also aborted when the store closes. */
  private withClosing(signal: AbortSignal | undefined): AbortSignal {
    return signal ? AbortSignal.any([signal, this.closing.signal]) : this.closing.signal;
  }

  /**
   * The index no longer matches the journals or the definition (a journal rewritten or removed under it,
   * new data sources or consensus): a rebuild beside it, queued once, never inside the write that found
   * out, which returns at once. Labeling goes on meanwhile; readers of the index that is now wrong are
   * cancelled with a message rather than waited for. Teammates' lines are read by the rebuild.
   */
  private rebuildBehind(why: string): void {
    if (this.behind) return;
    this.log.info(`Rebuilding the index: ${why}`);
    this.behind = this.rebuild(undefined, undefined, { readers: 'cancel' })
      .then(() => undefined, (e: unknown) => this.log.warn(`rebuild: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => (this.behind = undefined));
  }
  private behind?: Promise<void>;

  /** Swaps in a new index (synchronously, inside a write step); no lease reads the old one after this. */
  private install(idx: IndexDb, state: JournalState): void {
    this.leases.cancelAll(REBUILD_CANCELS_READERS);
    const old = this.idx;
    this.idx = idx;
    this.journals = state;
    this.views = new IndexViews(this.idx, this.opts.root, () => this._def);
    this.rebuilt = true;
    old.free();
    old.db.close();
  }

  /** The snapshot of the index in use (SnapshotSchedule decides when), then the idle mask collection. */
  private async saveSnapshot(): Promise<number> {
    const size = await saveSnapshot(cacheDir(this.opts.root, this._def.id), this.idx.db, snapshotMetaOf(this.opts.root, this.base, this.journals));
    if (this._def.type === 'image-semantic-segmentation') await this.collectMasks();
    return size;
  }

  /**
   * Removes mask blobs no journal line and no final names, past the grace period (mask-gc.ts); in the
   * idle snapshot. A failure is logged: a blob left behind costs disk, never a label.
   */
  async collectMasks(opts: CollectOptions = {}): Promise<string[]> {
    try {
      const removed = await collectProjectMasks(this.opts.root, this._def.id, this.projectDir, this.idx.db, opts);
      if (removed.length) this.log.info(`${this._def.id}: removed ${removed.length} unreferenced mask blob(s)`);
      return removed;
    } catch (e) {
      this.log.warn(`${this._def.id}: collecting mask blobs: ${String(e)}`);
      return [];
    }
  }

  /** Saves a snapshot if anything changed since the last one (call when the user is idle). Returns its size or 0. */
  snapshotIfIdle(): Promise<number> {
    return this.snapshots.ifIdle();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.snapshots.stop();
    this.closing.abort(new LabelingError('cancelled', 'the project store is closed'));
    await this.serial(async () => {
      await this.snapshots.close();
      this.closed = true;
      this.leases.cancelAll('the project store is closed');
    });
    await this.maint; // a refresh or rebuild beside the writes stops at its next slice
    await this.own.close();
    this.idx.free();
    this.idx.db.close();
  }
}
