/**
 * Benchmark hook for scripts/bench-export.mjs: exports N synthetic box annotations (3 per image) in
 * one format and measures wall time and the growth of peak RSS. Items are generated lazily, as the
 * store streams them, so the memory figure is the exporter's own.
 */
import { exportLabels } from './export';
import type { ExportItem, ProjectDef } from '../model';
import type { ExportFormat, ExportSummary } from './types';

const LABELS = ['car', 'person', 'bicycle', 'dog', 'cat'];

export function* syntheticDetectionItems(annotations: number, perItem = 3): Generator<ExportItem> {
  const items = Math.ceil(annotations / perItem);
  let left = annotations;
  for (let i = 0; i < items; i++) {
    const n = Math.min(perItem, left);
    left -= n;
    const boxes = Array.from({ length: n }, (_, k) => ({
      label: LABELS[(i + k) % LABELS.length]!,
      x: (i * 7 + k * 13) % 600,
      y: (i * 11 + k * 5) % 400,
      w: 20 + ((i + k) % 50),
      h: 30 + ((i * 3 + k) % 40),
    }));
    const path = `images/${String(i).padStart(7, '0')}.jpg`;
    const final = { kind: 'boxes' as const, boxes };
    yield {
      key: path,
      ref: { path },
      media: 'image',
      width: 640,
      height: 480,
      state: 'labeled',
      final,
      finalBy: ['labeler1'],
      all: [{ labeler: 'labeler1', annotation: final, at: '2026-01-01T00:00:00.000Z' }],
    };
  }
}

export function benchDef(): ProjectDef {
  return {
    schemaVersion: 1,
    id: 'bench',
    name: 'Export benchmark',
    type: 'image-detection',
    labels: LABELS.map((name, i) => ({ name, color: `#00000${i}` })),
    dataSources: [{ kind: 'images', glob: 'images/**/*.jpg' }],
    consensus: { minLabelers: 1, maxLabelers: 1 },
    mlAssist: { enabled: false },
    status: 'running',
    queueSeed: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

export interface BenchExportResult {
  format: ExportFormat;
  annotations: number;
  seconds: number;
  /** Peak RSS during the export minus RSS before it, in MB. */
  peakRssDeltaMB: number;
  summary: ExportSummary;
}

/** Exports `annotations` synthetic boxes as `format` into `destDir`. Run it in a fresh process for a clean peak. */
export async function benchExport(format: ExportFormat, annotations: number, destDir: string): Promise<BenchExportResult> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = process.hrtime.bigint();
  try {
    const summary = await exportLabels(format, syntheticDetectionItems(annotations), benchDef(), destDir, {});
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
    return { format, annotations, seconds, peakRssDeltaMB: (peak - before) / 2 ** 20, summary };
  } finally {
    clearInterval(timer);
  }
}
