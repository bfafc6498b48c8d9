/**
 * lbl-class-editor: text or image classification. Multi-class: a hotkey selects one label (replacing
 * the previous); multi-label: hotkeys toggle. Text is rendered as text and scrolls; images show zoomed
 * to fit or at 1:1.
 *
 * @fires lbl-change - {annotation} after every edit
 * @fires lbl-notice - {kind, text} when the image cannot be loaded
 */
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { LabelClass } from '../../src/core/model';
import { colorMap, textOn } from '../shared/colors';
import { cssVars } from '../shared/css-vars';
import { fitLabel } from '../shared/hotkeys';
import { classEditorStyles } from './class-editor.styles';
import { changeEvent, noticeEvent, type LabelEditor } from './editor';

export class LblClassEditor extends LitElement implements LabelEditor {
  static override styles = classEditorStyles;
  static override properties = {
    text: { attribute: false },
    imageUri: { attribute: false },
    labels: { attribute: false },
    chosen: { attribute: false },
    multi: { type: Boolean },
    suggested: { type: Boolean },
    zoom: { state: true },
    small: { state: true },
  };
  declare text: string | undefined;
  declare imageUri: string | undefined;
  declare labels: LabelClass[];
  /** The chosen label names. */
  declare chosen: string[];
  declare multi: boolean;
  declare suggested: boolean;
  declare zoom: 'fit' | 'actual';
  /** True for images under 256x256 px, drawn with visible pixels when enlarged. */
  declare small: boolean;
  private colors = new Map<string, string>();

  constructor() {
    super();
    this.labels = [];
    this.chosen = [];
    this.multi = false;
    this.suggested = false;
    this.zoom = 'fit';
    this.small = false;
  }

  applyLabel(label: string): boolean {
    let next: string[];
    if (this.multi) next = this.chosen.includes(label) ? this.chosen.filter((l) => l !== label) : [...this.chosen, label];
    else next = [label];
    if (next.length !== this.chosen.length || next.some((l, i) => l !== this.chosen[i])) {
      this.chosen = next;
      this.dispatchEvent(changeEvent({ kind: 'classes', labels: next }));
    }
    return true;
  }

  /** Zoom keys of an image item (0 fit, + or = 1:1); the app offers a label hotkey 0 to the label first. */
  handleKey(e: KeyboardEvent): boolean {
    if (!this.imageUri || e.ctrlKey || e.metaKey || e.altKey) return false;
    if (e.key === '0') this.zoom = 'fit';
    else if (e.key === '=' || e.key === '+') this.zoom = 'actual';
    else return false;
    return true;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('labels')) this.colors = colorMap(this.labels);
  }

  override render() {
    return html`
      <div class="chosen toolbar" aria-live="polite">
        ${this.chosen.length
          ? this.chosen.map((l) => {
              const c = this.colors.get(l) ?? '#888888';
              return html`<span class="chip ${this.suggested ? 'suggested' : ''}" ${cssVars({ '--c': c, '--t': textOn(c) })}>${l}</span>`;
            })
          : html`<span class="none">${this.multi ? 'No labels yet: press hotkeys to toggle labels' : 'No label yet: press a hotkey to choose one'}</span>`}
        ${this.suggested ? html`<span class="suggested-badge" title="Prelabel: press Enter or Confirm to accept and submit it, or change it">suggested</span>` : nothing}
        ${this.imageUri
          ? html`<span class="push"></span>
              <vscode-button secondary icon="screen-full" aria-pressed=${this.zoom === 'fit' ? 'true' : 'false'} aria-label=${fitLabel(this.labels)} @click=${() => (this.zoom = 'fit')}>Fit</vscode-button>
              <vscode-button secondary aria-pressed=${this.zoom === 'actual' ? 'true' : 'false'} aria-label="Zoom 1:1 (+)" @click=${() => (this.zoom = 'actual')}>1:1</vscode-button>`
          : nothing}
      </div>
      ${this.imageUri
        ? html`<div class="stage ${this.zoom} ${this.small ? 'small' : ''}"><img src=${this.imageUri} alt="Item image" @load=${this.onImageLoad} @error=${this.onImageError} /></div>`
        : html`<pre class="text" tabindex="0" aria-label="Item text">${this.text ?? ''}</pre>`}
    `;
  }

  private onImageLoad = (e: Event): void => {
    const img = e.target as HTMLImageElement;
    this.small = img.naturalWidth * img.naturalHeight < 256 * 256;
  };

  private onImageError(): void {
    this.dispatchEvent(noticeEvent('error', `The image could not be loaded: ${this.imageUri}`));
  }
}

customElements.define('lbl-class-editor', LblClassEditor);
declare global {
  interface HTMLElementTagNameMap {
    'lbl-class-editor': LblClassEditor;
  }
}
