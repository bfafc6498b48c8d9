/**
 * lbl-instructions: the project's instructions.md in a collapsible section. Rendered from a tiny safe
 * Markdown subset with Lit templates (headings, bullet and numbered lists, paragraphs, **bold**,
 * `code`); everything is text, never HTML.
 *
 * @fires lbl-instructions-toggle - {open} when expanded or collapsed
 */
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import { baseStyles } from '../shared/theme.styles';
import { css } from 'lit';

type Block = { kind: 'h'; level: number; text: string } | { kind: 'ul' | 'ol'; items: string[] } | { kind: 'p'; text: string };

/** Splits Markdown text into headings, lists and paragraphs. */
export function parseBlocks(md: string): Block[] {
  const blocks: Block[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length) blocks.push({ kind: 'p', text: para.join('\n') });
    para = [];
  };
  for (const raw of md.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trimEnd();
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    const ul = /^\s*[-*+]\s+(.*)$/.exec(line);
    const ol = /^\s*\d+[.)]\s+(.*)$/.exec(line);
    if (!line.trim()) flush();
    else if (h) {
      flush();
      blocks.push({ kind: 'h', level: h[1]!.length, text: h[2]! });
    } else if (ul || ol) {
      flush();
      const kind = ul ? 'ul' : 'ol';
      const last = blocks[blocks.length - 1];
      const item = (ul ?? ol)![1]!;
      if (last && last.kind === kind) last.items.push(item);
      else blocks.push({ kind, items: [item] });
    } else para.push(line);
  }
  flush();
  return blocks;
}

/** **bold** and `code` inside a line, as Lit templates over text. */
function inline(text: string): (TemplateResult | string)[] {
  const out: (TemplateResult | string)[] = [];
  const re = /\*\*([^*]+)\*\*|`([^`]+)`/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(m[1] !== undefined ? html`<strong>${m[1]}</strong>` : html`<code>${m[2]}</code>`);
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export class LblInstructions extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host { display: block; }
      .body { padding: 4px 12px 8px; max-height: 30vh; overflow: auto; }
      p { white-space: pre-wrap; margin: 4px 0; }
      h1, h2, h3, h4, h5, h6 { font-size: 1.05em; margin: 8px 0 4px; }
      ul, ol { margin: 4px 0; padding-left: 20px; }
      code { font-family: var(--vscode-editor-font-family, monospace); background: var(--vscode-textCodeBlock-background, rgba(128,128,128,0.15)); padding: 0 3px; }
      .empty { color: var(--vscode-descriptionForeground, #9d9d9d); }
    `,
  ];
  static override properties = { text: { attribute: false }, open: { type: Boolean } };
  declare text: string;
  declare open: boolean;

  constructor() {
    super();
    this.text = '';
    this.open = true;
  }

  override render() {
    const blocks = parseBlocks(this.text);
    return html`<vscode-collapsible heading="Instructions" ?open=${this.open} @vsc-collapsible-toggle=${this.onToggle}>
      <div class="body">
        ${blocks.length ? blocks.map((b) => this.block(b)) : html`<p class="empty">This project has no instructions.</p>`}
      </div>
    </vscode-collapsible>`;
  }

  private block(b: Block) {
    switch (b.kind) {
      case 'h':
        return html`<h4 aria-level=${b.level}>${inline(b.text)}</h4>`;
      case 'ul':
        return html`<ul>${b.items.map((i) => html`<li>${inline(i)}</li>`)}</ul>`;
      case 'ol':
        return html`<ol>${b.items.map((i) => html`<li>${inline(i)}</li>`)}</ol>`;
      case 'p':
        return html`<p>${inline(b.text)}</p>`;
    }
    return nothing;
  }

  private onToggle(e: CustomEvent<{ open: boolean }>): void {
    this.open = e.detail.open;
    this.dispatchEvent(new CustomEvent('lbl-instructions-toggle', { detail: { open: this.open }, bubbles: true, composed: true }));
  }
}

customElements.define('lbl-instructions', LblInstructions);
declare global {
  interface HTMLElementTagNameMap {
    'lbl-instructions': LblInstructions;
  }
}
