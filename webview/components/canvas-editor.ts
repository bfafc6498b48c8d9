/**
 * Base of the image editors drawn on one canvas (boxes, polygons): loads the image, keeps the canvas
 * sized to its viewport, zoom/pan through PanZoomController, redraws once per Lit update,
 * and turns pointer events into image-pixel points for the subclass.
 */
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { ImageSize } from '../../src/core/geometry/box';
import type { Point, ViewTransform } from '../../src/core/geometry/transform';
import type { LabelClass } from '../../src/core/model';
import { colorMap } from '../shared/colors';
import { fitLabel, hotkeyRange } from '../shared/hotkeys';
import { noticeEvent } from './editor';
import { canvasEditorStyles } from './canvas-editor.styles';
import { capturePointer, PanZoomController } from './pan-zoom-controller';
import { decodedImage, heldBitmap } from '../shared/image-cache';

export abstract class CanvasEditorBase extends LitElement {
  static override styles = canvasEditorStyles;
  static override properties = {
    imageUri: { attribute: false },
    imageWidth: { attribute: false },
    imageHeight: { attribute: false },
    labels: { attribute: false },
    activeLabel: { attribute: false },
    suggested: { type: Boolean },
    showLabels: { state: true },
  };
  declare imageUri: string | undefined;
  declare imageWidth: number | undefined;
  declare imageHeight: number | undefined;
  declare labels: LabelClass[];
  declare activeLabel: string | undefined;
  /** The shapes are an unconfirmed prelabel: dashed outlines and a badge. */
  declare suggested: boolean;
  declare showLabels: boolean;

  readonly panZoom = new PanZoomController(this, () => this.scheduleDraw());
  protected colors = new Map<string, string>();
  protected canvas?: HTMLCanvasElement;
  private image?: HTMLImageElement;
  private imageLoaded = false;

  constructor() {
    super();
    this.labels = [];
    this.suggested = false;
    this.showLabels = true;
  }

  /** Accessible name of the canvas, e.g. "Image with 3 boxes". */
  protected abstract describe(): string;
  protected abstract hint(): string;
  protected abstract drawShapes(ctx: CanvasRenderingContext2D, t: ViewTransform): void;
  protected abstract pointerDown(p: Point, e: PointerEvent): void;
  protected abstract pointerMove(p: Point, e: PointerEvent): void;
  protected abstract pointerUp(p: Point, e: PointerEvent): void;
  /** A new image arrived: drop the selection and any drawing or drag in progress. */
  protected abstract resetInteraction(): void;
  /** Editor keys (Esc, Del, arrows...); zoom keys are handled by the base. */
  protected abstract editorKey(e: KeyboardEvent): boolean;

  get transform(): ViewTransform {
    return this.panZoom.transform;
  }

  /** The image size in pixels: from the item when known, else from the loaded image. */
  get size(): ImageSize {
    return {
      width: this.imageWidth ?? this.image?.naturalWidth ?? 0,
      height: this.imageHeight ?? this.image?.naturalHeight ?? 0,
    };
  }

  handleKey(e: KeyboardEvent): boolean {
    if (e.key === ' ' && !e.repeat) {
      this.panZoom.spaceHeld = true;
      return true;
    }
    if (this.editorKey(e)) return true;
    if (e.key === 'L' && e.shiftKey && !e.ctrlKey && !e.metaKey) {
      this.showLabels = !this.showLabels;
      return true;
    }
    return this.panZoom.handleKey(e);
  }

  /** Space released: stop treating drags as pans (the app forwards keyup). */
  handleKeyUp(e: KeyboardEvent): void {
    if (e.key === ' ') this.panZoom.spaceHeld = false;
  }

  /** Draws synchronously (Lit updates draw too; the benchmark calls this to time one full draw). */
  flush(): void {
    this.drawNow();
  }

  /** Redraws in the next Lit update (one per microtask, however many changes come before it). */
  protected scheduleDraw(): void {
    this.requestUpdate();
  }

  /** A hint line that starts with what a label hotkey does now ("1-3: label for the next box"). */
  protected withHotkeys(action: string, rest: string): string {
    const keys = hotkeyRange(this.labels);
    return keys ? `${keys}: ${action} · ${rest}` : rest;
  }

