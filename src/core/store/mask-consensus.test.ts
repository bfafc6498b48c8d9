import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { eventProblem } from '../journal/events';
import { getMask, maskBlobPath, sha256Hex, storeMaskAnnotation } from '../masks/blob-store';
import { encodeIndexedPng } from '../masks/png-indexed';
import type { ClassRaster } from '../masks/raster';
import type { Annotation, MaskAnnotation } from '../model';
import { createProject } from '../project/create';
import { annotationsAgree, groupFinal, type MaskSource } from './agreement';
import { packAnn, unpackAnn } from './ann-text';
import { folderMaskSource } from './mask-source';
import { cleanupWorkspaces, openStore, tempWorkspace, writeFiles } from './test-support';

/** A 10 x 10 mask: class 1 on columns [0, c1), class 2 on [c2, 10), unlabeled between. */
function cols(c1: number, c2 = 10): ClassRaster {
  const data = new Uint8Array(100);
  for (let y = 0; y < 10; y++) for (let x = 0; x < 10; x++) data[y * 10 + x] = x < c1 ? 1 : x >= c2 ? 2 : 0;
  return { width: 10, height: 10, data };
}

/** An in-memory MaskSource over rasters named by the hash of their PNG, as the blob store names them. */
function memorySource(): MaskSource & { add(r: ClassRaster, classes?: string[]): MaskAnnotation } {
  const blobs = new Map<string, ClassRaster>();
  const put = (r: ClassRaster): string => {
    const sha = sha256Hex(encodeIndexedPng(r));
    blobs.set(sha, r);
    return sha;
  };
  return {
    read: (b) => blobs.get(b),
    put,
    add: (r, classes = ['car']) => ({ kind: 'mask', classes, width: r.width, height: r.height, blob: put(r) }),
  };
}

