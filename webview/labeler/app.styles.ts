import { css } from 'lit';
import { baseStyles } from '../shared/theme.styles';

export const appStyles = [
  baseStyles,
  css`
    :host {
      display: flex;
      flex-direction: column;
      height: 100vh;
      padding: 8px 12px;
      gap: 6px;
      background: var(--vscode-editor-background, #1e1e1e);
    }
    header {
      display: flex;
      align-items: baseline;
      gap: 12px;
      flex-wrap: wrap;
    }
    h1 {
      font-size: 1.1em;
      margin: 0;
      font-weight: 600;
    }
    .key {
      color: var(--vscode-descriptionForeground, #9d9d9d);
      font-family: var(--vscode-editor-font-family, monospace);
      overflow-wrap: anywhere;
    }
    .progress {
      margin-left: auto;
      font-variant-numeric: tabular-nums;
    }
    .banner {
      padding: 6px 10px;
      border-radius: 2px;
      display: flex;
      gap: 8px;
      align-items: center;
    }
    .banner.paused,
    .banner.warning {
      background: var(--vscode-inputValidation-warningBackground, #352a05);
      border: 1px solid var(--vscode-inputValidation-warningBorder, #b89500);
    }
    .banner.error {
      background: var(--vscode-inputValidation-errorBackground, #5a1d1d);
      border: 1px solid var(--vscode-inputValidation-errorBorder, #be1100);
    }
    .banner.info {
      background: var(--vscode-inputValidation-infoBackground, #063b49);
      border: 1px solid var(--vscode-inputValidation-infoBorder, #007acc);
    }
    .banner .close {
      margin-left: auto;
    }
    main {
      flex: 1;
      min-height: 0;
      display: flex;
      flex-direction: column;
    }
    main > * {
      flex: 1;
      min-height: 0;
    }
    footer {
      display: flex;
      gap: 6px;
      align-items: center;
      flex-wrap: wrap;
    }
    footer .spacer {
      flex: 1;
    }
    .empty {
      display: flex;
      flex-direction: column;
      align-items: center;
      justify-content: center;
      gap: 8px;
      text-align: center;
      color: var(--vscode-descriptionForeground, #9d9d9d);
    }
    .empty h2 {
      color: var(--vscode-foreground, #cccccc);
      font-size: 1.2em;
      margin: 0;
    }
    .empty .codicon {
      font-size: 32px;
    }
  `,
];
