/**
 * The dashboard's look: text in --vscode-* colours, chart marks only in --vscode-charts-* (by class),
 * a contrast border on every mark in High Contrast themes (--vscode-contrastBorder is set only there)
 * and the focus border on the focused mark.
 */
import { css } from 'lit';

export const dashboardStyles = css`
  :host {
    display: block;
    padding: 16px 24px 32px;
    max-width: 1100px;
    color: var(--vscode-foreground);
    font-family: var(--vscode-font-family);
    font-size: var(--vscode-font-size);
  }
  header {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    align-items: flex-start;
    gap: 12px;
  }
  h1 {
    font-size: 1.5em;
    font-weight: 600;
    margin: 0 0 4px;
  }
  h2 {
    font-size: 1.1em;
    font-weight: 600;
    margin: 0;
  }
  h3 {
    font-size: 1em;
    font-weight: 600;
    margin: 12px 0 4px;
  }
  .sub,
  .muted {
    color: var(--vscode-descriptionForeground);
  }
  section {
    margin-top: 20px;
  }
  .section-head {
    display: flex;
    align-items: baseline;
    justify-content: space-between;
    border-bottom: 1px solid var(--vscode-widget-border, var(--vscode-panel-border));
    padding-bottom: 4px;
    margin-bottom: 8px;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
    margin: 8px 0;
  }
  button.link {
    background: none;
    border: none;
    padding: 0;
    font: inherit;
    color: var(--vscode-textLink-foreground);
    cursor: pointer;
  }
  button.link:hover,
  a:hover {
    color: var(--vscode-textLink-activeForeground);
    text-decoration: underline;
  }
  a {
    color: var(--vscode-textLink-foreground);
  }
  .error {
    color: var(--vscode-errorForeground);
    font-weight: normal;
  }

  /* Charts: colours by class, from the theme only. */
  svg {
    display: block;
    overflow: visible;
  }
  .c-blue { fill: var(--vscode-charts-blue); }
  .c-green { fill: var(--vscode-charts-green); }
  .c-yellow { fill: var(--vscode-charts-yellow); }
  .c-foreground { fill: var(--vscode-charts-foreground); }
  .c-purple { fill: var(--vscode-charts-purple); }
  .c-red { fill: var(--vscode-charts-red); }
  .c-lines { fill: var(--vscode-charts-lines); }
  .track {
    fill: none;
    stroke: var(--vscode-charts-lines);
    stroke-width: 1;
    vector-effect: non-scaling-stroke;
  }
  .axis {
    stroke: var(--vscode-charts-lines);
    vector-effect: non-scaling-stroke;
  }
  .mark {
    stroke: var(--vscode-contrastBorder, transparent);
    stroke-width: 1;
    vector-effect: non-scaling-stroke;
    outline: none;
  }
  .mark:hover {
    opacity: 0.85;
  }
  .mark:focus-visible,
  .mark:focus {
    stroke: var(--vscode-focusBorder);
    stroke-width: 2;
  }
  .chart.stacked svg.bar {
    width: 100%;
    height: 28px;
  }
  .legend {
    list-style: none;
    display: flex;
    flex-wrap: wrap;
    gap: 4px 16px;
    padding: 0;
    margin: 8px 0 0;
  }
  .legend li {
    display: flex;
    align-items: center;
    gap: 6px;
  }
  .legend li.zero {
    color: var(--vscode-descriptionForeground);
  }
  .swatch {
    width: 10px;
    height: 10px;
    flex: none;
  }
  .swatch rect {
    stroke: var(--vscode-contrastBorder, transparent);
  }
  .bar-row {
    display: grid;
    grid-template-columns: minmax(80px, 200px) 1fr minmax(60px, auto);
    align-items: center;
    gap: 8px;
    margin: 2px 0;
  }
  .bar-row .name {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .bar-row svg.bars {
    width: 100%;
    height: 20px;
  }
  .bar-row .values {
    font-variant-numeric: tabular-nums;
    color: var(--vscode-descriptionForeground);
  }
  .chart.days {
    display: grid;
    grid-template-columns: auto 1fr;
    grid-template-rows: 140px auto;
    gap: 2px 6px;
  }
  .chart.days svg.columns {
    width: 100%;
    height: 140px;
  }
  .y-axis {
    display: flex;
    flex-direction: column;
    justify-content: space-between;
    color: var(--vscode-descriptionForeground);
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  .x-axis {
    grid-column: 2;
    display: flex;
    justify-content: space-between;
    color: var(--vscode-descriptionForeground);
  }
  .readout {
    min-height: 1.4em;
    margin: 4px 0;
    color: var(--vscode-descriptionForeground);
    font-variant-numeric: tabular-nums;
  }

  /* Tables and counts. */
  .table-wrap {
    overflow-x: auto;
  }
  table.data {
    border-collapse: collapse;
    margin: 8px 0;
  }
  table.data caption {
    text-align: left;
    color: var(--vscode-descriptionForeground);
    padding-bottom: 4px;
  }
  table.data th,
  table.data td {
    text-align: left;
    padding: 3px 16px 3px 0;
    font-variant-numeric: tabular-nums;
    vertical-align: top;
  }
  table.data thead th {
    color: var(--vscode-descriptionForeground);
    font-weight: normal;
    border-bottom: 1px solid var(--vscode-widget-border, var(--vscode-panel-border));
  }
  table.data tbody th {
    font-weight: normal;
  }
  .counts {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(150px, 1fr));
    gap: 8px;
  }
  .count {
    border: 1px solid var(--vscode-widget-border, var(--vscode-panel-border));
    padding: 8px 12px;
  }
  .count .n {
    font-size: 1.4em;
    font-weight: 600;
    font-variant-numeric: tabular-nums;
  }
  .count .what {
    color: var(--vscode-descriptionForeground);
  }
  dl.agreement-summary {
    display: grid;
    grid-template-columns: max-content auto;
    gap: 2px 16px;
  }
  dl.agreement-summary dd {
    margin: 0;
    font-variant-numeric: tabular-nums;
  }
  .summary {
    margin: 4px 0 8px;
  }
`;
