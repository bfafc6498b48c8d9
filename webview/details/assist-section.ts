/**
 * The "ML-assisted labeling" section of Project Details (issue 12): whether it is on, the latest model
 * and its validation ("threshold 0.82, validated precision 0.97 on 120 items"), the next automatic
 * training, the local suggestions, the live accuracy per model version, and the jobs with their progress.
 * A render function over `DetailsState.assist`, drawn inside the details app's shadow root.
 */
import { formatDuration } from '../../src/core/jobs/duration';
import { css, html, nothing } from 'lit';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import type { ProjectType } from '../../src/core/model';
import type { DetailsAction, DetailsAssist } from '../../src/protocol/details';
import { cssVars } from '../shared/css-vars';

type Job = DetailsAssist['jobs'][number];

const fmt = (n: number) => n.toLocaleString('en-US');
const two = (x: number) => x.toFixed(2);
const percent = (part: number, whole: number) => (whole > 0 ? Math.round((100 * part) / whole) : 0);

const JOB_ICONS: Record<Job['status'], { icon: string; spin?: boolean }> = {
  queued: { icon: 'clock' },
  running: { icon: 'loading', spin: true },
  succeeded: { icon: 'pass' },
  failed: { icon: 'error' },
  cancelled: { icon: 'circle-slash' },
};

/** A bar of `part` of `whole` (0..1 when whole is 1), drawn through a CSS variable (no style attribute). */
function bar(cls: string, part: number, whole: number, label: string) {
  const pct = Math.min(100, percent(part, whole));
  return html`<div class="bar ${cls}" role="progressbar" aria-label=${label} aria-valuemin="0" aria-valuemax="100" aria-valuenow=${pct}>
    <span class="fill" ${cssVars({ '--f': `${pct}%` })}></span>
  </div>`;
}

/** The validation line: chooseThreshold's own words when a threshold qualified, else why none did. */
function validationLine(v: NonNullable<DetailsAssist['model']>['validation']): string {
  if (v.threshold !== null && v.precisionAtThreshold !== null && !v.message.startsWith('threshold ')) {
    return `threshold ${two(v.threshold)}, validated precision ${two(v.precisionAtThreshold)} on ${fmt(v.items)} items`;
  }
  return v.message;
}

function renderModel(a: DetailsAssist, type: ProjectType) {
  const m = a.model;
  if (!m) {
    const due = a.labeled >= a.nextTrainingAt;
    return html`<p class="assist-empty" role="status">
      <vscode-icon name="lightbulb"></vscode-icon>
      ${due
        ? `No model yet: ${fmt(a.labeled)} labels, training is due; or start it now`
        : `No model yet: training starts at ${fmt(a.nextTrainingAt)} labels (${fmt(a.labeled)} so far), or start it now`}
    </p>`;
  }
  const v = m.validation;
  const metric = type === 'text-ner' ? 'F1' : 'Accuracy';
  return html`<dl class="assist-model">
    <dt>Model</dt>
    <dd class="model-name">${m.name} v${m.version}</dd>
    <dt>Trained</dt>
    <dd class="model-trained">on ${fmt(m.trainedOn)} labels, ${new Date(m.createdAt).toLocaleString()}</dd>
    <dt>Validation</dt>
    <dd class="validation ${v.threshold !== null ? 'qualified' : 'pending'}">${validationLine(v)}</dd>
    <dt>${metric}</dt>
    <dd class="model-metric">${two(v.accuracy)} on ${fmt(v.items)} held-out items</dd>
  </dl>`;
}

function renderNext(a: DetailsAssist) {
  if (!a.enabled || a.kind === 'none') return nothing;
  return html`<div class="next-training">
    <span>Next automatic training at ${fmt(a.nextTrainingAt)} labels (${fmt(a.labeled)} labeled now)</span>
    ${bar('next', a.labeled, a.nextTrainingAt, 'Labels toward the next automatic training')}
  </div>`;
}

function renderSuggestions(a: DetailsAssist) {
  const s = a.suggestions;
  if (!s) return nothing;
  const why = s.count === 0 && s.threshold === null ? ': no threshold qualified yet, so nothing is prelabeled' : '';
  return html`<p class="suggestions">
    ${s.count ? `${fmt(s.count)} local suggestion${s.count === 1 ? '' : 's'}` : 'No local suggestions'} from model v${s.modelVersion}${s.threshold !== null
      ? ` (above ${two(s.threshold)})`
      : ''}${why}. <span class="muted">Suggestions stay on this machine until a manager publishes them.</span>
  </p>`;
}

function renderLive(a: DetailsAssist) {
  const rows = a.liveAccuracy ?? [];
  if (!rows.length) return nothing;
  return html`<h3>Live accuracy</h3>
    <ul class="live-accuracy">
      ${rows.map(
        (r) => html`<li data-source=${r.source}>
          <span class="source">${r.source}</span>: confirmed unchanged ${fmt(r.confirmed)} of ${fmt(r.total)} (${percent(r.confirmed, r.total)}%)
        </li>`,
      )}
    </ul>`;
}

