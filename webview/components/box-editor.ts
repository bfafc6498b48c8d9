/**
 * lbl-box-editor: object detection. Drag on empty image to draw a box with the active label; click a
 * box to select it, drag it to move, drag one of its 8 handles to resize; Del deletes, arrows nudge
 * (Shift: 10 px), [ and ] cycle the selection, Esc cancels a drawing (no box is left) or clears the
 * selection. A new box is not selected: a label hotkey then chooses the label of the next box, and it
 * relabels a box only after the labeler selected that box (click, [ or ]); the hint line says which.
 * Boxes under 4x4 image px are discarded. Boxes are image pixels.
 *
 * @fires lbl-change - {annotation} after every edit (one per drag, not per pointer move)
 * @fires lbl-notice - {kind, text} for messages to the labeler
 * @fires lbl-image-load - the image finished loading
 */
import {
  boxAt, handleAt, handleCursor, HANDLES, handlePoint, isBigEnough, moveRect, nudgeRect, rectFromPoints, resizeRect, roundRect,
  type Handle, type Rect,
} from '../../src/core/geometry/box';
import type { Point, ViewTransform } from '../../src/core/geometry/transform';
import type { Box } from '../../src/core/model';
import { CanvasEditorBase } from './canvas-editor';
import { drawHandles, drawTags, strokeFor } from './canvas-draw';
import { changeEvent, noticeEvent, type LabelEditor } from './editor';

type Drag =
  | { mode: 'draw'; start: Point; current: Point }
  | { mode: 'move'; index: number; start: Point; orig: Rect; current: Rect }
  | { mode: 'resize'; index: number; handle: Handle; orig: Rect; current: Rect };

const HANDLE_RADIUS_PX = 6;
const NUDGE_KEYS = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown']);

/** Above this many boxes a scene is dense: tags only where they fit on their box. */
export const DENSE_BOXES = 100;

export class LblBoxEditor extends CanvasEditorBase implements LabelEditor {
  static override properties = {
    ...CanvasEditorBase.properties,
    boxes: { attribute: false },
    selected: { state: true },
  };
  declare boxes: Box[];
  /** Index of the selected box, -1 for none. */
  declare selected: number;
  private drag?: Drag;

  constructor() {
    super();
    this.boxes = [];
    this.selected = -1;
  }

  /** True while a new box is being drawn (pointer down on empty image, not released). */
  get drawing(): boolean {
    return this.drag?.mode === 'draw';
  }

  applyLabel(label: string): boolean {
    if (this.selected < 0 || this.selected >= this.boxes.length) return false;
    if (this.boxes[this.selected]!.label !== label) this.commit(this.boxes.map((b, i) => (i === this.selected ? { ...b, label } : b)));
    return true;
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    super.willUpdate(changed as never);
    if (changed.has('boxes') && this.selected >= this.boxes.length) this.selected = -1;
  }

  protected resetInteraction(): void {
    this.selected = -1;
    this.drag = undefined;
  }

  protected describe(): string {
    const n = this.boxes.length;
    const sel = this.selected >= 0 ? `, box ${this.selected + 1} (${this.boxes[this.selected]?.label}) selected` : '';
    return `Image with ${n} box${n === 1 ? '' : 'es'}${sel}. Drag to draw a box.`;
  }

  protected hint(): string {
    if (this.drawing) return 'Release to add the box, Esc to cancel';
    if (this.selected >= 0) return this.withHotkeys('relabel the selected box', 'Esc deselect · Del delete · arrows nudge');
    return this.withHotkeys('label for the next box', 'Drag to draw · click a box to select it · Space-drag pan');
  }

  protected editorKey(e: KeyboardEvent): boolean {
    if (e.ctrlKey || e.metaKey || e.altKey) return false;
    if (e.key === 'Escape') {
      if (this.drag) {
        this.drag = undefined;
        this.scheduleDraw();
      } else if (this.selected >= 0) this.selected = -1;
      else return false;
      return true;
    }
    const sel = this.selected >= 0 ? this.boxes[this.selected] : undefined;
    if ((e.key === 'Delete' || e.key === 'Backspace') && sel) {
      const i = this.selected;
      this.selected = -1;
      this.commit(this.boxes.filter((_, k) => k !== i));
      return true;
    }
    if (NUDGE_KEYS.has(e.key) && sel && !this.drag) {
      const r = nudgeRect(sel, e.key as 'ArrowLeft', e.shiftKey, this.size);
      if (r.x !== sel.x || r.y !== sel.y) this.commit(this.boxes.map((b, k) => (k === this.selected ? { ...b, ...r } : b)));
      return true;
    }
    if ((e.key === '[' || e.key === ']') && this.boxes.length) {
      const n = this.boxes.length;
      this.selected = e.key === ']' ? (this.selected + 1) % n : (this.selected - 1 + n) % n;
      return true;
    }
    return false;
  }

  protected pointerDown(p: Point, _e: PointerEvent): void {
    const radius = HANDLE_RADIUS_PX / this.transform.scale;
    const sel = this.selected >= 0 ? this.boxes[this.selected] : undefined;
    const handle = sel ? handleAt(sel, p, radius) : undefined;
    if (sel && handle) {
      this.drag = { mode: 'resize', index: this.selected, handle, orig: sel, current: sel };
      return;
    }
    const hit = boxAt(this.boxes, p, 2 / this.transform.scale);
    if (hit >= 0) {
      this.selected = hit;
      const b = this.boxes[hit]!;
      this.drag = { mode: 'move', index: hit, start: p, orig: b, current: b };
      return;
    }
    this.selected = -1;
    const s = this.size;
    if (p.x < 0 || p.y < 0 || p.x > s.width || p.y > s.height) return;
    if (!this.activeLabel) {
      this.dispatchEvent(noticeEvent('info', 'Pick a label first (its hotkey or the label list), then draw.'));
      return;
    }
    this.drag = { mode: 'draw', start: p, current: p };
  }

