import { css } from 'lit';
import { baseStyles, textPaneStyles } from '../shared/theme.styles';

export const classEditorStyles = [
  baseStyles,
  textPaneStyles,
  css`
    .chosen {
      min-height: 28px;
      padding: 4px 0;
    }
    .chip {
      display: inline-block;
      margin-right: 4px;
      padding: 1px 8px;
      border-radius: 10px;
      background: var(--c);
      color: var(--t);
    }
    .chip.suggested {
      background: transparent;
      color: inherit;
      border: 1px dashed var(--c);
    }
    .none {
      color: var(--vscode-descriptionForeground, #9d9d9d);
    }
    .stage {
      flex: 1;
      overflow: auto;
      min-height: 200px;
      background: var(--vscode-editor-background, #1e1e1e);
      border: 1px solid var(--vscode-panel-border, #2b2b2b);
      display: grid;
      place-items: center;
    }
    .stage.fit img {
      max-width: 100%;
      max-height: 100%;
      object-fit: contain;
    }
    .stage.fit {
      overflow: hidden;
    }
    .stage.actual {
      place-items: start;
    }
  `,
];
