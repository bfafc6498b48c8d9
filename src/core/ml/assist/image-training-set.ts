/**
 * The human labels the built-in image model trains on (issue 12 items 1 and 2): FINAL labels only, as
 * training-set.ts reads them for text (state 'labeled' with a final 'classes' annotation; consensus not
 * reached, needs review, skipped, rejected, missing items and prelabels never count), each with the
 * absolute path of its image file. The result is plain data (strings and arrays) that can be posted to a
 * worker thread, which reads and decodes the files (image-train.ts).
 *
 * A path that leads outside the workspace (an absolute path, a '..' segment, or a symbolic link, of the
 * file or of a folder on its way, that resolves outside) is refused: the item is listed in `outside`,
 * never read. A file that does not exist is kept: the worker reports it with the other unreadable files.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LabelingError, throwIfAborted } from '../../errors';
import type { ItemRef, ProjectType } from '../../model';
import type { CollectOptions, TrainingSource } from './training-set';

/** The project types the built-in image model serves. */
export const ASSIST_IMAGE_TYPES = ['image-classification', 'image-multilabel'] as const;
export type AssistImageType = (typeof ASSIST_IMAGE_TYPES)[number];

export function isAssistImageType(t: ProjectType): t is AssistImageType {
  return (ASSIST_IMAGE_TYPES as readonly string[]).includes(t);
}

export interface ImageTrainingExample {
  key: string;
  /** The image file, absolute. */
  file: string;
  /** The final labels (one for a multi-class project; possibly none for a multi-label one). */
  labels: string[];
}

export interface ImageTrainingSet {
  projectId: string;
  type: AssistImageType;
  /** In item key order. */
  examples: ImageTrainingExample[];
  /** Keys of labeled items left out because their path leads outside the workspace. */
  outside: string[];
}

/** Lexically: the absolute file of a workspace-relative item path, or undefined when it leaves the workspace. */
export function itemImagePath(root: string, ref: ItemRef | string): string | undefined {
  const rel = typeof ref === 'string' ? ref : ref.path;
  if (!rel || path.isAbsolute(rel) || path.win32.isAbsolute(rel) || rel.split(/[\\/]/).includes('..')) return undefined;
  const base = path.resolve(root);
  const abs = path.resolve(base, rel);
  return within(base, abs) ? abs : undefined;
}

function within(folder: string, target: string): boolean {
  const rel = path.relative(folder, target);
  return rel !== '' && !path.isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${path.sep}`);
}

/**
 * Whether `file` (inside `root` lexically) stays inside it once symbolic links are resolved; a file that
 * does not exist counts as inside (its nearest existing folder is checked).
 */
export async function staysInside(realRoot: string, file: string): Promise<boolean> {
  for (let p = file; ; p = path.dirname(p)) {
    try {
      return within(realRoot, path.join(await fsp.realpath(p), path.relative(p, file)));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || path.dirname(p) === p) return false;
    }
  }
}

/** How many realpath checks run at once. */
const PARALLEL_CHECKS = 32;

/**
 * The final labels of an image classification project with each item's image file (see the file
 * comment). `root` is the workspace folder the store was opened on.
 */
export async function collectImageTrainingSet(store: TrainingSource, root: string, signal?: AbortSignal, opts: CollectOptions = {}): Promise<ImageTrainingSet> {
  const def = store.def;
  if (!isAssistImageType(def.type)) {
    throw new LabelingError('invalid-input', `the built-in image model serves ${ASSIST_IMAGE_TYPES.join(', ')} projects, not ${def.type}`, { field: 'type' });
  }
  throwIfAborted(signal);
  const candidates: ImageTrainingExample[] = [];
  const outside: string[] = [];
  let read = 0;
  for await (const item of store.readItemsInState('labeled', { ...(signal ? { signal } : {}), name: 'ML assist image training set' })) {
    if (++read % 500 === 0) opts.onProgress?.(read);
    if (!item.final || item.final.kind !== 'classes') continue;
    const file = itemImagePath(root, item.ref);
    if (file === undefined) outside.push(item.key);
    else candidates.push({ key: item.key, file, labels: [...item.final.labels] });
  }
  opts.onProgress?.(read);
  const realRoot = await fsp.realpath(root);
  const inside = new Uint8Array(candidates.length);
  for (let i = 0; i < candidates.length; i += PARALLEL_CHECKS) {
    throwIfAborted(signal);
    const chunk = candidates.slice(i, i + PARALLEL_CHECKS);
    const ok = await Promise.all(chunk.map((c) => staysInside(realRoot, c.file)));
    ok.forEach((v, j) => (inside[i + j] = v ? 1 : 0));
  }
  const examples: ImageTrainingExample[] = [];
  candidates.forEach((c, i) => (inside[i] ? examples.push(c) : outside.push(c.key)));
  outside.sort();
  return { projectId: def.id, type: def.type, examples, outside };
}