  protected pointerMove(p: Point, _e: PointerEvent): void {
    const d = this.drag;
    if (!d) return this.hover(p);
    if (d.mode === 'draw') d.current = p;
    else if (d.mode === 'move') d.current = moveRect(d.orig, p.x - d.start.x, p.y - d.start.y, this.size);
    else d.current = resizeRect(d.orig, d.handle, p, this.size);
    this.scheduleDraw();
  }

  protected pointerUp(p: Point, _e: PointerEvent): void {
    const d = this.drag;
    if (!d) return;
    this.pointerMove(p, _e);
    this.drag = undefined;
    if (d.mode === 'draw') {
      const r = roundRect(rectFromPoints(d.start, d.current, this.size));
      if (!isBigEnough(r)) {
        this.scheduleDraw();
        return;
      }
      this.selected = -1; // hotkeys keep choosing the next box's label; relabelling needs a click on the box
      this.commit([...this.boxes, { label: this.activeLabel!, ...r }]);
      return;
    }
    const r = roundRect(d.current);
    const o = d.orig;
    if (r.x === o.x && r.y === o.y && r.w === o.w && r.h === o.h) return this.scheduleDraw();
    if (!isBigEnough(r)) {
      this.dispatchEvent(noticeEvent('info', 'A box must be at least 4x4 pixels; the resize was undone.'));
      return this.scheduleDraw();
    }
    this.commit(this.boxes.map((b, i) => (i === d.index ? { ...b, ...r } : b)));
  }

  protected drawsActiveLabel(): boolean {
    return this.drag?.mode === 'draw';
  }

  /**
   * All boxes but the selected one, grouped by colour: the stroke style is set once per colour, each box
   * one strokeRect (Skia's rectangle path: 1,000 take ~2 ms of raster, against ~12 ms for the same boxes
   * as one path); then the tags in one pass (drawTags). The selected box, its handles and a box being
   * drawn on top.
   */
  protected drawShapes(ctx: CanvasRenderingContext2D, t: ViewTransform): void {
    const d = this.drag;
    const live = (i: number): Rect => (d && d.mode !== 'draw' && d.index === i ? d.current : this.boxes[i]!);
    const groups = new Map<string, number[]>();
    for (let i = 0; i < this.boxes.length; i++) {
      if (i === this.selected) continue;
      const color = this.colorOf(this.boxes[i]!.label);
      const g = groups.get(color);
      if (g) g.push(i);
      else groups.set(color, [i]);
    }
    for (const [color, list] of groups) {
      strokeFor(ctx, t, { color, selected: false, suggested: this.suggested });
      for (const i of list) {
        const r = live(i);
        ctx.strokeRect(r.x, r.y, r.w, r.h);
      }
    }
    if (this.showLabels) {
      // A dense scene shows the tags that fit on their box (1,000 overlapping tags hide the image and take
      // ~7 ms to draw); the selected box always shows its tag, and colours still tell every label apart.
      const dense = this.boxes.length > DENSE_BOXES;
      drawTags(ctx, t, this.boxes.map((b, i) => {
        const r = live(i);
        return { x: r.x, y: r.y, text: b.label, color: this.colorOf(b.label), room: dense && i !== this.selected ? r.w : undefined };
      }));
    }
    if (this.selected >= 0 && this.selected < this.boxes.length) {
      const r = live(this.selected);
      const color = this.colorOf(this.boxes[this.selected]!.label);
      strokeFor(ctx, t, { color, selected: true, suggested: this.suggested });
      ctx.strokeRect(r.x, r.y, r.w, r.h);
      drawHandles(ctx, t, HANDLES.map((h) => handlePoint(r, h)), color);
    }
    if (d?.mode === 'draw') {
      const r = rectFromPoints(d.start, d.current, this.size);
      strokeFor(ctx, t, { color: this.colorOf(this.activeLabel ?? ''), selected: true, suggested: false });
      ctx.setLineDash([4 / t.scale, 3 / t.scale]);
      ctx.strokeRect(r.x, r.y, r.w, r.h);
    }
  }

  private hover(p: Point): void {
    if (!this.canvas) return;
    const sel = this.selected >= 0 ? this.boxes[this.selected] : undefined;
    const h = sel ? handleAt(sel, p, HANDLE_RADIUS_PX / this.transform.scale) : undefined;
    const cursor = this.panZoom.spaceHeld ? 'grab' : h ? handleCursor(h) : boxAt(this.boxes, p) >= 0 ? 'move' : 'crosshair';
    if (this.canvas.style.cursor !== cursor) this.canvas.style.cursor = cursor;
  }

  private commit(boxes: Box[]): void {
    this.boxes = boxes;
    this.dispatchEvent(changeEvent({ kind: 'boxes', boxes }));
  }
}

customElements.define('lbl-box-editor', LblBoxEditor);
declare global {
  interface HTMLElementTagNameMap {
    'lbl-box-editor': LblBoxEditor;
  }
}
