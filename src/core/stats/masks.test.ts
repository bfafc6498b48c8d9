import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { storeMaskAnnotation } from '../masks/blob-store';
import type { ClassRaster } from '../masks/raster';
import { createProject } from '../project/create';
import { cleanupWorkspaces, openStore, tempWorkspace, writeFiles } from '../store/test-support';
import { computeAgreement } from './compute';

/** 10 x 10: car (1) on columns [0, c1), road (2) on [c2, 10). */
function cols(c1: number, c2 = 10): ClassRaster {
  const data = new Uint8Array(100);
  for (let y = 0; y < 10; y++) for (let x = 0; x < 10; x++) data[y * 10 + x] = x < c1 ? 1 : x >= c2 ? 2 : 0;
  return { width: 10, height: 10, data };
}

describe('agreement statistics of masks', () => {
  after(cleanupWorkspaces);

  it('per pair the mean IoU of the shared items and the share at maskIoU; per class the pooled IoU', async () => {
    const root = tempWorkspace();
    const png = PNG.sync.write(new PNG({ width: 10, height: 10 }));
    writeFiles(root, { 'img/a.png': png, 'img/b.png': png });
    await createProject(root, { id: 'p', type: 'image-semantic-segmentation', labels: ['car', 'road'], dataSources: [{ kind: 'images', glob: 'img/**' }], queueSeed: 1, consensus: { minLabelers: 2, maxLabelers: 2 } });
    const dir = path.join(root, '.labeling', 'p');
    const ann = await openStore({ root, id: 'p' }, 'ann');
    const bob = await openStore({ root, id: 'p' }, 'bob', 'd2');
    const put = async (r: ClassRaster) => (await storeMaskAnnotation(dir, r, ['car', 'road'])).annotation;
    // a: car 50 vs 60 pixels (IoU 5/6), road 20 vs 20 (1): mean 11/12. b: car 50 vs 70 (5/7), no road: 5/7.
    await ann.submit('img/a.png', await put(cols(5, 8)));
    await ann.submit('img/b.png', await put(cols(5)));
    await bob.syncJournals();
    await bob.submit('img/a.png', await put(cols(6, 8)));
    await bob.submit('img/b.png', await put(cols(7)));
    const r = await computeAgreement(bob);
    assert.equal(r.items, 2);
    const p = r.pairs[0]!;
    assert.deepEqual([p.a, p.b, p.items, p.f1], ['ann', 'bob', 2, null]);
    assert.ok(Math.abs(p.meanIoU! - (11 / 12 + 5 / 7) / 2) < 1e-12, String(p.meanIoU));
    assert.equal(p.percentAgreement, 0.5, 'item a at or above 0.8, item b under it');
    assert.equal(r.percentAgreement, 0.5);
    assert.ok(Math.abs(r.byLabel.car!.iou! - (50 + 50) / (60 + 70)) < 1e-12);
    assert.equal(r.byLabel.road!.iou, 1);
    assert.match(r.notes.fleissKappa!, /does not apply to masks/);
    await ann.close();
    await bob.close();
  });
});
