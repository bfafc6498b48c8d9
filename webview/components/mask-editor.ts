/**
 * lbl-mask-editor: semantic segmentation. The mask is a class-index raster (Uint8Array, width x height,
 * row-major): 0 unlabeled, 1..N the label classes in label order, 255 the ignore class (`ignoreLabel`,
 * when the project has one; it is not numbered among the classes). Tools: brush (B) and eraser (E) of
 * adjustable size ([ and ], or the slider), polygon fill (P: click points, Enter, a double-click or a
 * click on the first point closes), flood fill (G) of the 4-connected region of the clicked pixel's
 * class; O toggles the overlay, the slider sets its opacity; Ctrl/Cmd+Z undoes a stroke,
 * Ctrl/Cmd+Shift+Z (or Ctrl+Y) redoes it. Zoom and pan as in the other image editors.
 *
 * Speed on 4,000 x 3,000: a brush move stamps a precomputed disc along the segment from the previous
 * pointer position into the raster, re-colours only the dirty rectangle of an offscreen canvas at image
 * resolution (palette lookup into an ImageData), then repaints only that part of the overlay canvas
 * (a second canvas over the image, so the image is not redrawn). Undo keeps each stroke's changed
 * 64 x 64 tiles (before and after bytes), capped at HISTORY_CAP_BYTES.
 * The raster operations are in mask-editor-ops.ts, the overlay canvas painting, the coloured offscreen mask
 * (ColouredMask) and the brush cursor's geometry in mask-editor-paint.ts,
 * the toolbar in mask-editor-toolbar.ts, the time-sliced flood fill and the polygon being drawn in
 * mask-editor-tools.ts.
 *
 * The raster belongs to the editor: `mask` is copied in (setting it to the editor's own `raster` is a
 * no-op), edits mutate `raster` in place and fire lbl-mask-change after each stroke; `encoded()` is
 * the webview->host transport form (src/protocol/mask-transport.ts). A new `mask` array (or a new
 * image) starts over with an empty history, so the app must keep passing the same array for the same
 * item (the one it was given, or the editor's own raster from lbl-mask-change).
 *
 * @fires lbl-mask-change - {width, height, raster, modified} after every stroke, fill, undo or redo
 * @fires lbl-notice - {kind, text} for messages to the labeler
 * @fires lbl-image-load - the image finished loading
 */
import { html, type PropertyValues } from 'lit';
import { isValidRing, vertexCount } from '../../src/core/geometry/polygon';
import type { Point, ViewTransform } from '../../src/core/geometry/transform';
import type { MaskRunsMessage } from '../../src/protocol/mask-transport';
import { CanvasEditorBase } from './canvas-editor';
import { noticeEvent, type LabelEditor } from './editor';
import { maskEditorStyles } from './mask-editor.styles';
import { brushNearImage, ColouredMask, cursorRect, paintOverlay, type OverlayScene } from './mask-editor-paint';
import { MAX_BRUSH, MIN_BRUSH, renderMaskToolbar, TOOLS } from './mask-editor-toolbar';
import { floodFillJob, PolygonDraft, type FillJob } from './mask-editor-tools';
import {
  addRect, applyStroke, emptyRect, encodeMaskRuns, fillPolygon, IGNORE, isEmpty, makeDisc, paletteLut,
  StrokeHistory, StrokeRecorder, stampSegment, unionRect, UNLABELED, type Disc, type Rect,
} from './mask-editor-ops';

export type MaskTool = 'brush' | 'eraser' | 'polygon' | 'fill';
export { MAX_BRUSH, MIN_BRUSH };

export interface MaskChangeDetail {
  width: number;
  height: number;
  /** The editor's live raster (copy it to keep it: later strokes change it). */
  raster: Uint8Array;
  /** False when every stroke since the mask was given has been undone. */
  modified: boolean;
}

/** Undo memory: 64 MB of tile bytes (a flood fill of a whole 4000 x 3000 image takes 24 MB). */
export const HISTORY_CAP_BYTES = 64 * 1024 * 1024;
/** A flood fill runs this long at most before it lets the panel paint and take input, then goes on in the next task. */
export const FILL_SLICE_MS = 12;
const PICK_PX = 6;
const DEFAULT_IGNORE_COLOR = '#ffffff';

