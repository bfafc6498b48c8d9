/**
 * The domain model shared by every part of the extension: project definitions, items, annotations.
 * Pure types and tiny helpers only: no I/O, no 'vscode', no DOM. The webview may import this file.
 */

export const PROJECT_TYPES = [
  'text-classification',
  'text-multilabel',
  'text-ner',
  'image-classification',
  'image-multilabel',
  'image-detection',
  'image-segmentation',
  'image-semantic-segmentation',
] as const;
export type ProjectType = (typeof PROJECT_TYPES)[number];

export const PROJECT_TYPE_TITLES: Record<ProjectType, string> = {
  'text-classification': 'Text classification (multi-class)',
  'text-multilabel': 'Text classification (multi-label)',
  'text-ner': 'Text named-entity recognition',
  'image-classification': 'Image classification (multi-class)',
  'image-multilabel': 'Image classification (multi-label)',
  'image-detection': 'Object detection (bounding boxes)',
  'image-segmentation': 'Instance segmentation (polygons)',
  'image-semantic-segmentation': 'Semantic segmentation (masks)',
};

export type MediaKind = 'text' | 'image';

export function mediaOf(type: ProjectType): MediaKind {
  return type.startsWith('image-') ? 'image' : 'text';
}

/** The annotation kind a project type produces. */
export function annotationKindOf(type: ProjectType): Annotation['kind'] {
  switch (type) {
    case 'text-classification':
    case 'text-multilabel':
    case 'image-classification':
    case 'image-multilabel':
      return 'classes';
    case 'text-ner':
      return 'spans';
    case 'image-detection':
      return 'boxes';
    case 'image-segmentation':
      return 'polygons';
    case 'image-semantic-segmentation':
      return 'mask';
  }
}

export function isMultiLabel(type: ProjectType): boolean {
  return type === 'text-multilabel' || type === 'image-multilabel';
}

export interface LabelClass {
  /** Unique within the project; the value written to journals and exports. */
  name: string;
  /** CSS colour, '#rrggbb'. */
  color: string;
  /** One of 1-9 or a-z; unique within the project. */
  hotkey?: string;
}

/** Where items come from. Globs are workspace-relative, '/'-separated. */
export type DataSource =
  | { kind: 'images'; glob: string }
  | { kind: 'text-files'; glob: string }
  | {
      /** CSV, TSV, JSONL or a JSON array of objects: one item per row. */
      kind: 'table';
      glob: string;
      textColumn: string;
      /** Column whose value keys the row; default: the 1-based row number. */
      idColumn?: string;
    };

export type ProjectStatus = 'running' | 'paused';
export type Role = 'labeler' | 'reviewer' | 'manager';

/** project.json's mlAssist.queueOrder. */
export const QUEUE_ORDERS = ['random', 'clustered', 'uncertain'] as const;
export type QueueOrderKind = (typeof QUEUE_ORDERS)[number];

export interface ProjectDef {
  schemaVersion: 1;
  /** Folder name under .labeling/: [a-z0-9][a-z0-9-_]* */
  id: string;
  name: string;
  type: ProjectType;
  labels: LabelClass[];
  dataSources: DataSource[];
  consensus: {
    minLabelers: number;
    maxLabelers: number;
    /** Semantic segmentation: two masks agree when their per-class mean IoU is at least this; default 0.8. */
    maskIoU?: number;
  };
  /**
   * Semantic segmentation: the name of the optional ignore class (pixel index 255, VOC's "void"): a
   * name that is not one of `labels`, left out of the IoU of consensus and written as 255 by the VOC
   * export. Absent: no ignore class (a mask holds 0 = unlabeled and the labels 1..N in label order).
   */
  ignoreLabel?: string;
  mlAssist: {
    enabled: boolean;
    backendUrl?: string;
    confidenceThreshold?: number;
    /** Precision prelabels must reach on held-out labels (Wilson lower bound); default 0.95. */
    targetPrecision?: number;
    /** Share of each class held out for validation; default 0.2. */
    holdout?: number;
    /** Final labels before the first automatic training; default 50 for text, 100 for images. */
    minLabels?: number;
    /**
     * The order the labeling panel serves the queue in (issue 12 items 2 and 6): 'random' (default) the
     * index's seeded order; 'clustered' similar items together (k-means over their features);
     * 'uncertain' the items the latest model is least sure of first, mixed with random ones. Both
     * follow the local order file ML assist writes (queue-order.ts); without it, the random order.
     */
    queueOrder?: QueueOrderKind;
  };
  status: ProjectStatus;
  /** Seeds the fixed random order of the queue (reduces ordering bias). */
  queueSeed: number;
  /** Re-scan data sources every N minutes (0 or absent: only on file changes and on demand). */
  refreshMinutes?: number;
  /** labeler id -> roles; absent means everybody may do everything. */
  roles?: Record<string, Role[]>;
  createdAt: string;
}

// ---------------------------------------------------------------- annotations

/** Character offsets into the item text, end exclusive. */
export interface Span {
  start: number;
  end: number;
  label: string;
}

