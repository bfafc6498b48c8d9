import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { formatDuration } from '../../src/core/jobs/duration';
import { PROJECT_TYPE_TITLES } from '../../src/core/model';
import { DashboardActionCommand, DashboardModelNotification, type DashboardAction, type DashboardModel } from '../../src/protocol/dashboard';
import type { HostIpc } from '../shared/host-ipc';
import { baseStyles } from '../shared/theme.styles';
import { barRows, dayBars, pctText, stackedBar, type ChartHost, type Mark } from './charts';
import { dashboardStyles } from './dashboard-app.styles';

const fmt = (n: number) => n.toLocaleString('en-US');
const dec = (n: number | null | undefined, d = 3) => (n === null || n === undefined ? 'n/a' : n.toFixed(d));
const share = (n: number | null) => (n === null ? 'n/a' : `${(100 * n).toFixed(0)}%`);

/** Charts whose table the user chose to see (kept in the webview state across hide/show and reloads). */
interface UiState {
  tables?: string[];
}

type Filter = { label?: string; labelers?: [string, string] };

/**
 * The dashboard of one project (issue 13): progress, label distribution, labelers, queue, agreement,
 * jobs, throughput and the finish estimate, drawn from the DashboardModel the host sends (the first one
 * embedded in the page, then `dashboard/model` whenever it changed). A new model re-renders the same DOM
 * (keyed marks and rows), so scroll position and keyboard focus stay where they were.
 */
export class DashboardApp extends LitElement implements ChartHost {
  static override styles = [baseStyles, dashboardStyles];
  static override properties = { model: { state: true }, tables: { state: true }, pointed: { state: true } };
  declare model: DashboardModel | undefined;
  /** Charts with their table shown. */
  declare tables: Set<string>;
  /** Per chart, the mark under the pointer or focus (its key) and whether it holds focus. */
  declare pointed: Record<string, { key: string; focused: boolean } | undefined>;
  ipc: HostIpc | undefined;
  /** Per chart, the key of the mark that is its Tab stop (the last focused). */
  private readonly tabStops = new Map<string, string>();
  private unsubscribe: (() => void) | undefined;

  constructor() {
    super();
    this.model = undefined;
    this.tables = new Set();
    this.pointed = {};
  }

  /** Connects to the host (main.ts; tests pass a HostIpc over a fake transport). `initial`: the snapshot embedded in the page. */
  attach(ipc: HostIpc, initial?: DashboardModel): void {
    this.ipc = ipc;
    if (initial) this.model = initial;
    this.tables = new Set(ipc.getUiState<UiState>()?.tables ?? []);
    this.unsubscribe = ipc.on(DashboardModelNotification, (m) => (this.model = m));
    ipc.ready();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
  }

  act(action: DashboardAction, extra: { jobId?: string; filter?: Filter } = {}): void {
    this.ipc?.send(DashboardActionCommand, { action, ...extra });
  }

  // ChartHost
  active(chart: string): string | undefined {
    return this.tabStops.get(chart);
  }

  point(chart: string, mark: Mark | undefined, focused: boolean): void {
    const now = this.pointed[chart];
    if (!mark) {
      // Leaving with the pointer keeps what focus shows; blurring clears it.
      if (!now || now.focused !== focused) return;
      this.pointed = { ...this.pointed, [chart]: undefined };
      return;
    }
    if (focused) this.tabStops.set(chart, mark.key);
    else if (now?.focused) return; // focus wins over hover
    this.pointed = { ...this.pointed, [chart]: { key: mark.key, focused } };
  }

  private toggleTable(chart: string): void {
    const t = new Set(this.tables);
    if (t.has(chart)) t.delete(chart);
    else t.add(chart);
    this.tables = t;
    this.ipc?.setUiState<UiState>({ tables: [...t] });
  }

  /** The chart's readout (live region): what the mark under focus or pointer shows. */
  private readout(chart: string, marks: Mark[], hint: string): TemplateResult {
    const p = this.pointed[chart];
    const m = p && marks.find((x) => x.key === p.key);
    return html`<div class="readout" role="status" aria-live="polite" data-readout=${chart}>${m ? m.text : hint}</div>`;
  }

