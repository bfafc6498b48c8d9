import { strict as assert } from 'node:assert';
import { intersection, xor } from 'polygon-clipping';
import type { Annotation, Box, Polygon } from '../model';
import { boxIoU, matchBoxes, matchedF1, matchPolygons, matchShapes, minCostAssignment, polygonArea, polygonIoU } from './matching';

const box = (label: string, x: number, y: number, w: number, h: number): Box => ({ label, x, y, w, h });
const square = (x: number, y: number, s: number): number[] => [x, y, x + s, y, x + s, y + s, x, y + s];
const poly = (label: string, ...rings: number[][]): Polygon => ({ label, rings });
const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) <= eps, `${a} != ${b}`);

/** Seeded generator (mulberry32): the same shapes every run. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(xs: readonly T[], r: () => number): { items: T[]; from: number[] } {
  const from = xs.map((_, i) => i);
  for (let i = from.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [from[i], from[j]] = [from[j]!, from[i]!];
  }
  return { items: from.map((k) => xs[k]!), from };
}

/** Brute force over all one-to-one matchings: the most pairs, then the largest total weight. */
function bruteBest(w: number[][], t: number): [number, number] {
  const n = w.length;
  const m = w[0]?.length ?? 0;
  let best: [number, number] = [0, 0];
  const used = new Array<boolean>(m).fill(false);
  const go = (i: number, pairs: number, total: number): void => {
    if (i === n) {
      if (pairs > best[0] || (pairs === best[0] && total > best[1] + 1e-12)) best = [pairs, total];
      return;
    }
    go(i + 1, pairs, total);
    for (let j = 0; j < m; j++) {
      if (used[j] || w[i]![j]! < t) continue;
      used[j] = true;
      go(i + 1, pairs + 1, total + w[i]![j]!);
      used[j] = false;
    }
  };
  go(0, 0, 0);
  return best;
}

const totalOf = (m: { pairs: [number, number, number][] }) => m.pairs.reduce((s, p) => s + p[2], 0);

