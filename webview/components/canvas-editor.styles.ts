import { css } from 'lit';
import { baseStyles } from '../shared/theme.styles';

export const canvasEditorStyles = [
  baseStyles,
  css`
    :host {
      display: flex;
      flex-direction: column;
      min-height: 240px;
      height: 100%;
    }
    .toolbar {
      padding: 4px 0;
    }
    .zoom {
      min-width: 4em;
      text-align: right;
      font-variant-numeric: tabular-nums;
      color: var(--vscode-descriptionForeground, #9d9d9d);
    }
    .hint {
      color: var(--vscode-descriptionForeground, #9d9d9d);
      margin-left: auto;
    }
    .stage {
      position: relative;
      flex: 1;
      min-height: 200px;
      overflow: hidden;
      background: var(--vscode-editor-background, #1e1e1e);
      border: 1px solid var(--vscode-panel-border, #2b2b2b);
    }
    canvas {
      position: absolute;
      inset: 0;
      width: 100%;
      height: 100%;
      touch-action: none;
      cursor: crosshair;
    }
  `,
];