  /** The heading of a chart's section with its table toggle. */
  private head(title: string, chart: string | undefined, id: string): TemplateResult {
    const shown = chart !== undefined && this.tables.has(chart);
    return html`<div class="section-head">
      <h2 id=${id}>${title}</h2>
      ${chart
        ? html`<button class="link table-toggle" data-toggle=${chart} aria-pressed=${shown ? 'true' : 'false'} aria-controls="table-${chart}" @click=${() => this.toggleTable(chart)}>
            ${shown ? 'Hide table' : 'Show as table'}
          </button>`
        : nothing}
    </div>`;
  }

  /** A chart's table: always in the page for screen readers, shown when its toggle is on. */
  private table(chart: string, caption: string, head: string[], rows: { key: string; cells: (string | TemplateResult)[] }[]): TemplateResult {
    return html`<table id="table-${chart}" data-table=${chart} class=${this.tables.has(chart) ? 'data' : 'data sr-only'}>
      <caption>${caption}</caption>
      <thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
      <tbody>
        ${repeat(
          rows,
          (r) => r.key,
          (r) => html`<tr data-key=${r.key}>${r.cells.map((c, i) => (i === 0 ? html`<th scope="row">${c}</th>` : html`<td>${c}</td>`))}</tr>`,
        )}
      </tbody>
    </table>`;
  }

  override render() {
    const m = this.model;
    if (!m) return html`<p class="muted" role="status">Loading the dashboard…</p>`;
    return html`
      <header>
        <div>
          <h1>${m.project.name}</h1>
          <div class="sub">
            ${PROJECT_TYPE_TITLES[m.project.type]} · <code>${m.project.id}</code> · ${m.project.status} · as of
            <time datetime=${m.now}>${new Date(m.now).toLocaleString()}</time>
          </div>
        </div>
        <div class="actions" role="toolbar" aria-label="Numbers out">
          <vscode-button secondary data-action="copyMarkdown" @click=${() => this.act('copyMarkdown')}>Copy as Markdown</vscode-button>
          <vscode-button secondary data-action="saveCsv" @click=${() => this.act('saveCsv')}>Save as CSV</vscode-button>
          <vscode-button secondary data-action="saveJson" @click=${() => this.act('saveJson')}>Save as JSON</vscode-button>
        </div>
      </header>
      <main>
        ${this.renderProgress(m)} ${this.renderThroughput(m)} ${this.renderLabels(m)} ${this.renderLabelers(m)} ${this.renderQueue(m)}
        ${this.renderAgreement(m)} ${this.renderJobs(m)}
      </main>
    `;
  }

  private progressMarks(m: DashboardModel): Mark[] {
    const p = m.progress;
    const of = p.items;
    const mk = (key: string, title: string, n: number, color: string): Mark => ({ key, value: n, color, text: `${title}: ${fmt(n)} of ${fmt(of)} (${pctText(n, of)})` });
    return [
      mk('approved', 'Approved', p.approved, 'c-green'),
      mk('labeled', 'Labeled, not reviewed', Math.max(0, p.labeled - p.approved), 'c-blue'),
      mk('needsReview', 'Needs review', p.needsReview, 'c-red'),
      mk('incomplete', 'Incomplete', p.incomplete, 'c-purple'),
      mk('skipped', 'Skipped', p.skipped, 'c-yellow'),
      mk('unlabeled', 'Unlabeled', p.unlabeled, 'c-lines'),
      mk('missing', 'Missing', p.missing, 'c-foreground'),
    ];
  }

