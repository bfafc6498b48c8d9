import { strict as assert } from 'node:assert';
import { LabelingError } from '../errors';
import { seededRandom, shuffleInPlace } from '../random';
import { chooseThreshold, precisionCurve, stratifiedSplit, wilson, type HeldOutPrediction } from './validation';

const close = (actual: number, expected: number, eps = 5e-4): void =>
  assert.ok(Math.abs(actual - expected) <= eps, `${actual} is not within ${eps} of ${expected}`);

/** `n` predictions with confidences falling from `hi` in steps of 0.001, all `correct` or all wrong. */
function run(n: number, hi: number, correct: boolean): HeldOutPrediction[] {
  return Array.from({ length: n }, (_, i) => ({ confidence: Math.round((hi - i * 0.001) * 1e6) / 1e6, correct }));
}

describe('Wilson score interval', () => {
  it('matches published 95% values: 8/10 -> 0.490-0.943, 0/10 -> 0-0.278, 10/10 -> 0.722-1', () => {
    const a = wilson(8, 10);
    close(a.lower, 0.4902);
    close(a.upper, 0.9433);
    const b = wilson(0, 10);
    assert.equal(b.lower, 0);
    close(b.upper, 0.2775);
    const c = wilson(10, 10);
    close(c.lower, 0.7225);
    assert.equal(c.upper, 1);
  });
  it('n/n reaches a 0.95 lower bound from 73 items on (72/72 -> 0.9493, 73/73 -> 0.9500)', () => {
    close(wilson(72, 72).lower, 0.94935, 5e-5);
    assert.ok(wilson(72, 72).lower < 0.95);
    assert.ok(wilson(73, 73).lower >= 0.95);
  });
  it('n = 0 is [0, 1]; successes > n is refused', () => {
    assert.deepEqual(wilson(0, 0), { lower: 0, upper: 1 });
    assert.throws(() => wilson(11, 10), (e: unknown) => e instanceof LabelingError && /successes/.test(e.message));
  });
});

describe('precision by threshold', () => {
  it('one point per distinct confidence, highest first; equal confidences enter together', () => {
    const curve = precisionCurve([
      { confidence: 0.5, correct: false },
      { confidence: 0.9, correct: true },
      { confidence: 0.5, correct: true },
      { confidence: 0.7, correct: true },
    ]);
    assert.deepEqual(
      curve.map((p) => [p.threshold, p.items, p.correct]),
      [
        [0.9, 1, 1],
        [0.7, 2, 2],
        [0.5, 4, 3],
      ],
    );
    assert.equal(curve[2]!.precision, 0.75);
  });
  it('refuses a confidence that is not a finite number, naming it', () => {
    assert.throws(
      () => precisionCurve([{ confidence: 0.3, correct: true }, { confidence: NaN, correct: true }]),
      (e: unknown) => e instanceof LabelingError && e.reason === 'invalid-input' && /predictions\[1\]\.confidence/.test(e.message),
    );
  });
});

