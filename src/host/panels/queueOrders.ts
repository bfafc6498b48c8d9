/**
 * ML assist's queue orders in the window (issue 12 items 2 and 6): the order file of a project whose
 * project.json sets `mlAssist.queueOrder` to 'clustered' or 'uncertain', `.labeling/.cache/order/<id>.json`
 * (queue-order.ts), read once when first asked for and again when it changes (its size and time,
 * looked at every few seconds, or reload() from whoever wrote it). The labeling panel serves the queue in
 * it; the Queue view marks its items. A project whose queueOrder is 'random' (or absent) is never read
 * nor looked at: nothing costs anything then. No file system watcher: in the extension host a
 * workspace-wide watcher of this folder stopped project.json's watcher from firing (create.test.ts). A file of another kind than the project asks for is stale: not used. Problems in
 * the file (named by file and field) are logged once per read, never thrown.
 */
import { promises as fsp } from 'node:fs';
import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import type { ProjectDef } from '../../core/model';
import { orderTag, queueOrderFile, readQueueOrder, type MlQueueOrder } from '../../core/ml/assist/queue-order';
import { Disposable } from '../util/lifecycle';

/** An order file as read: its keys and, when clustered, each key's cluster. */
export interface LoadedQueueOrder {
  kind: MlQueueOrder;
  keys: readonly string[];
  createdAt: string;
  modelVersion?: number;
  clusterCount?: number;
  /** The position of each key (and so whether an item is in the order). */
  indexOf: ReadonlyMap<string, number>;
  clusters?: readonly number[];
}

type Project = { root: string; id: string };

/** How often a read order file is looked at by its size and time. */
const ORDER_POLL_MS = 2_000;

/** The file's size and modification time, or 'none'. */
async function stampOf(p: Project): Promise<string> {
  try {
    const st = await fsp.stat(queueOrderFile(p.root, p.id));
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return 'none';
  }
}
const keyOf = (e: Project): string => `${e.root}\u0000${e.id}`;

/** The ML order a definition asks for, or undefined for the random one. */
export function mlOrderOf(def: Pick<ProjectDef, 'mlAssist'> | undefined): MlQueueOrder | undefined {
  const o = def?.mlAssist.queueOrder;
  return o === 'clustered' || o === 'uncertain' ? o : undefined;
}

/** How an item of the order reads in a queue view ("clustered · c3", "uncertain"), or undefined when it is not in it. */
export function orderTagOf(order: LoadedQueueOrder | undefined, key: string): string | undefined {
  const i = order?.indexOf.get(key);
  if (order === undefined || i === undefined) return undefined;
  return orderTag(order.kind, order.clusters?.[i]);
}

export class QueueOrders extends Disposable {
  private readonly loaded = new Map<string, LoadedQueueOrder | null>();
  private readonly reading = new Map<string, { project: Project; running?: Promise<void>; again: boolean; stamp?: string }>();
  private poll: ReturnType<typeof setInterval> | undefined;
  private readonly changed = this._register(new vscode.EventEmitter<Project>());
  /** Fires when a project's order file was (re)read. */
  readonly onDidChange: vscode.Event<Project> = this.changed.event;

  constructor(
    private readonly logger?: Logger,
    /** How often the files read are looked at for a change (ms). */
    private readonly pollMs = ORDER_POLL_MS,
  ) {
    super();
    this._register({ dispose: () => clearInterval(this.poll) });
  }

  /** Reads again each file read whose size or time changed since. */
  private async changedOnDisk(): Promise<void> {
    for (const r of [...this.reading.values()]) {
      if (this.isDisposed) return;
      if (!r.running && (await stampOf(r.project)) !== r.stamp) void this.reload(r.project);
    }
  }

  /**
   * The project's order when its definition asks for one and the file is read and of that kind; else
   * undefined (random: nothing read; not read yet: the read starts, onDidChange says when it is in).
   */
  get(project: Project, def: Pick<ProjectDef, 'mlAssist'> | undefined): LoadedQueueOrder | undefined {
    const kind = mlOrderOf(def);
    if (!kind) return undefined;
    const l = this.loaded.get(keyOf(project));
    if (l === undefined) {
      void this.load(project);
      return undefined;
    }
    return l && l.kind === kind ? l : undefined;
  }

  /** Reads the project's order file unless it is read already. */
  load(project: Project): Promise<void> {
    if (this.loaded.has(keyOf(project))) return Promise.resolve();
    return this.reading.get(keyOf(project))?.running ?? this.reload(project);
  }

  /** Reads the project's order file again (after it was written); resolves once read. */
  reload(project: Project): Promise<void> {
    const k = keyOf(project);
    let r = this.reading.get(k);
    if (!r) this.reading.set(k, (r = { project, again: false }));
    this.poll ??= setInterval(() => void this.changedOnDisk(), this.pollMs);
    if (r.running) {
      r.again = true;
      return r.running;
    }
    const state = r;
    const run = async (): Promise<void> => {
      do {
        state.again = false;
        state.stamp = await stampOf(state.project);
        await this.read(state.project);
      } while (state.again && !this.isDisposed);
    };
    state.running = run().finally(() => (state.running = undefined));
    return state.running;
  }

  private async read(project: Project): Promise<void> {
    const { order, problems } = await readQueueOrder(project.root, project.id).catch((e: unknown) => ({
      order: undefined,
      problems: [{ file: queueOrderFile(project.root, project.id), field: undefined as string | undefined, message: e instanceof Error ? e.message : String(e) }],
    }));
    if (this.isDisposed) return;
    for (const p of problems) this.logger?.warn(`ML queue order ${p.file}${p.field ? `: ${p.field}` : ''}: ${p.message} (the queue keeps its random order)`);
    let loaded: LoadedQueueOrder | null = null;
    if (order) {
      loaded = { kind: order.kind, keys: order.keys, createdAt: order.createdAt, indexOf: new Map(order.keys.map((key, i) => [key, i])) };
      if (order.clusters) loaded.clusters = order.clusters;
      if (order.clusterCount !== undefined) loaded.clusterCount = order.clusterCount;
      if (order.modelVersion !== undefined) loaded.modelVersion = order.modelVersion;
    }
    this.loaded.set(keyOf(project), loaded);
    this.changed.fire(project);
  }
}
