/**
 * lbl-review-viewer: one annotation of an item in the labeling panel's editors (webview/components),
 * read-only unless `editable` (Decide). The editors have no read-only mode of their own: this wrapper
 * stops the pointer and mouse events that edit (pointerdown, mouseup) before they reach the editor, in
 * the capture phase, and swallows any lbl-change; wheel zoom and the zoom buttons still work.
 *
 * The overlay (`overlay` set) draws every labeler's shapes in one image editor, each labeler in their
 * own colour (the tag reads "labeler · label"); for classes and spans it lists what each labeler chose,
 * in their colour. Masks (semantic segmentation) are drawn by read-only mask editors from the runs the
 * item carries (ReviewItem.masks, decoded once per blob); the overlay shows one per labeler, side by
 * side, each under its labeler's name.
 *
 * @fires lbl-change - {annotation} only when `editable`
 */
import { html, LitElement, nothing } from 'lit';
import { annotationKindOf, isMultiLabel, type Annotation, type LabelClass, type ProjectType, type Span } from '../../src/core/model';
import type { ReviewItem, ReviewLabelerAnnotation } from '../../src/protocol/review';
import { decodeRuns } from '../../src/protocol/mask-transport';
import '../components/box-editor';
import '../components/mask-editor';
import '../components/class-editor';
import type { LabelEditor } from '../components/editor';
import '../components/ner-editor';
import '../components/polygon-editor';
import { cssVars } from '../shared/css-vars';
import { textOn } from '../shared/colors';
import { viewerStyles } from './app.styles';

/** Labeler colours (distinct from typical label colours, readable on dark and light themes). */
const LABELER_COLORS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#bfef45', '#fabed4', '#469990'];

export function labelerColor(labelers: readonly string[], who: string): string {
  const i = [...labelers].sort().indexOf(who);
  return LABELER_COLORS[(i < 0 ? 0 : i) % LABELER_COLORS.length]!;
}

const OVERLAY_SEP = ' · ';

export class LblReviewViewer extends LitElement {
  static override styles = viewerStyles;
  static override properties = {
    item: { attribute: false },
    type: { attribute: false },
    labels: { attribute: false },
    annotation: { attribute: false },
    overlay: { attribute: false },
    editable: { type: Boolean },
    suggested: { type: Boolean },
    activeLabel: { attribute: false },
    ignoreLabel: { attribute: false },
  };
  declare item: ReviewItem | undefined;
  declare type: ProjectType;
  declare labels: LabelClass[];
  /** The annotation shown (ignored with `overlay`). */
  declare annotation: Annotation | undefined;
  /** Every labeler's annotation, drawn together. */
  declare overlay: ReviewLabelerAnnotation[] | undefined;
  declare editable: boolean;
  declare suggested: boolean;
  declare activeLabel: string | undefined;
  /** Semantic segmentation: the ignore class's name (index 255). */
  declare ignoreLabel: string | undefined;

  constructor() {
    super();
    this.labels = [];
    this.editable = false;
    this.suggested = false;
    this.type = 'text-classification';
  }

  /** Decoded masks by blob: the same array for the same blob (a new one resets an editor). */
  private readonly rasters = new Map<string, Uint8Array | null>();

  /** The raster of a mask annotation, from the item's runs; undefined when the host sent none. */
  maskOf(a: Annotation | undefined): Uint8Array | undefined {
    if (a?.kind !== 'mask') return undefined;
    let r = this.rasters.get(a.blob);
    if (r === undefined) {
      const m = this.item?.masks?.[a.blob];
      try {
        r = m ? decodeRuns(m.runs, m.width, m.height) : null;
      } catch {
        r = null;
      }
      if (m) this.rasters.set(a.blob, r);
      if (this.rasters.size > 16) this.rasters.delete(this.rasters.keys().next().value!);
    }
    return r ?? undefined;
  }

