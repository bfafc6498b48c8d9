import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { PNG } from 'pngjs';
import { createProject } from '../project/create';
import type { Annotation, Box, Polygon } from '../model';
import { aDef } from '../formats/test-support';
import { annotationsAgree, consensusOf, CONSENSUS_RULE_VERSION } from './agreement';
import { SCHEMA_VERSION } from './schema';
import { indexDefHash } from './snapshot';
import { cleanupWorkspaces, openStore, tempWorkspace, writeFiles } from './test-support';

const boxes = (...b: [string, number, number, number, number][]): Annotation => ({ kind: 'boxes', boxes: b.map(([label, x, y, w, h]) => ({ label, x, y, w, h })) });
const polygons = (...p: Polygon[]): Annotation => ({ kind: 'polygons', polygons: p });
const square = (x: number, y: number, s: number): number[] => [x, y, x + s, y, x + s, y + s, x, y + s];

function shuffle<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('agreement', () => {
  it('classes agree on the same label set, in any order', () => {
    assert.ok(annotationsAgree({ kind: 'classes', labels: ['a', 'b'] }, { kind: 'classes', labels: ['b', 'a'] }));
    assert.ok(annotationsAgree({ kind: 'classes', labels: ['a', 'a'] }, { kind: 'classes', labels: ['a'] }));
    assert.ok(!annotationsAgree({ kind: 'classes', labels: ['a'] }, { kind: 'classes', labels: ['a', 'b'] }));
    assert.ok(annotationsAgree({ kind: 'classes', labels: [] }, { kind: 'classes', labels: [] }));
  });

  it('spans agree only on identical (start, end, label) sets, in any order', () => {
    const s = (...x: [number, number, string][]): Annotation => ({ kind: 'spans', spans: x.map(([start, end, label]) => ({ start, end, label })) });
    assert.ok(annotationsAgree(s([0, 5, 'PER'], [7, 9, 'ORG']), s([7, 9, 'ORG'], [0, 5, 'PER'])));
    assert.ok(!annotationsAgree(s([0, 5, 'PER']), s([0, 6, 'PER'])));
    assert.ok(!annotationsAgree(s([0, 5, 'PER']), s([1, 5, 'PER'])));
    assert.ok(!annotationsAgree(s([0, 5, 'PER']), s([0, 5, 'ORG'])));
    assert.ok(!annotationsAgree(s([0, 5, 'PER']), s([0, 5, 'PER'], [7, 9, 'ORG'])));
  });

  it('boxes agree when an optimal matching pairs every box at IoU >= 0.5, same label', () => {
    assert.ok(annotationsAgree(boxes(['car', 0, 0, 10, 10], ['dog', 50, 50, 5, 5]), boxes(['dog', 50, 50, 5, 5], ['car', 1, 1, 10, 10])));
    assert.ok(!annotationsAgree(boxes(['car', 0, 0, 10, 10]), boxes(['car', 6, 0, 10, 10]))); // IoU 4/16
    assert.ok(!annotationsAgree(boxes(['car', 0, 0, 10, 10]), boxes(['dog', 0, 0, 10, 10])));
    assert.ok(!annotationsAgree(boxes(['car', 0, 0, 10, 10]), boxes(['car', 0, 0, 10, 10], ['car', 0, 0, 10, 10])));
    assert.ok(annotationsAgree(boxes(), boxes()));
  });

  it('boxes: two boxes each overlapping two candidates agree (a greedy matching said no)', () => {
    // A0 = [0,10] and A1 = [4,14]; B0 = [1,11] (IoU 0.818 with A0, 0.538 with A1), B1 = [-2,8]
    // (0.667 with A0, 0.25 with A1). Greedy gives A0 its best, B0, and A1 is left with B1 at 0.25.
    const a = boxes(['car', 0, 0, 10, 10], ['car', 4, 0, 10, 10]);
    const b = boxes(['car', 1, 0, 10, 10], ['car', -2, 0, 10, 10]);
    assert.ok(annotationsAgree(a, b));
    assert.ok(annotationsAgree(b, a));
  });

  it('polygons compare by their own area: an L-shape does not agree with its bounding box', () => {
    const L: Polygon = { label: 'x', rings: [[0, 0, 10, 0, 10, 2, 2, 2, 2, 10, 0, 10]] }; // area 36, IoU 0.36
    const box: Polygon = { label: 'x', rings: [square(0, 0, 10)] };
    assert.ok(!annotationsAgree(polygons(L), polygons(box)));
    const shift = (dx: number): Annotation => polygons({ label: 'x', rings: [square(dx, 0, 10)] });
    assert.ok(annotationsAgree(shift(0), shift(1)));
    assert.ok(!annotationsAgree(shift(0), shift(8)));
  });

  it('polygons: holes and every ring of a multi-part object count', () => {
    const frame: Polygon = { label: 'x', rings: [square(0, 0, 10), square(1, 1, 8)] }; // area 36 of a 10 x 10 bbox
    const full: Polygon = { label: 'x', rings: [square(0, 0, 10)] };
    assert.ok(!annotationsAgree(polygons(frame), polygons(full)));
    assert.ok(annotationsAgree(polygons(frame), polygons({ label: 'x', rings: [square(0, 0, 10), square(1.2, 1.2, 7.8)] })));
    const parts: Polygon = { label: 'x', rings: [square(0, 0, 10), square(20, 0, 10), square(40, 0, 10)] };
    // Two of the three parts: IoU 2/3; the outer two with a sliver of one: 101/300 (bounding boxes: 1 and 0.82).
    assert.ok(annotationsAgree(polygons(parts), polygons({ label: 'x', rings: [square(0, 0, 10), square(40, 0, 10)] })));
    assert.ok(!annotationsAgree(polygons(parts), polygons({ label: 'x', rings: [square(0, 0, 10), square(40, 0, 1)] })));
  });

  it('gives the same verdict whatever the order of the shapes', () => {
    const a: Box[] = [];
    const b: Box[] = [];
    for (let k = 0; k < 12; k++) {
      // Chains of overlapping boxes where a greedy order-dependent pass fails for some orders.
      a.push({ label: k % 2 ? 'car' : 'dog', x: 100 * k, y: 0, w: 10, h: 10 }, { label: k % 2 ? 'car' : 'dog', x: 100 * k + 4, y: 0, w: 10, h: 10 });
      b.push({ label: k % 2 ? 'car' : 'dog', x: 100 * k + 1, y: 0, w: 10, h: 10 }, { label: k % 2 ? 'car' : 'dog', x: 100 * k - 2, y: 0, w: 10, h: 10 });
    }
    const moved = b.map((x, i) => (i === 5 ? { ...x, x: x.x + 30 } : x));
    for (let seed = 1; seed <= 25; seed++) {
      assert.ok(annotationsAgree({ kind: 'boxes', boxes: shuffle(a, seed) }, { kind: 'boxes', boxes: shuffle(b, seed * 7) }), `seed ${seed}`);
      assert.ok(!annotationsAgree({ kind: 'boxes', boxes: shuffle(a, seed) }, { kind: 'boxes', boxes: shuffle(moved, seed * 7) }), `seed ${seed}`);
    }
  });

  it('takes the largest agreeing group; ties go to the group formed first', () => {
    const c = (l: string): Annotation => ({ kind: 'classes', labels: [l] });
    const r = consensusOf([c('a'), c('b'), c('b')], (x) => x);
    assert.deepEqual([r.top.length, r.top[0], r.agreement], [2, c('b'), 2 / 3]);
    assert.deepEqual(consensusOf([c('a'), c('b')], (x) => x).top, [c('a')]);
  });

  it('consensus of three labelers settles on the boxes a greedy matching would have split', () => {
    const a = boxes(['car', 0, 0, 10, 10], ['car', 4, 0, 10, 10]);
    const b = boxes(['car', 1, 0, 10, 10], ['car', -2, 0, 10, 10]);
    const c = boxes(['car', 30, 0, 10, 10]);
    const r = consensusOf([a, b, c], (x) => x, (x) => JSON.stringify(x));
    assert.deepEqual([r.top, r.agreement], [[a, b], 2 / 3]);
  });

  it('the rule version is part of the index definition hash (snapshots of rule 1 rebuild)', () => {
    assert.equal(CONSENSUS_RULE_VERSION, 2);
    const def = aDef('image-detection', ['car']);
    const rule1 = { s: SCHEMA_VERSION, t: def.type, d: def.dataSources, c: def.consensus, q: def.queueSeed, r: def.roles ?? null };
    assert.notEqual(indexDefHash(def), createHash('sha1').update(JSON.stringify(rule1)).digest('hex'));
    assert.equal(indexDefHash(def), createHash('sha1').update(JSON.stringify({ ...rule1, k: 2 })).digest('hex'));
  });

  describe('in the store (two labelers, consensus 2 of 2)', () => {
    after(cleanupWorkspaces);

    async function project(type: 'image-detection' | 'image-segmentation'): Promise<{ root: string; id: string }> {
      const root = tempWorkspace();
      writeFiles(root, { 'img/a.png': PNG.sync.write(new PNG({ width: 100, height: 100 })), 'img/b.png': PNG.sync.write(new PNG({ width: 100, height: 100 })) });
      await createProject(root, { id: 'p', type, labels: ['car'], dataSources: [{ kind: 'images', glob: 'img/**' }], queueSeed: 1, consensus: { minLabelers: 2, maxLabelers: 2 } });
      return { root, id: 'p' };
    }

    it('settles boxes that only an optimal matching pairs; shapes that do not match need review', async () => {
      const p = await project('image-detection');
      const ann = await openStore(p, 'ann');
      const bob = await openStore(p, 'bob', 'd2');
      await ann.submit('img/a.png', boxes(['car', 10, 10, 10, 10], ['car', 14, 10, 10, 10]));
      await ann.submit('img/b.png', boxes(['car', 10, 10, 10, 10]));
      await bob.syncJournals();
      await bob.submit('img/a.png', boxes(['car', 11, 10, 10, 10], ['car', 8, 10, 10, 10]));
      await bob.submit('img/b.png', boxes(['car', 16, 10, 10, 10]));
      assert.deepEqual([bob.getItem('img/a.png')!.state, bob.getItem('img/a.png')!.agreement], ['labeled', 1]);
      assert.deepEqual([bob.getItem('img/b.png')!.state, bob.getItem('img/b.png')!.agreement], ['needs-review', 0.5]);
      await ann.close();
      await bob.close();
    });

    it('compares polygons by their own area: an L-shape and its bounding box need review', async () => {
      const p = await project('image-segmentation');
      const ann = await openStore(p, 'ann');
      const bob = await openStore(p, 'bob', 'd2');
      await ann.submit('img/a.png', polygons({ label: 'car', rings: [[10, 10, 30, 10, 30, 14, 14, 14, 14, 30, 10, 30]] }));
      await ann.submit('img/b.png', polygons({ label: 'car', rings: [square(10, 10, 20), square(50, 50, 20)] }));
      await bob.syncJournals();
      await bob.submit('img/a.png', polygons({ label: 'car', rings: [square(10, 10, 20)] }));
      await bob.submit('img/b.png', polygons({ label: 'car', rings: [square(51, 50, 20), square(11, 10, 20)] }));
      assert.equal(bob.getItem('img/a.png')!.state, 'needs-review');
      assert.equal(bob.getItem('img/b.png')!.state, 'labeled');
      await ann.close();
      await bob.close();
    });
  });
});
