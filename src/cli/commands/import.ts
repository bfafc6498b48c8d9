/**
 * data-labeling import <workspace> <id> --format <f> --file <file-or-folder> [options]
 * Parses the file, maps refs and labels to the project (dry-run summary with --dry-run) and appends
 * the submits as one import batch: IMPORT_LINE_MAX per journal line, each line all or nothing (Ctrl-C
 * stops between lines and says how many were written).
 */
import * as path from 'node:path';
import { isCancelled, LabelingError } from '../../core/errors';
import type { ImportSummary } from '../../core/formats/map-import';
import { summaryLines } from '../../core/formats/summary-import';
import { IMPORT_FORMATS, type ImportFormat } from '../../core/formats/types';
import { applyImport, planImport } from '../../core/formats/workflow';
import { parseCommandArgs, requirePositional, type CliCommand, type CliIo } from '../io';
import { openProjectAs } from '../project';

const usage =
  'data-labeling import <workspace> <id> --format <' + IMPORT_FORMATS.join('|') + '> --file <file-or-folder> [--as final|prelabels] ' +
  '[--strip-prefix <p>] [--map src=label,...] [--create-labels] [--item-column <c>] [--label-column <c>] [--dry-run] [--json]';

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'import labels (COCO, Azure JSONL/MLTable, Label Studio, CoNLL, YOLO, VOC, CSV) as one batch',
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      format: { type: 'string' },
      file: { type: 'string' },
      as: { type: 'string' },
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
    // --file is the documented form; a third positional argument is accepted too.
    const file = values.file ?? positionals[2];
    if (!file) throw new LabelingError('invalid-input', `--file is required\nusage: ${usage}`, { field: '--file' });
    const source = path.resolve(file);
    const format = values.format as ImportFormat | undefined;
    if (!format || !IMPORT_FORMATS.includes(format)) {
      throw new LabelingError('invalid-input', `--format must be one of ${IMPORT_FORMATS.join(', ')}`, { field: '--format' });
    }
    if (values.as !== undefined && values.as !== 'final' && values.as !== 'prelabels') {
      throw new LabelingError('invalid-input', '--as is final or prelabels', { field: '--as' });
    }
    const labelMap = parseLabelMap(values.map);
    const store = await openProjectAs(root, id, undefined, io);
    try {
      const plan = await planImport(
        store,
        {
          format,
          source,
          createLabels: values['create-labels'] === true,
          asPrelabels: values.as === 'prelabels' || values.prelabels === true,
          ...(values['strip-prefix'] ? { stripPrefix: values['strip-prefix'] } : {}),
          ...(labelMap ? { labelMap } : {}),
          ...(values['item-column'] ? { itemColumn: values['item-column'] } : {}),
          ...(values['label-column'] ? { labelColumn: values['label-column'] } : {}),
        },
        root,
      );
      report(io, plan.summary, plan.submits.length, values.json === true, values['dry-run'] === true);
      if (values['dry-run']) return 0;
      if (!plan.submits.length) {
        io.err('nothing to import');
        return plan.summary.records ? 1 : 0;
      }
      // Ctrl-C stops between journal lines (each line is whole): what was written is said.
      const abort = new AbortController();
      const onInterrupt = (): void => abort.abort();
      process.once('SIGINT', onInterrupt);
      try {
        const { count, lines } = await applyImport(store, plan, root, abort.signal, (w) => {
          if (w.of > 1 && !values.json) io.err(`  batch ${w.lines} of ${w.of} written (${w.submits} of ${w.total} annotations)`);
        });
        if (!values.json) io.out(`imported ${count} annotations as ${lines === 1 ? 'one batch' : `${lines} batches (one journal line each)`}`);
        return 0;
      } catch (e) {
        if (!isCancelled(e)) throw e;
        io.err(e instanceof Error ? e.message : String(e));
        return 130;
      } finally {
        process.off('SIGINT', onInterrupt);
      }
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

function report(io: CliIo, s: ImportSummary, annotations: number, json: boolean, dryRun: boolean): void {
  if (json) {
    io.out(JSON.stringify({ dryRun, annotations, ...s }, null, 2));
    return;
  }
  const [first, ...rest] = summaryLines(s, annotations);
  io.out(`${dryRun ? 'dry run: ' : ''}${first}`);
  for (const line of rest) io.out(`  ${line}`);
  if (Object.keys(s.labelsSkipped).length) io.out('  skipped labels are not in the project: pass --create-labels, or --map src=label');
  for (const p of s.problems.slice(0, 20)) io.err(`  ${p.where}: ${p.message}`);
  if (s.problems.length > 20) io.err(`  ... and ${s.problems.length - 20} more problems`);
}
