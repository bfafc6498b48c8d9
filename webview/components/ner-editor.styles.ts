import { css } from 'lit';
import { baseStyles, textPaneStyles } from '../shared/theme.styles';

export const nerEditorStyles = [
  baseStyles,
  textPaneStyles,
  css`
    .toolbar {
      padding: 4px 0;
      color: var(--vscode-descriptionForeground, #9d9d9d);
    }
    .text {
      line-height: 2.1;
    }
    .chunk {
      content-visibility: auto;
      contain-intrinsic-size: auto 400px;
    }
    mark {
      color: inherit;
      background: color-mix(in srgb, var(--c) 30%, transparent);
      border-bottom: 2px solid var(--c);
      border-radius: 2px;
      cursor: pointer;
    }
    mark.suggested {
      border-bottom-style: dashed;
      background: color-mix(in srgb, var(--c) 15%, transparent);
    }
    mark.end::after {
      content: attr(data-label);
      font-family: var(--vscode-font-family, sans-serif);
      font-size: 10px;
      line-height: 1;
      margin-left: 3px;
      padding: 1px 3px;
      border-radius: 2px;
      background: var(--c);
      color: var(--t);
      vertical-align: super;
      user-select: none;
    }
    mark.selected {
      outline: 2px solid var(--vscode-focusBorder, #0078d4);
    }
    .cursor {
      background: var(--vscode-editor-selectionBackground, #264f78);
      outline: 1px solid var(--vscode-focusBorder, #0078d4);
    }
    .overlap {
      border-bottom-style: double;
    }
  `,
];
