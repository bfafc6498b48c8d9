/**
 * lbl-mask-editor's toolbar: the tool buttons (brush, eraser, polygon fill, flood fill), the brush size
 * and overlay opacity sliders, the overlay toggle and undo/redo. It calls the editor's public API.
 */
import { html } from 'lit';
import type { LblMaskEditor, MaskTool } from './mask-editor';

export const MIN_BRUSH = 1;
export const MAX_BRUSH = 400;

export const TOOLS: readonly { tool: MaskTool; key: string; name: string; icon: string }[] = [
  { tool: 'brush', key: 'b', name: 'Brush', icon: 'edit' },
  { tool: 'eraser', key: 'e', name: 'Eraser', icon: 'eraser' },
  { tool: 'polygon', key: 'p', name: 'Polygon fill', icon: 'primitive-square' },
  { tool: 'fill', key: 'g', name: 'Flood fill', icon: 'paintcan' },
];

/** The toolbar over the canvas. */
export function renderMaskToolbar(ed: LblMaskEditor) {
  const brushLike = ed.tool === 'brush' || ed.tool === 'eraser';
  return html`<div class="toolbar tools" role="toolbar" aria-label="Mask tools">
      ${TOOLS.map(
        (t) => html`<vscode-button secondary icon=${t.icon} aria-pressed=${ed.tool === t.tool ? 'true' : 'false'}
          aria-label="${t.name} (${t.key.toUpperCase()})" title="${t.name} (${t.key.toUpperCase()})" data-tool=${t.tool}
          @click=${() => ed.setTool(t.tool)}>${t.name}</vscode-button>`,
      )}
      <label>Size
        <input type="range" class="size" min=${MIN_BRUSH} max=${MAX_BRUSH} step="1" .value=${String(ed.brushSize)} ?disabled=${!brushLike}
          aria-label="Brush size in pixels ([ and ])" title="Brush size ([ smaller, ] larger)"
          @input=${(e: Event) => ed.setBrushSize(Number((e.target as HTMLInputElement).value))}>
        <span class="value">${ed.brushSize} px</span>
      </label>
      <label>Opacity
        <input type="range" class="opacity" min="0" max="100" step="5" .value=${String(Math.round(ed.opacity * 100))}
          aria-label="Mask overlay opacity" @input=${(e: Event) => (ed.opacity = Number((e.target as HTMLInputElement).value) / 100)}>
        <span class="value">${Math.round(ed.opacity * 100)}%</span>
      </label>
      <vscode-button secondary icon=${ed.showOverlay ? 'eye' : 'eye-closed'} aria-pressed=${ed.showOverlay ? 'true' : 'false'} class="overlay-toggle"
        aria-label="Show the mask overlay (O)" title="Show the mask overlay (O)" @click=${() => (ed.showOverlay = !ed.showOverlay)}>Mask</vscode-button>
      <vscode-button secondary icon="discard" ?disabled=${!ed.canUndo} aria-label="Undo stroke (Ctrl+Z)" title="Undo stroke (Ctrl/Cmd+Z)" @click=${() => ed.undo()}></vscode-button>
      <vscode-button secondary icon="redo" ?disabled=${!ed.canRedo} aria-label="Redo stroke (Ctrl+Shift+Z)" title="Redo stroke (Ctrl/Cmd+Shift+Z)" @click=${() => ed.redo()}></vscode-button>
    </div>`;
}
