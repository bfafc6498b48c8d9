import { css } from 'lit';

export const detailsStyles = css`
  :host {
    display: block;
    padding: 16px 24px;
    max-width: 960px;
    color: var(--vscode-foreground);
  }
  h1 {
    font-size: 1.5em;
    font-weight: 600;
    margin: 0 0 4px;
  }
  .sub {
    color: var(--vscode-descriptionForeground);
    margin-bottom: 16px;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    margin-bottom: 20px;
  }
  .paused,
  .warning {
    border: 1px solid var(--vscode-inputValidation-warningBorder, var(--vscode-editorWarning-foreground));
    background: var(--vscode-inputValidation-warningBackground, transparent);
    padding: 8px 12px;
    margin-bottom: 16px;
  }
  h2 {
    font-size: 1.1em;
    font-weight: 600;
    margin: 20px 0 8px;
    border-bottom: 1px solid var(--vscode-widget-border, var(--vscode-panel-border));
    padding-bottom: 4px;
  }
  .counts {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(130px, 1fr));
    gap: 8px;
  }
  table.assigned,
  table.pairs {
    border-collapse: collapse;
    margin: 8px 0;
  }
  table.assigned th,
  table.assigned td,
  table.pairs th,
  table.pairs td {
    text-align: left;
    padding: 2px 16px 2px 0;
    font-variant-numeric: tabular-nums;
  }
  table.assigned thead th,
  table.pairs thead th {
    color: var(--vscode-descriptionForeground);
    font-weight: normal;
  }
  h3 {
    font-size: 1em;
    font-weight: 600;
    margin: 12px 0 4px;
  }
  .count {
    border: 1px solid var(--vscode-widget-border, var(--vscode-panel-border));
    border-radius: 4px;
    padding: 8px 10px;
  }
  .count .n {
    font-size: 1.6em;
    font-variant-numeric: tabular-nums;
  }
  .count .what {
    color: var(--vscode-descriptionForeground);
  }
  .labels {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
  }
  .chip {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    border: 1px solid var(--vscode-widget-border, var(--vscode-panel-border));
    border-radius: 12px;
    padding: 2px 10px 2px 6px;
  }
  .swatch {
    width: 12px;
    height: 12px;
    border-radius: 50%;
    background: var(--c);
    forced-color-adjust: none;
  }
  kbd {
    font-family: var(--vscode-editor-font-family);
    border: 1px solid var(--vscode-keybindingLabel-border, currentColor);
    border-bottom-width: 2px;
    border-radius: 3px;
    padding: 0 4px;
    font-size: 0.9em;
    background: var(--vscode-keybindingLabel-background, transparent);
    color: var(--vscode-keybindingLabel-foreground, inherit);
  }
  dl {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 4px 16px;
    margin: 0;
  }
  dt {
    color: var(--vscode-descriptionForeground);
  }
  dd {
    margin: 0;
  }
  code {
    font-family: var(--vscode-editor-font-family);
    background: var(--vscode-textCodeBlock-background);
    padding: 0 3px;
    border-radius: 3px;
  }
  .problems li {
    color: var(--vscode-errorForeground);
  }
  .muted {
    color: var(--vscode-descriptionForeground);
  }
`;
