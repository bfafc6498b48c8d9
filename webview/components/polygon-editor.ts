/**
 * lbl-polygon-editor: instance segmentation. Click to place vertices; click the first vertex or press
 * Enter to close the polygon (Backspace removes the last vertex, Esc cancels). Click a polygon to select
 * it, drag it to move, drag a vertex to move it, click an edge of the selected polygon to insert a
 * vertex there, Del deletes the selected vertex (or the polygon). A closed polygon is not selected: a
 * label hotkey then chooses the label of the next polygon, and it relabels a polygon only after the
 * labeler clicked it; the hint line says which.
 *
 * @fires lbl-change - {annotation} after every edit
 * @fires lbl-notice - {kind, text} for messages to the labeler
 * @fires lbl-image-load - the image finished loading
 */
import {
  closesPath, deleteVertex, edgeAt, insertVertex, isValidRing, moveRings, moveVertex, polygonAt, vertex, vertexAt, vertexCount,
} from '../../src/core/geometry/polygon';
import type { Point, ViewTransform } from '../../src/core/geometry/transform';
import type { Polygon } from '../../src/core/model';
import { CanvasEditorBase } from './canvas-editor';
import { drawHandles, drawTag, strokeFor, tracePath, traceRings } from './canvas-draw';
import { changeEvent, noticeEvent, type LabelEditor } from './editor';

type Drag =
  | { mode: 'vertex'; poly: number; ring: number; vertex: number; rings: number[][] }
  | { mode: 'move'; poly: number; start: Point; orig: number[][]; rings: number[][] };

const PICK_PX = 6;
const NUDGE: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

export class LblPolygonEditor extends CanvasEditorBase implements LabelEditor {
  static override properties = {
    ...CanvasEditorBase.properties,
    polygons: { attribute: false },
    selected: { state: true },
    selectedVertex: { state: true },
  };
  declare polygons: Polygon[];
  declare selected: number;
  /** [ring, vertex] of the selected vertex of the selected polygon. */
  declare selectedVertex: [number, number] | undefined;
  /** Vertices of the polygon being drawn (flat x, y list), undefined when not drawing. */
  private path?: number[];
  private hoverPoint?: Point;
  private drag?: Drag;

  constructor() {
    super();
    this.polygons = [];
    this.selected = -1;
  }

  get drawing(): boolean {
    return this.path !== undefined;
  }

  applyLabel(label: string): boolean {
    if (this.selected < 0 || this.selected >= this.polygons.length) return false;
    if (this.polygons[this.selected]!.label !== label) this.commit(this.polygons.map((p, i) => (i === this.selected ? { ...p, label } : p)));
    return true;
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    super.willUpdate(changed as never);
    if (changed.has('polygons') && this.selected >= this.polygons.length) this.select(-1);
  }

  protected resetInteraction(): void {
    this.select(-1);
    this.path = undefined;
    this.hoverPoint = undefined;
    this.drag = undefined;
  }

  protected describe(): string {
    const n = this.polygons.length;
    return `Image with ${n} polygon${n === 1 ? '' : 's'}${this.drawing ? `, drawing a polygon with ${vertexCount(this.path!)} points` : ''}. Click to place vertices.`;
  }

  protected hint(): string {
    if (this.drawing) return 'Click the first point or Enter to close · Backspace undo point · Esc cancel';
    if (this.selected >= 0) return this.withHotkeys('relabel the selected polygon', 'click an edge to add a vertex · Del delete · Esc deselect');
    return this.withHotkeys('label for the next polygon', 'Click to start a polygon · click a polygon to select it');
  }

  protected editorKey(e: KeyboardEvent): boolean {
    if (e.ctrlKey || e.metaKey || e.altKey) return false;
    if (this.path) {
      if (e.key === 'Escape') this.path = undefined;
      else if (e.key === 'Enter') this.finish();
      else if (e.key === 'Backspace') this.path = this.path.length > 2 ? this.path.slice(0, -2) : undefined;
      else return false;
      this.scheduleDraw();
      return true;
    }
    if (e.key === 'Escape') {
      if (this.drag) this.drag = undefined;
      else if (this.selected >= 0) this.select(-1);
      else return false;
      this.scheduleDraw();
      return true;
    }
    const sel = this.selected >= 0 ? this.polygons[this.selected] : undefined;
    if (!sel) return false;
    if (e.key === 'Delete' || e.key === 'Backspace') {
      this.deleteSelection(sel);
      return true;
    }
    const step = NUDGE[e.key];
    if (step && !this.drag) {
      const k = e.shiftKey ? 10 : 1;
      this.replaceSelected({ ...sel, rings: moveRings(sel.rings, step[0] * k, step[1] * k, this.size) });
      return true;
    }
    return false;
  }

