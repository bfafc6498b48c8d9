/**
 * lbl-ner-editor: named-entity spans over a text rendered as text (Lit text bindings only).
 * Select with the mouse or keyboard (arrows move a token cursor, Shift+arrows extend, Home/End); the
 * selection snaps to whole tokens; a label hotkey tags it. Click a span to select it, then a hotkey
 * relabels it and Del deletes it. Overlapping spans are refused with a message. The text is laid out
 * in chunks (core/spans/layout) that re-render only when their spans change and are skipped by the
 * browser while off screen (content-visibility).
 *
 * @fires lbl-change - {annotation} after every edit
 * @fires lbl-notice - {kind, text} e.g. when an overlapping span is refused
 */
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import type { LabelClass, Span } from '../../src/core/model';
import { cursorFromRange, cursorRange, isCursorKey, moveCursor, type TokenCursor } from '../../src/core/spans/cursor';
import { addSpan, relabelSpan, removeSpan, spanAtOffset } from '../../src/core/spans/edit';
import { layoutChunks, type Chunk, type Segment } from '../../src/core/spans/layout';
import { snapToTokens, tokenize, type Token } from '../../src/core/spans/tokenize';
import { colorMap, textOn } from '../shared/colors';
import { cssVars } from '../shared/css-vars';
import { changeEvent, noticeEvent, type LabelEditor } from './editor';
import { nerEditorStyles } from './ner-editor.styles';

interface Range {
  start: number;
  end: number;
}

export class LblNerEditor extends LitElement implements LabelEditor {
  static override styles = nerEditorStyles;
  static override properties = {
    text: { attribute: false },
    spans: { attribute: false },
    labels: { attribute: false },
    suggested: { type: Boolean },
    cursor: { state: true },
    selectedSpan: { state: true },
  };
  declare text: string;
  declare spans: Span[];
  declare labels: LabelClass[];
  declare suggested: boolean;
  /** Keyboard/mouse token selection; undefined when nothing is selected. */
  declare cursor: TokenCursor | undefined;
  /** Index of the clicked span, -1 for none. */
  declare selectedSpan: number;

  private tokens: Token[] = [];
  private chunks: Chunk[] = [];
  private colors = new Map<string, string>();

  constructor() {
    super();
    this.text = '';
    this.spans = [];
    this.labels = [];
    this.suggested = false;
    this.selectedSpan = -1;
  }

  /** The selected character range (whole tokens), if any. */
  get selection(): Range | undefined {
    return this.cursor && this.tokens.length ? cursorRange(this.tokens, this.cursor) : undefined;
  }

  applyLabel(label: string): boolean {
    if (this.selectedSpan >= 0) {
      if (this.spans[this.selectedSpan]!.label !== label) this.commit(relabelSpan(this.spans, this.selectedSpan, label));
      return true;
    }
    const sel = this.selection;
    if (!sel) return false;
    const r = addSpan(this.spans, { ...sel, label }, this.text);
    if (!r.ok) {
      this.dispatchEvent(noticeEvent('warning', r.message));
      return true;
    }
    this.commit(r.spans);
    // Ready for the next entity: the cursor moves to the token after the new span.
    const next = Math.min(this.tokens.length - 1, Math.max(this.cursor!.anchor, this.cursor!.focus) + 1);
    this.cursor = { anchor: next, focus: next };
    return true;
  }

  handleKey(e: KeyboardEvent): boolean {
    if (e.ctrlKey || e.metaKey || e.altKey) return false;
    if (isCursorKey(e.key)) {
      let from = this.cursor;
      if (!from && this.selectedSpan >= 0) from = cursorFromRange(this.tokens, this.spans[this.selectedSpan]!.start, this.spans[this.selectedSpan]!.end);
      this.selectedSpan = -1;
      this.cursor = moveCursor(from, e.key, e.shiftKey, this.tokens.length);
      this.updateComplete.then(() => this.scrollToCursor());
      return true;
    }
    if (e.key === 'Escape' && (this.cursor || this.selectedSpan >= 0)) {
      this.cursor = undefined;
      this.selectedSpan = -1;
      return true;
    }
    if ((e.key === 'Delete' || e.key === 'Backspace') && this.selectedSpan >= 0) {
      const i = this.selectedSpan;
      this.selectedSpan = -1;
      this.commit(removeSpan(this.spans, i));
      return true;
    }
    return false;
  }

