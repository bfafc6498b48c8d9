/**
 * data-labeling import <workspace> <id> <file-or-folder> --format <f> [options]
 * Parses the file, maps refs and labels to the project (dry-run summary with --dry-run) and appends
 * every submit as ONE import batch (all or nothing).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { imageSize } from 'image-size';
import { LabelingError } from '../../core/errors';
import { importLabels } from '../../core/formats/import';
import { itemIndexOf, mapImport, resolveRef, type ImportSummary } from '../../core/formats/map-import';
import { IMPORT_FORMATS, formatsFor, type ImageSize, type ImportFormat } from '../../core/formats/types';
import { annotationKindOf } from '../../core/model';
import { defaultDevice, defaultLabeler } from '../../core/project/identity';
import { ProjectStore } from '../../core/store/project-store';
import { parseCommandArgs, requirePositional, sqlWasmPath, type CliCommand, type CliIo } from '../io';

const usage =
  'data-labeling import <workspace> <id> <file-or-folder> --format <' + IMPORT_FORMATS.join('|') + '> [--strip-prefix <p>] ' +
  '[--map src=label,...] [--create-labels] [--prelabels] [--item-column <c>] [--label-column <c>] [--dry-run] [--json]';

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'import labels (COCO, Azure JSONL/MLTable, Label Studio, CoNLL, YOLO, VOC, CSV) as one batch',
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      format: { type: 'string' },
      'strip-prefix': { type: 'string' },
      map: { type: 'string' },
      'create-labels': { type: 'boolean' },
      prelabels: { type: 'boolean' },
      'item-column': { type: 'string' },
      'label-column': { type: 'string' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const root = path.resolve(requirePositional(positionals, 0, 'workspace', usage));
    const id = requirePositional(positionals, 1, 'id', usage);
    const source = path.resolve(requirePositional(positionals, 2, 'file-or-folder', usage));
    const format = values.format as ImportFormat | undefined;
    if (!format || !IMPORT_FORMATS.includes(format)) {
      throw new LabelingError('invalid-input', `--format must be one of ${IMPORT_FORMATS.join(', ')}`, { field: '--format' });
    }
    const labelMap = parseLabelMap(values.map);
    const labeler = defaultLabeler(root);
    const store = await ProjectStore.open({ root, id, labeler, device: defaultDevice(), wasmPath: sqlWasmPath() });
    try {
      const def = store.def;
      if (!formatsFor(def.type).import.includes(format)) {
        throw new LabelingError('invalid-input', `a ${def.type} project imports ${formatsFor(def.type).import.join(', ')}`, { field: '--format' });
      }
      const itemIndex = itemIndexOf(store.exportItems());
      const stripPrefix = values['strip-prefix'];
      const sizeOf = (ref: string): ImageSize | undefined => {
        const found = resolveRef(ref, { itemIndex, ...(stripPrefix ? { stripPrefix } : {}) });
        return 'ref' in found && found.ref ? measure(path.join(root, found.ref.path)) : undefined;
      };
      const parsed = await importLabels(format, source, {
        target: annotationKindOf(def.type),
        sizeOf,
        ...(values['item-column'] ? { itemColumn: values['item-column'] } : {}),
        ...(values['label-column'] ? { labelColumn: values['label-column'] } : {}),
      });
      const { summary, submits } = mapImport(parsed.records, {
        itemIndex,
        def,
        createLabels: values['create-labels'] === true,
        labeler,
        ...(stripPrefix ? { stripPrefix } : {}),
        ...(labelMap ? { labelMap } : {}),
        ...(values.prelabels ? { asPrelabels: true } : {}),
      });
      summary.problems.unshift(...parsed.problems);
      report(io, summary, values.json === true, values['dry-run'] === true);
      if (values['dry-run']) return 0;
      if (!submits.length) {
        io.err('nothing to import');
        return parsed.records.length ? 1 : 0;
      }
      if (summary.labelsCreated.length) await store.addLabels(summary.labelsCreated, 'continue');
      const src = path.relative(root, source).split(path.sep).join('/') || path.basename(source);
      await store.importBatch(
        `import-${randomUUID()}`,
        submits.map((s) => ({
          item: s.ref.row === undefined ? s.ref.path : `${s.ref.path}#${s.ref.row}`,
          ann: s.annotation,
          ...(s.prelabel ? { pre: true } : {}),
          ...(s.confidence !== undefined ? { conf: s.confidence } : {}),
          // The batch is written by the importing user; the source labeler is kept as provenance.
          src: s.labeler && s.labeler !== labeler ? `${src} (${s.labeler})` : src,
        })),
      );
      if (!values.json) io.out(`imported ${submits.length} annotations as one batch`);
      return 0;
    } finally {
      await store.close();
    }
  },
};

function parseLabelMap(text: string | undefined): Record<string, string> | undefined {
  if (!text) return undefined;
  const out: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const i = pair.indexOf('=');
    if (i <= 0 || i === pair.length - 1) throw new LabelingError('invalid-input', `--map entries are src=label, got "${pair}"`, { field: '--map' });
    out[pair.slice(0, i).trim()] = pair.slice(i + 1).trim();
  }
  return out;
}

function measure(file: string): ImageSize | undefined {
  try {
    const s = imageSize(readFileSync(file));
    return s.width && s.height ? { width: s.width, height: s.height } : undefined;
  } catch {
    return undefined;
  }
}

function report(io: CliIo, s: ImportSummary, json: boolean, dryRun: boolean): void {
  if (json) {
    io.out(JSON.stringify({ dryRun, ...s }, null, 2));
    return;
  }
  io.out(`${dryRun ? 'dry run: ' : ''}${s.records} records: ${s.matched} matched, ${s.unmatched} unmatched`);
  if (s.unmatchedExamples.length) io.out(`  unmatched, e.g.: ${s.unmatchedExamples.join(', ')}`);
  const shapes = Object.entries(s.shapesByType).filter(([, n]) => n > 0);
  if (shapes.length) io.out(`  objects: ${shapes.map(([k, n]) => `${n} ${k}`).join(', ')}`);
  if (s.labelsCreated.length) io.out(`  new labels: ${s.labelsCreated.join(', ')}`);
  const skipped = Object.entries(s.labelsSkipped);
  if (skipped.length) io.out(`  skipped labels (not in the project; --create-labels or --map): ${skipped.map(([l, n]) => `${l} x${n}`).join(', ')}`);
  for (const p of s.problems.slice(0, 20)) io.err(`  ${p.where}: ${p.message}`);
  if (s.problems.length > 20) io.err(`  ... and ${s.problems.length - 20} more problems`);
}
