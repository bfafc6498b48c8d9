/**
 * The Review panel's filters (asset type, labeler and the pair's other labeler, label, agreement below, time range), each choice
 * with its count from the host (ReviewCountsResult). A render function over the app's filter and
 * counts, drawn inside the app's shadow root; a change calls app.setFilter.
 */
import { html, nothing } from 'lit';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { REVIEW_ASSETS, type ReviewAsset } from '../../src/protocol/review';
import type { LblReviewApp } from './app';
import { fmt } from './format';

export const ASSET_TITLES: Record<ReviewAsset, string> = {
  labeled: 'Labeled',
  skipped: 'Skipped',
  'needs-review': 'Needs review',
  conflicts: 'Review conflicts',
  prelabeled: 'Prelabeled',
  approved: 'Approved',
  rejected: 'Rejected',
};

/** ms since the epoch <-> the value of an <input type="datetime-local"> (local time). */
function toLocalInput(ms: number | undefined): string {
  if (ms === undefined) return '';
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
function fromLocalInput(v: string): number | undefined {
  if (!v) return undefined;
  const t = new Date(v).getTime();
  return Number.isFinite(t) ? t : undefined;
}

/** The filter bar. */
export function renderFilters(app: LblReviewApp) {
  const c = app.counts;
  const f = app.filter;
  const n = (x: number | undefined) => (x === undefined ? '' : ` (${fmt(x)})`);
  const labelers = Object.keys(c?.labelers ?? {}).sort();
  if (f.labeler && !labelers.includes(f.labeler)) labelers.push(f.labeler);
  const labels = app.state!.project.labels.map((l) => l.name);
  return html`<div class="filters" role="group" aria-label="Filters">
    <label>Asset
      <select id="f-asset" aria-label="Asset type" @change=${(e: Event) => app.setFilter({ ...f, asset: ((e.target as HTMLSelectElement).value || undefined) as ReviewAsset | undefined })}>
        <option value="" ?selected=${!f.asset}>All items</option>
        ${REVIEW_ASSETS.map((a) => html`<option value=${a} ?selected=${f.asset === a}>${ASSET_TITLES[a]}${n(c?.assets[a])}</option>`)}
      </select></label>
    <label>Labeler
      <select id="f-labeler" aria-label="Labeler" @change=${(e: Event) => {
        // A pair's filter names this labeler's other half: choosing another labeler drops it.
        const { disagreeWith: _pair, ...rest } = f;
        void app.setFilter({ ...rest, labeler: (e.target as HTMLSelectElement).value || undefined });
      }}>
        <option value="" ?selected=${!f.labeler}>Anyone</option>
        ${labelers.map((l) => html`<option value=${l} ?selected=${f.labeler === l}>${l}${n(c?.labelers[l])}</option>`)}
      </select></label>
    ${f.disagreeWith
      ? html`<span class="pair" id="f-pair">labeled differently by <code>${f.disagreeWith}</code>
          <vscode-button secondary icon="close" aria-label=${`Show all of ${f.labeler ?? ''}'s items, not only those ${f.disagreeWith} labeled differently`}
            @click=${() => {
              const { disagreeWith: _pair, ...rest } = f;
              void app.setFilter(rest);
            }}></vscode-button></span>`
      : nothing}
    <label>Label
      <select id="f-label" aria-label="Label" @change=${(e: Event) => app.setFilter({ ...f, label: (e.target as HTMLSelectElement).value || undefined })}>
        <option value="" ?selected=${!f.label}>Any</option>
        ${labels.map((l) => html`<option value=${l} ?selected=${f.label === l}>${l}${n(c?.labels[l] ?? 0)}</option>`)}
      </select></label>
    <label>Agreement below
      <input id="f-agreement" type="number" min="1" max="100" step="1" aria-label="Agreement below (percent)" .value=${f.agreementBelow !== undefined ? String(Math.round(f.agreementBelow * 100)) : ''}
        @change=${(e: Event) => {
          const v = Number((e.target as HTMLInputElement).value);
          void app.setFilter({ ...f, agreementBelow: (e.target as HTMLInputElement).value && v > 0 && v <= 100 ? v / 100 : undefined });
        }} />%${c?.agreementBelow !== undefined ? html`<span class="muted">(${fmt(c.agreementBelow)})</span>` : nothing}</label>
    <label>From <input id="f-from" type="datetime-local" aria-label="Labeled from" .value=${toLocalInput(f.from)}
      @change=${(e: Event) => app.setFilter({ ...f, from: fromLocalInput((e.target as HTMLInputElement).value) })} /></label>
    <label>To <input id="f-to" type="datetime-local" aria-label="Labeled before" .value=${toLocalInput(f.to)}
      @change=${(e: Event) => app.setFilter({ ...f, to: fromLocalInput((e.target as HTMLInputElement).value) })} /></label>
    ${Object.keys(f).length ? html`<vscode-button secondary icon="clear-all" @click=${() => app.setFilter({})}>Clear</vscode-button>` : nothing}
  </div>`;
}
