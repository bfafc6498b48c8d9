/**
 * The local file of an ML queue order (queue-order.ts computes it): `.labeling/.cache/order/<projectId>.json`,
 * never journaled, written atomically (temp file, fsync, rename) and read with its problems reported by
 * file and field, never thrown; and how its items read in the queue views.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LabelingError } from '../../errors';
import type { QueueOrderKind } from '../../model';
import { writeFileAtomic } from '../../project/fsutil';
import { CACHE_DIR, labelingDir } from '../../project/paths';

export const ORDER_FORMAT = 'data-labeling.queue-order';
export const ORDER_VERSION = 1;

/** The ML orders (project.json's queueOrder but 'random', which needs no file). */
export type MlQueueOrder = Exclude<QueueOrderKind, 'random'>;

/** The order file. */
export interface QueueOrderFile {
  format: typeof ORDER_FORMAT;
  formatVersion: typeof ORDER_VERSION;
  projectId: string;
  kind: MlQueueOrder;
  createdAt: string;
  /** 'uncertain': the version of the model whose margins ordered it. */
  modelVersion?: number;
  /** Item keys in queue order (each once). */
  keys: string[];
  /** 'clustered': the cluster of each key (same length as keys), 0..clusterCount-1. */
  clusters?: number[];
  clusterCount?: number;
}

export function queueOrderFile(root: string, projectId: string): string {
  return path.join(labelingDir(root), CACHE_DIR, 'order', `${projectId}.json`);
}

/** A problem of an order file: the file, the field when known, and what is wrong. */
export interface OrderProblem {
  file: string;
  field?: string;
  message: string;
}

/** Writes the order file atomically (readers see the old file or the whole new one); returns its path. */
export async function writeQueueOrder(root: string, order: QueueOrderFile): Promise<string> {
  const problem = checkOrder(order, order.projectId);
  if (problem) throw new LabelingError('invalid-input', problem.message, { field: problem.field });
  const file = queueOrderFile(root, order.projectId);
  await writeFileAtomic(file, `${JSON.stringify(order)}\n`);
  return file;
}

/**
 * The project's order file, or none (no file yet: no problem). A damaged file (not JSON, another
 * project's, a bad field) is reported with its path and the field, and no order is returned.
 */
export async function readQueueOrder(root: string, projectId: string): Promise<{ order?: QueueOrderFile; problems: OrderProblem[] }> {
  const file = queueOrderFile(root, projectId);
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { problems: [] };
    return { problems: [{ file, message: e instanceof Error ? e.message : String(e) }] };
  }
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (e) {
    return { problems: [{ file, message: `not valid JSON (${(e as Error).message})` }] };
  }
  const problem = checkOrder(o, projectId);
  if (problem) return { problems: [{ file, ...problem }] };
  return { order: o as QueueOrderFile, problems: [] };
}

function checkOrder(x: unknown, projectId: string): { field?: string; message: string } | undefined {
  if (!x || typeof x !== 'object' || Array.isArray(x)) return { message: 'an order file must hold a JSON object' };
  const o = x as Record<string, unknown>;
  if (o.format !== ORDER_FORMAT) return { field: 'format', message: `must be "${ORDER_FORMAT}", got ${JSON.stringify(o.format)}` };
  if (o.formatVersion !== ORDER_VERSION) return { field: 'formatVersion', message: `this extension reads order files of version ${ORDER_VERSION}, got ${JSON.stringify(o.formatVersion)}` };
  if (o.projectId !== projectId) return { field: 'projectId', message: `is ${JSON.stringify(o.projectId)}, the file is of project "${projectId}"` };
  if (o.kind !== 'clustered' && o.kind !== 'uncertain') return { field: 'kind', message: `must be "clustered" or "uncertain", got ${JSON.stringify(o.kind)}` };
  if (typeof o.createdAt !== 'string') return { field: 'createdAt', message: 'must be a string' };
  if (o.modelVersion !== undefined && !Number.isInteger(o.modelVersion)) return { field: 'modelVersion', message: 'must be an integer' };
  if (!Array.isArray(o.keys)) return { field: 'keys', message: 'must be an array of item keys' };
  const seen = new Set<string>();
  for (let i = 0; i < o.keys.length; i++) {
    const k: unknown = o.keys[i];
    if (typeof k !== 'string') return { field: `keys[${i}]`, message: 'must be a string' };
    if (seen.has(k)) return { field: `keys[${i}]`, message: `"${k}" is listed twice` };
    seen.add(k);
  }
  if (o.kind === 'clustered' || o.clusters !== undefined) {
    if (!Number.isInteger(o.clusterCount) || (o.clusterCount as number) < 0) return { field: 'clusterCount', message: 'must be a whole number' };
    if (!Array.isArray(o.clusters) || o.clusters.length !== o.keys.length) return { field: 'clusters', message: `must hold one cluster per key (${o.keys.length})` };
    const count = o.clusterCount as number;
    for (let i = 0; i < o.clusters.length; i++) {
      const c: unknown = o.clusters[i];
      if (!Number.isInteger(c) || (c as number) < 0 || (c as number) >= count) return { field: `clusters[${i}]`, message: `must be a cluster from 0 to ${count - 1}, got ${JSON.stringify(c)}` };
    }
  }
  return undefined;
}

/** How an item of an order reads in the queue views: "clustered · c3" or "uncertain". */
export function orderTag(kind: MlQueueOrder, cluster: number | undefined): string {
  return kind === 'clustered' && cluster !== undefined ? `clustered · c${cluster}` : kind;
}