/** The next brush size for [ (down) or ] (up): steps of 1 px below 10 px, then about 20 %. */
export function nextBrushSize(size: number, up: boolean): number {
  const step = size < 10 ? 1 : Math.max(1, Math.round(size * 0.2));
  return Math.min(MAX_BRUSH, Math.max(MIN_BRUSH, up ? size + step : size - step));
}

export class LblMaskEditor extends CanvasEditorBase implements LabelEditor {
  static override styles = maskEditorStyles;
  static override properties = {
    ...CanvasEditorBase.properties,
    mask: { attribute: false },
    ignoreLabel: { attribute: false },
    tool: { state: true },
    brushSize: { state: true },
    opacity: { state: true },
    showOverlay: { state: true },
  };
  /** The initial raster (width x height class indices), or undefined for an empty mask. */
  declare mask: Uint8Array | undefined;
  /** Name of the ignore class (index 255), when the project has one. */
  declare ignoreLabel: string | undefined;
  declare tool: MaskTool;
  /** Brush diameter in image pixels. */
  declare brushSize: number;
  /** Overlay opacity, 0..1. */
  declare opacity: number;
  declare showOverlay: boolean;

  private data?: Uint8Array;
  private w = 0;
  private h = 0;
  private recorder?: StrokeRecorder;
  private readonly history = new StrokeHistory(HISTORY_CAP_BYTES);
  private classOf = new Map<string, number>();
  private disc: Disc = makeDisc(20);
  /** The mask coloured at image resolution (transparent where unlabeled). */
  private readonly coloured = new ColouredMask();
  /** The overlay over the image canvas: the mask, the brush cursor and the polygon being drawn. */
  private view?: HTMLCanvasElement;
  private stroke?: { x: number; y: number; value: number; dirty: Rect };
  private fillJob?: FillJob;
  /** Time slice of a flood fill (tests set 0: one step per task). */
  fillSliceMs = FILL_SLICE_MS;
  private cursor?: Point;
  /** The polygon being drawn (polygon tool). */
  private readonly polygon = new PolygonDraft();

  constructor() {
    super();
    this.tool = 'brush';
    this.brushSize = 20;
    this.opacity = 0.5;
    this.showOverlay = true;
  }

  /** The live raster (undefined until the image size is known). */
  get raster(): Uint8Array | undefined {
    return this.data;
  }

  /** True when the raster differs from the given mask by at least one stroke not undone. */
  get modified(): boolean {
    return this.history.position !== 0;
  }
  get canUndo(): boolean {
    return this.history.canUndo;
  }
  get canRedo(): boolean {
    return this.history.canRedo;
  }
  /** True while a flood fill is in progress (it goes on over several tasks when the region is large). */
  get filling(): boolean {
    return this.fillJob !== undefined;
  }
  /** Resolves when the flood fill in progress has finished (at once when there is none). */
  get fillDone(): Promise<void> {
    return this.fillJob?.done ?? Promise.resolve();
  }
  get drawing(): boolean {
    return this.polygon.active;
  }
  /** Bytes held by the undo history. */
  get historyBytes(): number {
    return this.history.bytes;
  }

  /** The transport form of the raster for the webview -> host message. */
  encoded(): MaskRunsMessage | undefined {
    return this.data ? { width: this.w, height: this.h, runs: encodeMaskRuns(this.data) } : undefined;
  }

  /** The class index a label paints: 1..N in label order (the ignore class left out), 255 for the ignore class. */
  classIndex(label: string | undefined): number | undefined {
    return label === undefined ? undefined : this.classOf.get(label);
  }

  applyLabel(_label: string): boolean {
    // The app sets activeLabel; picking a class while erasing goes back to the brush.
    if (this.tool === 'eraser') this.tool = 'brush';
    return false;
  }

  setTool(tool: MaskTool): void {
    if (tool !== 'polygon') this.cancelPath();
    this.tool = tool;
    this.repaintCursor(undefined);
  }

  setBrushSize(size: number): void {
    const s = Math.min(MAX_BRUSH, Math.max(MIN_BRUSH, Math.round(size)));
    if (s === this.brushSize) return;
    this.brushSize = s;
  }

  undo(): boolean {
    if (this.stroke || this.fillJob) return false; // not in the middle of a stroke or a fill
    const s = this.data && this.history.undo();
    if (!s) return false;
    this.afterEdit(applyStroke(this.data!, this.w, this.h, s, 'before'));
    return true;
  }

