import { assert } from 'chai';
import type { ProjectDef } from '../../src/core/model';
import { DetailsStateNotification, type DetailsState } from '../../src/protocol/details';
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
