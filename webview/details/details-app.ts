import { LitElement, html, nothing } from 'lit';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { PROJECT_TYPE_TITLES } from '../../src/core/model';
import { DetailsActionCommand, DetailsStateNotification, type DetailsAction, type DetailsState } from '../../src/protocol/details';
import { cssVars } from '../shared/css-vars';
import type { HostIpc } from '../shared/host-ipc';
import { assistStyles, renderAssist } from './assist-section';
import { detailsStyles } from './details-app.styles';

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * Project Details: definition, counts, storage and settings of one project, with its main actions.
 * All state comes from the host (`details/state`); buttons send `details/action`.
 */
export class DetailsApp extends LitElement {
  static override styles = [detailsStyles, assistStyles];
  static override properties = { state: { state: true } };
  declare state: DetailsState | undefined;
  ipc: HostIpc | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor() {
    super();
    this.state = undefined;
  }

  /** Connects to the host; called once by main.ts (tests pass a HostIpc over a fake transport). */
  attach(ipc: HostIpc): void {
    this.ipc = ipc;
    this.unsubscribe = ipc.on(DetailsStateNotification, (s) => (this.state = s));
    ipc.ready();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
  }

  private act(action: DetailsAction): void {
    this.ipc?.send(DetailsActionCommand, { action });
  }

  override render() {
    const s = this.state;
    if (!s) return html`<p class="muted" role="status">Loading project…</p>`;
    const d = s.def;
    const paused = d.status === 'paused';
    return html`
      <h1>${d.name}</h1>
      <div class="sub">${PROJECT_TYPE_TITLES[d.type]} · <code>${d.id}</code> · ${paused ? 'paused' : 'running'}</div>
      ${paused ? html`<div class="paused" role="status">This project is paused: labeling is disabled until it is resumed.</div>` : nothing}
      <div class="actions">
        <vscode-button @click=${() => this.act('startLabeling')} ?disabled=${paused}>Start Labeling</vscode-button>
        <vscode-button secondary @click=${() => this.act('review')}>Review Labels</vscode-button>
        <vscode-button secondary @click=${() => this.act('showDashboard')}>Show Dashboard</vscode-button>
        <vscode-button secondary @click=${() => this.act('editInstructions')}>Edit Instructions</vscode-button>
        <vscode-button secondary @click=${() => this.act('togglePause')}>${paused ? 'Resume' : 'Pause'}</vscode-button>
        <vscode-button secondary @click=${() => this.act('addLabels')}>Add Labels…</vscode-button>
        <vscode-button secondary @click=${() => this.act('export')}>Export Labels…</vscode-button>
        <vscode-button secondary @click=${() => this.act('refresh')}>Refresh Data</vscode-button>
        <vscode-button secondary @click=${() => this.act('openDefinition')}>Open project.json</vscode-button>
      </div>

      <h2>Items</h2>
      ${s.counts ? this.renderCounts(s.counts) : html`<p class="muted" role="status">Indexing data sources…</p>`}

      ${this.renderTeam(s)}
      ${this.renderAgreement(s)}
      ${renderAssist(s.assist, d.type, (a) => this.act(a))}

      <h2>Labels</h2>
      <div class="labels" role="list">
        ${d.labels.map(
          (l) => html`<span class="chip" role="listitem"
            ><span class="swatch" ${cssVars({ '--c': l.color })} aria-hidden="true"></span>${l.name}${l.hotkey
              ? html` <kbd aria-label="hotkey ${l.hotkey}">${l.hotkey}</kbd>`
              : nothing}</span
          >`,
        )}
      </div>

      <h2>Data sources</h2>
      <dl>
        ${d.dataSources.map(
          (src) => html`<dt>${src.kind === 'table' ? 'Table rows' : src.kind === 'images' ? 'Images' : 'Text files'}</dt>
            <dd>
              <code>${src.glob}</code>${src.kind === 'table'
                ? html` · text column <code>${src.textColumn}</code>${src.idColumn ? html` · id column <code>${src.idColumn}</code>` : ' · rows numbered'}`
                : nothing}
            </dd>`,
        )}
      </dl>

      <h2>Settings</h2>
      <dl>
        <dt>Stored in</dt>
        <dd><code>${s.location}</code> (${s.folder})</dd>
        <dt>Refresh</dt>
        <dd>${d.refreshMinutes ? `every ${d.refreshMinutes} min, and on file changes` : 'on file changes and on demand'}</dd>
        <dt>Consensus</dt>
        <dd>${d.consensus.minLabelers === 1 && d.consensus.maxLabelers === 1 ? 'one labeler per item' : `${d.consensus.minLabelers} to ${d.consensus.maxLabelers} labelers per item`}</dd>
        <dt>ML assist</dt>
        <dd>${d.mlAssist.enabled ? `on${d.mlAssist.backendUrl ? ` (backend ${d.mlAssist.backendUrl})` : ''}${d.mlAssist.confidenceThreshold !== undefined ? `, prelabels above ${d.mlAssist.confidenceThreshold}` : ''}` : 'off'}</dd>
        <dt>Created</dt>
        <dd>${d.createdAt}</dd>
      </dl>
      ${s.problems.length
        ? html`<h2>Problems</h2>
            <ul class="problems">
              ${s.problems.map((p) => html`<li>${p}</li>`)}
            </ul>`
        : nothing}
    `;
  }

