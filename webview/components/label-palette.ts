/**
 * lbl-label-palette: the project's label classes with their colours and hotkeys. `chosen` labels show
 * as pressed (classification); `active` is the label new shapes/spans get (drawing editors).
 *
 * @fires lbl-label-pick - {label} when a label is clicked (same effect as its hotkey)
 */
import { html, LitElement } from 'lit';
import type { LabelClass } from '../../src/core/model';
import { cssVars } from '../shared/css-vars';
import { labelPaletteStyles } from './label-palette.styles';

export interface LabelPickDetail {
  label: string;
}

export class LblLabelPalette extends LitElement {
  static override styles = labelPaletteStyles;
  static override properties = {
    labels: { attribute: false },
    chosen: { attribute: false },
    active: { attribute: false },
  };
  declare labels: LabelClass[];
  declare chosen: string[];
  declare active: string | undefined;

  constructor() {
    super();
    this.labels = [];
    this.chosen = [];
  }

  override render() {
    return html`<ul role="list" aria-label="Labels">
      ${this.labels.map((l) => {
        const pressed = this.chosen.includes(l.name);
        return html`<li>
          <button type="button" class=${l.name === this.active ? 'active' : ''} aria-pressed=${pressed ? 'true' : 'false'}
            aria-label=${l.hotkey ? `${l.name} (hotkey ${l.hotkey})` : l.name} aria-keyshortcuts=${l.hotkey ?? ''}
            ${cssVars({ '--c': l.color })} @click=${() => this.pick(l.name)}>
            <span class="swatch"></span><span>${l.name}</span>${l.hotkey ? html`<kbd>${l.hotkey}</kbd>` : ''}
          </button>
        </li>`;
      })}
    </ul>`;
  }

  private pick(label: string): void {
    this.dispatchEvent(new CustomEvent<LabelPickDetail>('lbl-label-pick', { detail: { label }, bubbles: true, composed: true }));
  }
}

customElements.define('lbl-label-palette', LblLabelPalette);
declare global {
  interface HTMLElementTagNameMap {
    'lbl-label-palette': LblLabelPalette;
  }
  interface HTMLElementEventMap {
    'lbl-label-pick': CustomEvent<LabelPickDetail>;
  }
}