describe('masks: agreement and consensus', () => {
  it('two masks agree when their mean IoU over the classes present is >= maskIoU (default 0.8)', () => {
    const src = memorySource();
    const a = src.add(cols(5));
    const b = src.add(cols(6)); // car: 50 / 60 = 0.83
    const c = src.add(cols(7)); // car: 50 / 70 = 0.71
    assert.ok(annotationsAgree(a, b, { masks: src }));
    assert.ok(!annotationsAgree(a, c, { masks: src }));
    assert.ok(annotationsAgree(a, c, { masks: src, maskIoU: 0.7 }));
    assert.ok(!annotationsAgree(a, b, { masks: src, maskIoU: 0.9 }));
    // Two classes: car 50/60 and road (columns 8-9 vs 9) 10/20: mean 0.67.
    const d = src.add(cols(5, 8), ['car', 'road']);
    const e = src.add(cols(6, 9), ['car', 'road']);
    assert.ok(!annotationsAgree(d, e, { masks: src }));
  });

  it('the same blob agrees unread; without a source or with an unreadable blob different blobs do not', () => {
    const src = memorySource();
    const a = src.add(cols(5));
    const b = src.add(cols(6));
    assert.ok(annotationsAgree(a, { ...a }));
    assert.ok(!annotationsAgree(a, b));
    assert.ok(!annotationsAgree(a, { ...b, blob: 'f'.repeat(64) }, { masks: src }));
    assert.ok(!annotationsAgree(a, { ...b, width: 20, height: 5 }, { masks: src }), 'another size never agrees');
  });

  it('the final of a group is the per-pixel majority, stored as a new blob with the classes it holds', () => {
    const src = memorySource();
    const truth = cols(5, 8);
    const noisy = (flip: number): ClassRaster => {
      const r = { ...truth, data: truth.data.slice() };
      for (let i = flip; i < 100; i += 7) r.data[i] = 0;
      return r;
    };
    const members = [src.add(noisy(0), ['car', 'road']), src.add(noisy(2), ['car', 'road']), src.add(noisy(4), ['car', 'road'])];
    const final = groupFinal(members, { masks: src }) as MaskAnnotation;
    assert.ok(members.every((m) => m.blob !== final.blob));
    assert.deepEqual(src.read(final.blob)!.data, truth.data);
    assert.deepEqual(final.classes, ['car', 'road']);
    // One member alone, or other kinds: the first member itself.
    assert.equal(groupFinal(members.slice(0, 1), { masks: src }), members[0]);
    const cls: Annotation = { kind: 'classes', labels: ['a'] };
    assert.equal(groupFinal([cls, cls], { masks: src }), cls);
  });

  it('a mask annotation is packed in the index and read back', () => {
    const a: MaskAnnotation = { kind: 'mask', classes: ['car'], width: 4, height: 3, blob: 'a'.repeat(64) };
    const packed = packAnn(a);
    assert.equal(packed.charCodeAt(0), 2 + 4);
    assert.ok(!packed.includes('"kind"'));
    assert.deepEqual(unpackAnn(packed), a);
  });

  it('journal lines with a malformed mask are corrupt, naming the field', () => {
    const head = { v: 2, type: 'submit', at: '2026-12-01T10:00:00.000Z', by: 'ann', dev: 'd1', seq: 1, item: 'img/a.png' };
    const good = { kind: 'mask', classes: ['car'], width: 4, height: 3, blob: 'a'.repeat(64) };
    assert.equal(eventProblem({ ...head, ann: good }), undefined);
    assert.match(eventProblem({ ...head, ann: { ...good, blob: '../x' } })!, /ann\.blob: blob must be the sha256/);
    assert.match(eventProblem({ ...head, ann: { ...good, width: 0 } })!, /ann\.width: a mask must be at least 1 x 1/);
    assert.match(eventProblem({ ...head, ann: { ...good, classes: ['car', 'car'] } })!, /ann\.classes\[1\]: "car" is listed twice/);
    assert.match(eventProblem({ ...head, ann: { ...good, classes: [3] } })!, /ann\.classes\[0\]/);
    assert.match(eventProblem({ ...head, ann: { kind: 'mask', width: 4, height: 3, blob: 'a'.repeat(64) } })!, /ann\.classes must be an array/);
  });

  describe('in the store', () => {
    after(cleanupWorkspaces);

    async function project(consensus: { minLabelers: number; maxLabelers: number; maskIoU?: number }): Promise<{ root: string; id: string; dir: string }> {
      const root = tempWorkspace();
      writeFiles(root, { 'img/a.png': PNG.sync.write(new PNG({ width: 10, height: 10 })), 'img/b.png': PNG.sync.write(new PNG({ width: 10, height: 10 })) });
      await createProject(root, { id: 'p', type: 'image-semantic-segmentation', labels: ['car', 'road'], ignoreLabel: 'void', dataSources: [{ kind: 'images', glob: 'img/**' }], queueSeed: 1, consensus });
      return { root, id: 'p', dir: path.join(root, '.labeling', 'p') };
    }

    it('three labelers: masks within the IoU threshold settle on their per-pixel majority; a far one needs review', async () => {
      const p = await project({ minLabelers: 3, maxLabelers: 3 });
      const stores = [await openStore(p, 'ann'), await openStore(p, 'bob', 'd2'), await openStore(p, 'cy', 'd3')];
      const truth = cols(5, 8);
      for (const [k, s] of stores.entries()) {
        const r = { ...truth, data: truth.data.slice() };
        for (let i = 2 * k; i < 100; i += 17) r.data[i] = 0;
        const { annotation } = await storeMaskAnnotation(p.dir, r, ['car', 'road'], 'void');
        await s.syncJournals();
        await s.submit('img/a.png', annotation);
        // img/b: the third mask is far off (IoU well under 0.8).
        const far = k === 2 ? cols(1) : cols(5);
        await s.submit('img/b.png', (await storeMaskAnnotation(p.dir, far, ['car', 'road'], 'void')).annotation);
      }
      const last = stores[2]!;
      await last.syncJournals();
      const a = last.getItem('img/a.png')!;
      assert.equal(a.state, 'labeled');
      const final = a.final as MaskAnnotation;
      assert.equal(final.kind, 'mask');
      assert.deepEqual((await getMask(p.dir, final.blob)).data, truth.data, 'the final is the majority, stored as a blob');
      assert.ok(fs.existsSync(maskBlobPath(p.dir, final.blob)));
      assert.deepEqual(final.classes, ['car', 'road']);
      const b = last.getItem('img/b.png')!;
      assert.deepEqual([b.state, b.agreement], ['needs-review', 2 / 3]);
      for (const s of stores) await s.close();
      // A fresh build (no snapshot) computes the same final.
      fs.rmSync(path.join(p.root, '.labeling', '.cache'), { recursive: true, force: true });
      const again = await openStore(p, 'dee', 'd4');
      assert.equal((again.getItem('img/a.png')!.final as MaskAnnotation).blob, final.blob);
      await again.close();
    });

    it('consensus.maskIoU sets the threshold; a submit is refused when the mask is not the image size or names a class the project lacks', async () => {
      const p = await project({ minLabelers: 2, maxLabelers: 2, maskIoU: 0.7 });
      const ann = await openStore(p, 'ann');
      const bob = await openStore(p, 'bob', 'd2');
      await ann.submit('img/a.png', (await storeMaskAnnotation(p.dir, cols(5), ['car', 'road'])).annotation);
      await bob.syncJournals();
      await bob.submit('img/a.png', (await storeMaskAnnotation(p.dir, cols(7), ['car', 'road'])).annotation); // 0.71
      assert.equal(bob.getItem('img/a.png')!.state, 'labeled');
      // The ignore class is a class of the mask, not an unknown label.
      const withVoid = cols(5);
      withVoid.data[99] = 255;
      await bob.submit('img/b.png', (await storeMaskAnnotation(p.dir, withVoid, ['car', 'road'], 'void')).annotation);
      assert.deepEqual([bob.getItem('img/b.png')!.state, (bob.getItem('img/b.png')!.mine!.annotation as MaskAnnotation).classes], ['incomplete', ['car', 'void']]);
      const wide = await storeMaskAnnotation(p.dir, { width: 12, height: 10, data: new Uint8Array(120).fill(1) }, ['car', 'road']);
      await assert.rejects(bob.submit('img/b.png', wide.annotation), /the mask is 12×10, the image is 10×10/);
      const stranger = { ...(await storeMaskAnnotation(p.dir, cols(5), ['car', 'road'])).annotation, classes: ['boat'] };
      await assert.rejects(bob.submit('img/b.png', stranger), /classes\[0\]: "boat" is not a class of this project \(car, road, void\)/);
      await ann.close();
      await bob.close();
    });

    it('collects blobs no journal line and no final names: a stale majority and an orphan; journal-named blobs stay', async () => {
      const p = await project({ minLabelers: 3, maxLabelers: 3 });
      const stores = [await openStore(p, 'ann'), await openStore(p, 'bob', 'd2'), await openStore(p, 'cy', 'd3')];
      const noisy = (k: number): ClassRaster => {
        const r = cols(5, 8);
        for (let i = 2 * k; i < 100; i += 17) r.data[i] = 0;
        return r;
      };
      const named: string[] = [];
      for (const [k, s] of stores.entries()) {
        const { annotation } = await storeMaskAnnotation(p.dir, noisy(k), ['car', 'road']);
        named.push(annotation.blob);
        await s.syncJournals();
        await s.submit('img/a.png', annotation);
      }
      const cy = stores[2]!;
      await cy.syncJournals();
      const first = (cy.getItem('img/a.png')!.final as MaskAnnotation).blob;
      // cy paints again: another majority; the first one is no final any more.
      const { annotation: redo } = await storeMaskAnnotation(p.dir, noisy(0), ['car', 'road']); // as ann's: their noise wins
      named.push(redo.blob);
      await cy.submit('img/a.png', redo);
      const second = (cy.getItem('img/a.png')!.final as MaskAnnotation).blob;
      assert.notEqual(second, first);
      const orphan = (await storeMaskAnnotation(p.dir, cols(2), ['car', 'road'])).annotation.blob;
      assert.deepEqual(await cy.collectMasks(), [], 'nothing inside the grace period');
      const removed = await cy.collectMasks({ graceMs: 0 });
      assert.deepEqual(removed.sort(), [`${first}.png`, `${orphan}.png`].sort());
      for (const b of [...named, second]) assert.ok(fs.existsSync(maskBlobPath(p.dir, b)), `${b} is kept`);
      for (const s of stores) await s.close();
    });

    it('folderMaskSource reads each blob once through its cache and reports a missing one', async () => {
      const p = await project({ minLabelers: 1, maxLabelers: 1 });
      const { annotation } = await storeMaskAnnotation(p.dir, cols(5), ['car', 'road']);
      const problems: string[] = [];
      const src = folderMaskSource(p.dir, { onProblem: (m) => problems.push(m) });
      assert.deepEqual(src.read(annotation.blob)!.data, cols(5).data);
      src.read(annotation.blob);
      assert.deepEqual([src.stats.reads, src.stats.hits], [1, 1]);
      assert.equal(src.read('e'.repeat(64)), undefined);
      src.read('e'.repeat(64));
      assert.equal(problems.length, 1);
      assert.match(problems[0]!, /the mask blob is missing/);
    });
  });
});