  /** Roles, assigned versus done per labeler, and the events ignored for a missing role. */
  private renderAgreement(s: DetailsState) {
    const a = s.agreement;
    const num = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : v.toFixed(3));
    const r = a?.report;
    return html`<h2>Agreement</h2>
      <div class="actions">
        <vscode-button secondary @click=${() => this.act('computeAgreement')}>${a ? 'Compute Again' : 'Compute Agreement Statistics'}</vscode-button>
      </div>
      ${!r
        ? html`<p class="muted">Not computed in this window yet: it runs as a job (labeling goes on meanwhile).</p>`
        : r.labelers.length < 2 || !r.items
          ? html`<p class="muted" role="status">No item has two or more labelers yet.</p>`
          : html`<p class="muted">Computed ${new Date(a!.at).toLocaleString()} over ${fmt(r.items)} item(s) with two or more labelers.</p>
              <dl class="agreement-summary">
                <dt>Percent agreement</dt><dd>${num(r.percentAgreement)}</dd>
                <dt>Krippendorff's alpha</dt><dd>${num(r.krippendorffAlpha)}</dd>
                <dt>Fleiss' kappa</dt><dd>${num(r.fleissKappa)}${r.fleissItems !== null ? html` <span class="muted">(${fmt(r.fleissItems)} items)</span>` : nothing}</dd>
              </dl>
              <table class="pairs" aria-label="Agreement per pair of labelers">
                <thead><tr><th scope="col">Labelers</th><th scope="col">Items</th><th scope="col">Agreement</th><th scope="col">Cohen's kappa</th><th scope="col">F1</th></tr></thead>
                <tbody>
                  ${r.pairs.map((p) => html`<tr><th scope="row">${p.a} / ${p.b}</th><td>${fmt(p.items)}</td><td>${num(p.percentAgreement)}</td><td>${num(p.cohenKappa)}</td><td>${num(p.f1)}</td></tr>`)}
                </tbody>
              </table>
              ${Object.keys(r.notes).length
                ? html`<ul class="muted notes">${Object.entries(r.notes).map(([k, v]) => html`<li><code>${k}</code>: ${v}</li>`)}</ul>`
                : nothing}`}`;
  }

  private renderTeam(s: DetailsState) {
    const roles = Object.entries(s.def.roles ?? {});
    const rows = s.assignment ?? [];
    const refused = s.roleProblems ?? [];
    const newer = s.versions?.newer ?? [];
    const older = s.versions?.older ?? [];
    return html`<h2>Team</h2>
      ${newer.map((m) => html`<div class="warning version-newer" role="alert">${m}</div>`)}
      <div class="actions">
        <vscode-button secondary @click=${() => this.act('manageRoles')}>Manage Roles…</vscode-button>
        <vscode-button secondary @click=${() => this.act('assignItems')}>Assign Items…</vscode-button>
        <vscode-button secondary @click=${() => this.act('distributeItems')}>Distribute Items…</vscode-button>
      </div>
      ${roles.length
        ? html`<dl class="roles">
            ${roles.map(([who, r]) => html`<dt>${who}</dt><dd>${r.join(', ')}</dd>`)}
          </dl>`
        : html`<p class="muted">No roles: everyone may label, review and manage.</p>`}
      ${rows.length
        ? html`<table class="assigned" aria-label="Assigned versus done per labeler">
            <thead><tr><th scope="col">Labeler</th><th scope="col">Assigned</th><th scope="col">Labeled</th><th scope="col">Skipped</th><th scope="col">Waiting</th></tr></thead>
            <tbody>
              ${rows.map(
                (r) => html`<tr data-labeler=${r.labeler}>
                  <th scope="row">${r.labeler}</th><td>${fmt(r.assigned)}</td><td>${fmt(r.labeled)}</td><td>${fmt(r.skipped)}</td><td>${fmt(r.waiting)}</td>
                </tr>`,
              )}
            </tbody>
          </table>`
        : s.assignment
          ? html`<p class="muted">No item is assigned to anyone: every labeler takes the queue in the project's order.</p>`
          : nothing}
      ${older.length
        ? html`<h3>On an older version (${fmt(older.length)})</h3>
            <ul class="problems version-older">
              ${older.map((m) => html`<li>${m}</li>`)}
            </ul>`
        : nothing}
      ${refused.length
        ? html`<h3>Events ignored for a missing role (${fmt(refused.length)})</h3>
            <ul class="problems role-problems">
              ${refused.map((p) => html`<li>${p}</li>`)}
            </ul>`
        : nothing}`;
  }

  private renderCounts(c: NonNullable<DetailsState['counts']>) {
    const rows: [string, number][] = [
      ['items', c.items],
      ['labeled', c.labeled],
      ['needs review', c.needsReview],
      ['incomplete', c.incomplete],
      ['skipped', c.skipped],
      ['unlabeled', c.unlabeled],
      ['missing files', c.missing],
    ];
    return html`<div class="counts">
      ${rows.map(([what, n]) => html`<div class="count" data-count=${what}><div class="n">${fmt(n)}</div><div class="what">${what}</div></div>`)}
    </div>`;
  }
}

customElements.define('lbl-details-app', DetailsApp);
declare global {
  interface HTMLElementTagNameMap {
    'lbl-details-app': DetailsApp;
  }
}