  private renderProgress(m: DashboardModel) {
    const p = m.progress;
    const marks = this.progressMarks(m);
    const rows: [string, string, number][] = [
      ['labeled', 'Labeled', p.labeled],
      ['approved', 'Approved (of labeled)', p.approved],
      ['skipped', 'Skipped', p.skipped],
      ['needsReview', 'Needs review', p.needsReview],
      ['incomplete', 'Incomplete', p.incomplete],
      ['unlabeled', 'Unlabeled', p.unlabeled],
      ['missing', 'Missing', p.missing],
    ];
    return html`<section aria-labelledby="h-progress" data-section="progress">
      ${this.head('Progress', 'progress', 'h-progress')}
      <p class="summary">
        <strong>${fmt(p.labeled)}</strong> of <strong>${fmt(p.items)}</strong> items labeled (${pctText(p.labeled, p.items)})${p.approved
          ? html`, ${fmt(p.approved)} approved`
          : nothing}.
      </p>
      ${p.items
        ? html`${stackedBar(this, 'progress', `Progress of ${fmt(p.items)} items`, marks)} ${this.readout('progress', marks, 'Point at or focus a part of the bar for its count.')}`
        : html`<p class="muted empty" role="status">The project has no items yet: its data sources matched no files.</p>`}
      ${this.table('progress', 'Items per state', ['State', 'Items', 'Share'], rows.map(([key, t, n]) => ({ key, cells: [t, fmt(n), pctText(n, p.items)] })))}
    </section>`;
  }

  private renderLabels(m: DashboardModel) {
    const per = m.project.type === 'text-ner' || m.project.type === 'image-detection' || m.project.type === 'image-segmentation';
    const labeledItems = m.progress.labeled;
    const rows = m.labels.map((l) => ({
      key: l.label,
      name: l.label,
      bars: [
        { key: `${l.label}:items`, value: l.items, color: 'c-blue', text: `${l.label}: ${fmt(l.items)} items (${pctText(l.items, labeledItems)} of labeled)` },
        // A label set has one object per item: the second bar only for spans and shapes.
        ...(per ? [{ key: `${l.label}:objects`, value: l.objects, color: 'c-purple', text: `${l.label}: ${fmt(l.objects)} objects` }] : []),
      ],
    }));
    const marks = rows.flatMap((r) => r.bars);
    const sumItems = m.labels.reduce((s, l) => s + l.items, 0);
    return html`<section aria-labelledby="h-labels" data-section="labels">
      ${this.head('Label distribution', m.labels.length ? 'labels' : undefined, 'h-labels')}
      ${m.labels.length
        ? html`<p class="muted">
              Final labels: items carrying each label${per ? html` (blue) and its objects, spans or shapes (purple)` : nothing}.${sumItems > labeledItems
                ? html` An item can carry several labels, so the items add up to ${fmt(sumItems)}, more than the ${fmt(labeledItems)} labeled.`
                : nothing}
            </p>
            ${barRows(this, 'labels', 'Items and objects per label', rows)} ${this.readout('labels', marks, 'Point at or focus a bar for its count.')}
            ${this.table('labels', 'Items and objects per label', ['Label', 'Items', 'Objects'], m.labels.map((l) => ({ key: l.label, cells: [l.label, fmt(l.items), fmt(l.objects)] })))}`
        : html`<p class="muted empty" role="status">No final labels yet: the distribution appears with the first labeled item.</p>`}
    </section>`;
  }