  protected pointerDown(p: Point, e: PointerEvent): void {
    const r = PICK_PX / this.transform.scale;
    if (this.path) {
      if (closesPath(this.path, p, r)) this.finish();
      else this.path = [...this.path, ...this.clampPoint(p)];
      this.scheduleDraw();
      return;
    }
    const sel = this.selected >= 0 ? this.polygons[this.selected] : undefined;
    if (sel) {
      for (let ri = 0; ri < sel.rings.length; ri++) {
        const vi = vertexAt(sel.rings[ri]!, p, r);
        if (vi >= 0) {
          this.selectedVertex = [ri, vi];
          this.drag = { mode: 'vertex', poly: this.selected, ring: ri, vertex: vi, rings: sel.rings };
          return;
        }
      }
      for (let ri = 0; ri < sel.rings.length; ri++) {
        const edge = edgeAt(sel.rings[ri]!, p, r);
        if (edge) {
          const rings = sel.rings.map((ring, k) => (k === ri ? insertVertex(ring, edge.index, edge.point) : ring));
          this.selectedVertex = [ri, edge.index + 1];
          this.drag = { mode: 'vertex', poly: this.selected, ring: ri, vertex: edge.index + 1, rings };
          this.scheduleDraw();
          return;
        }
      }
    }
    const hit = polygonAt(this.polygons, p);
    if (hit >= 0) {
      this.select(hit);
      const rings = this.polygons[hit]!.rings;
      this.drag = { mode: 'move', poly: hit, start: p, orig: rings, rings };
      return;
    }
    this.select(-1);
    const s = this.size;
    if (p.x < 0 || p.y < 0 || p.x > s.width || p.y > s.height || e.button !== 0) return;
    if (!this.activeLabel) {
      this.dispatchEvent(noticeEvent('info', 'Pick a label first (its hotkey or the label list), then draw.'));
      return;
    }
    this.path = this.clampPoint(p);
    this.scheduleDraw();
  }

  protected pointerMove(p: Point, _e: PointerEvent): void {
    const d = this.drag;
    if (!d) {
      if (this.path) {
        this.hoverPoint = p;
        this.scheduleDraw();
      }
      return;
    }
    if (d.mode === 'vertex') d.rings = d.rings.map((ring, k) => (k === d.ring ? moveVertex(ring, d.vertex, p, this.size) : ring));
    else d.rings = moveRings(d.orig, p.x - d.start.x, p.y - d.start.y, this.size);
    this.scheduleDraw();
  }

  protected pointerUp(p: Point, e: PointerEvent): void {
    const d = this.drag;
    if (!d) return;
    this.pointerMove(p, e);
    this.drag = undefined;
    const before = this.polygons[d.poly]!;
    if (JSON.stringify(before.rings) === JSON.stringify(d.rings)) return this.scheduleDraw();
    this.replaceSelected({ ...before, rings: d.rings.map((ring) => ring.map((v) => Math.round(v * 100) / 100)) });
  }

  protected drawsActiveLabel(): boolean {
    return this.path !== undefined;
  }

  protected drawShapes(ctx: CanvasRenderingContext2D, t: ViewTransform): void {
    const d = this.drag;
    this.polygons.forEach((poly, i) => {
      const rings = d && d.poly === i ? d.rings : poly.rings;
      const color = this.colorOf(poly.label);
      strokeFor(ctx, t, { color, selected: i === this.selected, suggested: this.suggested });
      ctx.fillStyle = `${color}33`;
      traceRings(ctx, rings);
      ctx.fill('evenodd');
      ctx.stroke();
      if (this.showLabels && rings[0]) drawTag(ctx, t, rings[0][0]!, rings[0][1]!, poly.label, color);
      if (i === this.selected) {
        for (const ring of rings) drawHandles(ctx, t, Array.from({ length: vertexCount(ring) }, (_, k) => vertex(ring, k)), color);
        const sv = this.selectedVertex;
        if (sv && rings[sv[0]] && vertexCount(rings[sv[0]]!) > sv[1]) drawHandles(ctx, t, [vertex(rings[sv[0]]!, sv[1])], '#ff0000');
      }
    });
    if (this.path) {
      const color = this.colorOf(this.activeLabel ?? '');
      const open = this.hoverPoint ? [...this.path, this.hoverPoint.x, this.hoverPoint.y] : this.path;
      strokeFor(ctx, t, { color, selected: true, suggested: false });
      tracePath(ctx, open, false);
      ctx.stroke();
      drawHandles(ctx, t, Array.from({ length: vertexCount(this.path) }, (_, k) => vertex(this.path!, k)), color);
    }
  }

  private finish(): void {
    const ring = this.path;
    this.path = undefined;
    this.hoverPoint = undefined;
    if (!ring || !isValidRing(ring)) {
      this.dispatchEvent(noticeEvent('info', 'A polygon needs at least 3 points enclosing an area; it was discarded.'));
      return;
    }
    this.select(-1); // hotkeys keep choosing the next polygon's label; relabelling needs a click on it
    this.commit([...this.polygons, { label: this.activeLabel!, rings: [ring] }]);
  }

  private deleteSelection(sel: Polygon): void {
    const sv = this.selectedVertex;
    if (sv) {
      const ring = deleteVertex(sel.rings[sv[0]]!, sv[1]);
      const rings = ring ? sel.rings.map((r, k) => (k === sv[0] ? ring : r)) : sel.rings.filter((_, k) => k !== sv[0]);
      this.selectedVertex = undefined;
      if (rings.length) return this.replaceSelected({ ...sel, rings });
    }
    const i = this.selected;
    this.select(-1);
    this.commit(this.polygons.filter((_, k) => k !== i));
  }

  private select(i: number): void {
    this.selected = i;
    this.selectedVertex = undefined;
  }

  private clampPoint(p: Point): [number, number] {
    const s = this.size;
    const q = (v: number, hi: number) => Math.round(Math.min(hi, Math.max(0, v)) * 100) / 100;
    return [q(p.x, s.width), q(p.y, s.height)];
  }

  private replaceSelected(poly: Polygon): void {
    this.commit(this.polygons.map((p, i) => (i === this.selected ? poly : p)));
  }

  private commit(polygons: Polygon[]): void {
    this.polygons = polygons;
    this.dispatchEvent(changeEvent({ kind: 'polygons', polygons }));
  }
}

customElements.define('lbl-polygon-editor', LblPolygonEditor);
declare global {
  interface HTMLElementTagNameMap {
    'lbl-polygon-editor': LblPolygonEditor;
  }
}