/** Axis-aligned box in image pixels, top-left origin. */
export interface Box {
  label: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * One object of an instance-segmentation project. `rings` holds one or more closed polygons
 * (multi-part objects, as in COCO), each a flat [x1, y1, x2, y2, ...] list in image pixels.
 */
export interface Polygon {
  label: string;
  rings: number[][];
}

export type Annotation =
  | { kind: 'classes'; labels: string[] }
  | { kind: 'spans'; spans: Span[] }
  | { kind: 'boxes'; boxes: Box[] }
  | { kind: 'polygons'; polygons: Polygon[] }
  /**
   * A semantic-segmentation mask (src/core/masks/raster.ts): `blob` is the sha256 of the indexed-colour
   * PNG at `.labeling/<id>/masks/<blob>.png` whose pixel bytes are class indices (0 unlabeled, i the
   * i-th label, 255 the ignore class); `classes` names the classes present.
   */
  | MaskAnnotation;

export interface MaskAnnotation {
  kind: 'mask';
  width: number;
  height: number;
  blob: string;
  classes: string[];
}

/** For exhaustive switches: the compiler flags every switch that misses a case of a union. */
export function assertNever(x: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}

type ListField<K extends Annotation['kind']> = Exclude<keyof Extract<Annotation, { kind: K }>, 'kind'>;

/**
 * Every annotation kind, with the field holding its list and its code in the index (ann-text.ts).
 * Adding a kind is one entry here plus its member of Annotation; every list and check is derived.
 */
export const ANNOTATION_KINDS: { readonly [K in Annotation['kind']]: { readonly list: ListField<K>; readonly code: number } } = {
  classes: { list: 'labels', code: 0 },
  spans: { list: 'spans', code: 1 },
  boxes: { list: 'boxes', code: 2 },
  polygons: { list: 'polygons', code: 3 },
  mask: { list: 'classes', code: 4 },
};

export function isAnnotationKind(k: unknown): k is Annotation['kind'] {
  return typeof k === 'string' && Object.prototype.hasOwnProperty.call(ANNOTATION_KINDS, k);
}

export function emptyAnnotation(kind: Annotation['kind']): Annotation {
  switch (kind) {
    case 'classes':
      return { kind, labels: [] };
    case 'spans':
      return { kind, spans: [] };
    case 'boxes':
      return { kind, boxes: [] };
    case 'polygons':
      return { kind, polygons: [] };
    case 'mask':
      throw new Error('a mask annotation has no empty form: it names a stored mask blob');
  }
}

/** Every label name an annotation uses, with repeats (one per shape/span/class). */
export function labelsUsed(a: Annotation): string[] {
  switch (a.kind) {
    case 'classes':
      return a.labels;
    case 'spans':
      return a.spans.map((s) => s.label);
    case 'boxes':
      return a.boxes.map((b) => b.label);
    case 'polygons':
      return a.polygons.map((p) => p.label);
    case 'mask':
      return a.classes;
  }
}

// ---------------------------------------------------------------- items

/** Item lifecycle states used by the queue, trees and dashboard. */
export type ItemState =
  | 'unlabeled' // in the queue, nobody has submitted
  | 'incomplete' // some labelers submitted, fewer than consensus.minLabelers
  | 'labeled' // final label settled (single labeler, or consensus reached, or approved)
  | 'needs-review' // consensus disagreement or flagged for review
  | 'skipped'
  | 'missing'; // its file disappeared; labels kept, out of the queue

/** How many items of a project are in each state (dashboard, details, views). */
export interface ItemCounts {
  items: number;
  labeled: number;
  skipped: number;
  needsReview: number;
  incomplete: number;
  unlabeled: number;
  missing: number;
}

export interface ItemRef {
  /** Workspace-relative path, '/'-separated. */
  path: string;
  /** Row key for table sources (id column value or 1-based row number); absent for whole files. */
  row?: string;
}

/** Stable key of an item: `path` or `path#row`. */
export function itemKey(ref: ItemRef): string {
  return ref.row === undefined ? ref.path : `${ref.path}#${ref.row}`;
}

export function parseItemKey(key: string): ItemRef {
  const i = key.lastIndexOf('#');
  return i < 0 ? { path: key } : { path: key.slice(0, i), row: key.slice(i + 1) };
}

// ---------------------------------------------------------------- export view of an item

/** One labeler's annotation of an item, as exports and the review see it. */
export interface LabelerAnnotation {
  labeler: string;
  annotation: Annotation;
  /** ISO time of the submit event. */
  at: string;
  /** True for a prelabel (import or ML assist) nobody confirmed yet. */
  prelabel?: boolean;
  /** Model confidence in [0, 1] for prelabels. */
  confidence?: number;
}

/**
 * What an exporter receives for each item, in a stable order (by item key).
 * `final` is the settled label (single labeler, consensus or approved), absent if none.
 */
export interface ExportItem {
  key: string;
  ref: ItemRef;
  media: MediaKind;
  /** Item text for text projects. */
  text?: string;
  /** Image size in pixels for image projects, when known. */
  width?: number;
  height?: number;
  state: ItemState;
  final?: Annotation;
  /** Who produced the final label (labelers joined by consensus, or the approving reviewer). */
  finalBy?: string[];
  /** Agreement among labelers in [0, 1] when several labeled it. */
  agreement?: number;
  all: LabelerAnnotation[];
}