  protected colorOf(label: string): string {
    return this.colors.get(label) ?? '#888888';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('labels')) this.colors = colorMap(this.labels);
    if (changed.has('imageUri')) this.loadImage();
    if (changed.has('imageWidth') || changed.has('imageHeight')) this.syncImageSize();
    if (changed.has('imageUri') && changed.get('imageUri') !== undefined) {
      this.panZoom.fit();
      this.resetInteraction();
    }
  }

  protected override firstUpdated(): void {
    this.canvas = this.renderRoot.querySelector('canvas')!;
    this.panZoom.observe(this.renderRoot.querySelector('.stage') as HTMLElement);
  }

  /** True while a shape in progress is drawn in the active label's colour (a new activeLabel must redraw it). */
  protected abstract drawsActiveLabel(): boolean;

  protected override updated(changed: PropertyValues<this>): void {
    // A label hotkey changes only activeLabel: the canvas shows it only on a shape being drawn, so the
    // shapes (1,000 boxes: ~11 ms of raster) are not redrawn for it.
    if (changed.size === 1 && changed.has('activeLabel') && !this.drawsActiveLabel()) return;
    this.drawNow();
  }

  override render() {
    return html`
      <div class="toolbar" role="toolbar" aria-label="Image view">
        <vscode-button secondary icon="screen-full" aria-label=${fitLabel(this.labels)} title=${fitLabel(this.labels)} @click=${() => this.panZoom.fit()}>Fit</vscode-button>
        <vscode-button secondary aria-label="Zoom 1:1" title="Zoom 1:1" @click=${() => this.panZoom.oneToOne()}>1:1</vscode-button>
        <vscode-button secondary icon="zoom-in" icon-only aria-label="Zoom in (+)" title="Zoom in (+)" @click=${() => this.panZoom.zoomBy(1.25)}></vscode-button>
        <vscode-button secondary icon="zoom-out" icon-only aria-label="Zoom out (-)" title="Zoom out (-)" @click=${() => this.panZoom.zoomBy(0.8)}></vscode-button>
        <span class="zoom" aria-live="polite">${this.panZoom.zoomPercent}%</span>
        <vscode-button secondary icon=${this.showLabels ? 'eye' : 'eye-closed'} aria-pressed=${this.showLabels ? 'true' : 'false'}
          aria-label="Show labels (Shift+L)" title="Show labels (Shift+L)" @click=${() => (this.showLabels = !this.showLabels)}>Labels</vscode-button>
        ${this.suggested ? html`<span class="suggested-badge" title="Prelabel: press Enter or Confirm to accept and submit it, or edit it">suggested</span>` : nothing}
        <span class="hint">${this.hint()}</span>
      </div>
      <div class="stage">
        <canvas tabindex="0" role="img" aria-label=${this.describe()}
          @pointerdown=${this.onPointerDown} @pointermove=${this.onPointerMove} @pointerup=${this.onPointerUp}
          @pointercancel=${this.onPointerUp} @wheel=${this.onWheel} @contextmenu=${(e: Event) => e.preventDefault()}></canvas>
      </div>
    `;
  }

  private loadImage(): void {
    this.imageLoaded = false;
    this.image = undefined;
    const uri = this.imageUri;
    if (!uri) return;
    const held = decodedImage(uri); // prefetched by the labeler while the previous item was shown
    if (held) {
      this.image = held;
      this.imageLoaded = true;
      this.syncImageSize();
      this.scheduleDraw();
      queueMicrotask(() => this.dispatchEvent(new Event('lbl-image-load')));
      return;
    }
    const img = new Image();
    img.decoding = 'async';
    img.onload = () => {
      if (this.imageUri !== uri) return;
      this.imageLoaded = true;
      this.syncImageSize();
      this.scheduleDraw();
      this.dispatchEvent(new Event('lbl-image-load'));
    };
    img.onerror = () => {
      if (this.imageUri === uri) this.dispatchEvent(noticeEvent('error', `The image could not be loaded: ${uri}`));
    };
    img.src = uri;
    this.image = img;
  }

  private syncImageSize(): void {
    const s = this.size;
    if (s.width > 0 && s.height > 0) this.panZoom.setImageSize(s.width, s.height);
  }

  private drawNow(): void {
    const canvas = this.canvas;
    if (!canvas) return;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(this.panZoom.viewWidth * dpr);
    const h = Math.round(this.panZoom.viewHeight * dpr);
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const t = this.panZoom.transform;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.setTransform(dpr * t.scale, 0, 0, dpr * t.scale, dpr * t.tx, dpr * t.ty);
    const s = this.size;
    ctx.globalAlpha = 1;
    // A bitmap the prefetch made draws at once; the element's first draw decodes the file again on this
    // thread (a 4000 x 3000 PNG: 126-151 ms). Looked up on each draw: the prefetch closes the ones it forgets.
    const src = this.image && this.imageLoaded ? (heldBitmap(this.imageUri ?? '') ?? this.image) : undefined;
    if (src) ctx.drawImage(src, 0, 0, s.width, s.height);
    else {
      ctx.fillStyle = 'rgba(128,128,128,0.2)';
      ctx.fillRect(0, 0, s.width, s.height);
    }
    this.drawShapes(ctx, t);
  }

  private onPointerDown(e: PointerEvent): void {
    this.canvas?.focus();
    if (this.panZoom.maybeStartPan(e)) return;
    if (e.button !== 0) return;
    capturePointer(this.canvas, e.pointerId);
    this.pointerDown(this.panZoom.imagePoint(e, this.canvas!), e);
  }

  private onPointerMove(e: PointerEvent): void {
    if (this.panZoom.movePan(e)) return;
    this.pointerMove(this.panZoom.imagePoint(e, this.canvas!), e);
  }

  private onPointerUp(e: PointerEvent): void {
    if (this.panZoom.endPan(e)) return;
    this.pointerUp(this.panZoom.imagePoint(e, this.canvas!), e);
  }

  private onWheel(e: WheelEvent): void {
    this.panZoom.onWheel(e, this.canvas!);
  }
}
