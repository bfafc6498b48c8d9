import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { LabelingError } from '../errors';
import { createProject } from '../project/create';
import { SNAPSHOT_EVERY, SNAPSHOT_IDLE_MS } from './project-store';
import { cleanupWorkspaces, event, openStore, tempWorkspace, writeFiles, writeJournal } from './test-support';

function png(width: number, height: number): Buffer {
  return PNG.sync.write(new PNG({ width, height }));
}

async function imageProject(roles?: Record<string, ('labeler' | 'reviewer' | 'manager')[]>): Promise<{ root: string; id: string }> {
  const root = tempWorkspace();
  writeFiles(root, { 'img/a.png': png(30, 20), 'img/b.png': png(8, 12), 'img/readme.md': '# not an image' });
  await createProject(root, {
    id: 'boxes',
    type: 'image-detection',
    labels: ['car', 'dog'],
    dataSources: [{ kind: 'images', glob: 'img/**' }],
    queueSeed: 3,
    ...(roles ? { roles } : {}),
  });
  return { root, id: 'boxes' };
}

describe('ProjectStore: image projects, roles and snapshots', () => {
  after(cleanupWorkspaces);

  it('reads image sizes lazily from headers for item views and exports', async () => {
    const p = await imageProject();
    const s = await openStore(p);
    assert.equal(s.stats().items, 2);
    const a = s.getItem('img/a.png')!;
    assert.deepEqual([a.media, a.width, a.height, a.text], ['image', 30, 20, undefined]);
    await s.submit('img/b.png', { kind: 'boxes', boxes: [{ label: 'dog', x: 1, y: 1, w: 3, h: 4 }] });
    await assert.rejects(s.submit('img/a.png', { kind: 'boxes', boxes: [{ label: 'dog', x: 1, y: 1, w: 0, h: 4 }] }), (e: unknown) => e instanceof LabelingError && /positive w, h/.test(e.message));
    const exported = [...s.exportItems()];
    assert.deepEqual(exported.map((e) => [e.key, e.width, e.height, e.state]), [['img/a.png', 30, 20, 'unlabeled'], ['img/b.png', 8, 12, 'labeled']]);
    assert.deepEqual(exported[1]!.final, { kind: 'boxes', boxes: [{ label: 'dog', x: 1, y: 1, w: 3, h: 4 }] });
    await s.close();
  });

  it('enforces roles when the project declares them', async () => {
    const p = await imageProject({ ann: ['labeler'], rev: ['reviewer', 'manager'] });
    const ann = await openStore(p, 'ann');
    await ann.submit('img/a.png', { kind: 'boxes', boxes: [] });
    await assert.rejects(ann.approve('img/a.png', 1), (e: unknown) => e instanceof LabelingError && e.reason === 'forbidden');
    await assert.rejects(ann.setStatus('paused'), (e: unknown) => e instanceof LabelingError && e.reason === 'forbidden');
    await ann.close();
    const rev = await openStore(p, 'rev');
    await rev.approve('img/a.png', rev.getItem('img/a.png')!.version);
    await assert.rejects(rev.submit('img/b.png', { kind: 'boxes', boxes: [] }), (e: unknown) => e instanceof LabelingError && e.reason === 'forbidden');
    await rev.close();
  });

  it('snapshotIfIdle saves only when something changed', async () => {
    const p = await imageProject();
    const s = await openStore(p);
    assert.equal(await s.snapshotIfIdle(), 0);
    await s.skip('img/a.png');
    assert.ok((await s.snapshotIfIdle()) > 0);
    assert.equal(await s.snapshotIfIdle(), 0);
    await s.close();
  });

  it('takes the automatic snapshot after SNAPSHOT_EVERY events only once writes pause, not on the write path', async () => {
    const p = await imageProject();
    const s = await openStore(p);
    const sidecar = path.join(p.root, '.labeling/.cache', p.id, 'index.json');
    const saved = (): string => (JSON.parse(fs.readFileSync(sidecar, 'utf8')) as { savedAt: string }).savedAt;
    const before = saved();
    const evs = Array.from({ length: SNAPSHOT_EVERY }, (_, i) => event({ type: 'skip', item: i % 2 ? 'img/a.png' : 'img/b.png' }, { by: 'bob', seq: i + 1 }));
    writeJournal(p.root, p.id, 'bob', 'd1', evs);
    assert.equal(await s.syncJournals(), SNAPSHOT_EVERY);
    assert.equal(saved(), before, 'no snapshot inside the write');
    await new Promise((r) => setTimeout(r, SNAPSHOT_IDLE_MS + 300));
    assert.notEqual(saved(), before, 'a snapshot once idle');
    assert.equal(await s.snapshotIfIdle(), 0, 'nothing left to save');
    await s.close();
  });
});
