import { strict as assert } from 'node:assert';
import { cleanupWorkspaces, classes, event, textProject, writeJournal } from '../core/store/test-support';
import { validateProject } from './commands/validate';

describe('data-labeling validate: labels', () => {
  after(cleanupWorkspaces);

  it('names each line using a label the project lacks, and takes labels added by a label-set event in any journal', async () => {
    const p = await textProject(3);
    const ev = (payload: Parameters<typeof event>[0], seq: number, by = 'bob') => event(payload, { by, dev: 'd', seq });
    const bob = writeJournal(p.root, p.id, 'bob', 'd', [
      ev({ type: 'submit', item: p.keys[0]!, ann: classes('extra') }, 1),
      ev({ type: 'import', batch: 'b', submits: [{ item: p.keys[1]!, ann: classes('neg') }, { item: p.keys[2]!, ann: classes('cow') }] }, 2),
      ev({ type: 'submit', item: p.keys[0]!, ann: classes('cow') }, 3),
    ]);
    writeJournal(p.root, p.id, 'zed', 'd', [ev({ type: 'labels', added: [{ name: 'extra', color: '#123456' }], mode: 'continue' }, 1, 'zed')]);
    const problems = await validateProject(p.root, p.id);
    assert.deepEqual(problems, [
      `${bob}:2: submits[1].ann.labels[0]: unknown label "cow"`,
      `${bob}:3: ann.labels[0]: unknown label "cow"`,
    ]);
  });
});
