/**
 * Not a test, not part of `npm run bench`: how long the optimal matching of geometry/matching.ts
 * takes on large and crowded scenes (two labelers' boxes or polygons of one image), and the pair
 * agreement of small items as an index replay meets them.
 * Run: node --import tsx scripts/measure-matching.ts
 */
import type { Box, Polygon } from '../src/core/model';
import { boxIoU, matchBoxes, matchedF1, matchPolygons, matchShapes } from '../src/core/geometry/matching';
import { annotationsAgree } from '../src/core/store/agreement';

let seed = 42;
const rnd = (): number => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const LABELS = ['car', 'person', 'bike', 'dog', 'sign'];

function time<T>(name: string, rounds: number, f: () => T): T {
  let out!: T;
  if (rounds > 1) f(); // warm-up
  const t0 = performance.now();
  for (let k = 0; k < rounds; k++) out = f();
  const ms = (performance.now() - t0) / rounds;
  console.log(`${name.padEnd(64)} ${ms.toFixed(ms < 1 ? 3 : 1).padStart(9)} ms`);
  return out;
}

/** Labeler A's boxes, and B's: the same objects moved a little (90% of them), plus 10% others. */
function scene(n: number, labels: string[], size: number, spread: number): [Box[], Box[]] {
  const a: Box[] = Array.from({ length: n }, () => ({ label: labels[Math.floor(rnd() * labels.length)]!, x: rnd() * spread, y: rnd() * spread, w: size * (0.5 + rnd()), h: size * (0.5 + rnd()) }));
  const b: Box[] = a.filter(() => rnd() < 0.9).map((s) => ({ ...s, x: s.x + (rnd() - 0.5) * s.w * 0.2, y: s.y + (rnd() - 0.5) * s.h * 0.2 }));
  while (b.length < n) b.push({ label: labels[Math.floor(rnd() * labels.length)]!, x: rnd() * spread, y: rnd() * spread, w: size, h: size });
  return [a, b];
}

function toPolygon(b: Box, sides: number): Polygon {
  const ring: number[] = [];
  for (let k = 0; k < sides; k++) {
    const t = (k / sides) * 2 * Math.PI;
    const r = 0.8 + 0.2 * Math.cos(3 * t);
    ring.push(b.x + b.w / 2 + (r * b.w * Math.cos(t)) / 2, b.y + b.h / 2 + (r * b.h * Math.sin(t)) / 2);
  }
  return { label: b.label, rings: [ring] };
}

const report = (m: { pairs: unknown[] }) => console.log(`${''.padEnd(64)} ${m.pairs.length} pairs`);

const [a5, b5] = scene(1000, LABELS, 40, 2000);
report(time('1,000 vs 1,000 boxes, 5 labels, 2000 px image', 10, () => matchBoxes(a5, b5)));
const [a1, b1] = scene(1000, ['car'], 40, 2000);
report(time('1,000 vs 1,000 boxes, 1 label, 2000 px image', 10, () => matchBoxes(a1, b1)));
const [ac, bc] = scene(1000, ['car'], 40, 400);
report(time('1,000 vs 1,000 boxes, 1 label, crowded (400 px image)', 5, () => matchBoxes(ac, bc)));
report(time('  the same without pruning (all 1M pairs through boxIoU)', 3, () => matchShapes(ac, bc, boxIoU, 0.5)));
const dup = (n: number): Box[] => Array.from({ length: n }, () => ({ label: 'car', x: 10 + rnd(), y: 10 + rnd(), w: 50, h: 50 }));
const [ad, bd] = [dup(300), dup(300)];
report(time('300 vs 300 near-identical boxes (one group, worst case)', 1, () => matchBoxes(ad, bd)));
const [ad2, bd2] = [dup(1000), dup(1000)];
report(time('1,000 vs 1,000 near-identical boxes (one group, worst case)', 1, () => matchBoxes(ad2, bd2)));

const pa = a5.map((b) => toPolygon(b, 16));
const pb = b5.map((b) => toPolygon(b, 16));
report(time('1,000 vs 1,000 polygons (16 vertices), 5 labels, first call', 1, () => matchPolygons(pa, pb)));
report(time('  the same again (areas cached per object)', 3, () => matchPolygons(pa, pb)));

// Small items as a replay meets them: 8 boxes per labeler, 100,000 comparisons.
const items = Array.from({ length: 1000 }, () => scene(8, LABELS, 40, 400));
time('100,000 agreement checks of two labelers\' 8 boxes', 1, () => {
  let n = 0;
  for (let r = 0; r < 100; r++) for (const [x, y] of items) if (annotationsAgree({ kind: 'boxes', boxes: x }, { kind: 'boxes', boxes: y })) n++;
  return n;
});
time('100,000 matchedF1 of two labelers\' 8 boxes', 1, () => {
  let s = 0;
  for (let r = 0; r < 100; r++) for (const [x, y] of items) s += matchedF1({ kind: 'boxes', boxes: x }, { kind: 'boxes', boxes: y }).matched;
  return s;
});
const pitems = items.slice(0, 200).map(([x, y]) => [x.map((b) => toPolygon(b, 12)), y.map((b) => toPolygon(b, 12))] as const);
time('1,000 agreement checks of two labelers\' 8 polygons (new objects)', 1, () => {
  let n = 0;
  for (let r = 0; r < 5; r++) {
    for (const [x, y] of pitems) {
      const fresh = (ps: readonly Polygon[]) => ps.map((p) => ({ ...p }));
      if (annotationsAgree({ kind: 'polygons', polygons: fresh(x) }, { kind: 'polygons', polygons: fresh(y) })) n++;
    }
  }
  return n;
});
