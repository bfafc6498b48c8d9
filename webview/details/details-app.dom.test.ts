import { assert } from 'chai';
import type { ProjectDef } from '../../src/core/model';
import { DetailsStateNotification, type DetailsAssist, type DetailsState } from '../../src/protocol/details';
import { FakeTransport } from '../shared/fake-transport';
import { HostIpc } from '../shared/host-ipc';
import './details-app';

const def: ProjectDef = {
  schemaVersion: 1,
  id: 'p1',
  name: 'Signs',
  type: 'text-classification',
  labels: [{ name: 'pos', color: '#00aa00' }],
  dataSources: [{ kind: 'table', glob: 'data/*.csv', textColumn: 'text' }],
  consensus: { minLabelers: 1, maxLabelers: 1 },
  mlAssist: { enabled: false },
  status: 'running',
  queueSeed: 1,
  roles: { 'ann@x': ['manager', 'reviewer'], 'bob@x': ['labeler'] },
  createdAt: '2026-12-01T00:00:00.000Z',
};

async function mount(state: DetailsState) {
  const transport = new FakeTransport();
  const el = document.createElement('lbl-details-app');
  document.body.append(el);
  el.attach(new HostIpc(transport, 2000));
  transport.notify(DetailsStateNotification, state);
  await el.updateComplete;
  return { el, transport };
}

/** Issue 11 item 4: Project Details shows roles, assigned versus done per labeler, and role refusals. */
describe('lbl-details-app: the Team section', () => {
  afterEach(() => document.body.replaceChildren());

  it('lists roles, a row per labeler with assigned, labeled, skipped and waiting, and the events ignored for a missing role', async () => {
    const { el, transport } = await mount({
      def,
      location: '.labeling/p1',
      folder: 'ws',
      problems: ['.labeling/p1/journal/x/d.jsonl:3: not JSON'],
      assignment: [{ labeler: 'bob@x', assigned: 12, labeled: 5, skipped: 1, waiting: 6 }],
      roleProblems: ['.labeling/p1/journal/eve/d.jsonl:1: approve by eve not applied: eve is not a reviewer'],
    });
    const root = el.shadowRoot!;
    const text = root.textContent!.replace(/\s+/g, ' ');
    assert.deepEqual([...root.querySelectorAll('dl.roles dt, dl.roles dd')].map((e) => e.textContent), ['ann@x', 'manager, reviewer', 'bob@x', 'labeler']);
    const row = root.querySelector('table.assigned tr[data-labeler="bob@x"]')!;
    assert.deepEqual([...row.children].map((c) => c.textContent!.trim()), ['bob@x', '12', '5', '1', '6']);
    assert.include(text, 'Events ignored for a missing role (1)');
    assert.equal(root.querySelector('.role-problems li')!.textContent, '.labeling/p1/journal/eve/d.jsonl:1: approve by eve not applied: eve is not a reviewer');
    [...root.querySelectorAll('vscode-button')].find((b) => b.textContent!.includes('Assign Items'))!.click();
    assert.deepEqual(transport.lastParams('details/action'), { action: 'assignItems' });
  });

  it('warns when a teammate writes with a newer consensus rule, and lists teammates on an older one (issue 11 item 3)', async () => {
    const newer = 'Labeler bob@x writes with consensus rule 99; this extension computes rule 2, so consensus and review states can differ from theirs: update the Data Labeling extension.';
    const older = "cat@x's extension computes consensus rule 1 (their last line at 2026-12-01T10:00:00.000Z): ask them to update so every clone computes the same states.";
    const { el } = await mount({ def, location: '.labeling/p1', folder: 'ws', problems: [], assignment: [], roleProblems: [], versions: { newer: [newer], older: [older] } });
    const root = el.shadowRoot!;
    const alert = root.querySelector('.version-newer')!;
    assert.equal(alert.getAttribute('role'), 'alert');
    assert.equal(alert.textContent, newer);
    assert.include(root.textContent!.replace(/\s+/g, ' '), 'On an older version (1)');
    assert.deepEqual([...root.querySelectorAll('.version-older li')].map((l) => l.textContent), [older]);
  });

  it('says when nothing is assigned, and shows no role list for a project without roles', async () => {
    const { roles: _r, ...open } = def;
    const { el } = await mount({ def: open, location: '.labeling/p1', folder: 'ws', problems: [], assignment: [], roleProblems: [] });
    const text = el.shadowRoot!.textContent!.replace(/\s+/g, ' ');
    assert.include(text, 'No item is assigned to anyone');
    assert.include(text, 'No roles: everyone may label, review and manage.');
    assert.notInclude(text, 'Events ignored');
    assert.notInclude(text, 'older version');
    assert.equal(el.shadowRoot!.querySelector('.version-newer'), null);
  });
});

