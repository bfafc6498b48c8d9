/**
 * The Review panel's item view: the selected item's facts (state, agreement, review, skips, assignee),
 * a switch between the consensus label, each labeler's annotation, the prelabel and an overlay of all
 * labelers, the read-only viewer (editable while deciding, with the label palette), the reject form
 * and the action buttons. Render functions over the app, drawn inside its shadow root.
 */
import { html, nothing } from 'lit';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { mediaOf } from '../../src/core/model';
import type { ReviewItem } from '../../src/protocol/review';
import '../components/label-palette';
import { act, confirmReject, saveDecide, startDecide, startReject } from './actions';
import type { LblReviewApp, ReviewViewChoice } from './app';
import { pct } from './format';
import './viewer';

/** The detail pane when no item is selected. */
export function renderNoItem() {
  return html`<div class="empty" role="status"><span class="codicon codicon-checklist"></span><h2>No item selected</h2>
    <p>Pick an item in the list (J/K or the arrows move through it).</p></div>`;
}

/** The item shown: its facts, the view switch, the viewer, and the reject form or the actions. */
export function renderDetail(app: LblReviewApp, it: ReviewItem) {
  const p = app.state!.project;
  const views: [ReviewViewChoice, string][] = [
    ['consensus', it.settled ? 'Final label' : 'Consensus (top choice)'],
    ...it.annotations.map((a): [ReviewViewChoice, string] => [`labeler:${a.labeler}`, a.labeler]),
    ...(it.prelabel ? [['prelabel', `Prelabel${it.prelabel.confidence !== undefined ? ` ${pct(it.prelabel.confidence)}` : ''}`] as [ReviewViewChoice, string]] : []),
    ...(it.annotations.length > 1 ? [['overlay', 'All labelers'] as [ReviewViewChoice, string]] : []),
  ];
  const deciding = app.mode === 'decide';
  const shown = deciding ? app.draft : app.shownAnnotation();
  const editorLabels = mediaOf(p.type) === 'image' || p.type === 'text-ner';
  return html`
    <div class="meta">
      <strong class="key">${it.key}</strong>
      <vscode-badge>${it.conflict ? 'review conflict' : it.state}</vscode-badge>
      ${it.agreement !== undefined ? html`<span>agreement ${pct(it.agreement)}</span>` : nothing}
      ${it.review ? html`<span>${it.review.kind} by ${it.review.by}</span>` : nothing}
      ${it.skippedBy.length ? html`<span>skipped by ${it.skippedBy.join(', ')}</span>` : nothing}
      ${it.assignee ? html`<span>assigned to ${it.assignee}</span>` : nothing}
    </div>
    ${it.why ? html`<div class="why" role="note">${it.why}</div>` : nothing}
    ${it.newer?.length ? html`<div class="why" role="note">Lines of a newer version of the extension touch this item: its state here may differ.</div>` : nothing}
    ${deciding
      ? html`<div class="banner info" role="status">Deciding: edit the label, then Save as final (Enter); Esc cancels.</div>
          <lbl-label-palette .labels=${p.labels} .chosen=${app.draft?.kind === 'classes' ? app.draft.labels : []} .active=${editorLabels ? app.activeLabel : undefined}></lbl-label-palette>`
      : html`<div class="views" role="group" aria-label="Show">
          ${views.map(([v, t]) => html`<button type="button" aria-pressed=${app.view === v ? 'true' : 'false'} data-view=${v} @click=${() => app.setView(v)}>${t}</button>`)}
        </div>`}
    ${!deciding && app.view !== 'overlay' && !shown
      ? html`<div class="empty" role="status"><span class="codicon codicon-circle-slash"></span><h2>No label to show</h2>
          <p>${it.skippedBy.length ? `Skipped by ${it.skippedBy.join(', ')}.` : 'Nobody has labeled this item yet.'}</p></div>`
      : html`<lbl-review-viewer .item=${it} .type=${p.type} .labels=${p.labels} .ignoreLabel=${p.ignoreLabel} .annotation=${shown}
          .overlay=${!deciding && app.view === 'overlay' ? it.annotations : undefined} ?editable=${deciding} ?suggested=${!deciding && app.view === 'prelabel'}
          .activeLabel=${app.activeLabel}></lbl-review-viewer>`}
    ${app.mode === 'reject' ? renderRejectForm(app) : renderActions(app, it)}
  `;
}

function renderRejectForm(app: LblReviewApp) {
  return html`<form class="reject-form" aria-label="Reject" @submit=${(e: Event) => {
    e.preventDefault();
    void confirmReject(app);
  }}>
    <input id="reason" type="text" placeholder="Reason (optional, shown to the labelers)" aria-label="Reason" />
    <label><input id="return-to" type="checkbox" /> Return to labeler</label>
    <vscode-button icon="close" ?disabled=${app.busy} @click=${() => confirmReject(app)}>Reject</vscode-button>
    <vscode-button secondary @click=${() => (app.mode = 'read')}>Cancel</vscode-button>
  </form>`;
}

function renderActions(app: LblReviewApp, it: ReviewItem) {
  const can = !!app.state?.project.canReview && !app.busy;
  const labeled = it.annotations.length > 0;
  const skipped = it.state === 'skipped';
  if (app.mode === 'decide') {
    return html`<footer>
      <vscode-button secondary @click=${() => ((app.mode = 'read'), (app.draft = undefined))}>Cancel</vscode-button>
      <span class="spacer"></span>
      <vscode-button icon="check" ?disabled=${!can} @click=${() => saveDecide(app)}>Save as final (Enter)</vscode-button>
    </footer>`;
  }
  return html`<footer>
    <vscode-button secondary icon="arrow-up" aria-label="Previous item (K)" @click=${() => app.move(-1)}>Previous</vscode-button>
    <vscode-button secondary icon="arrow-down" aria-label="Next item (J)" @click=${() => app.move(1)}>Next</vscode-button>
    <span class="spacer"></span>
    ${skipped
      ? html`<vscode-button ?disabled=${!can} title="Accept skip (S): out of the queue and the exports" @click=${() => act(app, 'accept-skip')}>Accept skip</vscode-button>
          <vscode-button secondary ?disabled=${!can} title="Return skip (U): back to the queue" @click=${() => act(app, 'unskip')}>Return skip</vscode-button>`
      : nothing}
    <vscode-button secondary ?disabled=${!can} title="Decide (D): edit, then save as the final label" @click=${() => startDecide(app)}>Decide</vscode-button>
    <vscode-button secondary ?disabled=${!can || !labeled} title="Reject (R): the labels you see are voided, the item returns to the queue" @click=${() => startReject(app)}>Reject</vscode-button>
    <vscode-button icon="check" ?disabled=${!can || !labeled} title="Approve (A)" @click=${() => act(app, 'approve')}>Approve</vscode-button>
  </footer>`;
}
