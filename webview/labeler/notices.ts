/**
 * The labeling panel's notices: the one banner about a paused project (after a refused submit it also
 * says the label was not saved), and the main area without an item: no data (the data source matched
 * no files) or no more items in the queue. Functions over the app; its render calls them.
 */
import { html, nothing } from 'lit';
import type { LblLabelerApp } from './app';

const fmt = (n: number) => n.toLocaleString('en-US');

/** The one banner about a paused project; after a refused submit it also says the label was not saved. */
export function renderPaused(app: LblLabelerApp) {
  const text = app.refusedWhilePaused
    ? 'This project is paused: this label was not saved. Labels can be submitted again when a manager resumes the project.'
    : 'This project is paused. You can look at items, but labels cannot be submitted until a manager resumes it.';
  return html`<div class="banner paused" role="alert"><span class="codicon codicon-debug-pause"></span>${text}</div>`;
}

/** The main area without an item: no data (the data source matched no files) or no more items in the queue. */
export function renderEmpty(app: LblLabelerApp) {
  const s = app.state!;
  if (s.noData) {
    return html`<div class="empty" role="status">
      <span class="codicon codicon-warning"></span>
      <h2>No items: the data source matched no files</h2>
      <p>${s.noData.globs.map((g, i) => html`${i ? ', ' : ''}<code>${g}</code>`)} ${s.noData.globs.length > 1 ? 'match' : 'matches'} no file in this
        workspace folder, so there is nothing to label yet. Fix the <code>glob</code> under <code>dataSources</code> in
        <code>${s.noData.definition}</code> (the project reloads by itself), or add the files, then run
        <strong>Labeling: Refresh Project Data</strong>.</p>
      <div class="toolbar"><vscode-button icon="refresh" @click=${() => app.next()}>Check again</vscode-button></div>
    </div>`;
  }
  return html`<div class="empty" role="status">
    <span class="codicon codicon-pass"></span>
    <h2>No more items in the queue</h2>
    <p>Every item available to you is labeled, skipped or waiting for other labelers (${fmt(s.progress.mine)} labeled by you).
      New items appear here when the data sources change or a manager assigns you more.
      ${s.canGoBack ? 'You can go back to check your earlier items.' : ''}</p>
    <div class="toolbar">
      ${s.canGoBack ? html`<vscode-button secondary icon="arrow-left" @click=${() => app.back()}>Back to my last item</vscode-button>` : nothing}
      <vscode-button icon="refresh" @click=${() => app.next()}>Check again</vscode-button>
    </div>
  </div>`;
}