  private renderLabelers(m: DashboardModel) {
    const rows = m.labelers.map((l) => ({
      key: l.labeler,
      name: l.labeler,
      bars: [
        { key: `${l.labeler}:labeled`, value: l.labeled, color: 'c-blue', text: `${l.labeler}: ${fmt(l.labeled)} items labeled` },
        ...(l.assigned
          ? [{ key: `${l.labeler}:assigned`, value: l.assignedDone, color: 'c-green', text: `${l.labeler}: ${fmt(l.assignedDone)} of ${fmt(l.assigned)} assigned done (${pctText(l.assignedDone, l.assigned)})` }]
          : []),
      ],
    }));
    const marks = rows.flatMap((r) => r.bars);
    return html`<section aria-labelledby="h-labelers" data-section="labelers">
      ${this.head('Labelers', undefined, 'h-labelers')}
      ${m.labelers.length
        ? html`<p class="muted">Items labeled (blue) and, of the items assigned to them, done (green).</p>
            ${barRows(this, 'labelers', 'Items labeled and assigned done per labeler', rows)} ${this.readout('labelers', marks, 'Point at or focus a bar for its count.')}
            <div class="table-wrap"><table class="data visible" data-table="labelers-detail">
              <caption>Per labeler</caption>
              <thead>
                <tr>
                  <th scope="col">Labeler</th><th scope="col">Labeled</th><th scope="col">Skipped</th><th scope="col">Assigned</th><th scope="col">Assigned done</th>
                  <th scope="col">Per hour (day)</th><th scope="col">Per hour (week)</th><th scope="col">Accepted at first review</th><th scope="col">Rejections</th>
                </tr>
              </thead>
              <tbody>
                ${repeat(
                  m.labelers,
                  (l) => l.labeler,
                  (l) => html`<tr data-key=${l.labeler}>
                    <th scope="row">${l.labeler}</th><td>${fmt(l.labeled)}</td><td>${fmt(l.skipped)}</td><td>${fmt(l.assigned)}</td><td>${fmt(l.assignedDone)}</td>
                    <td>${dec(l.perHourDay, 1)}</td><td>${dec(l.perHourWeek, 1)}</td><td>${share(l.acceptedFirstReview)}</td><td>${fmt(l.rejections)}</td>
                  </tr>`,
                )}
              </tbody>
            </table></div>`
        : html`<p class="muted empty" role="status">Nobody has labeled yet.</p>`}
    </section>`;
  }

