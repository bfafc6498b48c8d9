import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LabelingError } from '../../errors';
import { runWorkerTask } from '../../jobs/worker-client';
import { bundleWorker } from '../../jobs/worker-fixture';
import { parseProjectDef } from '../../project/schema';
import { seededRandom, shuffleInPlace } from '../../random';
import type { ProjectStore } from '../../store/project-store';
import { classes, cleanupWorkspaces, tempWorkspace } from '../../store/test-support';
import { readImageFile } from '../image-decode';
import { clusterPurity } from '../kmeans';
import { open, seededProject, sentimentRows, tempFiles } from './assist-fixture';
import { digitProject } from './image-assist-fixture';
import { trainImagesFromFiles } from './image-train';
import { collectImageTrainingSet } from './image-training-set';
import { saveModel } from './model-store';
import { loadLatestModel } from './model-load';
import {
  clusterOrderOf,
  computeQueueOrder,
  defaultClusterCount,
  featurizeTexts,
  marginOf,
  multiLabelMarginOf,
  OrderItemsPacker,
  orderInputBuffers,
  ORDER_FORMAT,
  ORDER_VERSION,
  queueOrderFile,
  readQueueOrder,
  uncertaintyOrderOf,
  unpackOrderItems,
  writeQueueOrder,
  type QueueOrderFile,
} from './queue-order';
import { trainAndValidate } from './train';
import { collectTrainingSet } from './training-set';

/** A valid project.json (as schema.test.ts's, not imported: that would run its tests here too). */
function validProject(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemaVersion: 1,
    id: 'p',
    name: 'P',
    type: 'text-classification',
    labels: [{ name: 'a', color: '#000000' }],
    dataSources: [{ kind: 'table', glob: 'data/*.csv', textColumn: 'text' }],
    consensus: { minLabelers: 1, maxLabelers: 1 },
    mlAssist: { enabled: false },
    status: 'running',
    queueSeed: 1,
    createdAt: '2026-12-01T10:00:00.000Z',
    ...over,
  };
}

