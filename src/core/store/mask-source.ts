/**
 * The MaskSource consensus reads semantic-segmentation masks through (agreement.ts): the blobs of a
 * project's `masks/` folder, decoded synchronously (the index is built in one pass) and kept in a small
 * LRU cache by blob hash, since an item's masks are compared pairwise and again on every recompute.
 * A missing or damaged blob reads as undefined: its mask agrees with nothing but the same blob, and
 * the problem is logged once per blob. Majority masks are stored with putMaskSync (content-addressed,
 * so every clone computes the same final and writes the same file).
 */
import { getMaskSync, putMaskSync } from '../masks/blob-store';
import type { ClassRaster } from '../masks/raster';
import type { MaskAnnotation, ProjectDef } from '../model';
import { projectDir } from '../project/paths';
import type { MaskSource } from './agreement';
import type { Consensus } from './item-state';

/** Decoded rasters kept per source: 1 byte a pixel, so 8 x 12 MP is ~100 MB at most. */
export const MASK_CACHE_ENTRIES = 8;
/** Majority results remembered (members' blobs -> majority blob), so a recompute does not redo them. */
const MAJORITY_ENTRIES = 256;

class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(k: string): V | undefined {
    const v = this.map.get(k);
    if (v !== undefined) {
      this.map.delete(k);
      this.map.set(k, v);
    }
    return v;
  }
  set(k: string, v: V): void {
    this.map.delete(k);
    this.map.set(k, v);
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
}

export interface FolderMaskSource extends MaskSource {
  /** Blobs read or written (tests). */
  readonly stats: { reads: number; hits: number; puts: number };
}

/** A MaskSource over `<projectDir>/masks/`. */
export function folderMaskSource(dir: string, opts: { entries?: number; onProblem?: (message: string) => void } = {}): FolderMaskSource {
  const cache = new Lru<ClassRaster | null>(opts.entries ?? MASK_CACHE_ENTRIES);
  const majorities = new Lru<MaskAnnotation>(MAJORITY_ENTRIES);
  const reported = new Set<string>();
  const stats = { reads: 0, hits: 0, puts: 0 };
  return {
    stats,
    read(blob) {
      const hit = cache.get(blob);
      if (hit !== undefined) {
        stats.hits++;
        return hit ?? undefined;
      }
      stats.reads++;
      let r: ClassRaster | null = null;
      try {
        r = getMaskSync(dir, blob);
      } catch (e) {
        if (!reported.has(blob)) {
          reported.add(blob);
          opts.onProblem?.((e as Error).message);
        }
      }
      cache.set(blob, r);
      return r ?? undefined;
    },
    put(raster) {
      stats.puts++;
      const sha = putMaskSync(dir, raster).sha;
      cache.set(sha, raster);
      return sha;
    },
    memo(key, compute) {
      const known = majorities.get(key);
      if (known) return known;
      const a = compute();
      majorities.set(key, a);
      return a;
    },
  };
}

const sources = new Map<string, FolderMaskSource>();

/**
 * The consensus rule of a project: project.json's consensus, plus for a semantic-segmentation project
 * the mask source of its folder (one per folder, shared by the index and its views).
 */
export function consensusFor(def: ProjectDef, root: string): Consensus {
  if (def.type !== 'image-semantic-segmentation') return def.consensus;
  const dir = projectDir(root, def.id);
  let masks = sources.get(dir);
  if (!masks) sources.set(dir, (masks = folderMaskSource(dir)));
  return { ...def.consensus, masks };
}
