import { css } from 'lit';
import { canvasEditorStyles } from './canvas-editor.styles';

export const maskEditorStyles = [
  ...canvasEditorStyles,
  css`
    .tools {
      padding: 4px 0 0;
    }
    .tools label {
      display: inline-flex;
      align-items: center;
      gap: 4px;
      color: var(--vscode-descriptionForeground, #9d9d9d);
    }
    .tools input[type='range'] {
      width: 96px;
      accent-color: var(--vscode-button-background, #0078d4);
    }
    .tools input[type='range']:focus-visible {
      outline: 1px solid var(--vscode-focusBorder, #0078d4);
      outline-offset: 2px;
    }
    .tools .value {
      min-width: 3.5em;
      font-variant-numeric: tabular-nums;
    }
    /* The pressed tool: an underline, so it is not mistaken for the focus outline. */
    vscode-button[aria-pressed='true'] {
      box-shadow: inset 0 -2px 0 var(--vscode-focusBorder, #0078d4);
    }
    canvas.overlay {
      pointer-events: none;
    }
  `,
];
