import { statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { asLabelingError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { listJournalFiles } from '../../core/journal/files';
import { CHANGE_KINDS, mergeChanges, type ChangeKind, type StoreChange } from '../../core/store/change-feed';
import { ProjectStore } from '../../core/store/project-store';
import { versionNotes } from '../../core/team/versions';
import type { JobRunner } from '../../core/jobs/runner';
import type { ProjectStats, RebuildResult, RefreshResult } from '../../core/store/types';
import type { DetailsCounts } from '../../protocol/details';
import type { DetailsSource } from '../panels/detailsPanel';
import { Disposable } from '../util/lifecycle';
import type { ProgressSource } from '../views/projectsView';
import { AutoRefresh } from './autoRefresh';
import type { Identity } from './identity';
import type { ProjectEntry, ProjectRegistry } from './registry';

const keyOf = (e: { root: string; id: string }) => `${e.root}::${e.id}`;
/** Show a cancellable notification only when opening takes longer than this (a fresh index build). */
const NOTIFY_AFTER_MS = 400;
const DEBOUNCE_MS = 400;
const IDLE_SNAPSHOT_MS = 30_000;
const JOURNAL_POLL_MS = 3_000;
/** Changes of one project arriving within this window reach the views as one (the panel that made a change answers at once). */
export const COALESCE_MS = 150;

/** What changed in a project (a coalesced burst of store changes, or 'all' when its index opened). */
export interface ProjectChange {
  entry: ProjectEntry;
  /** Keys of the items touched, or 'all'. */
  items: readonly string[] | 'all';
  kinds: readonly ChangeKind[];
  /** The store's change seq this covers (ProjectStore.changeSeq): state built at or after it reflects the change. */
  seq: number;
}

interface Open {
  entry: ProjectEntry;
  /** Watcher events, the refresh interval and opening ask it for a refresh job. */
  autoRefresh?: AutoRefresh<RefreshResult>;
  store: Promise<ProjectStore>;
  abort: AbortController;
  stats?: ProjectStats;
  watchers: vscode.Disposable[];
  timers: Map<string, ReturnType<typeof setTimeout>>;
  interval?: ReturnType<typeof setInterval>;
  defJson: string;
  problems: string[];
  /** The burst being coalesced, and its timer. */
  pending?: StoreChange;
  flush?: ReturnType<typeof setTimeout>;
  unsubscribe?: () => void;
}

/**
 * Opens each project's index (ProjectStore) once, keeps it in step with the files (data-source and journal
 * watchers, the refresh interval, hand edits of project.json), reports journal problems as diagnostics,
 * snapshots when idle, and relays each store's change feed: subscribed once per store, bursts coalesced
 * over COALESCE_MS into one ProjectChange that every view and panel refreshes from.
 */
export class StoreManager extends Disposable implements ProgressSource, DetailsSource {
  private readonly open = new Map<string, Open>();
  private readonly changed = this._register(new vscode.EventEmitter<ProjectChange>());
  /** What changed in a project, after its counts and diagnostics were brought up to date. */
  readonly onDidChange = this.changed.event;
  private readonly diagnostics = this._register(vscode.languages.createDiagnosticCollection('labeling-journal'));
  /** The "a teammate writes with a newer version" warnings shown in this session (each once). */
  private readonly warned = new Set<string>();
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly wasmPath: string,
    private readonly registry: ProjectRegistry,
    private readonly identity: Identity,
    private readonly logger: Logger,
    /** Automatic refreshes are jobs of this runner (listed, cancellable). */
    private readonly jobs: Pick<JobRunner, 'submit'>,
    /** The bundled worker (dist/worker.js): index builds scan data sources in a worker thread. */
    private readonly workerFile?: string,
  ) {
    super();
    this._register(registry.onDidChange(() => void this.syncWithRegistry()));
    this._register(identity.onDidChange(() => void this.closeAll().then(() => this.syncWithRegistry())));
  }

  /** The project's store, opened (and indexed) on first use. */
  get(entry: ProjectEntry): Promise<ProjectStore> {
    if (entry.error) return Promise.reject(entry.error);
    const existing = this.open.get(keyOf(entry));
    if (existing) return existing.store;
    return this.start(entry).store;
  }

  /** The stats last computed for a project (views call this synchronously). */
  progressOf(entry: ProjectEntry): { labeled: number; total: number } | undefined {
    const s = this.open.get(keyOf(entry))?.stats;
    return s ? { labeled: s.labeled, total: s.items - s.missing } : undefined;
  }

  statsOf(entry: ProjectEntry): ProjectStats | undefined {
    return this.open.get(keyOf(entry))?.stats;
  }

  async countsOf(entry: ProjectEntry): Promise<DetailsCounts | undefined> {
    const o = this.open.get(keyOf(entry));
    if (!o) return undefined;
    await o.store.catch(() => undefined);
    return o.stats;
  }

  problemsOf(entry: ProjectEntry): string[] {
    const o = this.open.get(keyOf(entry));
    return o?.problems ?? [];
  }

  /** Re-scans a project's data sources now (the views hear of it through the change feed). */
  async refresh(entry: ProjectEntry, signal?: AbortSignal, report?: (message: string) => void) {
    const store = await this.get(entry);
    return store.refresh(signal, (p) => report?.(progressText(p)));
  }

  /** Rebuilds a project's index from its journals (a cancel keeps the index in use). */
  async rebuild(entry: ProjectEntry, signal?: AbortSignal, report?: (message: string) => void): Promise<RebuildResult> {
    const store = await this.get(entry);
    return store.rebuild(signal, (p) => report?.(progressText(p)));
  }

  /** A store change: the first of a burst starts the window; the burst is delivered when it closes. */
  private onStoreChange(o: Open, store: ProjectStore, c: StoreChange): void {
    o.pending = o.pending ? mergeChanges(o.pending, c) : c;
    o.flush ??= setTimeout(() => this.deliver(o, store), COALESCE_MS);
  }

  private deliver(o: Open, store: ProjectStore): void {
    const c = o.pending;
    o.pending = undefined;
    o.flush = undefined;
    if (!c || this.open.get(keyOf(o.entry)) !== o) return;
    try {
      if (c.kinds.includes('definition')) this.registry.setEffective(o.entry.root, o.entry.id, store.def, store.baseDef);
      if (c.kinds.includes('stats')) o.stats = store.stats(this.identity.labeler);
      if (c.kinds.includes('problems')) this.publishProblems(o, store);
      if (c.kinds.includes('items') || c.kinds.includes('problems')) this.warnNewerTeammates(o, store);
    } catch (e) {
      this.logger.warn(`${o.entry.id}: ${e instanceof Error ? e.message : String(e)}`);
      return; // closed meanwhile
    }
    this.changed.fire({ entry: o.entry, items: c.items, kinds: c.kinds, seq: c.seq });
    this.scheduleIdleSnapshot();
  }

  private start(entry: ProjectEntry): Open {
    const abort = new AbortController();
    let reporter: ((m: string) => void) | undefined;
    const storeP = ProjectStore.open({
      root: entry.root,
      id: entry.id,
      labeler: this.identity.labeler,
      device: this.identity.device,
      wasmPath: this.wasmPath,
      ...(this.workerFile ? { workerFile: this.workerFile } : {}),
      logger: this.logger,
      signal: abort.signal,
      onProgress: (p) => reporter?.(progressText(p)),
    });
    const o: Open = { entry, store: storeP, abort, watchers: [], timers: new Map(), defJson: JSON.stringify(entry.base ?? entry.def), problems: [] };
    this.open.set(keyOf(entry), o);
    const timer = setTimeout(() => {
      void vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Indexing ${entry.def?.name ?? entry.id}`, cancellable: true },
        (progress, token) => {
          token.onCancellationRequested(() => abort.abort());
          reporter = (message) => progress.report({ message });
          return storeP.catch(() => undefined);
        },
      );
    }, NOTIFY_AFTER_MS);
    storeP.then(
      async (store) => {
        clearTimeout(timer);
        reporter = undefined;
        o.stats = store.stats(this.identity.labeler);
        this.publishProblems(o, store);
        this.warnNewerTeammates(o, store);
        this.registry.setEffective(o.entry.root, o.entry.id, store.def, store.baseDef);
        this.watch(o, store);
        o.unsubscribe = store.onChange((c) => this.onStoreChange(o, store, c));
        this.changed.fire({ entry: o.entry, items: 'all', kinds: CHANGE_KINDS, seq: store.changeSeq });
        // Files may have come or gone while the project was closed.
        this.autoRefresh(o, store).requestNow('opened');
      },
      (e: unknown) => {
        clearTimeout(timer);
        this.dropOpen(o);
        if (abort.signal.aborted) return;
        const message = asLabelingError(e)?.message ?? (e instanceof Error ? e.message : String(e));
        this.logger.error(`Cannot open project ${entry.id}: ${message}`);
        void vscode.window.showErrorMessage(`Cannot open labeling project "${entry.id}": ${message}`);
      },
    );
    return o;
  }

  private watch(o: Open, store: ProjectStore): void {
    const { entry } = o;
    const folder = entry.folder;
    const debounce = (what: string, fn: () => Promise<unknown>) => {
      clearTimeout(o.timers.get(what));
      o.timers.set(
        what,
        setTimeout(() => {
          fn().catch((e) => this.logger.warn(`${entry.id}: ${what} failed: ${e instanceof Error ? e.message : String(e)}`));
        }, DEBOUNCE_MS),
      );
    };
    const auto = this.autoRefresh(o, store);
    for (const src of store.def.dataSources) {
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, src.glob));
      const on = () => auto.request('files changed');
      w.onDidCreate(on);
      w.onDidDelete(on);
      if (src.kind !== 'images') w.onDidChange(on); // table and text contents are the items
      o.watchers.push(w);
    }
    // A watcher on the journal folder itself (every event, folders included: a teammate's first journal
    // arriving by git pull is written right after its new folder).
    const journalDir = vscode.Uri.joinPath(folder.uri, '.labeling', entry.id, 'journal');
    const jw = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(journalDir, '**'));
    const onJournal = () => debounce('sync', () => store.syncJournals());
    jw.onDidCreate(onJournal);
    jw.onDidChange(onJournal);
    jw.onDidDelete(onJournal);
    o.watchers.push(jw);
    // File events can be lost (a watcher still starting, network drives, folders swapped by git): a cheap
    // poll of the journal files' sizes and times catches up within a few seconds.
    let signature = journalSignature(entry.root, entry.id);
    const poll = setInterval(() => {
      const now = journalSignature(entry.root, entry.id);
      if (now !== signature) {
        signature = now;
        onJournal();
      }
    }, JOURNAL_POLL_MS);
    o.watchers.push({ dispose: () => clearInterval(poll) });
    const minutes = store.def.refreshMinutes ?? 0;
    if (minutes > 0) o.interval = setInterval(() => auto.request(`every ${minutes} min`), minutes * 60_000);
  }

  /** The project's automatic refreshes: coalesced jobs of the project (autoRefresh.ts). */
  private autoRefresh(o: Open, store: ProjectStore): AutoRefresh<RefreshResult> {
    o.autoRefresh ??= new AutoRefresh<RefreshResult>(
      (spec) => this.jobs.submit(spec),
      (reasons) => ({
        title: `Refreshing ${store.def.name} (${reasons.join(', ')})`,
        resource: o.entry.id,
        run: async ({ signal, progress, log }) => {
          const r = await store.refresh(AbortSignal.any([signal, o.abort.signal]), (p) => progress(undefined, progressText(p)));
          log(`${r.total} item(s): ${r.added} new, ${r.missing} missing, ${r.restored} restored`);
          if (r.added || r.missing || r.restored) this.logger.info(`${o.entry.id}: ${r.added} new, ${r.missing} missing, ${r.restored} restored item(s)`);
          return r;
        },
      }),
      (e) => this.logger.warn(`${o.entry.id}: refresh failed: ${e instanceof Error ? e.message : String(e)}`),
    );
    return o.autoRefresh;
  }

  private publishProblems(o: Open, store: ProjectStore): void {
    const problems = store.problems();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const p of problems) {
      const line = Math.max(0, p.line - 1);
      // A line of a newer version is kept and counted, not corrupt: information, not an error.
      const d = p.newer
        ? new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), `Journal line kept: ${p.message}`, vscode.DiagnosticSeverity.Information)
        : new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), `Journal line not applied: ${p.message}`, vscode.DiagnosticSeverity.Error);
      d.source = 'Data Labeling';
      const list = byFile.get(p.file) ?? [];
      list.push(d);
      byFile.set(p.file, list);
    }
    // Clear this project's previous entries, then set the current ones.
    const prefix = path.join(o.entry.root, '.labeling', o.entry.id) + path.sep;
    this.diagnostics.forEach((uri) => {
      if (uri.fsPath.startsWith(prefix)) this.diagnostics.delete(uri);
    });
    for (const [file, ds] of byFile) this.diagnostics.set(vscode.Uri.file(path.join(o.entry.root, file)), ds);
    o.problems = problems.map((p) => `${p.file}:${p.line}: ${p.message}`);
  }

  /**
   * A teammate writing with a newer consensus rule or journal version than this extension: a warning to
   * update, once per session and message (when the store opens or their journal arrives).
   */
  private warnNewerTeammates(o: Open, store: ProjectStore): void {
    for (const n of versionNotes(store.teamVersions(), this.identity.labeler).newer) {
      if (this.warned.has(n.message)) continue;
      this.warned.add(n.message);
      this.logger.warn(`${o.entry.id}: ${n.message}`);
      void vscode.window.showWarningMessage(n.message);
    }
  }

  /** The warnings of warnNewerTeammates shown so far (tests). */
  get newerWarnings(): string[] {
    return [...this.warned];
  }

  /** Follows the registry: closes stores of removed or broken projects, reloads edited definitions. */
  private async syncWithRegistry(): Promise<void> {
    for (const [k, o] of this.open) {
      const now = this.registry.find(o.entry.id, o.entry.root);
      if (!now?.def) {
        await this.close(k);
        continue;
      }
      o.entry = now;
      const json = JSON.stringify(now.base ?? now.def);
      if (json !== o.defJson) {
        o.defJson = json;
        const store = await o.store.catch(() => undefined);
        if (!store) continue;
        if (JSON.stringify(store.baseDef) !== json) {
          const def = await store.reloadDefinition().catch((e) => {
            this.logger.warn(`${now.id}: ${String(e)}`);
            return undefined;
          });
          if (def) {
            this.disposeWatchers(o);
            this.watch(o, store);
          }
          this.registry.setEffective(o.entry.root, o.entry.id, store.def, store.baseDef);
        }
      }
    }
    // Open every valid project so views show counts (opening from a snapshot takes well under a second).
    for (const e of this.registry.projects) if (e.def && !this.open.has(keyOf(e))) this.start(e);
  }

  private scheduleIdleSnapshot(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      for (const o of this.open.values()) void o.store.then((s) => s.snapshotIfIdle()).catch((e) => this.logger.warn(`snapshot: ${String(e)}`));
    }, IDLE_SNAPSHOT_MS);
  }

  private disposeWatchers(o: Open): void {
    o.watchers.forEach((w) => w.dispose());
    o.watchers = [];
    o.timers.forEach((t) => clearTimeout(t));
    o.timers.clear();
    if (o.interval) clearInterval(o.interval);
  }

  private dropOpen(o: Open): void {
    this.disposeWatchers(o);
    o.autoRefresh?.dispose();
    o.unsubscribe?.();
    clearTimeout(o.flush);
    if (this.open.get(keyOf(o.entry)) === o) this.open.delete(keyOf(o.entry));
  }

  private async close(k: string): Promise<void> {
    const o = this.open.get(k);
    if (!o) return;
    this.dropOpen(o);
    o.abort.abort();
    const store = await o.store.catch(() => undefined);
    await store?.close().catch((e) => this.logger.warn(`close ${o.entry.id}: ${String(e)}`));
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.open.keys()].map((k) => this.close(k)));
  }

  override dispose(): void {
    clearTimeout(this.idleTimer);
    void this.closeAll();
    super.dispose();
  }
}

/** Sizes and modification times of a project's journal files: changes when any journal does. */
function journalSignature(root: string, id: string): string {
  return listJournalFiles(root, id)
    .map((f) => {
      try {
        const st = statSync(f.abs);
        return `${f.rel}:${st.size}:${st.mtimeMs}`;
      } catch {
        return f.rel;
      }
    })
    .join('|');
}

function progressText(p: { message: string; done?: number; total?: number }): string {
  if (p.done === undefined) return p.message;
  return p.total ? `${p.message} ${p.done.toLocaleString('en-US')} / ${p.total.toLocaleString('en-US')}` : `${p.message} ${p.done.toLocaleString('en-US')}`;
}
