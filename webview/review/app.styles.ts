import { css } from 'lit';
import { appStyles } from '../labeler/app.styles';
import { baseStyles } from '../shared/theme.styles';

/** Row height of the virtualised list, in px (the list positions rows by it). */
export const ROW_HEIGHT = 26;

const chips = css`
  .who,
  .span-chip {
    display: inline-block;
    border-radius: 2px;
    padding: 0 6px;
    margin: 1px 4px 1px 0;
    line-height: 18px;
  }
  .who {
    background: var(--c);
    color: var(--t);
    font-weight: 600;
  }
  .span-chip {
    border: 1px solid var(--c);
  }
  .muted {
    color: var(--vscode-descriptionForeground, #9d9d9d);
  }
`;

export const viewerStyles = [
  baseStyles,
  chips,
  css`
    :host {
      display: flex;
      flex-direction: column;
      min-height: 0;
    }
    .frame {
      flex: 1;
      min-height: 0;
      display: flex;
      flex-direction: column;
    }
    .frame > lbl-box-editor,
    .frame > lbl-polygon-editor,
    .frame > lbl-class-editor,
    .frame > lbl-ner-editor,
    .frame > lbl-mask-editor {
      flex: 1;
      min-height: 0;
    }
    .mask-overlay {
      flex: 1;
      min-height: 0;
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(240px, 1fr));
      gap: 6px;
    }
    .mask-of {
      display: flex;
      flex-direction: column;
      min-height: 240px;
    }
    .mask-of > lbl-mask-editor {
      flex: 1;
      min-height: 0;
    }
    .frame.editing {
      outline: 1px dashed var(--vscode-focusBorder, #0078d4);
    }
    .legend {
      padding: 2px 0;
    }
    .overlay-list {
      overflow: auto;
      display: flex;
      flex-direction: column;
      gap: 4px;
    }
    .text {
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      font-family: var(--vscode-editor-font-family, monospace);
      background: var(--vscode-editor-background, #1e1e1e);
      border: 1px solid var(--vscode-panel-border, #2b2b2b);
      padding: 6px 10px;
      margin: 4px 0 0;
    }
    .thumb {
      max-width: 100%;
      max-height: 60vh;
      object-fit: contain;
    }
  `,
];

export const reviewStyles = [
  ...appStyles,
  chips,
  css`
    .filters {
      display: flex;
      flex-wrap: wrap;
      gap: 6px 12px;
      align-items: center;
    }
    .filters label {
      display: flex;
      gap: 4px;
      align-items: center;
    }
    select,
    input {
      background: var(--vscode-dropdown-background, #3c3c3c);
      color: var(--vscode-dropdown-foreground, #cccccc);
      border: 1px solid var(--vscode-dropdown-border, #3c3c3c);
      font: inherit;
      padding: 1px 4px;
    }
    input[type='text'] {
      background: var(--vscode-input-background, #3c3c3c);
      color: var(--vscode-input-foreground, #cccccc);
      border-color: var(--vscode-input-border, #3c3c3c);
    }
    .body {
      flex: 1;
      min-height: 0;
      display: flex;
      gap: 8px;
    }
    .list {
      width: 34%;
      min-width: 220px;
      display: flex;
      flex-direction: column;
      border: 1px solid var(--vscode-panel-border, #2b2b2b);
    }
    .list-head {
      padding: 2px 6px;
      color: var(--vscode-descriptionForeground, #9d9d9d);
      display: flex;
      gap: 6px;
      align-items: center;
    }
    .scroller {
      flex: 1;
      overflow-y: auto;
      position: relative;
      outline: none;
    }
    .spacer {
      height: var(--h);
      position: relative;
    }
    .row {
      position: absolute;
      left: 0;
      right: 0;
      top: var(--top);
      height: ${ROW_HEIGHT}px;
      line-height: ${ROW_HEIGHT}px;
      padding: 0 6px;
      display: flex;
      gap: 6px;
      cursor: pointer;
      white-space: nowrap;
      overflow: hidden;
    }
    .row .k {
      flex: 1;
      display: flex;
      min-width: 0;
      overflow: hidden;
      font-family: var(--vscode-editor-font-family, monospace);
    }
    /* The start of a key gives way (ellipsis); its row id or file name stays whole. */
    .row .k .kh {
      min-width: 0;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .row .k .kt {
      flex-shrink: 0;
    }
    .row .s {
      color: var(--vscode-descriptionForeground, #9d9d9d);
    }
    .row.checked {
      background: var(--vscode-list-inactiveSelectionBackground, #37373d);
    }
    .row.current {
      background: var(--vscode-list-activeSelectionBackground, #04395e);
      color: var(--vscode-list-activeSelectionForeground, #ffffff);
    }
    .row:hover:not(.current) {
      background: var(--vscode-list-hoverBackground, #2a2d2e);
    }
    .detail {
      flex: 1;
      min-width: 0;
      display: flex;
      flex-direction: column;
      gap: 6px;
    }
    .detail > lbl-review-viewer {
      flex: 1;
      min-height: 0;
    }
    .views {
      display: flex;
      flex-wrap: wrap;
      gap: 4px;
    }
    .views button {
      background: var(--vscode-button-secondaryBackground, #3a3d41);
      color: var(--vscode-button-secondaryForeground, #ffffff);
      border: 1px solid var(--vscode-button-border, var(--vscode-panel-border, #3c3c3c));
      padding: 1px 8px;
      cursor: pointer;
      font: inherit;
    }
    .views button[aria-pressed='true'] {
      border-color: var(--vscode-focusBorder, #0078d4);
      background: var(--vscode-button-background, #0e639c);
      color: var(--vscode-button-foreground, #ffffff);
    }
    .meta {
      color: var(--vscode-descriptionForeground, #9d9d9d);
      display: flex;
      flex-wrap: wrap;
      gap: 4px 12px;
    }
    .why {
      color: var(--vscode-editorWarning-foreground, #cca700);
    }
    .reject-form {
      display: flex;
      gap: 8px;
      align-items: center;
      flex-wrap: wrap;
    }
    .reject-form input[type='text'] {
      flex: 1;
      min-width: 200px;
    }
    .list .empty,
    .detail .empty {
      flex: 1;
      padding: 16px;
    }
  `,
];
