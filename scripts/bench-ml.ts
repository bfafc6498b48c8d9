/**
 * Bench of the built-in text model (issue 12, item 8), not a test: `npm run bench:ml`.
 * - accuracy on the sentiment package's 3,000 pooled sentences, every 5th held out, next to
 *   scikit-learn's TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True) + LogisticRegression(C=10)
 *   on the same split when /usr/bin/python3 has sklearn (else "skipped");
 * - training time on 100k synthetic texts (budget < 30 s) and inference time per 1M texts,
 *   extrapolated from 50k;
 * - MNIST (below);
 * - "jobs" (bench-ml-jobs.ts): the ML-assist jobs in a worker thread through pipeline.ts on a project
 *   of BENCH_ML_ITEMS items (default 200k, extrapolated to 1M), with the submit latency on this thread while they run.
 * BENCH_ML_SECTIONS (comma-separated: text, mnist, jobs; default all) runs only some of them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { trainTextModel, type TextModel } from '../src/core/ml/text-model';
import { jobsBench, type JobsRawFromEarlier } from './bench-ml-jobs';
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

async function main(): Promise<JobsRawFromEarlier> {
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
  return { train100kMs: bigMs };
}

// --- MNIST: the built-in image model (issue 12, item 8) ----------------------------------------------
// Runs after the text bench above (see the end of the file). 2,000 MNIST digits (the first 200 of each), every 5th held out; the built-in
// image model (image features + logistic regression), the same logistic regression on the raw pixels,
// and scikit-learn's LogisticRegression(max_iter=1000) on the same pixels when /usr/bin/python3 has it.

const SKLEARN_PIXELS = `
import json, sys, time
from sklearn.linear_model import LogisticRegression
split = json.load(open(sys.argv[1]))
t0 = time.perf_counter()
clf = LogisticRegression(C=split["C"], max_iter=1000).fit(split["train"]["x"], split["train"]["y"])
t1 = time.perf_counter()
print(json.dumps({"accuracy": clf.score(split["test"]["x"], split["test"]["y"]), "seconds": t1 - t0, "iterations": int(clf.n_iter_[0])}))
`;

async function mnistBench(): Promise<void> {
  const { mnistPooledSplit } = await import('../src/core/ml/image-model-testdata');
  const { denseToCsr, trainImageModel } = await import('../src/core/ml/image-model');
  const { DEFAULT_C, predictRow, trainLogReg } = await import('../src/core/ml/logreg');
  const { train, test } = mnistPooledSplit(200);
  console.log(`mnist: ${train.images.length} train / ${test.images.length} held out (every 5th of 2,000 digits, 200 per digit)`);
  let t0 = performance.now();
  const model = await trainImageModel(train.images, train.labels);
  const trainMs = performance.now() - t0;
  let right = 0;
  for (let i = 0; i < test.images.length; i++) if (model.predict(test.images[i]).label === test.labels[i]) right++;
  const ours = right / test.images.length;
  console.log(`  built-in (image features): accuracy ${pct(ours)}, trained in ${secs(trainMs)} (${model.info.iterations} L-BFGS iterations)`);

  const pixels = (images: typeof train.images) => images.map((im) => Float32Array.from(im.data));
  const targets = Int32Array.from(train.labels, Number);
  t0 = performance.now();
  const raw = await trainLogReg(denseToCsr(pixels(train.images), 784), 'softmax', 10, targets, { maxIterations: 1000 });
  const rawMs = performance.now() - t0;
  const columns = Int32Array.from({ length: 784 }, (_, i) => i);
  const probs = new Float64Array(10);
  right = 0;
  pixels(test.images).forEach((row, i) => {
    const p = predictRow(raw.model, columns, row, 784, probs);
    if (p.indexOf(Math.max(...p)) === Number(test.labels[i])) right++;
  });
  console.log(`  built-in logreg on pixels (C=${DEFAULT_C}): accuracy ${pct(right / test.images.length)}, trained in ${secs(rawMs)} (${raw.iterations} iterations)`);

  try {
    execFileSync(PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' });
  } catch {
    console.log(`  scikit-learn: skipped (${PYTHON} has no sklearn)`);
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-ml-mnist-'));
  try {
    const file = path.join(dir, 'split.json');
    const part = (p: typeof train) => ({ x: p.images.map((im) => Array.from(im.data)), y: p.labels.map(Number) });
    writeFileSync(file, JSON.stringify({ C: DEFAULT_C, train: part(train), test: part(test) }));
    const script = path.join(dir, 'reference.py');
    writeFileSync(script, SKLEARN_PIXELS);
    const ref = JSON.parse(execFileSync(PYTHON, [script, file], { encoding: 'utf8' })) as { accuracy: number; seconds: number; iterations: number };
    console.log(`  scikit-learn LogisticRegression on pixels (C=${DEFAULT_C}): accuracy ${pct(ref.accuracy)}, trained in ${secs(ref.seconds * 1000)} (${ref.iterations} iterations)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The sections in order: text, mnist, jobs (the jobs section compares with the text section's training time). */
async function run(): Promise<void> {
  const only = process.env.BENCH_ML_SECTIONS?.split(',').map((x) => x.trim());
  const on = (name: string) => !only || only.includes(name);
  const earlier = on('text') ? await main() : {};
  if (on('mnist')) await mnistBench();
  if (on('jobs')) await jobsBench(earlier);
}

run().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
