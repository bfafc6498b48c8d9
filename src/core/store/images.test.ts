import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { LabelingError } from '../errors';
import { createProject } from '../project/create';
import { SNAPSHOT_EVERY, SNAPSHOT_IDLE_MS } from './project-store';
import { tinyJpeg } from '../formats/bounds-test-support';
import { readImageSize } from '../ingest/image-size';
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
    // Every snapshot is a new file renamed into place: its inode tells one save from the next.
    const snapshot = path.join(p.root, '.labeling/.cache', p.id, 'index.sqlite');
    const saved = (): string => String(fs.statSync(snapshot).ino);
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

  it('refuses a submit whose box or polygon lies outside the image, naming the field', async () => {
    const p = await imageProject();
    const s = await openStore(p);
    const refused = (field: string, message: RegExp) => (e: unknown) => e instanceof LabelingError && e.where.field === field && message.test(e.message);
    const far = { kind: 'boxes' as const, boxes: [{ label: 'dog', x: 1, y: 1, w: 3, h: 4 }, { label: 'dog', x: 20, y: 5, w: 11, h: 5 }] };
    await assert.rejects(s.submit('img/a.png', far), refused('annotation.boxes[1]', /box \(x 20, y 5, w 11, h 5\) reaches outside the 30×20 image/));
    await assert.rejects(s.submit('img/a.png', { kind: 'boxes', boxes: [{ label: 'dog', x: 1e308, y: 0, w: 1e308, h: 4 }] }), refused('annotation.boxes[0]', /outside|not finite/));
    await s.submit('img/a.png', { kind: 'boxes', boxes: [{ label: 'dog', x: 0, y: 0, w: 30, h: 20 }] });
    assert.equal(s.getItem('img/a.png')!.mine?.annotation.kind, 'boxes');
    await s.close();
    const poly = tempWorkspace();
    writeFiles(poly, { 'img/a.png': png(30, 20) });
    await createProject(poly, { id: 'seg', type: 'image-segmentation', labels: ['car'], dataSources: [{ kind: 'images', glob: 'img/**' }], queueSeed: 1 });
    const t = await openStore({ root: poly, id: 'seg' });
    await assert.rejects(t.submit('img/a.png', { kind: 'polygons', polygons: [{ label: 'car', rings: [[0, 0, 10, 0, 10, 25]] }] }), refused('annotation.polygons[0]', /point 2 of ring 0 \(y 25\) reaches outside the 30×20 image/));
    await t.close();
  });

  it('checks against the image as displayed: a JPEG with EXIF orientation 6 is 20×40, not 40×20', async () => {
    const root = tempWorkspace();
    writeFiles(root, { 'img/rot.jpg': tinyJpeg(40, 20, 6), 'img/flat.jpg': tinyJpeg(40, 20, 1) });
    await createProject(root, { id: 'exif', type: 'image-detection', labels: ['car'], dataSources: [{ kind: 'images', glob: 'img/**' }], queueSeed: 1 });
    const s = await openStore({ root, id: 'exif' });
    assert.deepEqual([s.getItem('img/rot.jpg')!.width, s.getItem('img/rot.jpg')!.height], [20, 40]);
    const wide = { kind: 'boxes' as const, boxes: [{ label: 'car', x: 0, y: 0, w: 35, h: 15 }] };
    await s.submit('img/flat.jpg', wide);
    await assert.rejects(s.submit('img/rot.jpg', wide), (e: unknown) => e instanceof LabelingError && /outside the 20×40 image/.test(e.message));
    await s.submit('img/rot.jpg', { kind: 'boxes', boxes: [{ label: 'car', x: 0, y: 0, w: 15, h: 35 }] });
    await s.close();
  });

  it('readImageSize swaps width and height for EXIF orientations 5-8, also past a 256 KB header', () => {
    const root = tempWorkspace();
    for (let o = 1; o <= 8; o++) writeFiles(root, { [`o${o}.jpg`]: tinyJpeg(40, 20, o) });
    const sizes = Array.from({ length: 8 }, (_, i) => readImageSize(path.join(root, `o${i + 1}.jpg`)));
    assert.deepEqual(sizes.map((s) => `${s?.width}x${s?.height}`), ['40x20', '40x20', '40x20', '40x20', '20x40', '20x40', '20x40', '20x40']);
    // A comment segment of 300 KB between the Exif block and the frame header: the whole file is read.
    const jpeg = tinyJpeg(40, 20, 6);
    const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
    const com = Buffer.alloc(60_000 + 4, 0x20);
    com.writeUInt16BE(0xfffe, 0);
    com.writeUInt16BE(60_002, 2);
    writeFiles(root, { 'big.jpg': Buffer.concat([jpeg.subarray(0, sof), com, com, com, com, com, jpeg.subarray(sof)]) });
    assert.deepEqual(readImageSize(path.join(root, 'big.jpg')), { width: 20, height: 40 });
    assert.equal(readImageSize(path.join(root, 'missing.jpg')), undefined);
  });

  it('reports an image whose size cannot be read instead of guessing it', async () => {
    const root = tempWorkspace();
    writeFiles(root, { 'img/ok.png': png(10, 10), 'img/broken.png': Buffer.from('not a png at all') });
    await createProject(root, { id: 'bad', type: 'image-detection', labels: ['car'], dataSources: [{ kind: 'images', glob: 'img/**' }], queueSeed: 1 });
    const s = await openStore({ root, id: 'bad' });
    const one = { kind: 'boxes' as const, boxes: [{ label: 'car', x: 1, y: 1, w: 2, h: 2 }] };
    await assert.rejects(s.submit('img/broken.png', one), (e: unknown) => e instanceof LabelingError && e.where.field === 'annotation.boxes' && /the size of image img\/broken.png cannot be read/.test(e.message));
    await s.submit('img/broken.png', { kind: 'boxes', boxes: [] });
    await s.submit('img/ok.png', one);
    await s.close();
  });

  it('refuses NER spans that end past the item text', async () => {
    const root = tempWorkspace();
    writeFiles(root, { 'txt/a.txt': 'hello world' });
    await createProject(root, { id: 'ner', type: 'text-ner', labels: ['PER'], dataSources: [{ kind: 'text-files', glob: 'txt/*.txt' }], queueSeed: 1 });
    const s = await openStore({ root, id: 'ner' });
    await assert.rejects(
      s.submit('txt/a.txt', { kind: 'spans', spans: [{ start: 6, end: 11, label: 'PER' }, { start: 6, end: 12, label: 'PER' }] }),
      (e: unknown) => e instanceof LabelingError && e.where.field === 'annotation.spans[1]' && /ends past the text \(11 characters\)/.test(e.message),
    );
    await s.submit('txt/a.txt', { kind: 'spans', spans: [{ start: 6, end: 11, label: 'PER' }] });
    await s.close();
  });
});
