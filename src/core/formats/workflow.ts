/**
 * Import and export against an open project: the steps the CLI and the VS Code commands share.
 *   planImport   parse the file, map refs to items and categories to labels: a dry-run summary + submits
 *   applyImport  validate everything, add created labels, append the batch (IMPORT_LINE_MAX submits per line, each all or nothing)
 *   runExport    stream the project's items to a format in a destination folder
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { LabelingError, throwIfAborted } from '../errors';
import type { ItemBounds } from '../geometry/bounds';
import { annotationKindOf, itemKey, type Annotation, type ItemRef } from '../model';
import type { ImportOptions } from '../store/import-lines';
import type { ProjectStore } from '../store/project-store';
import { getMask, storeMaskAnnotation } from '../masks/blob-store';
import { exportLabels } from './export';
import { importLabels } from './import';
import { itemIndexOf, mapImport, resolveRef, type ImportSummary } from './map-import';
import { formatsFor, type ExportFormat, type ExportOptions, type ExportSummary, type ImageSize, type ImportFormat, type ImportSubmit, type ProgressCallback } from './types';

export interface ImportPlanOptions {
  format: ImportFormat;
  /** Absolute path of the file (or folder, for YOLO and VOC) to import. */
  source: string;
  /** Removed from the start of every item reference, e.g. `azureml://.../paths/`. */
  stripPrefix?: string;
  /** Source category -> project label. */
  labelMap?: Record<string, string>;
  /** Add labels the project lacks (true) or skip their objects (false). */
  createLabels: boolean;
  /** Import as prelabels that labelers confirm, instead of final labels. */
  asPrelabels?: boolean;
  itemColumn?: string;
  labelColumn?: string;
}

export interface ImportPlan {
  format: ImportFormat;
  source: string;
  summary: ImportSummary;
  submits: ImportSubmit[];
}

/**
 * Parses and maps an import file; changes nothing. Shapes are checked against their items (sizes and
 * texts from the store, so `_root`, the workspace, is no longer read here).
 */
export async function planImport(store: ProjectStore, opts: ImportPlanOptions, _root: string): Promise<ImportPlan> {
  const def = store.def;
  if (!formatsFor(def.type).import.includes(opts.format)) {
    throw new LabelingError('invalid-input', `a ${def.type} project imports ${formatsFor(def.type).import.join(', ')}`, { field: 'format' });
  }
  // Read in slices under a lease (submits interleave); only refs and texts are kept.
  const refs: { ref: ItemRef; text?: string }[] = [];
  for await (const it of store.readExportItems({ name: 'an import (mapping items)' })) refs.push(it.text === undefined ? { ref: it.ref } : { ref: it.ref, text: it.text });
  const itemIndex = itemIndexOf(refs);
  const strip = opts.stripPrefix ? { stripPrefix: opts.stripPrefix } : {};
  // Sizes of the image as displayed (EXIF orientation applied), read once per item and kept in the index.
  const boundsOf = (ref: ItemRef): ItemBounds | undefined => store.itemBounds(itemKey(ref));
  const sizeOf = (ref: string): ImageSize | undefined => {
    const found = resolveRef(ref, { itemIndex, ...strip });
    const b = 'ref' in found && found.ref ? boundsOf(found.ref) : undefined;
    return b?.media === 'image' ? b.size : undefined;
  };
  const parsed = await importLabels(opts.format, opts.source, {
    target: annotationKindOf(def.type),
    sizeOf,
    ...(opts.itemColumn ? { itemColumn: opts.itemColumn } : {}),
    ...(opts.labelColumn ? { labelColumn: opts.labelColumn } : {}),
  });
  const { summary, submits } = mapImport(parsed.records, {
    itemIndex,
    def,
    createLabels: opts.createLabels,
    labeler: store.labeler,
    boundsOf,
    ...strip,
    ...(opts.labelMap ? { labelMap: opts.labelMap } : {}),
    ...(opts.asPrelabels ? { asPrelabels: true } : {}),
  });
  summary.problems.unshift(...parsed.problems);
  return { format: opts.format, source: opts.source, summary, submits };
}

/**
 * Writes a plan: the store checks every annotation first (against the project plus the labels the plan
 * creates, and against its item), so a bad one changes nothing; then the created labels and the submits
 * are appended, the labels with the first line, IMPORT_LINE_MAX submits per journal line (each line
 * all-or-nothing, written between submits). A cancel stops between lines; its error says "k of n
 * batches imported". Returns the batch id and the lines written.
 */
export async function applyImport(
  store: ProjectStore,
  plan: ImportPlan,
  root: string,
  signal?: AbortSignal,
  onProgress?: ImportOptions['onProgress'],
): Promise<{ batch: string; count: number; lines: number }> {
  if (!plan.submits.length) throw new LabelingError('invalid-input', 'nothing to import: no record matched an item of the project', { file: plan.source });
  const created = plan.summary.labelsCreated;
  throwIfAborted(signal);
  const src = path.relative(root, plan.source).split(path.sep).join('/') || path.basename(plan.source);
  const batch = `import-${randomUUID()}`;
  // Masks: their blobs first (a journal line never names a blob that is not there), in the project's
  // class order with the labels this import creates appended.
  const labels = [...store.def.labels.map((l) => l.name), ...created.filter((l) => !store.def.labels.some((x) => x.name === l))];
  const annotations: Annotation[] = [];
  for (const s of plan.submits) {
    throwIfAborted(signal);
    annotations.push(s.raster ? (await storeMaskAnnotation(store.projectDir, s.raster, labels, store.def.ignoreLabel)).annotation : s.annotation);
  }
  const written = await store.importBatch(
    batch,
    plan.submits.map((s, i) => ({
      item: itemKey(s.ref),
      ann: annotations[i]!,
      ...(s.prelabel ? { pre: true } : {}),
      ...(s.confidence !== undefined ? { conf: s.confidence } : {}),
      // The batch is written by the importing user; the source labeler is kept as provenance.
      src: s.labeler && s.labeler !== store.labeler ? `${src} (${s.labeler})` : src,
    })),
    created, // the labels go in the same append as the first line: both or neither
    { ...(signal ? { signal } : {}), ...(onProgress ? { onProgress } : {}) },
  );
  return { batch, count: plan.submits.length, lines: written.lines };
}

/** Exports a project's labels; the destination gets complete files or nothing. */
export function runExport(
  store: ProjectStore,
  format: ExportFormat,
  outDir: string,
  options: ExportOptions = {},
  signal?: AbortSignal,
  onProgress?: ProgressCallback,
): Promise<ExportSummary> {
  const items = store.readExportItems({ includePrelabels: options.includePrelabels === true, name: `an export (${format})`, ...(signal ? { signal } : {}) });
  const dir = store.projectDir;
  return exportLabels(format, items, store.def, outDir, options, signal, onProgress, (blob) => getMask(dir, blob));
}
