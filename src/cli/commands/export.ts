/** data-labeling export <workspace> <id> --format <f> [--out <dir>] [options] */
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { LabelingError } from '../../core/errors';
import { isInsideFolder } from '../../core/formats/output';
import { runExport } from '../../core/formats/workflow';
import { EXPORT_FORMATS, formatsFor, type ExportFormat, type ExportOptions } from '../../core/formats/types';
import { defaultDevice, defaultLabeler } from '../../core/project/identity';
import { ProjectStore } from '../../core/store/project-store';
import { parseCommandArgs, requirePositional, storeFiles, type CliCommand } from '../io';

const usage =
  'data-labeling export <workspace> <id> --format <' + EXPORT_FORMATS.join('|') + '> [--out <dir>] [--all-annotators] ' +
  '[--include-prelabels] [--azure] [--conll-columns 2|4] [--conll-tokens tokenizer|whitespace] [--url-prefix <p>] [--json]';

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'export labels (CSV, COCO, Azure MLTable, YOLO, VOC, Label Studio, JSONL, CoNLL) into a folder',
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      format: { type: 'string' },
      out: { type: 'string' },
      'all-annotators': { type: 'boolean' },
      'include-prelabels': { type: 'boolean' },
      azure: { type: 'boolean' },
      'conll-columns': { type: 'string' },
      'conll-tokens': { type: 'string' },
      'url-prefix': { type: 'string' },
      json: { type: 'boolean' },
    });
    const root = path.resolve(requirePositional(positionals, 0, 'workspace', usage));
    const id = requirePositional(positionals, 1, 'id', usage);
    const format = values.format as ExportFormat | undefined;
    if (!format || !EXPORT_FORMATS.includes(format)) {
      throw new LabelingError('invalid-input', `--format must be one of ${EXPORT_FORMATS.join(', ')}`, { field: '--format' });
    }
    const options = exportOptions(values);
    // Relative to the workspace; anywhere else is allowed, and the resolved folder is printed.
    const out = path.resolve(root, values.out ?? path.join('labels', id));
    if ((await stat(out).catch(() => undefined))?.isFile()) {
      throw new LabelingError('invalid-input', 'is a file: --out names the folder to export into', { file: out });
    }
    const outside = !(await isInsideFolder(root, out));
    const store = await ProjectStore.open({ root, id, labeler: defaultLabeler(root), device: defaultDevice(), ...storeFiles() });
    try {
      const def = store.def;
      if (!formatsFor(def.type).export.includes(format)) {
        throw new LabelingError('invalid-input', `a ${def.type} project exports as ${formatsFor(def.type).export.join(', ')}`, { field: '--format' });
      }
      const ctrl = new AbortController();
      const onSignal = (): void => ctrl.abort();
      process.once('SIGINT', onSignal);
      try {
        const summary = await runExport(store, format, out, options, ctrl.signal);
        if (values.json) io.out(JSON.stringify({ ...summary, out, outsideWorkspace: outside }, null, 2));
        else {
          io.out(`exported ${summary.items} items, ${summary.annotations} annotations as ${format} to ${out}${outside ? ' (outside the workspace)' : ''}`);
          io.out(`  files: ${summary.files.join(', ')}`);
          const skipped = [
            [summary.skippedUnlabeled, 'unlabeled or skipped'],
            [summary.skippedMissing, 'missing'],
            [summary.skippedNoSize, 'without a known image size'],
          ] as const;
          for (const [n, why] of skipped) if (n) io.out(`  left out ${n} ${why}`);
        }
        return 0;
      } finally {
        process.off('SIGINT', onSignal);
      }
    } finally {
      await store.close();
    }
  },
};

function exportOptions(values: {
  'all-annotators'?: boolean;
  'include-prelabels'?: boolean;
  azure?: boolean;
  'conll-columns'?: string;
  'conll-tokens'?: string;
  'url-prefix'?: string;
}): ExportOptions {
  const cols = values['conll-columns'];
  if (cols !== undefined && cols !== '2' && cols !== '4') {
    throw new LabelingError('invalid-input', '--conll-columns is 2 or 4', { field: '--conll-columns' });
  }
  const tokens = values['conll-tokens'];
  if (tokens !== undefined && tokens !== 'tokenizer' && tokens !== 'whitespace') {
    throw new LabelingError('invalid-input', '--conll-tokens is tokenizer or whitespace', { field: '--conll-tokens' });
  }
  return {
    allAnnotators: values['all-annotators'] === true,
    includePrelabels: values['include-prelabels'] === true,
    azure: values.azure === true,
    ...(cols ? { conllColumns: cols === '4' ? 4 : 2 } : {}),
    ...(tokens ? { conllTokens: tokens } : {}),
    ...(values['url-prefix'] ? { urlPrefix: values['url-prefix'] } : {}),
  };
}
