import { css } from 'lit';
import { baseStyles } from '../shared/theme.styles';

export const labelPaletteStyles = [
  baseStyles,
  css`
    :host {
      display: block;
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
      display: flex;
      flex-wrap: wrap;
      gap: 4px;
    }
    button {
      display: inline-flex;
      align-items: center;
      gap: 6px;
      font: inherit;
      color: var(--vscode-foreground, #cccccc);
      background: var(--vscode-button-secondaryBackground, #313131);
      border: 1px solid transparent;
      border-radius: 2px;
      padding: 2px 8px;
      cursor: pointer;
    }
    button:hover {
      background: var(--vscode-button-secondaryHoverBackground, #3c3c3c);
    }
    button[aria-pressed='true'] {
      border-color: var(--vscode-focusBorder, #0078d4);
      background: var(--vscode-list-activeSelectionBackground, #04395e);
      color: var(--vscode-list-activeSelectionForeground, #ffffff);
    }
    button.active {
      border-style: dashed;
      border-color: var(--vscode-focusBorder, #0078d4);
    }
    .swatch {
      width: 10px;
      height: 10px;
      border-radius: 2px;
      background: var(--c);
      outline: 1px solid var(--vscode-contrastBorder, transparent);
    }
    kbd {
      font-family: var(--vscode-editor-font-family, monospace);
      font-size: 11px;
      padding: 0 4px;
      border-radius: 3px;
      background: var(--vscode-keybindingLabel-background, rgba(128, 128, 128, 0.17));
      color: var(--vscode-keybindingLabel-foreground, #cccccc);
      border: 1px solid var(--vscode-keybindingLabel-border, rgba(51, 51, 51, 0.6));
    }
  `,
];
