/**
 * A rebuild beside the store's writes (architecture.md, "Change feed and jobs"): the new index is built
 * in slices that yield to the event loop, while the store keeps serving reads and writes on the index in
 * use; then the journal lines appended meanwhile are replayed onto it from its marks, and it is swapped in
 * by one short step of the write chain. Nothing here touches the index in use.
 */
import type { SqlJsStatic } from 'sql.js';
import { LabelingError } from '../errors';
import type { Logger } from '../logger';
import type { ProjectDef } from '../model';
import type { IndexDb } from './index-db';
import type { IndexLeases, ReadersPolicy } from './index-lease';
import { labelsChangeNeedsRebuild, projectLabelsOf } from './known-labels';
import { buildIndex, journalStateOf, replayTails, type JournalState } from './loader';
import { indexDefHash } from './snapshot';
import { throwIfAbortedWith, TimeSlicer } from './time-slice';
import type { RebuildResult, StoreProgress } from './types';

export interface BuiltBeside extends RebuildResult {
  idx: IndexDb;
  state: JournalState;
  /** The definition it was built with. */
  def: ProjectDef;
}

/** Builds a new index in slices (cancellable between them); the caller installs or frees it. */
export async function buildBeside(
  SQL: SqlJsStatic,
  root: string,
  def: ProjectDef,
  opts: { signal?: AbortSignal; onProgress?: (p: StoreProgress) => void; workerFile?: string; wasmPath?: string },
): Promise<BuiltBeside> {
  const built = await buildIndex(SQL, root, def, { ...opts, slicer: new TimeSlicer(undefined, opts.signal) });
  return { idx: built.idx, state: journalStateOf(built), def, items: built.items, events: built.events };
}

/**
 * Brings a built index up to the journals (the lines appended while it was built), synchronously: call
 * it inside the write step that installs it. Returns the events replayed, or why the index cannot be
 * installed (the definition it was built with no longer fits, or a journal it read was rewritten):
 * the caller builds again.
 */
export function catchUp(built: BuiltBeside, root: string, current: ProjectDef): { events: number } | { retry: string } {
  if (current !== built.def) {
    if (indexDefHash(current) !== indexDefHash(built.def)) return { retry: 'the project definition changed during the rebuild' };
    const labels = labelsChangeNeedsRebuild(built.state.project.names, projectLabelsOf(current).names, built.state.problems);
    if (labels) return { retry: labels };
    built.state.project = projectLabelsOf(current);
  }
  const events = replayTails(built.idx, root, current.id, built.state);
  if (built.state.stale) return { retry: built.state.stale };
  return { events };
}

export function freeBuilt(built: { idx: IndexDb }): void {
  built.idx.free();
  built.idx.db.close();
}

/** What a rebuild beside the writes needs of its store (ProjectStore). */
export interface RebuildSteps {
  SQL: SqlJsStatic;
  root: string;
  workerFile?: string;
  /** sql.js's wasm file (a worker making the rows loads it too). */
  wasmPath?: string;
  log: Logger;
  /** The base definition (project.json as read) now: it may change between attempts. */
  base(): ProjectDef;
  leases: IndexLeases;
  /** One step of the store's write chain. */
  step<T>(fn: () => Promise<T>): Promise<T>;
  /** Swaps the built index in, inside that step; the store owns (and frees) it from then on. */
  install(idx: IndexDb, state: JournalState): void;
}

/**
 * Builds a new index beside the one in use, waits for its readers (or cancels them, `readers`), then
 * in one write step replays onto it the lines appended meanwhile and installs it. A build that no
 * longer fits (the definition changed, a journal was rewritten) is built again, up to three times. A
 * cancel or a failure frees the built index and keeps the one in use.
 */
export async function rebuildBeside(
  s: RebuildSteps,
  readers: ReadersPolicy,
  signal: AbortSignal | undefined,
  onProgress: ((p: StoreProgress) => void) | undefined,
): Promise<RebuildResult> {
  for (let attempt = 1; ; attempt++) {
    const built = await buildBeside(s.SQL, s.root, s.base(), { ...(signal ? { signal } : {}), ...(onProgress ? { onProgress } : {}), ...(s.workerFile ? { workerFile: s.workerFile } : {}), ...(s.wasmPath ? { wasmPath: s.wasmPath } : {}) });
    let installed = false;
    let reopen: (() => void) | undefined;
    try {
      reopen = await s.leases.drain(readers, signal, (names) => onProgress?.({ message: `Waiting for ${names.join(', ')} to finish` }));
      const caught = await s.step(async () => {
        throwIfAbortedWith(signal);
        const r = catchUp(built, s.root, s.base());
        if ('events' in r) {
          s.install(built.idx, built.state);
          installed = true;
        }
        return r;
      });
      reopen();
      reopen = undefined;
      if ('events' in caught) return { items: built.items, events: built.events + caught.events };
      if (attempt >= 3) throw new LabelingError('conflict', `the index could not be rebuilt: ${caught.retry}; try again`);
      s.log.info(`Rebuilding the index again: ${caught.retry}`);
    } finally {
      reopen?.();
      if (!installed) freeBuilt(built);
    }
  }
}
