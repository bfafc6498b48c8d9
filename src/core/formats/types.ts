/**
 * Shared types of the import/export codecs: formats per project type, export options and summaries,
 * and the uniform result every importer returns.
 */
import type { ClassRaster } from '../masks/raster';
import type { Annotation, ItemRef, ProjectType } from '../model';

export const EXPORT_FORMATS = ['csv', 'coco', 'mltable', 'yolo', 'voc', 'labelstudio', 'jsonl', 'conll'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const IMPORT_FORMATS = ['coco', 'azure-jsonl', 'mltable', 'labelstudio', 'conll', 'yolo', 'voc', 'csv'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

const IMAGE_EXPORTS: ExportFormat[] = ['csv', 'coco', 'mltable', 'yolo', 'voc', 'labelstudio', 'jsonl'];
const IMAGE_CLASS_EXPORTS: ExportFormat[] = ['csv', 'mltable', 'labelstudio', 'jsonl'];
/**
 * Semantic segmentation (masks): VOC SegmentationClass PNGs, COCO per-class RLE, MLTable JSONL naming
 * each mask file, Label Studio brush, native JSONL and CSV (their `mask` is the blob, relative to the project folder).
 */
const MASK_EXPORTS: ExportFormat[] = ['voc', 'coco', 'mltable', 'labelstudio', 'jsonl', 'csv'];
const TEXT_EXPORTS: ExportFormat[] = ['csv', 'mltable', 'jsonl', 'labelstudio'];

/** Which formats a project type can export and import (the host builds its quick picks from this). */
export function formatsFor(type: ProjectType): { export: ExportFormat[]; import: ImportFormat[] } {
  switch (type) {
    case 'text-classification':
    case 'text-multilabel':
      return { export: TEXT_EXPORTS, import: ['csv', 'mltable', 'labelstudio'] };
    case 'text-ner':
      return { export: [...TEXT_EXPORTS, 'conll'], import: ['conll', 'mltable', 'labelstudio', 'csv'] };
    case 'image-classification':
    case 'image-multilabel':
      return { export: IMAGE_CLASS_EXPORTS, import: ['azure-jsonl', 'mltable', 'labelstudio', 'csv', 'coco'] };
    case 'image-detection':
    case 'image-segmentation':
      return {
        export: IMAGE_EXPORTS,
        import: ['coco', 'azure-jsonl', 'mltable', 'labelstudio', 'yolo', 'voc', 'csv'],
      };
    case 'image-semantic-segmentation':
      return { export: MASK_EXPORTS, import: ['voc', 'coco', 'labelstudio'] };
  }
}

export interface ExportOptions {
  /** Write the raw annotation of every labeler (not only the settled final label). */
  allAnnotators?: boolean;
  /** Also write prelabels (imports, ML assist) nobody confirmed yet. */
  includePrelabels?: boolean;
  /** COCO: Azure ML's variant (bbox and polygons normalised to 0-1, image width/height 0). */
  azure?: boolean;
  /** CoNLL: 2 = `token TAG` (Azure, default); 4 = `token -X- _ TAG` (CoNLL-2003 layout). */
  conllColumns?: 2 | 4;
  /**
   * CoNLL tokens: 'tokenizer' (default) splits with the shared tokeniser (src/core/spans/tokenize.ts);
   * 'whitespace' keeps each white-space separated word whole unless a span boundary cuts it (then the
   * tokeniser splits that word) - use it for text that is already tokenised, e.g. imported from CoNLL.
   */
  conllTokens?: 'tokenizer' | 'whitespace';
  /** Azure JSONL `image_url` prefix (e.g. an azureml:// datastore URI); default: the workspace path. */
  urlPrefix?: string;
}

export interface ExportSummary {
  format: ExportFormat;
  /** Files and folders written, relative to the destination folder. */
  files: string[];
  /** Items written. */
  items: number;
  /** Objects written: boxes, polygons, spans, or one per classification annotation. */
  annotations: number;
  skippedMissing: number;
  skippedUnlabeled: number;
  /** Image items left out because the format needs the image size and it is unknown. */
  skippedNoSize: number;
}

export type ProgressCallback = (done: number, message?: string) => void;

export interface ImportProblem {
  /** File plus line, JSON path or annotation id. */
  where: string;
  message: string;
}

export interface ImportRecord {
  /** The raw item reference: file name / URL / path / text / row id. */
  ref: string;
  annotation: Annotation;
  confidence?: number;
  labeler?: string;
  /** True for predictions (Label Studio `predictions`, scored rows). */
  prelabel?: boolean;
  width?: number;
  height?: number;
  /**
   * Semantic segmentation: the mask in the source's class indices (`names[i - 1]` names index i,
   * `ignoreName` index 255); `annotation` is its mask annotation without a blob yet (mask-import.ts).
   */
  mask?: { raster: ClassRaster; names: readonly string[]; ignoreName: string };
}

export interface ImportResult {
  records: ImportRecord[];
  /** Every label name the file uses, in first-seen order. */
  labelsSeen: string[];
  problems: ImportProblem[];
}

export interface ImageSize {
  width: number;
  height: number;
}

/** Looks up a real image size for a raw reference (Azure-normalised COCO, YOLO). */
export type SizeLookup = (ref: string) => ImageSize | undefined | Promise<ImageSize | undefined>;

export interface ImportOptions {
  /** The annotation kind of the target project; shapes are converted to it (boxes <-> polygons). */
  target: Annotation['kind'];
  sizeOf?: SizeLookup;
  signal?: AbortSignal;
  /** CSV: the column holding the item reference (default `item`) and the label column (default `label`). */
  itemColumn?: string;
  labelColumn?: string;
}

/** One submit the store appends; all of an import go in ONE batch. */
export interface ImportSubmit {
  ref: ItemRef;
  annotation: Annotation;
  labeler?: string;
  prelabel?: boolean;
  confidence?: number;
  /** Semantic segmentation: the mask in the project's class indices, stored as a blob when the import is applied. */
  raster?: ClassRaster;
}