  /** Selects the tokens covering a character range, as a mouse selection would. */
  selectRange(start: number, end: number): void {
    const snapped = snapToTokens(this.tokens, start, end);
    this.cursor = snapped ? cursorFromRange(this.tokens, snapped.start, snapped.end) : undefined;
    if (this.cursor) this.selectedSpan = -1;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('text')) {
      this.tokens = tokenize(this.text);
      this.cursor = undefined;
      this.selectedSpan = -1;
    }
    if (changed.has('labels')) this.colors = colorMap(this.labels);
    if (changed.has('text') || changed.has('spans')) {
      this.chunks = layoutChunks(this.text, this.spans);
      if (this.selectedSpan >= this.spans.length) this.selectedSpan = -1;
    }
  }

  override render() {
    const sel = this.selection;
    const span = this.selectedSpan >= 0 ? this.spans[this.selectedSpan] : undefined;
    return html`
      <div class="toolbar">
        ${sel ? html`Selected: “${clip(this.text.slice(sel.start, sel.end))}” — press a label hotkey to tag` : span ? html`Span “${clip(this.text.slice(span.start, span.end))}” (${span.label}) — hotkey relabels, Del deletes` : 'Select text with the mouse, or arrows (Shift extends), then press a label hotkey'}
        ${this.suggested ? html`<span class="suggested-badge" title="Prelabel: press Enter or Confirm to accept and submit it, or edit it">suggested</span>` : nothing}
      </div>
      <div class="text" tabindex="0" role="document" aria-label=${`Item text with ${this.spans.length} spans`} @mouseup=${this.onMouseUp}>${repeat(
        this.chunks,
        (c) => c.start,
        (c) => {
          const cs = sel && sel.start < c.end && c.start < sel.end ? `${Math.max(sel.start, c.start)}-${Math.min(sel.end, c.end)}` : '';
          const ss = span && span.start < c.end && c.start < span.end ? this.selectedSpan : -1;
          return guard([c.end, c.signature, this.text, cs, ss, this.colors, this.suggested], () => this.renderChunk(c, sel, ss));
        },
      )}</div>
    `;
  }

  private renderChunk(c: Chunk, sel: Range | undefined, selectedSpan: number) {
    return html`<div class="chunk">${c.segments.map((s) => this.renderSegment(s, sel, selectedSpan))}</div>`;
  }

  private renderSegment(s: Segment, sel: Range | undefined, selectedSpan: number) {
    // Split plain text and marks at the selection's edges so the token cursor shows exactly.
    const parts: [number, number, boolean][] = [];
    if (sel && sel.start < s.end && s.start < sel.end) {
      const a = Math.max(s.start, sel.start);
      const b = Math.min(s.end, sel.end);
      if (a > s.start) parts.push([s.start, a, false]);
      parts.push([a, b, true]);
      if (b < s.end) parts.push([b, s.end, false]);
    } else parts.push([s.start, s.end, false]);
    const inner = parts.map(([a, b, cur]) =>
      cur ? html`<span class="cursor" data-o=${a}>${this.text.slice(a, b)}</span>` : html`<span data-o=${a}>${this.text.slice(a, b)}</span>`,
    );
    if (!s.spans.length) return inner;
    const i = s.spans[s.spans.length - 1]!;
    const sp = this.spans[i]!;
    const color = this.colors.get(sp.label) ?? '#888888';
    const cls = `${this.suggested ? 'suggested' : ''} ${sp.end === s.end ? 'end' : ''} ${i === selectedSpan ? 'selected' : ''} ${s.spans.length > 1 ? 'overlap' : ''}`;
    return html`<mark class=${cls} data-label=${sp.label} ${cssVars({ '--c': color, '--t': textOn(color) })}
      title=${sp.label} aria-label=${`${sp.label}: ${this.text.slice(sp.start, sp.end)}`}>${inner}</mark>`;
  }

  private onMouseUp(): void {
    const root = this.renderRoot as ShadowRoot & { getSelection?: () => Selection | null };
    const s = root.getSelection?.() ?? document.getSelection();
    if (!s || s.rangeCount === 0) return;
    const r = s.getRangeAt(0);
    const a = this.offsetOf(r.startContainer, r.startOffset);
    const b = this.offsetOf(r.endContainer, r.endOffset);
    if (a === undefined || b === undefined) return;
    if (a === b) {
      const hit = spanAtOffset(this.spans, a);
      this.cursor = undefined;
      this.selectedSpan = hit;
    } else {
      this.selectRange(Math.min(a, b), Math.max(a, b));
      s.removeAllRanges();
    }
  }

  /** Character offset of a DOM position inside the text: each segment part is one text node in a [data-o] element. */
  private offsetOf(node: Node, offset: number): number | undefined {
    const el = node instanceof Element ? node : node.parentElement;
    const host = el?.closest('[data-o]');
    if (!host) return undefined;
    const base = Number(host.getAttribute('data-o'));
    if (node.nodeType === Node.TEXT_NODE) return base + offset;
    return offset === 0 ? base : base + (host.textContent?.length ?? 0);
  }

  private scrollToCursor(): void {
    this.renderRoot.querySelector('.cursor')?.scrollIntoView({ block: 'nearest' });
  }

  private commit(spans: Span[]): void {
    this.spans = spans;
    this.dispatchEvent(changeEvent({ kind: 'spans', spans }));
  }
}

function clip(s: string, max = 40): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

customElements.define('lbl-ner-editor', LblNerEditor);
declare global {
  interface HTMLElementTagNameMap {
    'lbl-ner-editor': LblNerEditor;
  }
}
