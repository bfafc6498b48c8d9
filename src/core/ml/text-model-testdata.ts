/**
 * Data for the text model's tests and bench (scripts/bench-ml.ts), not shipped: the 3,000 pooled
 * sentences of the `sentiment` package's fixtures (a devDependency, ../shared/docs/datasets.md) on a
 * fixed split, and seeded synthetic texts.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { seededRandom } from '../random';

export interface LabeledTexts {
  texts: string[];
  labels: string[];
}

/**
 * amazon, imdb and yelp pooled in that order (1,000 sentences each, the empty last record dropped),
 * class 1 -> "positive", 0 -> "negative"; every 5th sentence (index 4, 9, ...) is held out.
 */
export function sentimentSplit(): { train: LabeledTexts; test: LabeledTexts } {
  const dir = path.join(path.dirname(createRequire(__filename).resolve('sentiment/package.json')), 'test', 'fixtures');
  const train: LabeledTexts = { texts: [], labels: [] };
  const test: LabeledTexts = { texts: [], labels: [] };
  let i = 0;
  for (const name of ['amazon', 'imdb', 'yelp']) {
    const rows = JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8')) as { text: string; class: number | null }[];
    for (const row of rows) {
      if (row.class === null || row.text === '') continue;
      const into = i % 5 === 4 ? test : train;
      into.texts.push(row.text);
      into.labels.push(row.class === 1 ? 'positive' : 'negative');
      i++;
    }
  }
  return { train, test };
}

/**
 * `n` texts of 8 to 30 words over a vocabulary of `vocabulary` made-up words, each of one of
 * `classes` topics ("topic0"...): a word is from its topic's own 50 words with probability
 * `signal`, else from the whole vocabulary. Deterministic for a seed.
 */
export function syntheticTexts(n: number, classes: number, seed = 1, vocabulary = 20_000, signal = 0.3): LabeledTexts {
  const random = seededRandom(seed);
  const word = (w: number) => `w${w.toString(36)}`;
  const texts: string[] = [];
  const labels: string[] = [];
  for (let i = 0; i < n; i++) {
    const topic = Math.floor(random() * classes);
    const length = 8 + Math.floor(random() * 23);
    const words: string[] = [];
    for (let j = 0; j < length; j++) {
      words.push(random() < signal ? word(topic * 50 + Math.floor(random() * 50)) : word(Math.floor(random() * vocabulary)));
    }
    texts.push(words.join(' '));
    labels.push(`topic${topic}`);
  }
  return { texts, labels };
}
