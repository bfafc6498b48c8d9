/**
 * Reactive controller for zoom and pan over an image drawn in a viewport element: wheel zoom around
 * the cursor, +/- keys, fit and 1:1, pan by space-drag or middle-button drag. It owns the view
 * transform (core/geometry/transform) and asks the host to redraw when it changes.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  fitTransform, IDENTITY, oneToOneTransform, panBy, toImage, zoomAt, type Point, type ViewTransform,
} from '../../src/core/geometry/transform';

export class PanZoomController implements ReactiveController {
  transform: ViewTransform = IDENTITY;
  viewWidth = 0;
  viewHeight = 0;
  /** True while space is held: a primary-button drag then pans instead of editing. */
  spaceHeld = false;
  private imageW = 0;
  private imageH = 0;
  /** Stay fitted when the view resizes, until the user zooms or pans. */
  private fitted = true;
  private pan?: { pointerId: number; last: Point };
  private observer?: ResizeObserver;

  constructor(host: ReactiveControllerHost, private readonly changed: () => void) {
    host.addController(this);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.observer?.disconnect();
    this.observer = undefined;
  }

  /** Tracks the viewport's size (CSS px). */
  observe(viewport: HTMLElement): void {
    this.observer?.disconnect();
    this.observer = new ResizeObserver(() => this.setViewport(viewport.clientWidth, viewport.clientHeight));
    this.observer.observe(viewport);
    this.setViewport(viewport.clientWidth, viewport.clientHeight);
  }

  setViewport(w: number, h: number): void {
    if (w === this.viewWidth && h === this.viewHeight) return;
    this.viewWidth = w;
    this.viewHeight = h;
    if (this.fitted) this.fit();
    else this.changed();
  }

  setImageSize(w: number, h: number): void {
    if (w === this.imageW && h === this.imageH) return;
    this.imageW = w;
    this.imageH = h;
    this.fit();
  }

  /** Fits the image in the view, scaling small images up too (MNIST digits are 28x28). */
  fit(): void {
    this.fitted = true;
    this.transform = fitTransform(this.imageW, this.imageH, this.viewWidth, this.viewHeight, 8, true);
    this.changed();
  }

  oneToOne(): void {
    this.fitted = false;
    this.transform = oneToOneTransform(this.imageW, this.imageH, this.viewWidth, this.viewHeight);
    this.changed();
  }

  /** Zooms around a viewport point (default: the centre). */
  zoomBy(factor: number, anchor: Point = { x: this.viewWidth / 2, y: this.viewHeight / 2 }): void {
    this.fitted = false;
    this.transform = zoomAt(this.transform, factor, anchor);
    this.changed();
  }

  get zoomPercent(): number {
    return Math.round(this.transform.scale * 100);
  }

  /** Viewport point (CSS px relative to `el`) of a pointer or wheel event. */
  viewPoint(e: { clientX: number; clientY: number }, el: Element): Point {
    const r = el.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  imagePoint(e: { clientX: number; clientY: number }, el: Element): Point {
    return toImage(this.transform, this.viewPoint(e, el));
  }

  onWheel(e: WheelEvent, el: Element): void {
    e.preventDefault();
    const factor = Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015));
    this.zoomBy(factor, this.viewPoint(e, el));
  }

  /** Starts a pan if this pointer-down is a middle-button press or a space-drag; returns true if so. */
  maybeStartPan(e: PointerEvent): boolean {
    if (e.button !== 1 && !(e.button === 0 && this.spaceHeld)) return false;
    e.preventDefault();
    this.pan = { pointerId: e.pointerId, last: { x: e.clientX, y: e.clientY } };
    capturePointer(e.target as Element, e.pointerId);
    return true;
  }

  /** Continues a pan; returns true if this pointer is panning. */
  movePan(e: PointerEvent): boolean {
    if (!this.pan || this.pan.pointerId !== e.pointerId) return false;
    this.fitted = false;
    this.transform = panBy(this.transform, e.clientX - this.pan.last.x, e.clientY - this.pan.last.y);
    this.pan.last = { x: e.clientX, y: e.clientY };
    this.changed();
    return true;
  }

  endPan(e: PointerEvent): boolean {
    if (!this.pan || this.pan.pointerId !== e.pointerId) return false;
    this.pan = undefined;
    return true;
  }

  get panning(): boolean {
    return this.pan !== undefined;
  }

  /** Zoom keys: + / = zoom in, - zoom out, 0 fit. Returns true if handled. */
  handleKey(e: KeyboardEvent): boolean {
    if (e.ctrlKey || e.metaKey || e.altKey) return false;
    if (e.key === '+' || e.key === '=') this.zoomBy(1.25);
    else if (e.key === '-' || e.key === '_') this.zoomBy(0.8);
    else if (e.key === '0') this.fit();
    else return false;
    return true;
  }
}

/** Keeps pointer events coming to `el` during a drag; a pointer that is no longer active is ignored. */
export function capturePointer(el: Element | undefined, pointerId: number): void {
  try {
    el?.setPointerCapture(pointerId);
  } catch {
    // NotFoundError: the pointer was released already (or is synthetic); the drag still works inside el.
  }
}
