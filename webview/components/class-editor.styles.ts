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
    .push {
      margin-left: auto;
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
    /* Fit scales both ways: a 28x28 digit fills the stage like a photo does. */
    .stage.fit {
      overflow: hidden;
      position: relative;
    }
    .stage.fit img {
      position: absolute;
      inset: 8px;
      width: calc(100% - 16px);
      height: calc(100% - 16px);
      object-fit: contain;
    }
    /* Small images are enlarged with visible pixels rather than blurred. */
    .stage.small img {
      image-rendering: pixelated;
    }
    .stage.actual {
      place-items: start;
    }
  `,
];
