/**
 * The mask editor's two tools that outlive one pointer event: the flood fill, run in time slices so the
 * panel keeps painting and taking input during a fill of a large region, and the polygon being drawn
 * (its points and the pointer's position). lbl-mask-editor owns the raster and the undo recorder and
 * hands them in; what these do to the screen goes back through the callbacks.
 */
import { closesPath } from '../../src/core/geometry/polygon';
import type { Point } from '../../src/core/geometry/transform';
import { clipRect, emptyRect, floodFillSteps, isEmpty, type Rect, type StrokeRecorder } from './mask-editor-ops';

/** Rows of the offscreen overlay re-coloured per step after a flood fill (4,000 x 128 = 0.5 MP). */
const COLOUR_BAND_ROWS = 128;

export interface FillTarget {
  data: Uint8Array;
  w: number;
  h: number;
  /** Records the changed tiles; begun by the fill, ended by `finished`. */
  recorder: StrokeRecorder;
  /** Milliseconds of work per slice (at least one step a slice). */
  sliceMs: number;
}

export interface FillCallbacks {
  /** Re-colours a band of the filled rectangle on the offscreen overlay. */
  recolour(r: Rect): void;
  /** False once the job was dropped (a new image or mask came): the fill stops at its next slice. */
  current(job: FillJob): boolean;
  /** The fill did not end in its first slice (the hint says it is filling). */
  continuing(): void;
  /** The fill and its re-colouring are done: `dirty` is the changed rectangle, already re-coloured. */
  finished(dirty: Rect): void;
}

export interface FillJob {
  /** Runs the first slice: a small region is done before this returns. Call it once the job is current. */
  start(): void;
  /** Resolves when the fill ended or stopped. */
  done: Promise<void>;
}

/**
 * A fill of the 4-connected region of (x, y) with `value` in time slices: the fill itself, then the
 * re-colouring of its rectangle in bands.
 */
export function floodFillJob(t: FillTarget, x: number, y: number, value: number, cb: FillCallbacks): FillJob {
  t.recorder.begin();
  const dirty = emptyRect();
  const steps = floodFillSteps(t.data, t.w, t.h, x, y, value, t.recorder, dirty);
  let colourRow = -1;
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  const step = (): boolean => {
    if (colourRow < 0) {
      if (!steps.next().done) return false;
      colourRow = Math.max(0, dirty.y0);
    }
    const c = clipRect(dirty, t.w, t.h);
    if (isEmpty(c) || colourRow >= c.y1) return true;
    const y1 = Math.min(c.y1, colourRow + COLOUR_BAND_ROWS);
    cb.recolour({ x0: c.x0, y0: colourRow, x1: c.x1, y1 });
    colourRow = y1;
    return y1 >= c.y1;
  };
  const run = (first: boolean): void => {
    if (!cb.current(job)) return resolve();
    const end = performance.now() + t.sliceMs;
    let ended: boolean;
    do ended = step();
    while (!ended && performance.now() < end);
    if (!ended) {
      if (first) cb.continuing();
      setTimeout(() => run(false), 0);
      return;
    }
    cb.finished(dirty);
    resolve();
  };
  const job: FillJob = { start: () => run(true), done };
  return job;
}

/** What a click of the polygon tool did. */
export type PolygonClick = 'started' | 'added' | 'close' | 'ignored';

/** The polygon being drawn: flat [x0, y0, x1, y1, ...] in image pixels, and the pointer's position. */
export class PolygonDraft {
  path?: number[];
  hover?: Point;

  get active(): boolean {
    return this.path !== undefined;
  }

  /**
   * A click at `p` (image pixels) on a `w` x `h` image, `pick` the radius within which it lands on a
   * point. A first click outside the image, or when `canStart` says no, starts nothing.
   */
  click(p: Point, w: number, h: number, pick: number, canStart: () => boolean): PolygonClick {
    const q: [number, number] = [Math.min(w, Math.max(0, p.x)), Math.min(h, Math.max(0, p.y))];
    if (!this.path) {
      if (p.x < 0 || p.y < 0 || p.x > w || p.y > h || !canStart()) return 'ignored';
      this.path = q;
      return 'started';
    }
    if (closesPath(this.path, p, pick)) return 'close';
    const n = this.path.length;
    // The second click of a double-click lands on the last point: not a new vertex (dblclick then closes).
    if (Math.hypot(this.path[n - 2]! - q[0], this.path[n - 1]! - q[1]) > pick) this.path = [...this.path, ...q];
    return 'added';
  }

  /** Removes the last point (the polygon ends with its first). */
  back(): void {
    this.path = this.path && this.path.length > 2 ? this.path.slice(0, -2) : undefined;
  }

  /** Ends the drawing: its points, or undefined when none were drawn. */
  take(): number[] | undefined {
    const ring = this.path;
    this.clear();
    return ring;
  }

  clear(): void {
    this.path = undefined;
    this.hover = undefined;
  }
}
