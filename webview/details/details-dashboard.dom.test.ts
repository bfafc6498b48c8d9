import { assert } from 'chai';
import type { ProjectDef } from '../../src/core/model';
import { DetailsStateNotification } from '../../src/protocol/details';
import { FakeTransport } from '../shared/fake-transport';
import { HostIpc } from '../shared/host-ipc';
import './details-app';

/** The least a project needs for the panel to render. */
const def = {
  ...{ schemaVersion: 1, id: 'p1', name: 'Signs', type: 'text-classification', status: 'running', queueSeed: 1, createdAt: '2026-12-01T00:00:00.000Z' },
  ...{ labels: [{ name: 'pos', color: '#00aa00' }], dataSources: [{ kind: 'text-files', glob: 'data/*.txt' }], consensus: { minLabelers: 1, maxLabelers: 1 }, mlAssist: { enabled: false } },
} as ProjectDef;

/** Issue 13: Project Details opens the project's dashboard. */
describe('lbl-details-app: Show Dashboard', () => {
  afterEach(() => document.body.replaceChildren());

  it('posts the showDashboard action', async () => {
    const transport = new FakeTransport();
    const el = document.createElement('lbl-details-app');
    document.body.append(el);
    el.attach(new HostIpc(transport, 2000));
    transport.notify(DetailsStateNotification, { def, location: '.labeling/p1', folder: 'ws', problems: [] });
    await el.updateComplete;
    [...el.shadowRoot!.querySelectorAll<HTMLElement>('vscode-button')].find((b) => b.textContent!.trim() === 'Show Dashboard')!.click();
    assert.deepEqual(transport.lastParams('details/action'), { action: 'showDashboard' });
  });
});
