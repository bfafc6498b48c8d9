import * as path from 'node:path';
import * as vscode from 'vscode';
import { LabelingError } from '../../core/errors';
import { isInsideFolder } from '../../core/formats/output';
import { formatsFor, type ExportFormat, type ExportOptions, type ExportSummary } from '../../core/formats/types';
import { runExport } from '../../core/formats/workflow';
import type { ProjectDef } from '../../core/model';
import type { HostJobs } from '../jobs/hostJobs';
import type { ProjectRegistry } from '../projects/registry';
import type { StoreManager } from '../projects/stores';
import { resolveProject } from './projectCommands';

/** Arguments for running "Export Labels" without prompts (tests, tasks, other extensions). */
export interface ExportArgs {
  project: string;
  format: ExportFormat;
  /**
   * Workspace-relative or absolute folder inside the workspace; default labels/<project-id>. A folder
   * outside the workspace is refused here: only the user picks one, in the folder dialog.
   */
  out?: string;
  options?: ExportOptions;
}

interface FormatPick extends vscode.QuickPickItem {
  format: ExportFormat;
  options: ExportOptions;
}

const FORMAT_TEXT: Record<ExportFormat, { label: string; detail: string }> = {
  csv: { label: 'CSV', detail: 'One row per item: item, label(s), shapes as JSON, labelers, agreement, confidence' },
  coco: { label: 'COCO', detail: 'coco.json: images, annotations (pixels), categories' },
  mltable: { label: 'Azure ML MLTable', detail: 'A folder with MLTable and the data Azure AutoML reads' },
  yolo: { label: 'YOLO', detail: 'classes.txt and labels/<image>.txt, normalised' },
  voc: { label: 'Pascal VOC', detail: 'One XML per image' },
  labelstudio: { label: 'Label Studio JSON', detail: 'Tasks with annotations (and predictions for prelabels)' },
  jsonl: { label: 'JSONL (native)', detail: 'One line per item with its final label and every labeler’s annotation' },
  conll: { label: 'CoNLL (2 columns, IOB2)', detail: 'token TAG, as Azure AutoML NER reads it' },
};

/** What a format writes for masks (semantic segmentation), where it differs. */
const MASK_FORMAT_TEXT: Partial<Record<ExportFormat, { label: string; detail: string }>> = {
  voc: { label: 'Pascal VOC', detail: 'SegmentationClass/<image>.png masks (indexed colour, VOC palette, 255 = ignore) and labelmap.txt' },
  coco: { label: 'COCO', detail: 'coco.json: one annotation per class and image, compressed RLE' },
  mltable: { label: 'Azure ML MLTable', detail: 'A folder with MLTable, labels.jsonl naming each image and its mask, and the mask PNGs' },
  labelstudio: { label: 'Label Studio JSON', detail: 'Tasks with brushlabels results (brush RLE)' },
};

function formatPicks(def: ProjectDef): FormatPick[] {
  const picks: FormatPick[] = [];
  const masks = def.type === 'image-semantic-segmentation';
  for (const f of formatsFor(def.type).export) {
    picks.push({ ...((masks && MASK_FORMAT_TEXT[f]) || FORMAT_TEXT[f]), format: f, options: {} });
    if (f === 'coco' && !masks) picks.push({ label: 'COCO (Azure ML variant)', detail: 'Normalised 0-1 boxes and image sizes 0, as Azure ML exported', format: f, options: { azure: true } });
    if (f === 'conll') picks.push({ label: 'CoNLL (4 columns)', detail: 'token -X- _ TAG, the CoNLL-2003 layout', format: f, options: { conllColumns: 4 } });
  }
  return picks;
}