describe('geometry/matching', () => {
  describe('minCostAssignment', () => {
    it('finds the minimum-cost assignment of random rectangular matrices (brute force)', () => {
      const r = rng(7);
      for (let trial = 0; trial < 200; trial++) {
        const n = 1 + Math.floor(r() * 5);
        const m = n + Math.floor(r() * 3);
        const cost = Array.from({ length: n * m }, () => Math.round(r() * 20) - 10);
        const colOf = minCostAssignment(n, m, cost);
        assert.equal(new Set(colOf).size, n, 'distinct columns');
        const got = [...colOf].reduce((s, c, i) => s + cost[i * m + c]!, 0);
        let best = Infinity;
        const used = new Array<boolean>(m).fill(false);
        const go = (i: number, s: number): void => {
          if (i === n) return void (best = Math.min(best, s));
          for (let j = 0; j < m; j++) {
            if (used[j]) continue;
            used[j] = true;
            go(i + 1, s + cost[i * m + j]!);
            used[j] = false;
          }
        };
        go(0, 0);
        assert.equal(got, best, `trial ${trial}`);
      }
    });

    it('refuses more rows than columns and a cost of the wrong size', () => {
      assert.throws(() => minCostAssignment(3, 2, new Float64Array(6)), /3 rows but only 2 columns/);
      assert.throws(() => minCostAssignment(2, 2, [1, 2, 3]), /3 entries, expected 4/);
    });
  });

  describe('matchShapes', () => {
    // Two boxes each overlapping two candidates: a greedy pass gives A0 its best (B0, IoU 0.818) and
    // leaves A1 nothing at IoU >= 0.5; the optimal matching pairs A0-B1 (0.667) and A1-B0 (0.538).
    const A = [box('car', 0, 0, 10, 10), box('car', 4, 0, 10, 10)];
    const B = [box('car', 1, 0, 10, 10), box('car', -2, 0, 10, 10)];

    it('matches every box where a greedy pass leaves one out', () => {
      close(boxIoU(A[0]!, B[0]!), 9 / 11);
      close(boxIoU(A[1]!, B[1]!), 4 / 16);
      const m = matchBoxes(A, B);
      assert.deepEqual(m.pairs.map(([i, j]) => [i, j]), [[0, 1], [1, 0]]);
      close(m.pairs[0]![2], 8 / 12);
      close(m.pairs[1]![2], 7 / 13);
      assert.deepEqual([m.unmatchedA, m.unmatchedB], [[], []]);
    });

    it('prefers more pairs over a larger total IoU with fewer pairs', () => {
      // a0=b0 and a1=b1 would total 2.0 with two pairs; three pairs at 0.5 each total 1.5.
      const w = [
        [1, 0.5, 0],
        [0, 1, 0.5],
        [0.5, 0, 0],
      ];
      const a = [0, 1, 2].map((k) => ({ label: 'x', k }));
      const b = [0, 1, 2].map((k) => ({ label: 'x', k }));
      const m = matchShapes(a, b, (x, y) => w[x.k]![y.k]!, 0.5);
      assert.deepEqual(m.pairs.map(([i, j]) => [i, j]), [[0, 1], [1, 2], [2, 0]]);
      assert.deepEqual(bruteBest(w, 0.5), [3, 1.5]);
    });

    it('takes the larger total IoU among matchings of the same size', () => {
      const w = [
        [0.9, 0.6],
        [0.8, 0.55],
      ];
      const a = [0, 1].map((k) => ({ label: 'x', k }));
      const b = [0, 1].map((k) => ({ label: 'x', k }));
      const m = matchShapes(a, b, (x, y) => w[x.k]![y.k]!, 0.5);
      // 0.9 + 0.55 = 1.45 beats 0.6 + 0.8 = 1.40: a0-b0, a1-b1; with a0-b1 at 0.8 the swap wins (1.6).
      assert.deepEqual(m.pairs.map(([i, j]) => [i, j]), [[0, 0], [1, 1]]);
      const w2 = [
        [0.9, 0.8],
        [0.8, 0.55],
      ];
      const m2 = matchShapes(a, b, (x, y) => w2[x.k]![y.k]!, 0.5);
      assert.deepEqual(m2.pairs.map(([i, j]) => [i, j]), [[0, 1], [1, 0]]);
    });

    it('matches only same-label shapes and reports the rest as unmatched', () => {
      const m = matchBoxes([box('car', 0, 0, 10, 10), box('dog', 50, 50, 10, 10)], [box('dog', 0, 0, 10, 10), box('dog', 51, 50, 10, 10), box('cat', 0, 0, 5, 5)]);
      assert.deepEqual(m.pairs.map(([i, j]) => [i, j]), [[1, 1]]);
      assert.deepEqual([m.unmatchedA, m.unmatchedB], [[0], [0, 2]]);
    });

    it('counts an IoU of exactly the threshold as a match, and refuses a threshold outside (0, 1]', () => {
      // A box of width 6 inside one of width 12: IoU = 6 / 12 = 0.5.
      assert.equal(matchBoxes([box('x', 0, 0, 12, 1)], [box('x', 0, 0, 6, 1)]).pairs.length, 1);
      assert.equal(matchBoxes([box('x', 0, 0, 12, 1)], [box('x', 0, 0, 5.9, 1)]).pairs.length, 0);
      assert.throws(() => matchBoxes([], [], 0), /threshold must be in \(0, 1\]/);
      assert.throws(() => matchBoxes([], [], 1.5), /threshold must be in \(0, 1\]/);
    });

    it('finds the optimum of random crowded scenes (brute force), pruned or not', () => {
      const r = rng(11);
      for (let trial = 0; trial < 150; trial++) {
        const na = 1 + Math.floor(r() * 6);
        const nb = 1 + Math.floor(r() * 6);
        const mk = () => box(r() < 0.8 ? 'a' : 'b', Math.floor(r() * 8), Math.floor(r() * 8), 4 + Math.floor(r() * 5), 4 + Math.floor(r() * 5));
        const a = Array.from({ length: na }, mk);
        const b = Array.from({ length: nb }, mk);
        const w = a.map((x) => b.map((y) => (x.label === y.label ? boxIoU(x, y) : 0)));
        const [pairs, total] = bruteBest(w, 0.5);
        for (const m of [matchBoxes(a, b), matchShapes(a, b, boxIoU, 0.5)]) {
          assert.equal(m.pairs.length, pairs, `trial ${trial}`);
          close(totalOf(m), total);
          assert.equal(m.unmatchedA.length, na - pairs);
          assert.equal(m.unmatchedB.length, nb - pairs);
        }
      }
    });

    it('gives the same matching whatever the order of the shapes (permutations)', () => {
      const r = rng(3);
      const base: Box[] = Array.from({ length: 60 }, () => box(['car', 'dog', 'cat'][Math.floor(r() * 3)]!, Math.round(r() * 200), Math.round(r() * 200), 10 + Math.round(r() * 30), 10 + Math.round(r() * 30)));
      const other = base.filter(() => r() < 0.8).map((b) => ({ ...b, x: b.x + Math.round((r() - 0.5) * 10), y: b.y + Math.round((r() - 0.5) * 10) }));
      other.push(...Array.from({ length: 10 }, () => box('car', Math.round(r() * 200), Math.round(r() * 200), 20, 20)));
      const ref = matchBoxes(base, other);
      assert.ok(ref.pairs.length > 30);
      for (let k = 0; k < 20; k++) {
        const pa = shuffled(base, r);
        const pb = shuffled(other, r);
        const m = matchBoxes(pa.items, pb.items);
        assert.equal(m.pairs.length, ref.pairs.length);
        close(totalOf(m), totalOf(ref));
        const back = matchBoxes(pb.items, pa.items);
        assert.equal(back.pairs.length, ref.pairs.length, 'symmetric');
        close(totalOf(back), totalOf(ref));
      }
    });
  });

  describe('polygonIoU', () => {
    const L = poly('x', [0, 0, 10, 0, 10, 2, 2, 2, 2, 10, 0, 10]);
    const bbox = poly('x', square(0, 0, 10));

    it('compares an L-shape with its bounding box by area (0.36), not by bounding boxes (1)', () => {
      close(polygonArea(L), 36);
      close(polygonIoU(L, bbox), 0.36);
      close(polygonIoU(bbox, L), 0.36);
      assert.equal(matchPolygons([L], [bbox]).pairs.length, 0);
      assert.equal(matchPolygons([L], [poly('x', [0, 0, 10, 0, 10, 2.2, 2, 2.2, 2, 10, 0, 10])]).pairs.length, 1);
    });

    it('counts a ring inside another as a hole', () => {
      const ring = poly('x', square(0, 0, 10), square(2, 2, 6));
      close(polygonArea(ring), 64);
      close(polygonIoU(ring, bbox), 0.64);
      close(polygonIoU(ring, poly('x', square(2, 2, 6))), 0);
      // A hole in one object that the other fills: 36 of the union's 100 are in only one.
      close(polygonIoU(poly('x', square(0, 0, 10), square(4, 4, 2)), bbox), 96 / 100);
    });

    it('takes all rings of a multi-part object', () => {
      const two = poly('x', square(0, 0, 10), square(20, 0, 10));
      close(polygonArea(two), 200);
      close(polygonIoU(two, bbox), 0.5);
      close(polygonIoU(two, poly('x', square(20, 0, 10))), 0.5);
      close(polygonIoU(two, poly('x', square(20, 0, 10), square(0, 0, 10))), 1);
      // Partly overlapping rings of one object, even-odd: the overlap (25) is not in the object.
      close(polygonArea(poly('x', square(0, 0, 10), square(5, 5, 10))), 150);
      // Rings drawn clockwise or counter-clockwise, and ignored when under 3 vertices.
      close(polygonIoU(poly('x', [0, 0, 0, 10, 10, 10, 10, 0], [1, 1]), bbox), 1);
    });

    it('takes a self-crossing ring by the even-odd rule, and touching or folded rings as not simple', () => {
      // A bow-tie: two triangles of 25 (its signed shoelace area would be 0).
      const bowtie = poly('x', [0, 0, 10, 10, 10, 0, 0, 10]);
      close(polygonArea(bowtie), 50);
      close(polygonIoU(bowtie, bbox), 0.5);
      close(polygonIoU(bowtie, poly('x', [0, 0, 5, 5, 0, 10])), 0.5);
      // A ring that touches itself at (5, 5): two triangles of 25 joined at a point.
      close(polygonArea(poly('x', [0, 0, 10, 0, 5, 5, 10, 10, 0, 10, 5, 5])), 50);
    });

    it('gives the clipping library\'s IoU for simple rings (quick paths: one convex, or triangles), in either order and orientation', () => {
      const r = rng(21);
      const areaOf = (mp: [number, number][][][]) => mp.reduce((s, pg) => s + pg.reduce((t, ring, k) => {
        let a = 0;
        for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += ring[j]![0] * ring[i]![1] - ring[i]![0] * ring[j]![1];
        return t + (k ? -1 : 1) * Math.abs(a / 2);
      }, 0), 0);
      const pairsOf = (ring: number[]): [number, number][] => ring.flatMap((v, k) => (k % 2 ? [] : [[v, ring[k + 1]!] as [number, number]]));
      for (let trial = 0; trial < 100; trial++) {
        // A non-convex star and a convex polygon (points on an ellipse), random rotations.
        const star: number[] = [];
        for (let k = 0; k < 9; k++) {
          const t = (k / 9) * 2 * Math.PI;
          const rad = k % 2 ? 4 + r() * 3 : 9 + r() * 4;
          star.push(20 + rad * Math.cos(t), 20 + rad * Math.sin(t));
        }
        const conv: number[] = [];
        const [cx, cy, rx, ry, n] = [16 + r() * 8, 16 + r() * 8, 5 + r() * 8, 5 + r() * 8, 3 + Math.floor(r() * 6)];
        for (let k = 0; k < n; k++) {
          const t = (k / n) * 2 * Math.PI + r() * 0.3;
          conv.push(cx + rx * Math.cos(t), cy + ry * Math.sin(t));
        }
        // A second non-convex ring: a comb (deep notches) that crosses the star's arms.
        const comb: number[] = [cx - 10, cy - 8, cx + 10, cy - 8, cx + 10, cy + 8];
        for (let k = 4; k >= 1; k--) comb.push(cx - 10 + 4 * k, cy + 8, cx - 11.5 + 4 * k, cy - 4 + r() * 4, cx - 13 + 4 * k, cy + 8);
        comb.push(cx - 10, cy + 8);
        const cw = (ring: number[]) => pairsOf(ring).reverse().flat();
        for (const other of [conv, comb]) {
          const A = pairsOf(star);
          const B = pairsOf(other);
          const inter = areaOf(intersection([A], [B]));
          const expected = inter / (areaOf(xor([A])) + areaOf(xor([B])) - inter);
          for (const [x, y] of [[star, other], [other, star], [cw(star), other], [star, cw(other)]] as const) close(polygonIoU(poly('x', x), poly('x', y)), expected, 1e-9);
        }
      }
    });

    it('falls back to point sampling when the clipping library throws (polygon-clipping issue 139)', () => {
      // A square with a hole against a thin box: the library throws "Unable to complete output ring".
      const a = poly('x', [0, 56, 4, 56, 4, 60, 0, 60], [0.5, 56.4, 0.5, 56.6, 1.5, 56.6, 1.5, 56.4]);
      const b = poly('x', [2.3000000000000003, 55.6, 0.7000000000000001, 55.6, 0.6999999999999998, 56.4, 2.3, 56.4]);
      assert.throws(() => intersection(xor([[[0, 56], [4, 56], [4, 60], [0, 60]]], [[[0.5, 56.4], [0.5, 56.6], [1.5, 56.6], [1.5, 56.4]]]), [b.rings[0]!.flatMap((v, k, r) => (k % 2 ? [] : [[v, r[k + 1]!] as [number, number]]))]), /Unable to complete output ring/);
      // Exact: intersection 1.6 x 0.4 = 0.64; union 15.8 + 1.28 - 0.64 = 16.44.
      close(polygonIoU(a, b), 0.64 / 16.44, 2e-3);
      close(polygonIoU(b, a), 0.64 / 16.44, 2e-3);
    });

    it('agrees with point sampling on random overlapping polygons', () => {
      const r = rng(5);
      for (let trial = 0; trial < 20; trial++) {
        const star = (cx: number, cy: number): number[] => {
          const out: number[] = [];
          for (let k = 0; k < 7; k++) {
            const ang = (k / 7) * 2 * Math.PI;
            const rad = 5 + r() * 10;
            out.push(cx + rad * Math.cos(ang), cy + rad * Math.sin(ang));
          }
          return out;
        };
        const a = poly('x', star(20, 20));
        const b = poly('x', star(20 + r() * 8, 20 + r() * 8));
        // Sampling on a fine grid of the union's bounding box.
        const N = 400;
        let both = 0;
        let either = 0;
        const ptIn = (p: Polygon, x: number, y: number) => {
          const ring = p.rings[0]!;
          let inside = false;
          for (let i = 0, j = ring.length / 2 - 1; i < ring.length / 2; j = i++) {
            const [xi, yi, xj, yj] = [ring[2 * i]!, ring[2 * i + 1]!, ring[2 * j]!, ring[2 * j + 1]!];
            if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
          }
          return inside;
        };
        for (let gy = 0; gy < N; gy++) {
          for (let gx = 0; gx < N; gx++) {
            const x = -5 + (50 * (gx + 0.5)) / N;
            const y = -5 + (50 * (gy + 0.5)) / N;
            const ia = ptIn(a, x, y);
            const ib = ptIn(b, x, y);
            if (ia && ib) both++;
            if (ia || ib) either++;
          }
        }
        close(polygonIoU(a, b), both / either, 0.01);
      }
    });
  });

  describe('matchedF1', () => {
    const spans = (...s: [number, number, string][]): Annotation => ({ kind: 'spans', spans: s.map(([start, end, label]) => ({ start, end, label })) });

    it('matches spans on exact start, end and label, per label too', () => {
      const a = spans([0, 5, 'PER'], [10, 15, 'ORG'], [20, 25, 'PER']);
      const b = spans([0, 5, 'PER'], [10, 15, 'PER'], [20, 26, 'PER']);
      const f = matchedF1(a, b);
      assert.deepEqual([f.matched, f.a, f.b], [1, 3, 3]);
      close(f.f1, 2 / 6);
      assert.deepEqual(f.byLabel, { ORG: { matched: 0, a: 1, b: 0, f1: 0 }, PER: { matched: 1, a: 2, b: 3, f1: 2 / 5 } });
      // Duplicates match at most as often as both have them.
      assert.equal(matchedF1(spans([0, 5, 'PER'], [0, 5, 'PER']), spans([0, 5, 'PER'])).matched, 1);
    });

    it('is symmetric: the same whichever annotation is the reference', () => {
      const r = rng(9);
      for (let trial = 0; trial < 30; trial++) {
        const mk = (): Annotation => ({ kind: 'boxes', boxes: Array.from({ length: Math.floor(r() * 8) }, () => box(r() < 0.5 ? 'a' : 'b', Math.floor(r() * 20), Math.floor(r() * 20), 5 + Math.floor(r() * 6), 5 + Math.floor(r() * 6))) });
        const a = mk();
        const b = mk();
        const ab = matchedF1(a, b);
        const ba = matchedF1(b, a);
        assert.equal(ab.f1, ba.f1);
        assert.deepEqual(Object.keys(ab.byLabel), Object.keys(ba.byLabel));
        for (const l of Object.keys(ab.byLabel)) assert.equal(ab.byLabel[l]!.f1, ba.byLabel[l]!.f1);
      }
    });

    it('uses the optimal matching for boxes and the own area for polygons', () => {
      const a: Annotation = { kind: 'boxes', boxes: [box('car', 0, 0, 10, 10), box('car', 4, 0, 10, 10)] };
      const b: Annotation = { kind: 'boxes', boxes: [box('car', 1, 0, 10, 10), box('car', -2, 0, 10, 10)] };
      assert.equal(matchedF1(a, b).f1, 1);
      const L: Annotation = { kind: 'polygons', polygons: [poly('x', [0, 0, 10, 0, 10, 2, 2, 2, 2, 10, 0, 10]), poly('y', square(50, 50, 10))] };
      const S: Annotation = { kind: 'polygons', polygons: [poly('x', square(0, 0, 10)), poly('y', square(51, 50, 10))] };
      const f = matchedF1(L, S);
      close(f.f1, 0.5);
      assert.deepEqual([f.byLabel.x!.f1, f.byLabel.y!.f1], [0, 1]);
    });

    it('compares classes as sets; two empty annotations agree (F1 1); different kinds are refused', () => {
      const f = matchedF1({ kind: 'classes', labels: ['a', 'b', 'b'] }, { kind: 'classes', labels: ['b', 'c'] });
      assert.deepEqual([f.matched, f.a, f.b], [1, 2, 2]);
      assert.equal(matchedF1(spans(), spans()).f1, 1);
      assert.equal(matchedF1(spans([0, 1, 'A']), spans()).f1, 0);
      assert.throws(() => matchedF1(spans(), { kind: 'boxes', boxes: [] }), /different kinds \(spans, boxes\)/);
    });
  });
});
