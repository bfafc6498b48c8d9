/** Image projects of MNIST digits written as PNG files, and a cancel check, for the ML-assist tests (not shipped: only *.test.ts import it). */
import { strict as assert } from 'node:assert';
import { PNG } from 'pngjs';
import { LabelingError } from '../../errors';
import type { JournalEvent } from '../../journal/events';
import type { Annotation, ProjectType } from '../../model';
import { createProject } from '../../project/create';
import { event, tempWorkspace, writeFiles, writeJournal } from '../../store/test-support';
import type { ImageInput } from '../image-features';
import { mnistDigit } from '../image-model-testdata';
import { hashTree, tempFiles } from './assist-fixture';

/** A 28 x 28 grey MNIST digit (floats 0-1) as PNG bytes. */
export function digitPng(img: ImageInput): Buffer {
  const png = new PNG({ width: img.width, height: img.height });
  for (let i = 0; i < img.width * img.height; i++) {
    const v = Math.round(Number(img.data[i]) * 255);
    png.data[i * 4] = png.data[i * 4 + 1] = png.data[i * 4 + 2] = v;
    png.data[i * 4 + 3] = 255;
  }
  return PNG.sync.write(png);
}

export const fileOf = (d: number, i: number) => `img/d${d}-${String(i).padStart(3, '0')}.png`;

export interface DigitProject {
  root: string;
  id: string;
  /** Keys of the labeled and the unlabeled digit files, with their digit. */
  labeled: { key: string; digit: number }[];
  unlabeled: { key: string; digit: number }[];
}

/**
 * A workspace of `perDigit` MNIST PNG files per digit in img/ and an image project over them; the first
 * `labeledPerDigit` of each digit are submitted by one labeler with `ann(digit)`; `extra` files are
 * written and labeled too.
 */
export async function digitProject(
  type: ProjectType,
  labelNames: string[],
  perDigit: number,
  labeledPerDigit: number,
  ann: (digit: number) => Annotation,
  over: { extra?: Record<string, { bytes: Buffer | string; ann: Annotation }>; targetPrecision?: number } = {},
): Promise<DigitProject> {
  const root = tempWorkspace();
  const files: Record<string, Uint8Array | string> = {};
  const labeled: DigitProject['labeled'] = [];
  const unlabeled: DigitProject['unlabeled'] = [];
  for (let d = 0; d < 10; d++) {
    mnistDigit(d, perDigit).forEach((img, i) => {
      files[fileOf(d, i)] = digitPng(img);
      (i < labeledPerDigit ? labeled : unlabeled).push({ key: fileOf(d, i), digit: d });
    });
  }
  for (const [rel, x] of Object.entries(over.extra ?? {})) files[rel] = x.bytes;
  writeFiles(root, files);
  const id = 'digits';
  await createProject(root, {
    id,
    type,
    labels: labelNames,
    dataSources: [{ kind: 'images', glob: 'img/**' }],
    queueSeed: 11,
    mlAssist: { enabled: true, ...(over.targetPrecision !== undefined ? { targetPrecision: over.targetPrecision } : {}) },
  });
  const events: JournalEvent[] = [];
  const submit = (item: string, a: Annotation) =>
    events.push(event({ type: 'submit', item, ann: a }, { by: 'ann', dev: 'd', seq: events.length + 1, at: new Date(Date.UTC(2026, 11, 1, 9, 0, 0, events.length)).toISOString() }));
  for (const l of labeled) submit(l.key, ann(l.digit));
  for (const [rel, x] of Object.entries(over.extra ?? {})) submit(rel, x.ann);
  writeJournal(root, id, 'ann', 'd', events);
  return { root, id, labeled, unlabeled };
}

/**
 * Trains with a cancel at a point of its progress: the models folder must be as it was (every file,
 * byte for byte, and no temp file), the run must reject as cancelled, and no progress may follow the
 * cancel. `at` picks the progress to cancel at; answers its message.
 */
export async function cancelTrainingAt(
  dir: string,
  train: (signal: AbortSignal, onProgress: (fraction: number, message: string) => void) => Promise<unknown>,
  at: (fraction: number, message: string) => boolean,
): Promise<string> {
  const before = hashTree(dir);
  assert.ok(Object.keys(before).length >= 2, 'there are models to keep');
  const ac = new AbortController();
  let cancelledAt: string | undefined;
  let afterAbort = 0;
  const onProgress = (f: number, m: string) => {
    if (cancelledAt !== undefined) afterAbort++;
    else if (at(f, m)) {
      cancelledAt = m;
      ac.abort();
    }
  };
  await assert.rejects(train(ac.signal, onProgress), (e: unknown) => e instanceof LabelingError && e.reason === 'cancelled');
  assert.ok(cancelledAt !== undefined, 'cancelled at the point asked for');
  assert.equal(afterAbort, 0, 'the training stopped there: no progress after the cancel');
  assert.deepEqual(hashTree(dir), before);
  assert.deepEqual(tempFiles(dir), []);
  return cancelledAt;
}
