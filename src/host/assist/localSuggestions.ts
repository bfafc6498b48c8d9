/**
 * ML assist's LOCAL suggestions (issue 12 item 4): what inference on this machine predicted for the
 * queue, in `.labeling/.cache/suggestions/<projectId>.jsonl` (predict-queue.ts), never journaled. The
 * labeling panel shows one as the prelabel of an item that has neither the labeler's own annotation
 * nor a journal prelabel, and a submit records it as `model:<model>@<version>`.
 *
 * Per project the file is read once when first asked for (get() answers undefined until then and
 * onDidChange fires when it is in), and again when it changes: a file watcher, and reload() from
 * whoever wrote it. Problems in the file (readSuggestions names the file and line) are logged once per
 * read, never thrown.
 */
import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import type { Annotation } from '../../core/model';
import { readSuggestions, suggestionsFile, type Suggestion } from '../../core/ml/assist/predict-queue';
import { modelSource, parseModelSource } from '../../core/store/suggestion-outcomes';
import type { ProjectEntry } from '../projects/registry';
import { Disposable } from '../util/lifecycle';

/** A suggestion as the panel shows and records it. */
export interface LocalSuggestion {
  annotation: Annotation;
  confidence: number;
  /** What a submit records in `src`: `model:<model>@<modelVersion>`. */
  source: string;
}

export interface SuggestionsSummary {
  /** Suggestions in the file (stale ones included: an item's version is checked when it is shown). */
  count: number;
  model: string;
  modelVersion: number;
  /** null: no threshold qualified (the file holds no suggestion). */
  threshold: number | null;
}

/** How a prelabel's source reads in the panel: `text-logreg v3` for a model's, else the source itself. */
export function sourceLabel(src: string | undefined): string {
  if (!src) return 'prelabel';
  const m = parseModelSource(src);
  return m ? `${m.model} v${m.version}` : src;
}

/** Problems logged per read, at most (then how many more). */
const MAX_LOGGED = 10;

interface Loaded {
  summary?: SuggestionsSummary;
  source: string;
  byItem: Map<string, Suggestion>;
}

const keyOf = (e: Pick<ProjectEntry, 'root' | 'id'>): string => `${e.root}\u0000${e.id}`;

export class LocalSuggestions extends Disposable {
  private readonly loaded = new Map<string, Loaded>();
  /** Projects asked for: their file is watched for; a read in flight and whether another is due after it. */
  private readonly reading = new Map<string, { entry: ProjectEntry; running?: Promise<void>; again: boolean }>();
  private readonly changed = this._register(new vscode.EventEmitter<ProjectEntry>());
  /** Fires when a project's suggestions were (re)read. */
  readonly onDidChange: vscode.Event<ProjectEntry> = this.changed.event;

  constructor(private readonly logger: Logger) {
    super();
    const w = this._register(vscode.workspace.createFileSystemWatcher('**/.labeling/.cache/suggestions/*.jsonl'));
    const onFile = (uri: vscode.Uri) => {
      for (const r of this.reading.values()) if (suggestionsFile(r.entry.root, r.entry.id) === uri.fsPath) void this.reload(r.entry);
    };
    this._register(w.onDidChange(onFile));
    this._register(w.onDidCreate(onFile));
    this._register(w.onDidDelete(onFile));
  }

  /** Reads the project's suggestions unless they are read already (the panel waits for it before opening). */
  load(entry: ProjectEntry): Promise<void> {
    const r = this.reading.get(keyOf(entry));
    if (this.loaded.has(keyOf(entry))) return Promise.resolve();
    return r?.running ?? this.reload(entry);
  }

  /** Reads the project's suggestions file again (after it was written); resolves once read. */
  reload(entry: ProjectEntry): Promise<void> {
    const k = keyOf(entry);
    let r = this.reading.get(k);
    if (!r) this.reading.set(k, (r = { entry, again: false }));
    r.entry = entry;
    if (r.running) {
      r.again = true; // the file changed while it was read: read it once more after
      return r.running;
    }
    const state = r;
    const run = async (): Promise<void> => {
      do {
        state.again = false;
        await this.read(state.entry);
      } while (state.again && !this.isDisposed);
    };
    state.running = run().finally(() => (state.running = undefined));
    return state.running;
  }

  private async read(entry: ProjectEntry): Promise<void> {
    let got: Awaited<ReturnType<typeof readSuggestions>>;
    try {
      got = await readSuggestions(entry.root, entry.id);
    } catch (e) {
      got = { suggestions: [], problems: [{ file: suggestionsFile(entry.root, entry.id), line: 0, message: e instanceof Error ? e.message : String(e) }] };
    }
    if (this.isDisposed) return;
    const { header, suggestions, problems } = got;
    problems.slice(0, MAX_LOGGED).forEach((p) => this.logger.warn(`ML assist suggestions ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`));
    if (problems.length > MAX_LOGGED) this.logger.warn(`ML assist suggestions of ${entry.id}: ${problems.length - MAX_LOGGED} more problems not listed`);
    const byItem = new Map<string, Suggestion>();
    for (const s of suggestions) byItem.set(s.item, s);
    const loaded: Loaded = { source: header ? modelSource(header.model, header.modelVersion) : '', byItem };
    if (header) loaded.summary = { count: byItem.size, model: header.model, modelVersion: header.modelVersion, threshold: header.threshold };
    this.loaded.set(keyOf(entry), loaded);
    this.changed.fire(entry);
  }

  /**
   * The local suggestion for an item at this version, if any. Synchronous: undefined until the
   * project's file was read (the first call starts the read; onDidChange says when it is in), and
   * for a suggestion made at another version of the item (labeled or changed since).
   */
  get(entry: ProjectEntry, key: string, version: number): LocalSuggestion | undefined {
    const l = this.loaded.get(keyOf(entry));
    if (!l) {
      if (!this.reading.get(keyOf(entry))?.running) void this.load(entry);
      return undefined;
    }
    const s = l.byItem.get(key);
    if (!s || s.itemVersion !== version) return undefined;
    return { annotation: s.annotation, confidence: s.confidence, source: l.source };
  }

  /** The model, version and threshold of the project's suggestions and how many there are; undefined before they are read or with no file. */
  summary(entry: ProjectEntry): SuggestionsSummary | undefined {
    return this.loaded.get(keyOf(entry))?.summary;
  }
}