function errorOf(fn: () => unknown): LabelingError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof LabelingError, `expected a LabelingError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

/** `groups` well-separated blobs of `per` points in 8 dimensions, keys in a shuffled order; the group of each key. */
function blobs(groups: number, per: number, seed: number): { keys: string[]; rows: Float32Array[]; group: Map<string, number> } {
  const random = seededRandom(seed);
  const items: { key: string; row: Float32Array; g: number }[] = [];
  for (let g = 0; g < groups; g++) {
    for (let i = 0; i < per; i++) {
      const row = new Float32Array(8).map(() => (random() - 0.5) * 0.2);
      row[g] += 5; // each group far out along its own axis
      items.push({ key: `g${g}-${i}`, row, g });
    }
  }
  shuffleInPlace(items, random);
  return { keys: items.map((i) => i.key), rows: items.map((i) => i.row), group: new Map(items.map((i) => [i.key, i.g])) };
}

describe('ML queue order (issue 12 items 2 and 6)', function () {
  this.timeout(60_000);
  after(cleanupWorkspaces);

  describe('clustered', () => {
    it('puts each of well-separated clusters together, one cluster index per group, numbered in the order they come', async () => {
      const { keys, rows, group } = blobs(4, 15, 3);
      const o = await clusterOrderOf(keys, rows, { k: 4, seed: 7 });
      assert.equal(o.clusterCount, 4);
      assert.deepEqual([...o.keys].sort(), [...keys].sort(), 'every key once');
      // The groups come in runs: 4 runs of 15, one cluster index per run, 0, 1, 2, 3 in order.
      const runs: { g: number; c: number; n: number }[] = [];
      o.keys.forEach((k, i) => {
        const last = runs.at(-1);
        if (last && last.g === group.get(k)) {
          assert.equal(o.clusters[i], last.c, `${k} in the cluster of its run`);
          last.n++;
        } else runs.push({ g: group.get(k)!, c: o.clusters[i]!, n: 1 });
      });
      assert.deepEqual(runs.map((r) => r.n), [15, 15, 15, 15]);
      assert.deepEqual(runs.map((r) => r.c), [0, 1, 2, 3]);
    });

    it('is deterministic for a seed, and takes about sqrt(n / 2) clusters by default (at most 50)', async () => {
      const { keys, rows } = blobs(5, 20, 11);
      const a = await clusterOrderOf(keys, rows, { seed: 5 });
      const b = await clusterOrderOf(keys, rows, { seed: 5 });
      assert.deepEqual(a, b);
      assert.equal(a.clusterCount, defaultClusterCount(100));
      assert.deepEqual([defaultClusterCount(0), defaultClusterCount(1), defaultClusterCount(100), defaultClusterCount(1_000_000)], [0, 1, 7, 50]);
      assert.deepEqual(await clusterOrderOf([], [], { seed: 1 }), { keys: [], clusters: [], clusterCount: 0 });
      assert.equal((await clusterOrderOf(['a', 'b'], [new Float32Array([1, 0]), new Float32Array([0, 1])], { seed: 1, k: 9 })).clusterCount, 2, 'k cut to the items');
    });

    it('above sampleRows, fits k-means on a seeded sample and puts every row in its nearest cluster', async () => {
      const { keys, rows, group } = blobs(4, 30, 5);
      const messages: string[] = [];
      const o = await clusterOrderOf(keys, rows, { k: 4, seed: 7, sampleRows: 24, onProgress: (_f, m) => messages.push(m) });
      assert.ok(messages.includes('clusters: 0 of 120 items'), 'the rows are put in their clusters after the fit');
      assert.equal(o.clusterCount, 4);
      assert.deepEqual([...o.keys].sort(), [...keys].sort(), 'every key once');
      const runs: number[] = [];
      o.keys.forEach((k, i) => {
        if (i === 0 || group.get(k) !== group.get(o.keys[i - 1]!)) runs.push(0);
        runs[runs.length - 1]!++;
        assert.equal(o.clusters[i], runs.length - 1, `${k}: one cluster per group`);
      });
      assert.deepEqual(runs, [30, 30, 30, 30]);
      assert.deepEqual(await clusterOrderOf(keys, rows, { k: 4, seed: 7, sampleRows: 24 }), o, 'deterministic');
    });

    it('refuses rows that do not match the keys, naming the field', async () => {
      await assert.rejects(clusterOrderOf(['a', 'b'], [new Float32Array(2)], { seed: 1 }), (e: LabelingError) => e.where.field === 'features');
      await assert.rejects(clusterOrderOf(['a'], [new Float32Array(2)], { seed: 1, k: 0 }), (e: LabelingError) => e.where.field === 'k');
    });

    it('featurizeTexts: unit rows of the 256 most frequent terms; texts that share words are nearer than texts that do not', async () => {
      const texts = ['the phone battery died', 'my phone battery is great', 'that food was cold', 'cold food and slow service', 'zzz'];
      const rows = await featurizeTexts(texts);
      assert.equal(rows.length, 5);
      for (const r of rows.slice(0, 4)) {
        assert.equal(r.length, 256);
        assert.ok(Math.abs(Math.hypot(...r) - 1) < 1e-5, 'unit length');
      }
      assert.ok(rows[4]!.every((v) => v === 0), 'no frequent term: a zero row');
      const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);
      assert.ok(dot(rows[0]!, rows[1]!) > 0.3 && dot(rows[2]!, rows[3]!) > 0.3);
      assert.equal(dot(rows[0]!, rows[2]!), 0);
      assert.deepEqual(await featurizeTexts(texts), rows, 'deterministic');
    });
  });

  describe('uncertain', () => {
    /** Keys k00..k(n-1) with margin i / n, given in a shuffled order. */
    const known = (n: number) => shuffleInPlace(Array.from({ length: n }, (_, i) => ({ key: `k${String(i).padStart(2, '0')}`, margin: i / n })), seededRandom(99));

    /** The interleave as documented, written out independently of the implementation's loop. */
    function expected(preds: { key: string; margin: number }[], every: number, seed: number): string[] {
      const byMargin = [...preds].sort((a, b) => a.margin - b.margin).map((p) => p.key);
      const shuffled = shuffleInPlace(preds.map((p) => p.key).sort(), seededRandom(seed));
      const out: string[] = [];
      for (let p = 1; p <= preds.length; p++) {
        const from = p % every === 0 ? shuffled : byMargin;
        out.push(from.find((k) => !out.includes(k))!);
      }
      return out;
    }

    it('puts the smallest margin first, with every 5th position a seeded random item not placed yet', () => {
      const preds = known(20);
      const order = uncertaintyOrderOf(preds, { seed: 3 });
      assert.deepEqual(order, expected(preds, 5, 3));
      // The non-random positions: most uncertain first among those not placed.
      assert.deepEqual(order.slice(0, 4), ['k00', 'k01', 'k02', 'k03']);
      const random = [order[4], order[9], order[14], order[19]];
      assert.ok(random.some((k) => Number(k!.slice(1)) > 8), `random picks reach into the certain items: ${random.join(',')}`);
      assert.deepEqual([...order].sort(), preds.map((p) => p.key).sort(), 'every key once');
    });

    it('follows randomShare (0: margins only; 0.5: every other) and the seed, whatever order the predictions come in', () => {
      const preds = known(20);
      assert.deepEqual(uncertaintyOrderOf(preds, { seed: 3, randomShare: 0 }), Array.from({ length: 20 }, (_, i) => `k${String(i).padStart(2, '0')}`));
      assert.deepEqual(uncertaintyOrderOf(preds, { seed: 3, randomShare: 0.5 }), expected(preds, 2, 3));
      assert.deepEqual(uncertaintyOrderOf([...preds].reverse(), { seed: 3 }), uncertaintyOrderOf(preds, { seed: 3 }));
      assert.notDeepEqual(uncertaintyOrderOf(known(60), { seed: 3 }), uncertaintyOrderOf(known(60), { seed: 4 }));
    });

    it('names the prediction or option at fault', () => {
      assert.equal(errorOf(() => uncertaintyOrderOf([{ key: 'a', margin: 0 }, { key: 'b', margin: Number.NaN }], { seed: 1 })).where.field, 'predictions[1].margin');
      assert.equal(errorOf(() => uncertaintyOrderOf([{ key: 'a', margin: 0 }, { key: 'a', margin: 1 }], { seed: 1 })).where.field, 'predictions[1].key');
      assert.equal(errorOf(() => uncertaintyOrderOf([], { seed: 1, randomShare: 1.5 })).where.field, 'randomShare');
    });

    it('margins: top minus second probability; multi-label the least certain label', () => {
      assert.ok(Math.abs(marginOf([0.2, 0.5, 0.3]) - 0.2) < 1e-12);
      assert.equal(marginOf([1]), 1);
      assert.ok(Math.abs(multiLabelMarginOf([0.9, 0.45, 0.1]) - 0.1) < 1e-12);
    });
  });

  describe('the order file', () => {
    const order = (over: Partial<QueueOrderFile> = {}): QueueOrderFile => ({
      format: ORDER_FORMAT,
      formatVersion: ORDER_VERSION,
      projectId: 'p',
      kind: 'clustered',
      createdAt: '2026-12-01T10:00:00.000Z',
      keys: ['a', 'b', 'c'],
      clusters: [0, 0, 1],
      clusterCount: 2,
      ...over,
    });

    it('writes atomically (no temp file left) and reads back; no file is no order and no problem', async () => {
      const root = tempWorkspace();
      assert.deepEqual(await readQueueOrder(root, 'p'), { problems: [] });
      const file = await writeQueueOrder(root, order());
      assert.equal(file, queueOrderFile(root, 'p'));
      assert.equal(file, path.join(root, '.labeling', '.cache', 'order', 'p.json'));
      assert.deepEqual(tempFiles(path.dirname(file)), []);
      assert.deepEqual(await readQueueOrder(root, 'p'), { order: order(), problems: [] });
    });

    it('refuses to write a bad order and leaves the file as it was', async () => {
      const root = tempWorkspace();
      const file = await writeQueueOrder(root, order());
      const before = fs.readFileSync(file, 'utf8');
      await assert.rejects(writeQueueOrder(root, order({ clusters: [0, 5, 1] })), (e: LabelingError) => e.where.field === 'clusters[1]');
      assert.equal(fs.readFileSync(file, 'utf8'), before);
      assert.deepEqual(tempFiles(path.dirname(file)), []);
    });

    it('reports a damaged file with its path and the field, never throwing', async () => {
      const root = tempWorkspace();
      const file = queueOrderFile(root, 'p');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, '{"format": "data-labeling.queue-order", "keys": [');
      const bad = await readQueueOrder(root, 'p');
      assert.equal(bad.order, undefined);
      assert.equal(bad.problems[0]!.file, file);
      assert.match(bad.problems[0]!.message, /not valid JSON/);
      const cases: [Partial<QueueOrderFile> | Record<string, unknown>, string][] = [
        [{ projectId: 'other' }, 'projectId'],
        [{ kind: 'random' as never }, 'kind'],
        [{ keys: ['a', 'b', 'a'] }, 'keys[2]'],
        [{ keys: ['a', 3 as never] }, 'keys[1]'],
        [{ clusters: [0, 1] }, 'clusters'],
        [{ formatVersion: 2 as never }, 'formatVersion'],
      ];
      for (const [over, field] of cases) {
        fs.writeFileSync(file, JSON.stringify(order(over as Partial<QueueOrderFile>)));
        const got = await readQueueOrder(root, 'p');
        assert.equal(got.order, undefined, field);
        assert.deepEqual([got.problems[0]!.file, got.problems[0]!.field], [file, field]);
      }
    });
  });

  describe('computeQueueOrder on a text project', () => {
    let store: ProjectStore | undefined;
    afterEach(async () => {
      await store?.close();
      store = undefined;
    });

    /** The sentiment sentences that name exactly one of phone, food, movie, with that word (their topic). */
    function topicSentences(): { texts: string[]; topics: string[] } {
      const words = ['phone', 'food', 'movie'];
      const texts: string[] = [];
      const topics: string[] = [];
      for (const t of sentimentRows().texts) {
        const w: string[] = t.toLowerCase().match(/\w+/g) ?? [];
        const hit = words.filter((x) => w.includes(x));
        if (hit.length === 1) {
          texts.push(t);
          topics.push(hit[0]!);
        }
      }
      return { texts, topics };
    }

    it("'clustered': the queue's open items, similar sentences together (purity by topic far above chance); labeled items left out", async () => {
      const { texts, topics } = topicSentences();
      assert.ok(texts.length > 300, `${texts.length} sentences`);
      // ann labeled the first 20: closed (consensus 1), not in the queue.
      const p = await seededProject(texts, ['ann'], (_by, i) => (i <= 20 ? classes('positive') : undefined));
      store = await open(p);
      const progress: number[] = [];
      const log: string[] = [];
      const result = await computeQueueOrder(store, p.root, { kind: 'clustered', onProgress: (f) => progress.push(f), log: (l) => log.push(l) });
      assert.equal(result.ordered, texts.length - 20);
      assert.equal(result.clusterCount, defaultClusterCount(texts.length - 20));
      assert.equal(progress.at(-1), 1);
      assert.match(log.join('\n'), /Queue order \(clustered\) of p: \d+ items in \d+ clusters/);
      const { order, problems } = await readQueueOrder(p.root, p.id);
      assert.deepEqual(problems, []);
      assert.equal(order!.kind, 'clustered');
      const keyIndex = new Map(p.keys.map((k, i) => [k, i]));
      assert.ok(order!.keys.every((k) => keyIndex.get(k)! >= 20), 'labeled items are not in the order');
      const truth = order!.keys.map((k) => topics[keyIndex.get(k)!]!);
      const purity = clusterPurity(order!.clusters!, truth);
      let chance = 0;
      for (let s = 1; s <= 20; s++) chance = Math.max(chance, clusterPurity(shuffleInPlace([...order!.clusters!], seededRandom(s)), truth));
      assert.ok(purity >= 0.7 && purity > chance + 0.15, `purity ${purity.toFixed(3)}, chance up to ${chance.toFixed(3)}`);
      // The same data and seed: the same file but its date.
      await computeQueueOrder(store, p.root, { kind: 'clustered' });
      const again = (await readQueueOrder(p.root, p.id)).order!;
      assert.deepEqual({ ...again, createdAt: '' }, { ...order!, createdAt: '' });
    });

    it("'uncertain': the latest model's smallest margins first, a fifth random, with its version; no model is a clear error", async () => {
      const rows = sentimentRows();
      const p = await seededProject(rows.texts.slice(0, 500), ['ann'], (_by, i) => (i <= 300 ? classes(rows.labels[i - 1]!) : undefined));
      store = await open(p);
      await assert.rejects(computeQueueOrder(store, p.root, { kind: 'uncertain' }), (e: LabelingError) => e.reason === 'not-found' && /train one first/.test(e.message));
      await assert.rejects(computeQueueOrder(store, p.root), (e: LabelingError) => e.where.field === 'mlAssist.queueOrder', 'the project says random');
      await saveModel(p.root, p.id, await trainAndValidate(await collectTrainingSet(store), store.def));
      const { loaded } = await loadLatestModel(p.root, p.id);
      const result = await computeQueueOrder(store, p.root, { kind: 'uncertain' });
      assert.deepEqual([result.ordered, result.modelVersion], [200, loaded!.manifest.version]);
      const order = (await readQueueOrder(p.root, p.id)).order!;
      assert.equal(order.modelVersion, loaded!.manifest.version);
      // Two classes: margin = 2 x confidence - 1, from the model's own prediction.
      const margin = new Map(p.keys.slice(300).map((k, i) => [k, 2 * (loaded!.model.predict(rows.texts[300 + i]!) as { confidence: number }).confidence - 1]));
      assert.deepEqual(order.keys, uncertaintyOrderOf([...margin].map(([key, m]) => ({ key, margin: m })), { seed: store.def.queueSeed }));
      const nonRandom = order.keys.filter((_, i) => (i + 1) % 5 !== 0).map((k) => margin.get(k)!);
      assert.ok(nonRandom.every((m, i) => i === 0 || m >= nonRandom[i - 1]! - 1e-6), 'ascending margins at the non-random positions');
      assert.ok(margin.get(order.keys[0]!)! < 0.2, 'the first item is one the model hesitates on');
    });

    it("'clustered' on an image classification project: the image features group the digits (purity far above chance)", async () => {
      const digits = Array.from({ length: 10 }, (_, d) => String(d));
      const p = await digitProject('image-classification', digits, 12, 2, (d) => classes(String(d)));
      store = await open({ root: p.root, id: p.id, keys: [] });
      const result = await computeQueueOrder(store, p.root, { kind: 'clustered' });
      assert.equal(result.ordered, p.unlabeled.length, 'the unlabeled images, the labeled ones left out');
      const order = (await readQueueOrder(p.root, p.id)).order!;
      const digitOf = new Map(p.unlabeled.map((u) => [u.key, u.digit]));
      const truth = order.keys.map((k) => digitOf.get(k)!);
      const purity = clusterPurity(order.clusters!, truth);
      let chance = 0;
      for (let s = 1; s <= 20; s++) chance = Math.max(chance, clusterPurity(shuffleInPlace([...order.clusters!], seededRandom(s)), truth));
      assert.ok(purity > chance + 0.15, `purity ${purity.toFixed(3)}, chance up to ${chance.toFixed(3)}`);
    });

    it("'uncertain' on an image classification project: the image model's margins, every unlabeled image once", async () => {
      const digits = Array.from({ length: 10 }, (_, d) => String(d));
      const p = await digitProject('image-classification', digits, 9, 6, (d) => classes(String(d)));
      store = await open({ root: p.root, id: p.id, keys: [] });
      const trained = await trainImagesFromFiles((await collectImageTrainingSet(store, p.root)).examples, store.def);
      await saveModel(p.root, p.id, trained);
      const result = await computeQueueOrder(store, p.root, { kind: 'uncertain', randomShare: 0 });
      assert.equal(result.ordered, p.unlabeled.length);
      const order = (await readQueueOrder(p.root, p.id)).order!;
      assert.deepEqual([...order.keys].sort(), p.unlabeled.map((u) => u.key).sort());
      // With no random share, the first item is one the model is least sure of: its top confidence is low.
      const { loaded } = await loadLatestModel(p.root, p.id, ['image-classification']);
      const confidence = async (key: string) => {
        return loaded!.model.predict(await readImageFile(path.join(p.root, key))).confidence;
      };
      assert.ok((await confidence(order.keys[0]!)) < (await confidence(order.keys.at(-1)!)), 'less sure of the first than of the last');
    });

    it('the items packed for the worker unpack to exactly the items, over several chunks (any characters, lone surrogates, empty inputs); malformed packs are refused naming the field', () => {
      const items = Array.from({ length: 2500 }, (_, i) => ({ key: `data/a.csv#${i}${i % 7 ? '' : 'é😀'}`, input: i % 11 ? `text ${i} \ud800 ${'x'.repeat(i % 13)}` : '' }));
      const packer = new OrderItemsPacker();
      for (const it of items) packer.add(it.key, it.input);
      const packed = packer.finish();
      assert.deepEqual([packed.count, packed.keys.length, packed.inputs.length], [2500, 3, 3]);
      const input = { kind: 'clustered' as const, project: { id: 'p', name: 'p', type: 'text-classification' as const, queueSeed: 1 }, root: '/', packed, createdAt: '' };
      const posted = structuredClone(packed, { transfer: orderInputBuffers(input) });
      assert.deepEqual(unpackOrderItems(posted), items);
      assert.deepEqual(unpackOrderItems(new OrderItemsPacker().finish()), []);
      assert.throws(() => unpackOrderItems({ ...posted, lengths: posted.lengths.subarray(1) }), /packed\.lengths: assist-queue-order: 4999 lengths for 2500 items/);
      assert.throws(() => unpackOrderItems({ ...posted, inputs: [...posted.inputs, new Uint8Array(2)] }), /do not cover the keys and inputs/);
      assert.throws(() => unpackOrderItems({ ...posted, keys: ['k'] as never }), /packed\.keys: assist-queue-order: must be a list of UTF-16 byte chunks/);
    });

    it('step 2 in the real worker thread (task assist-queue-order) writes the same order as in-process, with progress', async function () {
      this.timeout(120000);
      const { texts } = topicSentences();
      const p = await seededProject(texts.slice(0, 200), ['ann'], () => undefined);
      store = await open(p);
      const worker = await bundleWorker();
      try {
        const now = new Date('2026-12-01T00:00:00Z');
        await computeQueueOrder(store, p.root, { kind: 'clustered', now });
        const inProcess = fs.readFileSync(queueOrderFile(p.root, p.id), 'utf8');
        const seen: number[] = [];
        const moved: ArrayBuffer[] = [];
        await computeQueueOrder(store, p.root, {
          kind: 'clustered',
          now,
          run: (input, onProgress, transfer) => {
            // The items go packed, every buffer moved (not a clone of the item objects).
            assert.equal(input.items, undefined);
            assert.equal(input.packed?.count, 200);
            assert.deepEqual(transfer, orderInputBuffers(input));
            moved.push(...transfer);
            return runWorkerTask(worker.file, 'assist-queue-order', input, { transfer, onProgress: (f, m) => onProgress(f, m ?? '') });
          },
          onProgress: (f) => seen.push(f),
        });
        assert.equal(moved.length, 3);
        assert.ok(moved.every((b) => b.byteLength === 0), 'detached here: moved to the worker');
        assert.equal(fs.readFileSync(queueOrderFile(p.root, p.id), 'utf8'), inProcess);
        assert.ok(seen.some((f) => f > 0.1 && f < 0.95), 'progress from the worker arrives while it works');
      } finally {
        worker.dispose();
      }
    });

    it('a cancel leaves the previous order file as it was', async () => {
      const { texts } = topicSentences();
      const p = await seededProject(texts, [], () => undefined);
      store = await open(p);
      await computeQueueOrder(store, p.root, { kind: 'clustered' });
      const file = queueOrderFile(p.root, p.id);
      const before = fs.readFileSync(file, 'utf8');
      const ac = new AbortController();
      await assert.rejects(
        computeQueueOrder(store, p.root, { kind: 'clustered', k: 3, signal: ac.signal, onProgress: (f) => f > 0.5 && ac.abort() }),
        (e: LabelingError) => e.reason === 'cancelled',
      );
      assert.equal(fs.readFileSync(file, 'utf8'), before);
      assert.deepEqual(tempFiles(path.dirname(file)), []);
    });
  });

  describe('project.json mlAssist.queueOrder', () => {
    it('accepts random, clustered and uncertain; names the field of another value', () => {
      for (const v of ['random', 'clustered', 'uncertain']) {
        assert.equal(parseProjectDef(JSON.stringify(validProject({ mlAssist: { enabled: true, queueOrder: v } })), 'p.json').mlAssist.queueOrder, v);
      }
      assert.equal(parseProjectDef(JSON.stringify(validProject()), 'p.json').mlAssist.queueOrder, undefined, 'absent: random');
      const e = errorOf(() => parseProjectDef(JSON.stringify(validProject({ mlAssist: { enabled: true, queueOrder: 'smart' } })), 'p.json'));
      assert.equal(e.where.field, 'mlAssist.queueOrder');
      assert.equal(e.message, 'p.json: mlAssist.queueOrder: must be "random", "clustered" or "uncertain"');
    });
  });
});
