import { assert } from 'chai';
import { LabelerStateNotification } from '../../src/protocol/labeler';
import { FakeTransport } from '../shared/fake-transport';
import { HostIpc } from '../shared/host-ipc';
import './app';
import { aState, mount, unmountAll } from './test-builders';

/** Issue 8, item 18: the panel of a project whose sources match no file says so, not "everything is labeled". */
describe('lbl-labeler-app with no items', () => {
  afterEach(unmountAll);

  it('says the data source matched no files and how to fix it; Check again asks the host', async () => {
    const transport = new FakeTransport();
    const el = document.createElement('lbl-labeler-app');
    el.ipc = new HostIpc(transport, 2000);
    const mounted = mount(el, 1000, 700);
    const s = aState('image-classification', { item: null, progress: { labeled: 0, total: 0, mine: 0 }, canGoBack: false });
    transport.notify(LabelerStateNotification, { ...s, noData: { globs: ['data/nothing/*.png'], definition: '.labeling/p1/project.json' } });
    await mounted;
    await el.updateComplete;
    const text = el.shadowRoot!.textContent!.replace(/\s+/g, ' ');
    assert.include(text, 'the data source matched no files');
    assert.include(text, 'data/nothing/*.png matches no file');
    assert.include(text, '.labeling/p1/project.json');
    assert.include(text, 'Refresh Project Data');
    assert.notInclude(text, 'Every item available to you is labeled');
    [...el.shadowRoot!.querySelectorAll('vscode-button')].find((b) => b.textContent!.includes('Check again'))!.click();
    await new Promise((r) => setTimeout(r, 0));
    assert.include(transport.methods, 'labeler/next');
  });
});