  redo(): boolean {
    if (this.stroke || this.fillJob) return false;
    const s = this.data && this.history.redo();
    if (!s) return false;
    this.afterEdit(applyStroke(this.data!, this.w, this.h, s, 'after'));
    return true;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('labels') || changed.has('ignoreLabel')) this.syncClasses();
    if (changed.has('mask') || changed.has('imageUri') || changed.has('imageWidth') || changed.has('imageHeight')) this.resetRaster();
  }

  protected override firstUpdated(): void {
    super.firstUpdated();
    const view = document.createElement('canvas');
    view.className = 'overlay';
    view.setAttribute('aria-hidden', 'true');
    this.canvas!.after(view);
    this.view = view;
    this.canvas!.addEventListener('dblclick', () => {
      if (this.polygon.active) this.finishPath();
    });
    this.canvas!.addEventListener('pointerleave', () => {
      if (!this.stroke) this.repaintCursor(undefined);
    });
    this.addEventListener('lbl-image-load', () => {
      if (!this.data) this.resetRaster();
    });
  }

  protected resetInteraction(): void {
    this.stroke = undefined;
    this.polygon.clear();
    this.cursor = undefined;
  }

  protected describe(): string {
    const tool = TOOLS.find((t) => t.tool === this.tool)!.name;
    const size = this.tool === 'brush' || this.tool === 'eraser' ? ` of ${this.brushSize} px` : '';
    return `Image with a segmentation mask, ${this.w} x ${this.h} pixels. Tool: ${tool}${size}.${this.drawing ? ` Drawing a polygon with ${vertexCount(this.polygon.path!)} points.` : ''}`;
  }

  protected hint(): string {
    if (this.fillJob) return 'Filling…';
    if (this.polygon.active) return 'Click the first point, double-click or Enter to fill · Backspace undo point · Esc cancel';
    const rest = '[ ] size · O overlay · Ctrl+Z undo';
    if (this.tool === 'eraser') return `Drag to erase · ${rest}`;
    if (this.tool === 'polygon') return this.withHotkeys('class to fill', 'Click points of a polygon to fill');
    if (this.tool === 'fill') return this.withHotkeys('class to fill', 'Click a region to fill it');
    return this.withHotkeys('class to paint', `Drag to paint · ${rest}`);
  }

  protected editorKey(e: KeyboardEvent): boolean {
    const primary = e.ctrlKey || e.metaKey;
    if (primary && !e.altKey) {
      const k = e.key.toLowerCase();
      if (k === 'z' && !e.shiftKey) this.undo();
      else if ((k === 'z' && e.shiftKey) || (k === 'y' && !e.shiftKey)) this.redo();
      else return false;
      return true;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return false;
    if (this.polygon.active) {
      if (e.key === 'Escape') this.cancelPath();
      else if (e.key === 'Enter') this.finishPath();
      else if (e.key === 'Backspace') {
        this.polygon.back();
        this.paintView();
        this.requestUpdate(); // the hint and the canvas description
      } else return false;
      return true;
    }
    if (e.key === '[' || e.key === ']') {
      this.setBrushSize(nextBrushSize(this.brushSize, e.key === ']'));
      return true;
    }
    const k = e.key.toLowerCase();
    if (k === 'o' && !e.shiftKey) {
      this.showOverlay = !this.showOverlay;
      return true;
    }
    const t = !e.shiftKey ? TOOLS.find((x) => x.key === k) : undefined;
    if (t) {
      this.setTool(t.tool);
      return true;
    }
    return false;
  }

  protected drawsActiveLabel(): boolean {
    return this.polygon.active;
  }

  /** A Lit update redrew the image: redraw the whole overlay. */
  protected drawShapes(_ctx: CanvasRenderingContext2D, _t: ViewTransform): void {
    this.paintView();
  }

  protected pointerDown(p: Point, e: PointerEvent): void {
    if (!this.data || e.button !== 0 || this.fillJob) return;
    const x = Math.floor(p.x);
    const y = Math.floor(p.y);
    if (this.tool === 'polygon') return this.polygonClick(p);
    const inside = x >= 0 && y >= 0 && x < this.w && y < this.h;
    const value = this.tool === 'eraser' ? UNLABELED : this.classIndex(this.activeLabel);
    if (value === undefined) {
      this.dispatchEvent(noticeEvent('info', 'Pick a label first (its hotkey or the label list), then paint.'));
      return;
    }
    if (this.tool === 'fill') {
      if (inside) this.startFill(x, y, value);
      return;
    }
    if (!inside && !brushNearImage(p, this.brushSize, this.w, this.h)) return;
    this.recorder!.begin();
    this.stroke = { x, y, value, dirty: emptyRect() };
    this.extendStroke(x, y);
  }

  protected pointerMove(p: Point, _e: PointerEvent): void {
    if (!this.data) return;
    if (this.tool === 'polygon') {
      if (this.polygon.active) {
        this.polygon.hover = p;
        this.paintView();
      }
      return;
    }
    if (this.stroke) this.extendStroke(Math.floor(p.x), Math.floor(p.y));
    else this.repaintCursor(this.tool === 'fill' ? undefined : p);
  }

  protected pointerUp(p: Point, e: PointerEvent): void {
    const s = this.stroke;
    if (!s) return;
    this.pointerMove(p, e);
    this.stroke = undefined;
    this.commit(s.dirty, true);
  }

  override render() {
    return html`
      ${renderMaskToolbar(this)}
      ${super.render()}
    `;
  }

  // --- raster and classes -------------------------------------------------------------------------

  private syncClasses(): void {
    const ignore = this.ignoreLabel;
    const classes = this.labels.filter((l) => l.name !== ignore);
    this.classOf = new Map(classes.map((l, i) => [l.name, i + 1]));
    if (ignore !== undefined) this.classOf.set(ignore, IGNORE);
    const ignoreColor = this.labels.find((l) => l.name === ignore)?.color ?? DEFAULT_IGNORE_COLOR;
    const lut = paletteLut(classes.map((l) => l.color), ignoreColor);
    // The app sends a new labels array with every state: re-colour 12 MP only when a colour changed.
    if (!this.coloured.setPalette(lut)) return;
    if (this.data) this.recolour({ x0: 0, y0: 0, x1: this.w, y1: this.h });
  }

  private resetRaster(): void {
    if (this.mask && this.mask === this.data) return; // the app handed back the editor's own raster
    const { width, height } = this.size;
    this.history.clear();
    this.stroke = undefined;
    this.fillJob = undefined; // a fill in progress stops (its next slice sees it is no longer the job)
    this.polygon.clear();
    if (!(width > 0 && height > 0)) {
      this.data = undefined;
      return;
    }
    if (this.mask && this.mask.length !== width * height) {
      this.data = undefined;
      this.dispatchEvent(noticeEvent('error', `The mask has ${this.mask.length} class indices but the ${width} x ${height} image needs ${width * height}; it cannot be edited.`));
      return;
    }
    this.data = this.mask ? this.mask.slice() : new Uint8Array(width * height);
    this.w = width;
    this.h = height;
    this.recorder = new StrokeRecorder(this.data, width, height);
    this.coloured.reset(width, height);
    if (this.mask) this.recolour({ x0: 0, y0: 0, x1: width, y1: height });
    this.scheduleDraw();
  }

  /** Re-colours a rectangle of the offscreen overlay from the raster. */
  private recolour(r: Rect): void {
    this.coloured.recolour(this.data, this.w, this.h, r);
  }

  private extendStroke(x: number, y: number): void {
    const s = this.stroke!;
    if (this.disc.size !== this.brushSize) this.disc = makeDisc(Math.min(MAX_BRUSH, Math.max(MIN_BRUSH, Math.round(this.brushSize))));
    const dirty = emptyRect();
    stampSegment(this.data!, this.w, this.h, this.disc, s.x, s.y, x, y, s.value, this.recorder!, dirty);
    s.x = x;
    s.y = y;
    if (!isEmpty(dirty)) {
      addRect(s.dirty, dirty.x0, dirty.y0, dirty.x1, dirty.y1);
      this.recolour(dirty);
    }
    const old = this.cursorRect();
    this.cursor = { x: x + 0.5, y: y + 0.5 };
    this.repaint(unionRect(unionRect(dirty, old), this.cursorRect()));
  }

  /** Ends an edit of `rect`: records the changed tiles for undo, repaints and tells the app. */
  private commit(rect: Rect, recoloured: boolean): void {
    const stroke = this.recorder!.end();
    if (!stroke) {
      this.paintView();
      return;
    }
    this.history.push(stroke);
    if (!recoloured) this.recolour(rect);
    this.paintView();
    this.emitChange();
  }

  /** Flood fill in time slices (mask-editor-tools.ts), each at most fillSliceMs. */
  private startFill(x: number, y: number, value: number): void {
    const job = floodFillJob({ data: this.data!, w: this.w, h: this.h, recorder: this.recorder!, sliceMs: this.fillSliceMs }, x, y, value, {
      recolour: (r) => this.recolour(r),
      current: (j) => this.fillJob === j,
      continuing: () => this.requestUpdate(),
      finished: (dirty) => {
        this.fillJob = undefined;
        this.commit(dirty, true);
        this.requestUpdate();
      },
    });
    this.fillJob = job;
    job.start();
  }

  private afterEdit(rect: Rect): void {
    this.recolour(rect);
    this.paintView();
    this.emitChange();
  }

  private emitChange(): void {
    this.requestUpdate(); // undo/redo buttons
    const detail: MaskChangeDetail = { width: this.w, height: this.h, raster: this.data!, modified: this.modified };
    this.dispatchEvent(new CustomEvent<MaskChangeDetail>('lbl-mask-change', { detail, bubbles: true, composed: true }));
  }

  // --- polygon fill -------------------------------------------------------------------------------

  private polygonClick(p: Point): void {
    const canStart = (): boolean => {
      if (this.classIndex(this.activeLabel) !== undefined) return true;
      this.dispatchEvent(noticeEvent('info', 'Pick a label first (its hotkey or the label list), then draw.'));
      return false;
    };
    const did = this.polygon.click(p, this.w, this.h, PICK_PX / this.transform.scale, canStart);
    if (did === 'close') return this.finishPath();
    if (did === 'ignored') return;
    this.requestUpdate();
    this.paintView();
  }

  private finishPath(): void {
    const ring = this.polygon.take();
    const value = this.classIndex(this.activeLabel);
    if (!ring || !isValidRing(ring) || value === undefined) {
      this.dispatchEvent(noticeEvent('info', 'A polygon fill needs at least 3 points enclosing an area; it was discarded.'));
      this.paintView();
      this.requestUpdate();
      return;
    }
    this.recorder!.begin();
    this.commit(fillPolygon(this.data!, this.w, this.h, ring, value, this.recorder!), false);
    this.requestUpdate();
  }

  private cancelPath(): void {
    if (!this.polygon.active) return;
    this.polygon.clear();
    this.paintView();
    this.requestUpdate();
  }

  // --- painting the overlay canvas ------------------------------------------------------------------

  private cursorRect(): Rect {
    return cursorRect(this.cursor, this.brushSize, this.transform.scale);
  }

  private repaintCursor(p: Point | undefined): void {
    const old = this.cursorRect();
    this.cursor = p && (this.tool === 'brush' || this.tool === 'eraser') ? { x: Math.floor(p.x) + 0.5, y: Math.floor(p.y) + 0.5 } : undefined;
    const rect = unionRect(old, this.cursorRect());
    if (!isEmpty(rect)) this.repaint(rect);
  }

  /** Redraws the whole overlay canvas (view changes, polygon drawing, undo). */
  private paintView(): void {
    this.repaint(undefined);
  }

  /** Redraws the overlay canvas inside an image rectangle (undefined: all of it). */
  private repaint(r: Rect | undefined): void {
    paintOverlay(this.view, this.canvas, r, this.overlayScene());
  }

  private overlayScene(): OverlayScene {
    return {
      transform: this.transform, w: this.w, h: this.h, offscreen: this.coloured.canvas, offscreenBlank: this.coloured.blank,
      showOverlay: this.showOverlay, opacity: this.opacity, cursor: this.cursor, path: this.polygon.path, hoverPoint: this.polygon.hover,
      brushSize: this.brushSize, tool: this.tool, activeColor: () => this.colorOf(this.activeLabel ?? ''),
    };
  }
}

customElements.define('lbl-mask-editor', LblMaskEditor);
declare global {
  interface HTMLElementTagNameMap {
    'lbl-mask-editor': LblMaskEditor;
  }
  interface HTMLElementEventMap {
    'lbl-mask-change': CustomEvent<MaskChangeDetail>;
  }
}