  private maskEditor(item: ReviewItem, a: Annotation | undefined, id?: string) {
    return html`<lbl-mask-editor id=${id ?? nothing} .imageUri=${item.imageUri} .imageWidth=${item.width} .imageHeight=${item.height}
      .labels=${this.labels} .activeLabel=${this.activeLabel} .ignoreLabel=${this.ignoreLabel} .mask=${this.maskOf(a)} ?suggested=${this.suggested}></lbl-mask-editor>`;
  }

  /** The editor shown, if any. */
  get editor(): LabelEditor | undefined {
    return (this.renderRoot.querySelector('#editor') as LabelEditor | null) ?? undefined;
  }

  private readonly block = {
    handleEvent: (e: Event) => {
      // A mask is never painted here: Decide takes a labeler's mask as it is (a painted one would need its raster sent).
      if (this.editable && annotationKindOf(this.type) !== 'mask') return;
      // The editor's toolbar (Fit, 1:1, zoom) stays usable: only what lands on the image or the text is stopped.
      const onButton = e.composedPath().some((t) => t instanceof HTMLElement && t.tagName === 'VSCODE-BUTTON');
      if (!onButton) e.stopPropagation();
    },
    capture: true,
  };

  private readonly swallow = {
    handleEvent: (e: Event) => {
      if (!this.editable) e.stopPropagation();
    },
    capture: false,
  };

  override render() {
    const item = this.item;
    if (!item) return nothing;
    return html`<div class="frame ${this.editable ? 'editing' : 'readonly'}" aria-readonly=${this.editable ? 'false' : 'true'}
      @pointerdown=${this.block} @mousedown=${this.block} @mouseup=${this.block} @lbl-change=${this.swallow}>
      ${this.overlay ? this.renderOverlay(item, this.overlay) : this.renderEditor(item, this.annotation)}
    </div>`;
  }

  private renderEditor(item: ReviewItem, a: Annotation | undefined) {
    const labels = this.labels;
    const kind = a?.kind ?? annotationKindOf(this.type);
    switch (kind) {
      case 'classes':
        return html`<lbl-class-editor id="editor" .text=${item.text} .imageUri=${item.imageUri} .labels=${labels}
          .chosen=${a?.kind === 'classes' ? a.labels : []} ?multi=${isMultiLabel(this.type)} ?suggested=${this.suggested}></lbl-class-editor>`;
      case 'spans':
        return html`<lbl-ner-editor id="editor" .text=${item.text ?? ''} .spans=${a?.kind === 'spans' ? a.spans : []} .labels=${labels} ?suggested=${this.suggested}></lbl-ner-editor>`;
      case 'boxes':
        return html`<lbl-box-editor id="editor" .imageUri=${item.imageUri} .imageWidth=${item.width} .imageHeight=${item.height}
          .labels=${labels} .activeLabel=${this.activeLabel} .boxes=${a?.kind === 'boxes' ? a.boxes : []} ?suggested=${this.suggested}></lbl-box-editor>`;
      case 'polygons':
        return html`<lbl-polygon-editor id="editor" .imageUri=${item.imageUri} .imageWidth=${item.width} .imageHeight=${item.height}
          .labels=${labels} .activeLabel=${this.activeLabel} .polygons=${a?.kind === 'polygons' ? a.polygons : []} ?suggested=${this.suggested}></lbl-polygon-editor>`;
      case 'mask':
        return this.maskEditor(item, a, 'editor');
    }
  }

