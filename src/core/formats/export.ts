/**
 * `exportLabels`: the one entry point of every exporter. It streams items (bounded memory), leaves
 * missing and unlabeled items out and counts them, writes into a staging folder and moves the result
 * into place only when everything succeeded (nothing half-written on error or abort).
 */
import { LabelingError, throwIfAborted } from '../errors';
import type { ClassRaster } from '../masks/raster';
import { annotationKindOf, mediaOf, type ExportItem, type ProjectDef } from '../model';
import { objectCount, selectEntries, type Entry } from './export-common';
import { withStaging, type Staging } from './output';
import { formatsFor, type ExportFormat, type ExportOptions, type ExportSummary, type ProgressCallback } from './types';
import { csvWriter } from './csv-export';
import { cocoWriter } from './coco-export';
import { azureWriter, nativeJsonlWriter } from './jsonl-export';
import { yoloWriter } from './yolo-export';
import { vocWriter } from './voc-export';
import { labelStudioWriter } from './labelstudio-export';
import { conllWriter } from './conll-export';

/** What a format implements: called once per written item, in item order. */
export interface FormatWriter {
  /** Writes the item; returns false when the item needs an image size it does not have. */
  item(item: ExportItem, entries: Entry[]): Promise<boolean>;
  /** Finishes the files (footers, side files). */
  end(): Promise<void>;
}

export interface ExportContext {
  def: ProjectDef;
  options: ExportOptions;
  staging: Staging;
  /** The raster of a mask blob (semantic segmentation); errors name the blob file. */
  readMask: MaskReader;
}

/** Reads a mask blob of the project (masks/blob-store.ts getMask). */
export type MaskReader = (blob: string) => Promise<ClassRaster>;

const noMasks: MaskReader = (blob) => Promise.reject(new LabelingError('invalid-input', `this export cannot read mask blobs (mask ${blob})`));

type WriterFactory = (ctx: ExportContext) => Promise<FormatWriter>;

const WRITERS: Record<ExportFormat, WriterFactory> = {
  csv: csvWriter,
  coco: cocoWriter,
  mltable: azureWriter,
  yolo: yoloWriter,
  voc: vocWriter,
  labelstudio: labelStudioWriter,
  jsonl: nativeJsonlWriter,
  conll: conllWriter,
};

const PROGRESS_EVERY = 1000;

export async function exportLabels(
  format: ExportFormat,
  items: AsyncIterable<ExportItem> | Iterable<ExportItem>,
  def: ProjectDef,
  destDir: string,
  options: ExportOptions = {},
  signal?: AbortSignal,
  onProgress?: ProgressCallback,
  readMask: MaskReader = noMasks,
): Promise<ExportSummary> {
  if (!formatsFor(def.type).export.includes(format)) {
    throw new LabelingError('invalid-input', `a ${def.type} project cannot be exported as ${format}`, { field: 'format' });
  }
  const kind = annotationKindOf(def.type);
  const summary: ExportSummary = {
    format,
    files: [],
    items: 0,
    annotations: 0,
    skippedMissing: 0,
    skippedUnlabeled: 0,
    skippedNoSize: 0,
  };
  const { files } = await withStaging(destDir, format, signal, async (staging) => {
    const writer = await WRITERS[format]({ def, options, staging, readMask });
    let seen = 0;
    for await (const item of items) {
      if (++seen % PROGRESS_EVERY === 0) {
        throwIfAborted(signal);
        onProgress?.(seen);
      }
      if (item.media !== mediaOf(def.type)) {
        throw new LabelingError('invalid-input', `item is ${item.media}, project is ${def.type}`, { field: item.key });
      }
      const sel = selectEntries(item, options);
      if (sel.kind === 'missing') summary.skippedMissing++;
      else if (sel.kind === 'unlabeled') summary.skippedUnlabeled++;
      else {
        const entries = sel.entries.filter((e) => e.annotation.kind === kind);
        if (!entries.length) {
          summary.skippedUnlabeled++;
          continue;
        }
        if (await writer.item(item, entries)) {
          summary.items++;
          for (const e of entries) summary.annotations += objectCount(e.annotation);
        } else summary.skippedNoSize++;
      }
    }
    throwIfAborted(signal);
    await writer.end();
    onProgress?.(seen, 'done');
  });
  summary.files = files;
  return summary;
}
