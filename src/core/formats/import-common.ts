/**
 * What every importer shares: reading JSON with line-numbered errors, collecting shapes of one item and
 * converting them to the target project's annotation kind, and building the uniform ImportResult.
 */
import { readFile } from 'node:fs/promises';
import { LabelingError } from '../errors';
import type { Annotation, Box, Polygon, Span } from '../model';
import { polygonBounds } from './export-common';
import type { ImportProblem, ImportRecord, ImportResult } from './types';

export function invalid(file: string, message: string, where: { line?: number; field?: string } = {}): LabelingError {
  return new LabelingError('invalid-input', message, { file, ...where });
}

export async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new LabelingError('not-found', `cannot read: ${(e as Error).message}`, { file }, { cause: e });
  }
}

/** Parses JSON; a syntax error names the line. */
export function parseJson(text: string, file: string, line?: number): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const at = line ?? (pos ? lineOf(text, Number(pos[1])) : undefined);
    throw invalid(file, `not valid JSON: ${msg}`, at ? { line: at } : {});
  }
}

function lineOf(text: string, pos: number): number {
  let n = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function finiteNumber(v: unknown): number | undefined {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/** Shapes of one item in the source file, before conversion to the target kind. */
export class Shapes {
  classes: string[] = [];
  spans: Span[] = [];
  boxes: Box[] = [];
  polygons: Polygon[] = [];

  get empty(): boolean {
    return !this.classes.length && !this.spans.length && !this.boxes.length && !this.polygons.length;
  }

  /**
   * Converts to the target kind: boxes <-> polygons (a polygon becomes its bounding box, a box a
   * 4-corner ring); classes from class labels (or, failing that, the labels of the shapes). Returns the
   * number of objects that cannot be converted (spans to image shapes and back).
   */
  toAnnotation(target: Annotation['kind']): { annotation: Annotation; dropped: number } {
    switch (target) {
      case 'classes': {
        const labels = this.classes.length ? this.classes : [...this.boxes, ...this.polygons, ...this.spans].map((s) => s.label);
        return { annotation: { kind: 'classes', labels: [...new Set(labels)] }, dropped: 0 };
      }
      case 'spans':
        return { annotation: { kind: 'spans', spans: this.spans }, dropped: this.boxes.length + this.polygons.length };
      case 'boxes': {
        const boxes = [...this.boxes, ...this.polygons.map((p) => ({ label: p.label, ...polygonBounds(p.rings) }))];
        return { annotation: { kind: 'boxes', boxes }, dropped: this.spans.length };
      }
      case 'polygons': {
        const polygons = [
          ...this.polygons,
          ...this.boxes.map((b) => ({ label: b.label, rings: [[b.x, b.y, b.x + b.w, b.y, b.x + b.w, b.y + b.h, b.x, b.y + b.h]] })),
        ];
        return { annotation: { kind: 'polygons', polygons }, dropped: this.spans.length };
      }
      case 'mask':
        // Masks are read by their own importers (mask-import.ts), never built from shapes.
        throw new LabelingError('invalid-input', 'a semantic segmentation project imports masks only: Pascal VOC SegmentationClass PNGs, COCO RLE or Label Studio brush results');
    }
  }
}

/** Accumulates records, labels in first-seen order and problems. */
export class ResultBuilder {
  readonly records: ImportRecord[] = [];
  readonly problems: ImportProblem[] = [];
  private readonly labels = new Set<string>();

  constructor(
    readonly file: string,
    private readonly target: Annotation['kind'],
  ) {}

  seen(label: string): void {
    this.labels.add(label);
  }

  problem(where: string, message: string): void {
    this.problems.push({ where: `${this.file}: ${where}`, message });
  }

  /** Adds the record of one item (converted to the target kind). */
  add(where: string, base: Omit<ImportRecord, 'annotation'>, shapes: Shapes): void {
    const { annotation, dropped } = shapes.toAnnotation(this.target);
    if (dropped) this.problem(where, `${dropped} object(s) cannot become ${this.target} and were skipped`);
    for (const s of [...shapes.classes]) this.seen(s);
    for (const s of [...shapes.spans, ...shapes.boxes, ...shapes.polygons]) this.seen(s.label);
    this.records.push({ ...base, annotation });
  }

  result(): ImportResult {
    return { records: this.records, labelsSeen: [...this.labels], problems: this.problems };
  }
}