describe('threshold choice', () => {
  it('picks the lowest threshold whose Wilson lower bound meets 0.95: 100 right then 100 wrong -> the 100th', () => {
    // 100/100 -> lower 0.963; 100/101 -> 0.946: the 100th confidence (0.901) is the answer.
    const preds = [...run(100, 1, true), ...run(100, 0.5, false)];
    const c = chooseThreshold(preds);
    assert.ok(c.ok);
    assert.equal(c.threshold, 0.901);
    assert.equal(c.point.items, 100);
    assert.equal(c.point.precision, 1);
    assert.equal(c.message, 'threshold 0.90, validated precision 1.00 on 100 items');
  });
  it('order of the input does not matter', () => {
    const preds = [...run(100, 1, true), ...run(100, 0.5, false)];
    shuffle(preds);
    const c = chooseThreshold(preds);
    assert.ok(c.ok && c.threshold === 0.901);
  });
  it('ties at a threshold count together: a tied group with a wrong item is not split', () => {
    // 80 right (lower 0.954), then 5 at 0.5 with the wrong one last in input order: 84/85 -> 0.936 fails.
    // Counting one by one would accept 84/84 at 0.5 (lower 0.956).
    const tied = [0, 1, 2, 3].map(() => ({ confidence: 0.5, correct: true }));
    const preds = [...run(80, 1, true), ...tied, { confidence: 0.5, correct: false }, ...run(20, 0.2, false)];
    const c = chooseThreshold(preds);
    assert.ok(c.ok);
    assert.equal(c.threshold, 0.921);
    assert.equal(c.point.items, 80);
  });
  it('a tied group that is all right is taken whole', () => {
    const preds = [...run(80, 1, true), ...Array.from({ length: 5 }, () => ({ confidence: 0.5, correct: true })), ...run(20, 0.2, false)];
    const c = chooseThreshold(preds);
    assert.ok(c.ok);
    assert.equal(c.threshold, 0.5);
    assert.equal(c.point.items, 85);
  });
  it('checks every threshold, not only down to the first that fails (precision can recover)', () => {
    // 80 right, 3 wrong (80/83 -> 0.899 fails), 100 right: 180/183 -> 0.953 passes at the lowest.
    const preds = [...run(80, 1, true), ...run(3, 0.9, false), ...run(100, 0.8, true)];
    const c = chooseThreshold(preds);
    assert.ok(c.ok);
    assert.equal(c.threshold, 0.701);
    assert.equal(c.point.items, 183);
  });
  it('needs at least minItems held-out items at or above the threshold', () => {
    // target 0.85: 29/29 -> lower 0.883 passes the bound but has 29 items; 29/30 -> 0.833 fails.
    const preds = [...run(29, 1, true), ...run(20, 0.5, false)];
    const strict = chooseThreshold(preds, { target: 0.85 });
    assert.equal(strict.ok, false);
    assert.ok(!strict.ok);
    assert.equal(strict.best?.items, 30);
    assert.equal(strict.message, 'best: precision 0.97 on 30 items; more labels needed');
    const loose = chooseThreshold(preds, { target: 0.85, minItems: 29 });
    assert.ok(loose.ok);
    assert.equal(loose.threshold, 0.972);
  });
  it('when nothing qualifies it says so with the best figures', () => {
    const preds = Array.from({ length: 40 }, (_, i) => ({ confidence: 0.8, correct: i % 10 !== 0 }));
    const c = chooseThreshold(preds);
    assert.ok(!c.ok);
    assert.equal(c.message, 'best: precision 0.90 on 40 items; more labels needed');
    assert.equal(c.best?.correct, 36);
    close(c.best!.lower, 0.7695);
    assert.equal(c.heldOut, 40);
  });
  it('fewer held-out items than minItems: the best figures are all of them', () => {
    const c = chooseThreshold(run(10, 1, true));
    assert.ok(!c.ok);
    assert.equal(c.message, 'best: precision 1.00 on 10 items; more labels needed');
    const none = chooseThreshold([]);
    assert.ok(!none.ok);
    assert.equal(none.best, undefined);
    assert.equal(none.message, 'no held-out predictions; more labels needed');
  });
  it('refuses a target outside (0, 1], naming it', () => {
    assert.throws(() => chooseThreshold([], { target: 1.5 }), (e: unknown) => e instanceof LabelingError && /^target: /.test(e.message));
  });
});

describe('stratified hold-out split', () => {
  const counts: [string, number][] = [
    ['A', 100],
    ['B', 50],
    ['C', 10],
    ['D', 3],
    ['E', 1],
  ];
  const items = counts.flatMap(([l, n]) => Array.from({ length: n }, (_, i) => ({ id: `${l}${i}`, label: l })));
  shuffle(items);
  const tally = (idx: number[]): Record<string, number> => {
    const t: Record<string, number> = {};
    for (const i of idx) t[items[i]!.label] = (t[items[i]!.label] ?? 0) + 1;
    return t;
  };

  it('holds out each class in proportion, a minimum per class, never a whole class', () => {
    const s = stratifiedSplit(items, (it) => it.label, { fraction: 0.2, minPerClass: 2, seed: 7 });
    assert.deepEqual(tally(s.holdout), { A: 20, B: 10, C: 2, D: 2 });
    assert.deepEqual(tally(s.train), { A: 80, B: 40, C: 8, D: 1, E: 1 });
    assert.equal(s.train.length + s.holdout.length, items.length);
    assert.equal(new Set([...s.train, ...s.holdout]).size, items.length);
  });
  it('is deterministic from its seed, and another seed picks other items', () => {
    const a = stratifiedSplit(items, (it) => it.label, { seed: 3 });
    const b = stratifiedSplit(items, (it) => it.label, { seed: 3 });
    const c = stratifiedSplit(items, (it) => it.label, { seed: 4 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.holdout, c.holdout);
    assert.deepEqual(tally(a.holdout), tally(c.holdout));
  });
  it('multi-label: stratifies on the rarest label, so a rare label is held out in proportion', () => {
    // Rarest-label strata: A alone 60 -> 12 held out, {A,B} 30 -> 6 (on B), {R,A} 10 -> 2 (on R).
    const ml = [
      ...Array.from({ length: 60 }, () => ['A']),
      ...Array.from({ length: 30 }, () => ['A', 'B']),
      ...Array.from({ length: 10 }, () => ['R', 'A']),
      [] as string[],
    ];
    const s = stratifiedSplit(ml, (l) => l, { fraction: 0.2, seed: 1 });
    const held = s.holdout.map((i) => ml[i]!);
    assert.equal(held.filter((l) => l.includes('R')).length, 2);
    assert.equal(held.filter((l) => l.includes('B')).length, 6);
    assert.equal(held.length, 20);
    assert.ok(s.train.includes(100), 'the one item without a label stays in training');
  });
  it('refuses a fraction outside (0, 1), naming it', () => {
    assert.throws(() => stratifiedSplit(items, (it) => it.label, { fraction: 1 }), (e: unknown) => e instanceof LabelingError && /^fraction: /.test(e.message));
  });
});

function shuffle<T>(a: T[]): void {
  shuffleInPlace(a, seededRandom(42));
}
