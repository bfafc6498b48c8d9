import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aDef } from '../../core/formats/test-support';
import { getMask, putMask } from '../../core/masks/blob-store';
import type { MaskAnnotation } from '../../core/model';
import type { ItemView } from '../../core/store/types';
import { decodeRuns, maskMessage } from '../../protocol/mask-transport';
import { maskRunsOf, submittedMask } from './labelerMasks';
import { reviewItemOf } from './reviewItem';

describe('panel masks: what the labeling and review panels send and take', () => {
  let dir = '';
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'panel-masks-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const def = aDef('image-semantic-segmentation', ['car', 'road'], { ignoreLabel: 'void' });
  const raster = (): Uint8Array => Uint8Array.from({ length: 12 }, (_, i) => (i < 4 ? 1 : i === 5 ? 255 : 0));

  it('a submitted mask is validated, stored as a blob and becomes its annotation; bad ones name the field and run', async () => {
    const a = await submittedMask(dir, def, 'img/a.png', maskMessage(raster(), 4, 3));
    assert.deepEqual([a.kind, a.width, a.height, a.classes], ['mask', 4, 3, ['car', 'void']]);
    assert.deepEqual((await getMask(dir, a.blob)).data, raster());
    // The classes come from the runs: one class present only in the last run, and runs of the same class apart.
    const b = await submittedMask(dir, def, 'img/b.png', { width: 4, height: 3, runs: [0, 3, 2, 2, 0, 6, 1, 1] });
    assert.deepEqual(b.classes, ['car', 'road']);
    assert.deepEqual((await submittedMask(dir, def, 'img/c.png', { width: 4, height: 3, runs: [0, 12] })).classes, []);
    await assert.rejects(submittedMask(dir, def, 'img/a.png', { width: 4, height: 3, runs: [3, 12] }), /mask: mask of img\/a\.png: run 0 has class index 3; a mask of 2 classes takes 0 \(unlabeled\), 1\.\.2 or 255 \(ignore\)/);
    await assert.rejects(submittedMask(dir, def, 'img/a.png', { width: 4, height: 3, runs: [1, 11] }), /the runs cover 11 of the 12 pixels/);
    await assert.rejects(submittedMask(dir, { ...def, ignoreLabel: undefined }, 'img/a.png', maskMessage(raster(), 4, 3)), /class index 255/);
    await assert.rejects(submittedMask(dir, aDef('image-detection', ['car']), 'img/a.png', maskMessage(raster(), 4, 3)), /takes no mask/);
  });

  it('a submitted mask goes back to the webview from the runs it came as, without reading its blob again', async () => {
    // Runs of one class apart, as a brush leaves them: they decode to the blob's raster all the same.
    const painted = { width: 4, height: 3, runs: [1, 2, 1, 2, 0, 1, 255, 1, 0, 6] };
    const a = await submittedMask(dir, def, 'img/d.png', painted);
    rmSync(join(dir, 'masks'), { recursive: true, force: true }); // the blob is not read: its runs are the ones submitted
    const problems: string[] = [];
    const back = maskRunsOf(dir, a, (m) => problems.push(m))!;
    assert.deepEqual(problems, []);
    assert.deepEqual(decodeRuns(back.runs, back.width, back.height), raster());
    painted.runs[0] = 2; // the message the runs came in is not the one kept
    const again = maskRunsOf(dir, a)!;
    assert.deepEqual(decodeRuns(again.runs, again.width, again.height), raster());
  });

  it("an item's mask goes out as runs of its blob; a missing blob is reported once and sends nothing", async () => {
    const put = await putMask(dir, { width: 4, height: 3, data: raster() });
    const ann: MaskAnnotation = { kind: 'mask', classes: ['car', 'void'], width: 4, height: 3, blob: put.sha };
    const runs = maskRunsOf(dir, ann)!;
    assert.deepEqual(decodeRuns(runs.runs, runs.width, runs.height), raster());
    const problems: string[] = [];
    const gone = { ...ann, blob: 'd'.repeat(64) };
    assert.equal(maskRunsOf(dir, gone, (m) => problems.push(m)), undefined);
    assert.equal(maskRunsOf(dir, gone, (m) => problems.push(m)), undefined);
    assert.equal(problems.length, 1);
    assert.equal(maskRunsOf(dir, { kind: 'classes', labels: ['car'] }), undefined);

    // The review item carries the runs of every mask it shows, by blob.
    const view = {
      key: 'img/a.png', ref: { path: 'img/a.png' }, media: 'image', state: 'needs-review', version: 2, skippedByMe: false,
      mine: { labeler: 'ann', annotation: ann, at: '2026-12-01T10:00:00.000Z' }, others: [{ labeler: 'bob', annotation: gone, at: '2026-12-01T10:01:00.000Z' }],
    } as unknown as ItemView;
    const item = reviewItemOf(view, [], undefined, (a) => maskRunsOf(dir, a));
    assert.deepEqual(Object.keys(item.masks!), [put.sha]);
    assert.equal(reviewItemOf(view, []).masks, undefined);
  });
});
