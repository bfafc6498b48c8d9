/**
 * data-labeling assist <workspace> <id> [--json] [--predictions <file.jsonl>] [--as <labeler>] (issue 12 item 7):
 * trains the built-in model of a text or image classification project on its final labels, validates it
 * on held-out labels to choose the confidence threshold, and writes the predictions above it to the
 * journal as prelabels (an import, manager only), for CI or a manager's machine. --predictions writes
 * every unlabeled item's top prediction ({"item", "label" | "labels" | "spans", "confidence"}).
 */
import * as path from 'node:path';
import { LabelingError } from '../../core/errors';
import { assistReport } from '../../core/ml/assist/model-store';
import { prelabelQueue, publishSuggestions, trainAssistModel, validateAssistModel } from '../../core/ml/assist/pipeline';
import { isAssistImageType } from '../../core/ml/assist/image-training-set';
import { isAssistTextType } from '../../core/ml/assist/training-set';
import { requireRole } from '../../core/store/guards';
import { parseCommandArgs, requirePositional, type CliCommand } from '../io';
import { openProjectAs } from '../project';

const usage = 'data-labeling assist <workspace> <id> [--json] [--predictions <file.jsonl>] [--as <labeler>]';

export const assistCommand: CliCommand = {
  name: 'assist',
  summary: 'train, validate and prelabel the queue with the built-in model (text and image classification projects)',
  usage,
  help: [
    'Trains on the final labels, holds out a share of them (mlAssist.holdout, default 0.2) to choose the lowest',
    'confidence whose precision reaches mlAssist.targetPrecision (default 0.95) by a 95% Wilson lower bound on',
    'at least 30 items, retrains on every label, saves the model under .labeling/.cache/models/ and writes the',
    'queue items predicted above that threshold to the journal as prelabels (manager only). When no threshold',
    'qualifies, nothing is written and the figures say why. Image classification projects read their PNG and JPEG',
    'files (inside the workspace); a file that cannot be read is skipped and named. Detection and segmentation',
    'projects need a model of your own (mlAssist.backendUrl).',
    '  --json                  print {"model", "version", "trainedOn", "validation", "prelabeled"}',
    '  --predictions <file>    also write one line per unlabeled item: {"item", "label"|"labels"|"spans", "confidence"}',
    '  --as <labeler>          write as this labeler (default: the extension\'s identity)',
  ].join('\n'),
  examples: ['data-labeling assist . reviews', 'data-labeling assist . reviews --json --predictions predictions.jsonl'],
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' }, predictions: { type: 'string' }, as: { type: 'string' } });
    const root = path.resolve(requirePositional(positionals, 0, 'workspace', usage));
    const id = requirePositional(positionals, 1, 'id', usage);
    const store = await openProjectAs(root, id, values.as, io);
    try {
      const def = store.def;
      if (!isAssistTextType(def.type) && !isAssistImageType(def.type)) {
        throw new LabelingError(
          'invalid-input',
          `the built-in models cover text and image classification projects; "${id}" is ${def.type} (use a model of your own through mlAssist.backendUrl)`,
          { field: 'type' },
        );
      }
      requireRole(def, store.labeler, 'manager');
      // The window's jobs one after the other, in this process: the training (the version saved, not
      // validated yet), its validation (the figures written into its manifest), the inference (the queue
      // predicted with that validated version: local suggestions), then the suggestions published as
      // prelabels in the journal: one import, in lines of at most IMPORT_LINE_MAX submits (each
      // all-or-nothing), as the model version names them.
      const trained = await trainAssistModel(store, { root });
      const { manifest } = await validateAssistModel(store, { root, version: trained.manifest.version });
      const threshold = manifest.validation.threshold;
      const predictionsFile = values.predictions ? path.resolve(values.predictions) : undefined;
      const { result: predicted } = await prelabelQueue(store, { root, ...(predictionsFile ? { predictionsFile } : {}) });
      const prelabeled = predicted.suggested ? (await publishSuggestions(store, root)).published : 0;
      const report = { ...assistReport(manifest), prelabeled };
      if (values.json) io.out(JSON.stringify(report, null, 2));
      else {
        io.out(`${def.name}: ${report.model} version ${report.version}, trained on ${report.trainedOn.toLocaleString('en')} label(s)`);
        io.out(`  validation: ${manifest.validation.message}`);
        io.out(`  ${prelabeled.toLocaleString('en')} of ${predicted.predicted.toLocaleString('en')} unlabeled item(s) prelabeled${threshold === null ? ' (no threshold qualified)' : ''}`);
        const unread = (trained.skipped?.length ?? 0) + (predicted.skipped ?? 0);
        if (unread) io.out(`  ${unread.toLocaleString('en')} image file(s) could not be read and were left out${skippedNames(root, trained.skipped, predicted.skippedFirst)}`);
        const outside = (trained.outside?.length ?? 0) + (predicted.outside ?? 0);
        if (outside) io.out(`  ${outside.toLocaleString('en')} item(s) left out: their path leads outside the workspace`);
        if (predictionsFile) io.out(`  predictions: ${predictionsFile}`);
      }
      return 0;
    } finally {
      await store.close();
    }
  },
};

/** ": a.png (why), b.png (why)": the first few unreadable files, training's then the queue's. */
function skippedNames(root: string, trained: { file: string; reason: string }[] = [], queue: { file: string; reason: string }[] = []): string {
  const all = [...trained, ...queue];
  const first = all.slice(0, 3).map((x) => `${path.relative(root, x.file) || x.file} (${x.reason})`);
  return first.length ? `: ${first.join(', ')}${all.length > first.length ? ', ...' : ''}` : '';
}