  private renderQueue(m: DashboardModel) {
    const q = m.queue;
    const cards: [string, string, number | undefined][] = [
      ['awaitingFirst', 'awaiting a first label', q.awaitingFirst],
      ['awaitingMore', 'awaiting more labelers', q.awaitingMore],
      ['prelabeled', 'prelabeled', q.prelabeled],
      ['clustered', 'clustered', q.clustered],
    ];
    return html`<section aria-labelledby="h-queue" data-section="queue">
      ${this.head('Queue', undefined, 'h-queue')}
      <div class="counts">
        ${cards
          .filter(([, , n]) => n !== undefined)
          .map(([k, what, n]) => html`<div class="count" data-count=${k}><div class="n">${fmt(n!)}</div><div class="what">${what}</div></div>`)}
      </div>
      ${q.assigned.length
        ? html`<div class="table-wrap"><table class="data visible" data-table="queue-assigned">
            <caption>Open items assigned, per labeler</caption>
            <thead><tr><th scope="col">Labeler</th><th scope="col">Items</th></tr></thead>
            <tbody>${repeat(q.assigned, (a) => a.labeler, (a) => html`<tr data-key=${a.labeler}><th scope="row">${a.labeler}</th><td>${fmt(a.items)}</td></tr>`)}</tbody>
          </table></div>`
        : html`<p class="muted">No open item is assigned: everyone takes the queue in the project's order.</p>`}
    </section>`;
  }

  private renderAgreement(m: DashboardModel) {
    const a = m.agreement;
    const r = a?.report;
    const compute = html`<vscode-button secondary data-action="computeAgreement" @click=${() => this.act('computeAgreement')}>${a ? 'Compute Again' : 'Compute Agreement Statistics'}</vscode-button>`;
    if (!a || !r) {
      return html`<section aria-labelledby="h-agreement" data-section="agreement">
        ${this.head('Agreement', undefined, 'h-agreement')}
        <p class="muted empty" role="status">Not computed yet: it runs as a job, and labeling goes on meanwhile.</p>
        <div class="actions">${compute}</div>
      </section>`;
    }
    if (r.labelers.length < 2 || !r.items) {
      return html`<section aria-labelledby="h-agreement" data-section="agreement">
        ${this.head('Agreement', undefined, 'h-agreement')}
        <p class="muted empty" role="status">No item has two or more labelers yet.</p>
        <div class="actions">${compute}</div>
      </section>`;
    }
    // The labels that lower agreement most first.
    const byLabel = Object.entries(r.byLabel).sort(([, x], [, y]) => (x.krippendorffAlpha ?? x.f1 ?? 1) - (y.krippendorffAlpha ?? y.f1 ?? 1));
    const labelMarks: Mark[] = byLabel.map(([label, lr]) => {
      const v = lr.krippendorffAlpha ?? lr.f1 ?? 0;
      return { key: label, value: Math.max(0, v), color: v < 0.67 ? 'c-red' : 'c-green', text: `${label}: ${lr.krippendorffAlpha !== null ? `alpha ${dec(lr.krippendorffAlpha)}` : `F1 ${dec(lr.f1)}`}` };
    });
    const review = (filter: Filter, what: string) =>
      html`<vscode-button secondary class="review" data-review=${filter.label ?? filter.labelers!.join('|')} aria-label="Review the items of ${what}" @click=${() => this.act('reviewItems', { filter })}>Review</vscode-button>`;
    return html`<section aria-labelledby="h-agreement" data-section="agreement">
      ${this.head('Agreement', undefined, 'h-agreement')}
      <p class="muted">Computed <time datetime=${a.at}>${new Date(a.at).toLocaleString()}</time> over ${fmt(r.items)} item(s) with two or more labelers.</p>
      <dl class="agreement-summary">
        <dt>Percent agreement</dt><dd data-stat="percentAgreement">${dec(r.percentAgreement)}</dd>
        <dt>Krippendorff's alpha</dt><dd data-stat="krippendorffAlpha">${dec(r.krippendorffAlpha)}</dd>
        <dt>Fleiss' kappa</dt><dd data-stat="fleissKappa">${dec(r.fleissKappa)}</dd>
      </dl>
      ${labelMarks.length
        ? html`<h3>Per label</h3>
            ${barRows(this, 'agreement', 'Agreement per label', labelMarks.map((mk) => ({ key: mk.key, name: mk.key, bars: [mk] })))}
            ${this.readout('agreement', labelMarks, 'Point at or focus a bar for its value.')}
            <div class="table-wrap"><table class="data visible" id="table-agreement" data-table="agreement">
              <caption>Agreement per label, lowest first</caption>
              <thead><tr><th scope="col">Label</th><th scope="col">Krippendorff's alpha</th><th scope="col">F1</th><th scope="col"><span class="sr-only">Action</span></th></tr></thead>
              <tbody>
                ${repeat(
                  byLabel,
                  ([label]) => label,
                  ([label, lr]) => html`<tr data-key=${label}><th scope="row">${label}</th><td>${dec(lr.krippendorffAlpha)}</td><td>${dec(lr.f1)}</td><td>${review({ label }, `label ${label}`)}</td></tr>`,
                )}
              </tbody>
            </table></div>`
        : nothing}
      <h3>Per pair of labelers</h3>
      <div class="table-wrap"><table class="data visible" data-table="agreement-pairs">
        <thead><tr><th scope="col">Labelers</th><th scope="col">Items</th><th scope="col">Agreement</th><th scope="col">Cohen's kappa</th><th scope="col">F1</th><th scope="col"><span class="sr-only">Action</span></th></tr></thead>
        <tbody>
          ${repeat(
            r.pairs,
            (p) => `${p.a}|${p.b}`,
            (p) => html`<tr data-key="${p.a}|${p.b}">
              <th scope="row">${p.a} / ${p.b}</th><td>${fmt(p.items)}</td><td>${dec(p.percentAgreement)}</td><td>${dec(p.cohenKappa)}</td><td>${dec(p.f1)}</td>
              <td>${review({ labelers: [p.a, p.b] }, `${p.a} and ${p.b}`)}</td>
            </tr>`,
          )}
        </tbody>
      </table></div>
      ${Object.keys(r.notes).length ? html`<ul class="muted notes">${Object.entries(r.notes).map(([k, v]) => html`<li><code>${k}</code>: ${v}</li>`)}</ul>` : nothing}
      <div class="actions">${compute}</div>
    </section>`;
  }

  private renderJobs(m: DashboardModel) {
    const turnOn = m.mlAssist.enabled
      ? nothing
      : html`<div class="actions">
          <vscode-button data-action="enableMlAssist" @click=${() => this.act('enableMlAssist')}>Turn on ML assist</vscode-button>
          <span class="muted">ML assist is off: turning it on sets mlAssist.enabled in project.json.</span>
        </div>`;
    return html`<section aria-labelledby="h-jobs" data-section="jobs">
      ${this.head('Jobs', undefined, 'h-jobs')} ${turnOn}
      ${m.jobs.length
        ? html`<div class="table-wrap"><table class="data visible" data-table="jobs">
            <caption>Jobs of this project in this window, most recent first</caption>
            <thead>
              <tr>
                <th scope="col">Job</th><th scope="col">Kind</th><th scope="col">State</th><th scope="col">Started</th><th scope="col">Duration</th>
                <th scope="col">Items</th><th scope="col">Precision</th><th scope="col">Threshold</th><th scope="col"><span class="sr-only">Log</span></th>
              </tr>
            </thead>
            <tbody>
              ${repeat(
                m.jobs,
                (j) => j.id,
                (j) => html`<tr data-key=${j.id} class="status-${j.status}">
                  <th scope="row">${j.title}${j.error ? html`<div class="error">${j.error}</div>` : nothing}</th>
                  <td>${j.kind}</td><td>${j.status}</td>
                  <td>${j.startedAt ? html`<time datetime=${j.startedAt}>${new Date(j.startedAt).toLocaleString()}</time>` : '–'}</td>
                  <td>${j.durationMs !== undefined ? formatDuration(j.durationMs) : '–'}</td>
                  <td>${j.items !== undefined ? fmt(j.items) : '–'}</td>
                  <td>${j.precision !== undefined ? dec(j.precision) : '–'}</td>
                  <td>${j.threshold !== undefined ? dec(j.threshold, 2) : '–'}</td>
                  <td><a href="#" class="log" data-job=${j.id} @click=${(e: Event) => {
                    e.preventDefault();
                    this.act('openJobLog', { jobId: j.id });
                  }}>Log<span class="sr-only"> of ${j.title}</span></a></td>
                </tr>`,
              )}
            </tbody>
          </table></div>`
        : html`<p class="muted empty" role="status">No jobs have run for this project in this window: exports, imports, refreshes, agreement and ML-assist runs show here.</p>`}
    </section>`;
  }

  private renderThroughput(m: DashboardModel) {
    const marks = m.throughput.map((t) => ({ key: t.day, day: t.day, value: t.labels, color: 'c-blue', text: `${t.day}: ${fmt(t.labels)} labels` }));
    const f = m.finishEstimate;
    return html`<section aria-labelledby="h-throughput" data-section="throughput">
      ${this.head('Throughput', marks.length ? 'throughput' : undefined, 'h-throughput')}
      <p class="estimate" data-estimate>
        ${f.date
          ? html`At ${dec(f.ratePerDay, 1)} labels per day (the last 7 days), the ${fmt(f.remaining)} items left would be done by <strong><time datetime=${f.date}>${f.date}</time></strong>.`
          : f.remaining
            ? html`No labels in the last 7 days: no finish estimate for the ${fmt(f.remaining)} items left.`
            : html`Nothing left to label.`}
      </p>
      ${marks.length
        ? html`${dayBars(this, 'throughput', 'Labels per day', marks)} ${this.readout('throughput', marks, 'Point at or focus a day for its count.')}
          ${this.table('throughput', 'Labels per day', ['Day', 'Labels'], m.throughput.map((t) => ({ key: t.day, cells: [t.day, fmt(t.labels)] })))}`
        : html`<p class="muted empty" role="status">No labels yet: labels per day appear with the first submit.</p>`}
    </section>`;
  }
}

customElements.define('lbl-dashboard-app', DashboardApp);
declare global {
  interface HTMLElementTagNameMap {
    'lbl-dashboard-app': DashboardApp;
  }
}
