/**
 * Cross-check against the reference implementations: scikit-learn's cohen_kappa_score, statsmodels'
 * fleiss_kappa (over aggregate_raters) and NLTK's AnnotationTask.alpha, on seeded random rating
 * matrices, to 1e-9. They are Debian's python3-sklearn, python3-statsmodels and python3-nltk, loaded
 * by /usr/bin/python3 (not a pyenv python3 on PATH); where they are absent the tests are skipped.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { seededRandom } from '../random';
import { fleissKappa, krippendorffAlpha, MISSING, pairAgreement, type RatingMatrix } from './nominal';

/** Debian's python; AGREEMENT_PYTHON overrides it (e.g. to see the skip). */
const PYTHON = process.env.AGREEMENT_PYTHON ?? '/usr/bin/python3';

const SCRIPT = String.raw`
import json, sys, warnings
warnings.filterwarnings("ignore")
import numpy as np
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa
from nltk.metrics.agreement import AnnotationTask
out = []
for case in json.load(sys.stdin):
    if case["kind"] == "cohen":
        out.append(float(cohen_kappa_score(case["a"], case["b"])))
    elif case["kind"] == "fleiss":
        table, _ = aggregate_raters(np.array(case["rows"]))
        out.append(float(fleiss_kappa(table, method="fleiss")))
    else:
        out.append(float(AnnotationTask(data=[tuple(t) for t in case["triples"]]).alpha()))
print(json.dumps(out))
`;

/** A random matrix with some agreement built in: each item has a "true" category a rater gives with probability `p`. */
function randomMatrix(seed: number, items: number, raters: number, categories: number, missing: number): RatingMatrix {
  const r = seededRandom(seed);
  const codes = new Int32Array(items * raters);
  for (let i = 0; i < items; i++) {
    const truth = Math.floor(r() * categories);
    for (let j = 0; j < raters; j++) {
      codes[i * raters + j] = r() < missing ? MISSING : r() < 0.6 ? truth : Math.floor(r() * categories);
    }
  }
  return { items, raters, categories, codes };
}

const col = (m: RatingMatrix, j: number): number[] => Array.from({ length: m.items }, (_, i) => m.codes[i * m.raters + j]!);

function python(cases: unknown[]): number[] {
  const r = spawnSync(PYTHON, ['-c', SCRIPT], { input: JSON.stringify(cases), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${PYTHON} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as number[];
}

describe('agreement statistics against sklearn, statsmodels and nltk', function () {
  this.timeout(120_000);

  before(function () {
    const probe = spawnSync(PYTHON, ['-c', 'import sklearn, statsmodels, nltk'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      console.log(`    (skipped: ${PYTHON} cannot import sklearn, statsmodels and nltk; apt-get install python3-sklearn python3-statsmodels python3-nltk)`);
      this.skip();
    }
  });

  const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
  const shape = (s: number): { items: number; raters: number; categories: number } => ({ items: 20 + s * 23, raters: 2 + (s % 4), categories: 2 + (s % 5) });

  it("Cohen's kappa equals cohen_kappa_score for every pair of raters", () => {
    const cases: { kind: 'cohen'; a: number[]; b: number[] }[] = [];
    const ours: number[] = [];
    for (const s of seeds) {
      const { items, raters, categories } = shape(s);
      const m = randomMatrix(s, items, raters, categories, 0);
      for (let a = 0; a < raters; a++) {
        for (let b = a + 1; b < raters; b++) {
          cases.push({ kind: 'cohen', a: col(m, a), b: col(m, b) });
          ours.push(pairAgreement(m, a, b).cohenKappa!);
        }
      }
    }
    const ref = python(cases);
    assert.equal(ref.length, ours.length);
    ref.forEach((x, i) => assert.ok(Math.abs(x - ours[i]!) < 1e-9, `case ${i}: sklearn ${x}, ours ${ours[i]}`));
  });

  it("Fleiss' kappa equals statsmodels' fleiss_kappa(aggregate_raters(...))", () => {
    const cases: { kind: 'fleiss'; rows: number[][] }[] = [];
    const ours: number[] = [];
    for (const s of seeds) {
      const { items, raters, categories } = shape(s);
      const m = randomMatrix(100 + s, items, raters + 1, categories, 0);
      cases.push({ kind: 'fleiss', rows: Array.from({ length: items }, (_, i) => Array.from(m.codes.subarray(i * m.raters, (i + 1) * m.raters))) });
      const f = fleissKappa(m);
      assert.equal(f.items, items);
      ours.push(f.kappa!);
    }
    const ref = python(cases);
    ref.forEach((x, i) => assert.ok(Math.abs(x - ours[i]!) < 1e-9, `case ${i}: statsmodels ${x}, ours ${ours[i]}`));
  });

  it("Krippendorff's alpha (nominal, missing values) equals nltk's AnnotationTask.alpha", () => {
    const cases: { kind: 'alpha'; triples: [string, string, number][] }[] = [];
    const ours: number[] = [];
    for (const s of seeds) {
      const { items, raters, categories } = shape(s);
      const m = randomMatrix(200 + s, items, raters + 1, categories, 0.3);
      const triples: [string, string, number][] = [];
      for (let i = 0; i < items; i++) {
        for (let j = 0; j < m.raters; j++) {
          const c = m.codes[i * m.raters + j]!;
          if (c !== MISSING) triples.push([`coder${j}`, `item${i}`, c]);
        }
      }
      cases.push({ kind: 'alpha', triples });
      ours.push(krippendorffAlpha(m).alpha!);
    }
    const ref = python(cases);
    ref.forEach((x, i) => assert.ok(Math.abs(x - ours[i]!) < 1e-9, `case ${i}: nltk ${x}, ours ${ours[i]}`));
  });
});