/** "Labeling: Export Labels...": format, options, destination; streams as a job (cancellable, in the job list). */
export async function exportLabelsCommand(registry: ProjectRegistry, stores: StoreManager, jobs: HostJobs, arg: unknown): Promise<ExportSummary | undefined> {
  const direct = isExportArgs(arg) ? arg : undefined;
  const entry = await resolveProject(registry, direct?.project ?? arg, 'Project to export');
  if (!entry) return undefined;
  const def = entry.def!;
  let format = direct?.format;
  let options: ExportOptions = direct?.options ?? {};
  let outDir: string;
  if (direct) {
    if (!formatsFor(def.type).export.includes(direct.format)) {
      throw new LabelingError('invalid-input', `a ${def.type} project exports as ${formatsFor(def.type).export.join(', ')}`, { field: 'format' });
    }
    outDir = path.resolve(entry.root, direct.out ?? path.join('labels', def.id));
    if (direct.out !== undefined && !(await isInsideFolder(entry.root, outDir))) {
      throw new LabelingError('outside-workspace', 'is outside the workspace: choose a folder outside it in the Export Labels dialog', { file: outDir });
    }
  } else {
    const pick = await vscode.window.showQuickPick(formatPicks(def), { title: `Export Labels: ${def.name} (1/3)`, placeHolder: 'Format', matchOnDetail: true, ignoreFocusOut: true });
    if (!pick) return undefined;
    format = pick.format;
    options = { ...pick.options };
    const extras = await vscode.window.showQuickPick(
      [
        { label: 'Final labels only', description: 'default', picked: true, key: 'final' as const },
        { label: "Every labeler's raw annotations", description: 'all annotators', key: 'all' as const },
        { label: 'Include prelabels', description: 'unconfirmed suggestions from imports or ML assist', key: 'pre' as const },
      ],
      { title: `Export Labels: ${def.name} (2/3)`, placeHolder: 'What to export (space toggles, Enter accepts)', canPickMany: true, ignoreFocusOut: true },
    );
    if (!extras) return undefined;
    options.allAnnotators = extras.some((e) => e.key === 'all');
    options.includePrelabels = extras.some((e) => e.key === 'pre');
    const defaultOut = path.join('labels', def.id);
    const where = await vscode.window.showQuickPick(
      [
        { label: `$(folder) ${defaultOut.split(path.sep).join('/')}/`, description: 'in the workspace (default)', out: path.join(entry.root, defaultOut) },
        { label: '$(folder-opened) Choose a folder...', out: '' },
      ],
      { title: `Export Labels: ${def.name} (3/3)`, placeHolder: 'Destination folder', ignoreFocusOut: true },
    );
    if (!where) return undefined;
    const chosen = where.out || (await chooseFolder(entry.folder.uri));
    if (!chosen) return undefined;
    outDir = chosen;
  }
  const store = await stores.get(entry);
  for (;;) {
    try {
      const to = outDir;
      const summary = await jobs.run({
        title: `Exporting ${def.name} as ${format}`,
        resource: def.id,
        run: async ({ signal, progress, log }) => {
          log(`exporting ${format} to ${to}`);
          const s = await runExport(store, format!, to, options, signal, (done, message) => progress(undefined, message ?? `${done.toLocaleString('en-US')} items`));
          log(`wrote ${s.files.length} file(s): ${s.items} items, ${s.annotations} annotations`);
          return s;
        },
      });
      if (!direct) void announce(entry.root, outDir, summary);
      return summary;
    } catch (e) {
      // Something the export did not write is in the way: nothing was written; offer another folder.
      if (direct || !(e instanceof LabelingError && e.reason === 'conflict')) throw e;
      const pick = await vscode.window.showWarningMessage(e.message, { modal: true }, 'Choose Another Folder...');
      const other = pick && (await chooseFolder(vscode.Uri.file(path.dirname(outDir))));
      if (!other) return undefined;
      outDir = other;
    }
  }
}

async function chooseFolder(defaultUri: vscode.Uri): Promise<string | undefined> {
  const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, defaultUri, openLabel: 'Export Here' });
  return chosen?.[0]?.fsPath;
}

async function announce(root: string, outDir: string, s: ExportSummary): Promise<void> {
  const first = s.files[0] ? path.join(outDir, s.files[0]) : outDir;
  const shown = path.relative(root, first).startsWith('..') ? first : path.relative(root, first).split(path.sep).join('/');
  const left = [
    s.skippedUnlabeled ? `${s.skippedUnlabeled.toLocaleString('en-US')} unlabeled or skipped` : '',
    s.skippedMissing ? `${s.skippedMissing.toLocaleString('en-US')} missing` : '',
    s.skippedNoSize ? `${s.skippedNoSize.toLocaleString('en-US')} without a known image size` : '',
  ].filter(Boolean);
  const msg = `Exported ${s.items.toLocaleString('en-US')} item${s.items === 1 ? '' : 's'} to ${shown}${s.files.length > 1 ? ` (+${s.files.length - 1} more)` : ''}.${left.length ? ` Left out: ${left.join(', ')}.` : ''}`;
  const pick = await vscode.window.showInformationMessage(msg, 'Open', 'Reveal in Explorer');
  const uri = vscode.Uri.file(first);
  if (pick === 'Open') {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.type & vscode.FileType.Directory) await vscode.commands.executeCommand('revealInExplorer', uri);
    else await vscode.window.showTextDocument(uri, { preview: false });
  } else if (pick === 'Reveal in Explorer') await vscode.commands.executeCommand('revealInExplorer', uri);
}

function isExportArgs(a: unknown): a is ExportArgs {
  return !!a && typeof a === 'object' && 'project' in a && 'format' in a;
}
