/**
 * Bench of the built-in text model (issue 12, item 8), not a test: `npm run bench:ml`.
 * - accuracy on the sentiment package's 3,000 pooled sentences, every 5th held out, next to
 *   scikit-learn's TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True) + LogisticRegression(C=10)
 *   on the same split when /usr/bin/python3 has sklearn (else "skipped");
 * - training time on 100k synthetic texts (budget < 30 s) and inference time per 1M texts,
 *   extrapolated from 50k.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { trainTextModel, type TextModel } from '../src/core/ml/text-model';
import { sentimentSplit, syntheticTexts, type LabeledTexts } from '../src/core/ml/text-model-testdata';

const PYTHON = '/usr/bin/python3';
const SKLEARN = `
import json, sys, time
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
split = json.load(open(sys.argv[1]))
t0 = time.perf_counter()
vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
x = vec.fit_transform(split["train"]["texts"])
clf = LogisticRegression(C=10, max_iter=1000).fit(x, split["train"]["labels"])
t1 = time.perf_counter()
acc = clf.score(vec.transform(split["test"]["texts"]), split["test"]["labels"])
print(json.dumps({"accuracy": acc, "seconds": t1 - t0, "features": x.shape[1], "iterations": int(clf.n_iter_[0])}))
`;

function accuracy(model: TextModel, data: LabeledTexts): number {
  let right = 0;
  for (let i = 0; i < data.texts.length; i++) if (model.predict(data.texts[i]).label === data.labels[i]) right++;
  return right / data.texts.length;
}

function sklearnReference(train: LabeledTexts, test: LabeledTexts): { accuracy: number; seconds: number; features: number; iterations: number } | string {
  try {
    execFileSync(PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' });
  } catch {
    return `skipped (${PYTHON} has no sklearn)`;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-ml-'));
  try {
    const file = path.join(dir, 'split.json');
    writeFileSync(file, JSON.stringify({ train, test }));
    const script = path.join(dir, 'reference.py');
    writeFileSync(script, SKLEARN);
    return JSON.parse(execFileSync(PYTHON, [script, file], { encoding: 'utf8' })) as { accuracy: number; seconds: number; features: number; iterations: number };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const { train, test } = sentimentSplit();
  console.log(`sentiment: ${train.texts.length} train / ${test.texts.length} held out (every 5th)`);
  let t0 = performance.now();
  const model = await trainTextModel(train.texts, train.labels);
  const trainMs = performance.now() - t0;
  const ours = accuracy(model, test);
  console.log(`  built-in:     accuracy ${pct(ours)}, trained in ${secs(trainMs)} (${model.info.iterations} L-BFGS iterations, ${model.toJSON().slots.length} base64 chars of slots)`);
  const ref = sklearnReference(train, test);
  if (typeof ref === 'string') console.log(`  scikit-learn: ${ref}`);
  else {
    console.log(`  scikit-learn: accuracy ${pct(ref.accuracy)}, trained in ${secs(ref.seconds * 1000)} (${ref.features} features, ${ref.iterations} iterations)`);
    const gap = (ref.accuracy - ours) * 100;
    console.log(`  gap: ${gap.toFixed(2)} points (budget: within 3) -> ${gap <= 3 ? 'within' : 'OUTSIDE'}`);
  }

  const n = 100_000;
  const synthetic = syntheticTexts(n + 50_000, 5, 7);
  const trainSet = { texts: synthetic.texts.slice(0, n), labels: synthetic.labels.slice(0, n) };
  const held = { texts: synthetic.texts.slice(n), labels: synthetic.labels.slice(n) };
  console.log(`synthetic: ${n} texts of 8-30 words, 5 topics`);
  t0 = performance.now();
  const big = await trainTextModel(trainSet.texts, trainSet.labels);
  const bigMs = performance.now() - t0;
  console.log(`  training: ${secs(bigMs)} (budget < 30 s) -> ${bigMs < 30_000 ? 'within' : 'OUTSIDE'}; ${big.info.iterations} iterations`);
  t0 = performance.now();
  const heldAccuracy = accuracy(big, held);
  const inferMs = performance.now() - t0;
  const perMillion = (inferMs / held.texts.length) * 1_000_000;
  console.log(`  inference: ${held.texts.length} texts in ${secs(inferMs)} (accuracy ${pct(heldAccuracy)}) -> ${secs(perMillion)} per 1M texts, one thread (budget < 60 s on 2 cores)`);
}

void main();