/** Issue 11 item 5: agreement statistics shown in Project Details, computed on demand as a job. */
describe('lbl-details-app: the Agreement section', () => {
  afterEach(() => document.body.replaceChildren());
  const base = { def, location: '.labeling/p1', folder: 'ws', problems: [] };

  it('offers to compute it, then shows the overall statistics and a row per pair with the reasons for what does not apply', async () => {
    const { el, transport } = await mount(base);
    const root = el.shadowRoot!;
    assert.include(root.textContent!, 'Not computed in this window yet');
    [...root.querySelectorAll('vscode-button')].find((b) => b.textContent!.includes('Compute Agreement Statistics'))!.click();
    assert.deepEqual(transport.lastParams('details/action'), { action: 'computeAgreement' });
    transport.notify(DetailsStateNotification, {
      ...base,
      agreement: {
        at: '2026-12-01T10:00:00.000Z',
        report: {
          items: 120, labelers: ['ann@x', 'bob@x'], percentAgreement: 0.9, fleissKappa: 0.8, fleissItems: 120, krippendorffAlpha: 0.81,
          pairs: [{ a: 'ann@x', b: 'bob@x', items: 120, percentAgreement: 0.9, cohenKappa: 0.79, f1: 0.9 }],
          byLabel: {}, notes: { fleissKappa: 'computed on the 120 items with 2 labelers' },
        },
      },
    });
    await el.updateComplete;
    assert.deepEqual([...root.querySelectorAll('dl.agreement-summary dd')].map((d) => d.textContent!.trim()), ['0.900', '0.810', '0.800 (120 items)']);
    assert.deepEqual([...root.querySelector('table.pairs tbody tr')!.children].map((c) => c.textContent!.trim()), ['ann@x / bob@x', '120', '0.900', '0.790', '0.900']);
    assert.include(root.querySelector('.notes')!.textContent!, 'computed on the 120 items with 2 labelers');
  });
});