function renderJob(j: Job, now: number) {
  const { icon, spin } = JOB_ICONS[j.status];
  const running = j.status === 'running';
  const took = j.startedAt !== undefined ? formatDuration((j.endedAt ?? now) - j.startedAt) : undefined;
  return html`<li class="job ${j.status}" data-job=${j.id}>
    <div class="job-head">
      <vscode-icon name=${icon} ?spin=${!!spin} class="status-icon"></vscode-icon>
      <span class="job-title">${j.title}</span>
      <span class="job-status">${j.status}</span>
      ${took ? html`<span class="job-duration muted">${running ? `${took} so far` : took}</span>` : nothing}
    </div>
    ${running && j.fraction !== undefined
      ? html`<div class="job-progress">${bar('job-bar', j.fraction, 1, `${j.title} progress`)}<span class="fraction">${percent(j.fraction, 1)}%</span></div>`
      : nothing}
    ${j.message ? html`<div class="job-message muted">${j.message}</div>` : nothing}
    ${j.error ? html`<div class="job-error">${j.error}</div>` : nothing}
  </li>`;
}

/** The whole section; `act` sends a details action to the host. */
export function renderAssist(assist: DetailsAssist | undefined, type: ProjectType, act: (action: DetailsAction) => void, now = Date.now()) {
  const head = html`<h2>ML-assisted labeling</h2>`;
  if (!assist) return html`${head}<p class="muted" role="status">The ML-assist figures appear once the project is indexed.</p>`;
  const a = assist;
  const canTrain = a.enabled && a.kind !== 'none';
  const publish = a.canPublish && (a.suggestions?.count ?? 0) > 0;
  return html`${head}
    <section class="assist" aria-label="ML-assisted labeling">
      <p class="assist-enabled">
        ${a.enabled
          ? a.kind === 'backend'
            ? 'On: predictions come from the model your team serves (mlAssist.backendUrl).'
            : a.kind === 'builtin'
              ? 'On: the built-in model of this project type trains here, on this computer.'
              : 'On, but no model can run for this project.'
          : html`Off. To turn it on, set <code>"mlAssist": { "enabled": true }</code> in <code>project.json</code>.`}
      </p>
      ${a.unavailable ? html`<div class="warning assist-unavailable" role="status">${a.unavailable}</div>` : nothing}
      <div class="actions">
        <vscode-button @click=${() => act('startAssistTraining')} ?disabled=${!canTrain}>Start ML-Assisted Training</vscode-button>
        ${publish ? html`<vscode-button secondary @click=${() => act('publishPrelabels')}>Publish Prelabels</vscode-button>` : nothing}
        <vscode-button secondary @click=${() => act('showJobs')}>Show Jobs</vscode-button>
        ${a.enabled ? nothing : html`<vscode-button secondary @click=${() => act('openDefinition')}>Open project.json</vscode-button>`}
      </div>
      ${renderModel(a, type)} ${renderNext(a)} ${renderSuggestions(a)} ${renderLive(a)}
      <h3>Jobs</h3>
      ${a.jobs.length
        ? html`<ul class="jobs">
            ${a.jobs.map((j) => renderJob(j, now))}
          </ul>`
        : html`<p class="muted">No ML-assist job has run in this window yet.</p>`}
    </section>`;
}

export const assistStyles = css`
  .assist .actions {
    margin-bottom: 12px;
  }
  .assist-empty {
    display: flex;
    align-items: center;
    gap: 6px;
    color: var(--vscode-descriptionForeground);
  }
  dl.assist-model {
    margin-bottom: 8px;
  }
  .validation.pending {
    color: var(--vscode-editorWarning-foreground);
  }
  .next-training {
    display: flex;
    align-items: center;
    flex-wrap: wrap;
    gap: 8px;
    margin: 8px 0;
  }
  .bar {
    display: inline-block;
    width: 160px;
    height: 6px;
    border-radius: 3px;
    overflow: hidden;
    background: var(--vscode-editorWidget-background, transparent);
    border: 1px solid var(--vscode-widget-border, var(--vscode-panel-border));
    vertical-align: middle;
  }
  .bar .fill {
    display: block;
    height: 100%;
    width: var(--f, 0%);
    background: var(--vscode-charts-blue);
  }
  .bar.next .fill {
    background: var(--vscode-charts-green);
  }
  ul.jobs,
  ul.live-accuracy {
    list-style: none;
    padding: 0;
    margin: 4px 0;
  }
  ul.live-accuracy li {
    font-variant-numeric: tabular-nums;
  }
  .job {
    padding: 6px 0;
    border-bottom: 1px solid var(--vscode-widget-border, var(--vscode-panel-border));
  }
  .job-head {
    display: flex;
    align-items: center;
    gap: 8px;
  }
  .job-title {
    font-weight: 600;
  }
  .job.succeeded .status-icon {
    color: var(--vscode-charts-green);
  }
  .job.failed .status-icon,
  .job-error {
    color: var(--vscode-errorForeground);
  }
  .job-progress {
    display: flex;
    align-items: center;
    gap: 8px;
    margin-top: 4px;
    font-variant-numeric: tabular-nums;
  }
  .job-message,
  .job-error {
    margin-top: 2px;
  }
`;