  private renderOverlay(item: ReviewItem, all: ReviewLabelerAnnotation[]) {
    const who = all.map((a) => a.labeler);
    const kind = annotationKindOf(this.type);
    if (kind === 'mask') {
      // One read-only mask per labeler, under their name in their colour.
      return html`<div class="mask-overlay" role="list" aria-label="Every labeler's mask">
        ${all.map((a) => html`<div class="mask-of" role="listitem" aria-label=${`${a.labeler}'s mask`}>
          <span class="who" ${cssVars({ '--c': labelerColor(who, a.labeler), '--t': textOn(labelerColor(who, a.labeler)) })}>${a.labeler}</span>
          ${this.maskEditor(item, a.annotation)}
        </div>`)}
      </div>`;
    }
    if (kind === 'boxes' || kind === 'polygons') {
      // Each labeler's shapes in their colour: the labels become "labeler · label", coloured by labeler.
      const names = new Map<string, LabelClass>();
      const tag = (labeler: string, label: string): string => {
        const name = `${labeler}${OVERLAY_SEP}${label}`;
        if (!names.has(name)) names.set(name, { name, color: labelerColor(who, labeler) });
        return name;
      };
      if (kind === 'boxes') {
        const boxes = all.flatMap((a) => (a.annotation.kind === 'boxes' ? a.annotation.boxes.map((b) => ({ ...b, label: tag(a.labeler, b.label) })) : []));
        return html`${this.legend(who)}<lbl-box-editor id="editor" .imageUri=${item.imageUri} .imageWidth=${item.width} .imageHeight=${item.height}
          .labels=${[...names.values()]} .boxes=${boxes}></lbl-box-editor>`;
      }
      const polygons = all.flatMap((a) => (a.annotation.kind === 'polygons' ? a.annotation.polygons.map((p) => ({ ...p, label: tag(a.labeler, p.label) })) : []));
      return html`${this.legend(who)}<lbl-polygon-editor id="editor" .imageUri=${item.imageUri} .imageWidth=${item.width} .imageHeight=${item.height}
        .labels=${[...names.values()]} .polygons=${polygons}></lbl-polygon-editor>`;
    }
    if (kind === 'spans') {
      const text = item.text ?? '';
      return html`<div class="overlay-list" role="list" aria-label="Every labeler's spans">
        ${all.map((a) => html`<div class="who-row" role="listitem">
          <span class="who" ${cssVars({ '--c': labelerColor(who, a.labeler), '--t': textOn(labelerColor(who, a.labeler)) })}>${a.labeler}</span>
          ${a.annotation.kind === 'spans' && a.annotation.spans.length
            ? a.annotation.spans.map((s: Span) => html`<span class="span-chip" ${cssVars({ '--c': labelerColor(who, a.labeler) })} title=${`${s.start}-${s.end}`}>${s.label}: “${text.slice(s.start, s.end)}”</span>`)
            : html`<span class="muted">no spans</span>`}
        </div>`)}
      </div>`;
    }
    return html`<div class="overlay-list" role="list" aria-label="Every labeler's labels">
      ${all.map((a) => html`<div class="who-row" role="listitem">
        <span class="who" ${cssVars({ '--c': labelerColor(who, a.labeler), '--t': textOn(labelerColor(who, a.labeler)) })}>${a.labeler}</span>
        ${a.annotation.kind === 'classes' && a.annotation.labels.length
          ? a.annotation.labels.map((l) => html`<span class="span-chip" ${cssVars({ '--c': labelerColor(who, a.labeler) })}>${l}</span>`)
          : html`<span class="muted">no label</span>`}
      </div>`)}
      ${item.text !== undefined ? html`<pre class="text">${item.text}</pre>` : nothing}
      ${item.imageUri ? html`<img class="thumb" src=${item.imageUri} alt=${item.key} />` : nothing}
    </div>`;
  }

  private legend(who: string[]) {
    return html`<div class="legend" aria-label="Labeler colours">${who.map(
      (w) => html`<span class="who" ${cssVars({ '--c': labelerColor(who, w), '--t': textOn(labelerColor(who, w)) })}>${w}</span>`,
    )}</div>`;
  }
}

customElements.define('lbl-review-viewer', LblReviewViewer);
declare global {
  interface HTMLElementTagNameMap {
    'lbl-review-viewer': LblReviewViewer;
  }
}