/** Issue 12 items 1 and 3: the ML-assist section shows the model, its validation, its jobs and its live accuracy. */
describe('lbl-details-app: the ML-assisted labeling section', () => {
  afterEach(() => document.body.replaceChildren());
  const base = { def, location: '.labeling/p1', folder: 'ws', problems: [] };
  const assist = (over: Partial<DetailsAssist> = {}): DetailsAssist => ({ enabled: true, kind: 'builtin', labeled: 12, nextTrainingAt: 50, jobs: [], canPublish: false, ...over });
  const model = (validation: Partial<NonNullable<DetailsAssist['model']>['validation']> = {}): DetailsAssist['model'] => ({
    name: 'text-logreg',
    version: 3,
    trainedOn: 400,
    createdAt: '2026-12-01T10:00:00.000Z',
    validation: { items: 150, accuracy: 0.934, threshold: 0.82, precisionAtThreshold: 0.97, message: 'threshold 0.82, validated precision 0.97 on 120 items', ...validation },
  });
  const section = (el: HTMLElement) => el.shadowRoot!.querySelector('section.assist');
  const text = (el: Element | null | undefined) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
  const button = (el: HTMLElement, label: string) => [...section(el)!.querySelectorAll('vscode-button')].find((b) => b.textContent!.includes(label));

  it('says how to turn it on when project.json has it off, and offers no training', async () => {
    const { el, transport } = await mount({ ...base, assist: assist({ enabled: false, kind: 'builtin' }) });
    assert.include(text(el.shadowRoot!.querySelector('.assist-enabled')), 'Off. To turn it on, set "mlAssist": { "enabled": true } in project.json');
    assert.isTrue(button(el, 'Start ML-Assisted Training')!.hasAttribute('disabled'));
    assert.equal(el.shadowRoot!.querySelector('.next-training'), null, 'no automatic training while it is off');
    button(el, 'Open project.json')!.click();
    assert.deepEqual(transport.lastParams('details/action'), { action: 'openDefinition' });
  });

  it('shows why it cannot run (unavailable)', async () => {
    const why = 'object detection needs a model of your own: set mlAssist.backendUrl';
    const { el } = await mount({ ...base, assist: assist({ kind: 'none', unavailable: why }) });
    assert.equal(text(el.shadowRoot!.querySelector('.assist-unavailable')), why);
    assert.isTrue(button(el, 'Start ML-Assisted Training')!.hasAttribute('disabled'));
  });

  it('without a model says when training starts, with the labels so far and a bar toward it; the buttons post their actions', async () => {
    const { el, transport } = await mount({ ...base, assist: assist() });
    assert.equal(text(el.shadowRoot!.querySelector('.assist-empty')), 'No model yet: training starts at 50 labels (12 so far), or start it now');
    assert.include(text(el.shadowRoot!.querySelector('.next-training')), 'Next automatic training at 50 labels (12 labeled now)');
    assert.equal(el.shadowRoot!.querySelector('.next-training [role="progressbar"]')!.getAttribute('aria-valuenow'), '24');
    assert.equal((el.shadowRoot!.querySelector('.next-training .fill') as HTMLElement).style.getPropertyValue('--f'), '24%');
    assert.include(text(section(el)), 'No ML-assist job has run in this window yet.');
    const train = button(el, 'Start ML-Assisted Training')!;
    assert.isFalse(train.hasAttribute('disabled'));
    train.click();
    assert.deepEqual(transport.lastParams('details/action'), { action: 'startAssistTraining' });
    button(el, 'Show Jobs')!.click();
    assert.deepEqual(transport.lastParams('details/action'), { action: 'showJobs' });
  });

  it('with a model shows its name, version, training and the validation line in the issue\'s words', async () => {
    const { el } = await mount({ ...base, assist: assist({ labeled: 400, nextTrainingAt: 480, model: model() }) });
    const root = el.shadowRoot!;
    assert.equal(text(root.querySelector('.model-name')), 'text-logreg v3');
    assert.include(text(root.querySelector('.model-trained')), 'on 400 labels, ');
    assert.equal(text(root.querySelector('.validation.qualified')), 'threshold 0.82, validated precision 0.97 on 120 items');
    assert.equal(text(root.querySelector('.model-metric')), '0.93 on 150 held-out items');
    assert.include(text(root.querySelector('dl.assist-model')), 'Accuracy');
    assert.equal(root.querySelector('.assist-empty'), null);
  });

  it('with no qualifying threshold shows the message with its figures; a NER project says F1', async () => {
    const { el } = await mount({
      ...base,
      def: { ...def, type: 'text-ner' },
      assist: assist({ model: model({ threshold: null, precisionAtThreshold: null, items: 40, accuracy: 0.71, message: 'best: precision 0.91 on 40 items; more labels needed' }) }),
    });
    const root = el.shadowRoot!;
    assert.equal(text(root.querySelector('.validation.pending')), 'best: precision 0.91 on 40 items; more labels needed');
    assert.include(text(root.querySelector('dl.assist-model')), 'F1 0.71 on 40 held-out items');
    assert.notInclude(text(root.querySelector('dl.assist-model')), 'Accuracy');
  });

  it('lists a running job with its progress bar and fraction, and a failed one with its error, status icon and duration', async () => {
    const jobs: DetailsAssist['jobs'] = [
      { id: 'j2', title: 'Inference', status: 'running', fraction: 0.45, message: '450 of 1,000 items', startedAt: Date.now() - 5000 },
      { id: 'j1', title: 'Training', status: 'failed', error: 'worker exited: out of memory', startedAt: 1000, endedAt: 66000 },
    ];
    const { el } = await mount({ ...base, assist: assist({ jobs }) });
    const root = el.shadowRoot!;
    const running = root.querySelector('.job[data-job="j2"]')!;
    assert.include(text(running.querySelector('.job-head')), 'Inference running');
    assert.equal(running.querySelector('vscode-icon.status-icon')!.getAttribute('name'), 'loading');
    assert.equal(running.querySelector('[role="progressbar"]')!.getAttribute('aria-valuenow'), '45');
    assert.equal(text(running.querySelector('.fraction')), '45%');
    assert.equal(text(running.querySelector('.job-message')), '450 of 1,000 items');
    assert.include(text(running.querySelector('.job-duration')), 'so far');
    const failed = root.querySelector('.job[data-job="j1"]')!;
    assert.equal(failed.querySelector('vscode-icon.status-icon')!.getAttribute('name'), 'error');
    assert.equal(text(failed.querySelector('.job-error')), 'worker exited: out of memory');
    assert.equal(text(failed.querySelector('.job-duration')), '1 min 05 s');
    assert.equal(failed.querySelector('[role="progressbar"]'), null, 'no bar once a job ended');
  });

  it('shows the local suggestions and the live accuracy per model version', async () => {
    const { el } = await mount({
      ...base,
      assist: assist({
        model: model(),
        suggestions: { count: 37, modelVersion: 3, threshold: 0.82 },
        liveAccuracy: [
          { source: 'text-logreg v3', confirmed: 84, total: 100 },
          { source: 'text-logreg v2', confirmed: 9, total: 12 },
        ],
      }),
    });
    const root = el.shadowRoot!;
    assert.include(text(root.querySelector('.suggestions')), '37 local suggestions from model v3 (above 0.82)');
    assert.deepEqual([...root.querySelectorAll('.live-accuracy li')].map(text), [
      'text-logreg v3: confirmed unchanged 84 of 100 (84%)',
      'text-logreg v2: confirmed unchanged 9 of 12 (75%)',
    ]);
  });

  it('offers Publish Prelabels to a manager with suggestions only', async () => {
    const withSuggestions = { model: model(), suggestions: { count: 37, modelVersion: 3, threshold: 0.82 } };
    const { el, transport } = await mount({ ...base, assist: assist({ ...withSuggestions, canPublish: true }) });
    button(el, 'Publish Prelabels')!.click();
    assert.deepEqual(transport.lastParams('details/action'), { action: 'publishPrelabels' });
    transport.notify(DetailsStateNotification, { ...base, assist: assist({ ...withSuggestions, canPublish: false }) });
    await el.updateComplete;
    assert.isUndefined(button(el, 'Publish Prelabels'), 'hidden without canPublish');
    transport.notify(DetailsStateNotification, { ...base, assist: assist({ ...withSuggestions, suggestions: { count: 0, modelVersion: 3, threshold: 0.82 }, canPublish: true }) });
    await el.updateComplete;
    assert.isUndefined(button(el, 'Publish Prelabels'), 'hidden with nothing to publish');
    assert.isDefined(button(el, 'Show Jobs'));
  });
});
