/**
 * The Review panel's list: a keyset-paged, virtualised list of the items matching the filter (only the
 * rows in view, and a few either side, are drawn; ROW_HEIGHT places them), rows checked for a bulk
 * action, and the bulk actions. Render and scroll functions over the app, drawn inside its shadow root;
 * the paging itself (reload, loadMore) is the app's.
 */
import { html, nothing } from 'lit';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { cssVars } from '../shared/css-vars';
import { bulk, toggleChecked } from './actions';
import type { LblReviewApp } from './app';
import { ROW_HEIGHT } from './app.styles';
import { fmt, pct } from './format';

/** The list with its head (how many match, how many are checked) and the bulk actions; `more`: pages remain to load. */
export function renderList(app: LblReviewApp, more: boolean) {
  const rows = app.rows;
  const first = Math.max(0, Math.floor(app.scrollTop / ROW_HEIGHT) - 5);
  const last = Math.min(rows.length, Math.ceil((app.scrollTop + app.viewport) / ROW_HEIGHT) + 5);
  const nChecked = app.checked.size;
  const canReview = !!app.state?.project.canReview;
  return html`<section class="list" aria-label="Items">
    <div class="list-head" role="status">
      <span>${app.matching !== undefined ? `${fmt(app.matching)} matching` : `${fmt(rows.length)}${more ? '+' : ''} listed`}</span>
      ${nChecked || app.allMatching ? html`<span>· ${app.allMatching ? `all ${fmt(app.matching ?? 0)}` : fmt(nChecked)} selected</span>` : nothing}
    </div>
    ${rows.length
      ? html`<div class="scroller" tabindex="0" role="listbox" aria-label="Review list" aria-multiselectable="true" @scroll=${(e: Event) => onListScroll(app, e)}>
          <div class="spacer" ${cssVars({ '--h': `${rows.length * ROW_HEIGHT}px` })}>
            ${rows.slice(first, last).map((r, j) => {
              const i = first + j;
              return html`<div class="row ${i === app.index ? 'current' : ''} ${app.checked.has(r.key) ? 'checked' : ''}" role="option"
                aria-selected=${i === app.index ? 'true' : 'false'} data-key=${r.key} ${cssVars({ '--top': `${i * ROW_HEIGHT}px` })}
                @click=${(e: MouseEvent) => (e.ctrlKey || e.metaKey || e.shiftKey ? toggleChecked(app, r.key) : void app.select(i))}>
                <input type="checkbox" aria-label=${`Select ${r.key}`} .checked=${app.checked.has(r.key)} @click=${(e: Event) => {
                  e.stopPropagation();
                  toggleChecked(app, r.key);
                }} />
                <span class="k" title=${r.key}><span class="kh">${keyHead(r.key)}</span><span class="kt">${keyTail(r.key)}</span></span>
                <span class="s">${r.conflict ? 'conflict' : r.state}${r.agreement !== undefined ? ` · ${pct(r.agreement)}` : ''}${r.labelers.length ? ` · ${r.labelers.length}` : ''}</span>
              </div>`;
            })}
          </div>
        </div>`
      : html`<div class="empty" role="status"><span class="codicon codicon-filter"></span><h2>No items match</h2>
          <p>${Object.keys(app.filter).length ? 'Nothing matches these filters yet. New labels appear here by themselves.' : 'This project has no items yet.'}</p></div>`}
    ${canReview && rows.length
      ? html`<div class="list-head toolbar" role="group" aria-label="Bulk actions">
          <label><input type="checkbox" id="all-matching" .checked=${app.allMatching} @change=${(e: Event) => (app.allMatching = (e.target as HTMLInputElement).checked)} /> All matching</label>
          <vscode-button secondary ?disabled=${app.busy || (!nChecked && !app.allMatching)} @click=${() => bulk(app, 'approve')}>Approve</vscode-button>
          <vscode-button secondary ?disabled=${app.busy || (!nChecked && !app.allMatching)} @click=${() => bulk(app, 'reject')}>Reject</vscode-button>
          <vscode-button secondary ?disabled=${app.busy || (!nChecked && !app.allMatching)} @click=${() => bulk(app, 'accept-skip')}>Accept skip</vscode-button>
          <vscode-button secondary ?disabled=${app.busy || (!nChecked && !app.allMatching)} @click=${() => bulk(app, 'unskip')}>Return skip</vscode-button>
        </div>`
      : nothing}
  </section>`;
}

/** Scrolls the list so that row `i` is in view. */
export function scrollRowIntoView(app: LblReviewApp, i: number): void {
  const sc = app.renderRoot.querySelector('.scroller');
  if (!sc) return;
  const top = i * ROW_HEIGHT;
  if (top < sc.scrollTop) sc.scrollTop = top;
  else if (top + ROW_HEIGHT > sc.scrollTop + sc.clientHeight) sc.scrollTop = top + ROW_HEIGHT - sc.clientHeight;
}

function onListScroll(app: LblReviewApp, e: Event): void {
  const sc = e.target as HTMLElement;
  app.scrollTop = sc.scrollTop;
  app.viewport = sc.clientHeight || app.viewport;
  if (sc.scrollTop + sc.clientHeight > app.rows.length * ROW_HEIGHT - 10 * ROW_HEIGHT) void app.loadMore();
}

/**
 * An item key cut where a narrow list may drop the start: the row id (after `#`) or the file name
 * (after the last `/`) is the tail, always shown; the head before it gives way with an ellipsis.
 */
function keySplit(key: string): number {
  const hash = key.lastIndexOf('#');
  return hash >= 0 ? hash : key.lastIndexOf('/') + 1;
}
const keyHead = (key: string): string => key.slice(0, keySplit(key));
const keyTail = (key: string): string => key.slice(keySplit(key));
