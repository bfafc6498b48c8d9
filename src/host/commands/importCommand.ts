import * as path from 'node:path';
import * as vscode from 'vscode';
import { isCancelled, LabelingError, throwIfAborted } from '../../core/errors';
import type { ImportSummary } from '../../core/formats/map-import';
import { summaryLines } from '../../core/formats/summary-import';
import { formatsFor, type ImportFormat } from '../../core/formats/types';
import { applyImport, planImport, type ImportPlan, type ImportPlanOptions } from '../../core/formats/workflow';
import type { ProjectStore } from '../../core/store/project-store';
import type { HostJobs } from '../jobs/hostJobs';
import { tableColumns } from '../projects/columns';
import type { ProjectRegistry } from '../projects/registry';
import type { StoreManager } from '../projects/stores';
import { resolveProject } from './projectCommands';

/** Arguments for running "Import Labels" without prompts; `file` is workspace-relative or absolute. */
export type ImportArgs = Omit<ImportPlanOptions, 'source'> & { project: string; file: string; dryRun?: boolean };

const FORMATS: Record<ImportFormat, { label: string; detail: string; folder?: boolean; filters?: Record<string, string[]> }> = {
  coco: { label: 'COCO', detail: 'COCO JSON (standard pixels, or Azure ML’s normalised export: detected)', filters: { COCO: ['json'] } },
  'azure-jsonl': { label: 'Azure ML JSONL', detail: 'Azure labeled-dataset JSON lines (image_url, label)', filters: { JSONL: ['jsonl', 'json'] } },
  mltable: { label: 'Azure ML MLTable', detail: 'An MLTable file; the data it points at is read', filters: { MLTable: ['*'] } },
  labelstudio: { label: 'Label Studio JSON', detail: 'Tasks with annotations and predictions', filters: { JSON: ['json'] } },
  conll: { label: 'CoNLL', detail: '2 columns (Azure), 4 columns (CoNLL-2003), Label Studio or doccano', filters: { CoNLL: ['txt', 'conll', 'tsv', '*'] } },
  yolo: { label: 'YOLO', detail: 'A folder with classes.txt and labels/', folder: true },
  voc: { label: 'Pascal VOC', detail: 'A folder of XML annotations', folder: true },
  csv: { label: 'CSV', detail: 'An item column and a label column', filters: { CSV: ['csv', 'tsv'] } },
};

/** A prefix to strip so that references like `azureml://.../paths/data/x.png` match workspace files. */
export function guessStripPrefix(examples: string[]): string | undefined {
  const azure = examples.map((e) => /^(azureml:\/\/.*?\/paths\/)/i.exec(e)?.[1]).find(Boolean);
  if (azure) return azure;
  if (examples.length < 2) {
    const m = examples[0] ? /^([a-z][a-z0-9+.-]*:\/\/[^/]+\/)/i.exec(examples[0]) : null;
    return m?.[1];
  }
  let p = examples[0]!;
  for (const e of examples) while (!e.startsWith(p)) p = p.slice(0, -1);
  const cut = p.lastIndexOf('/');
  return cut > 0 ? p.slice(0, cut + 1) : undefined;
}

/** The dry-run dialog's text: counts, the category mapping chosen, the bounds check, a first problem. */
export function describePlan(s: ImportSummary, asPrelabels: boolean, annotations: number): string {
  const lines = summaryLines(s, annotations);
  if (s.problems.length) lines.push(`${s.problems.length} problem(s), e.g. ${s.problems[0]!.where}: ${s.problems[0]!.message}`);
  lines.push(asPrelabels ? 'They will be prelabels that labelers confirm.' : 'They will be final labels.');
  return lines.join('\n');
}

/** "Labeling: Import Labels...": format, file, data mapping, a dry-run summary, then the batch (whole journal lines of IMPORT_LINE_MAX). */
export async function importLabelsCommand(registry: ProjectRegistry, stores: StoreManager, jobs: HostJobs, arg: unknown): Promise<ImportPlan | undefined> {
  const direct = isImportArgs(arg) ? arg : undefined;
  const entry = await resolveProject(registry, direct?.project ?? arg, 'Project to import into');
  if (!entry) return undefined;
  const def = entry.def!;
  const store = await stores.get(entry);
  // Reading runs as a job too; a cancel while it reads ends the command once the file is read.
  const plan = (opts: ImportPlanOptions) =>
    jobs.run({
      title: `Reading ${vscode.workspace.asRelativePath(opts.source)}`,
      resource: def.id,
      run: async ({ signal, log }) => {
        const p = await planImport(store, opts, entry.root);
        throwIfAborted(signal);
        log(`${p.summary.records} records, ${p.submits.length} annotations to import, ${p.summary.unmatched} unmatched`);
        return p;
      },
    });

  if (direct) {
    const { project: _p, file, dryRun, ...rest } = direct;
    const p = await plan({ ...rest, source: path.isAbsolute(file) ? file : path.join(entry.root, file) });
    if (!dryRun) await write(jobs, store, p, entry.root);
    return p;
  }

  const fmt = await vscode.window.showQuickPick(
    formatsFor(def.type).import.map((f) => ({ ...FORMATS[f], format: f })),
    { title: `Import Labels: ${def.name} (1/4)`, placeHolder: 'Format of the file to import', matchOnDetail: true, ignoreFocusOut: true },
  );
  if (!fmt) return undefined;
  const chosen = await vscode.window.showOpenDialog({
    canSelectFiles: !fmt.folder,
    canSelectFolders: !!fmt.folder,
    canSelectMany: false,
    defaultUri: entry.folder.uri,
    openLabel: 'Import',
    ...(fmt.filters ? { filters: fmt.filters } : {}),
  });
  if (!chosen?.[0]) return undefined;
  const opts: ImportPlanOptions = { format: fmt.format, source: chosen[0].fsPath, createLabels: false };
  if (fmt.format === 'csv') {
    // Which column names the item, which holds the label (our own CSV export uses `item` and `label`).
    const columns = await tableColumns(opts.source);
    const pickColumn = async (placeHolder: string, preferred: string, exclude?: string) =>
      (
        await vscode.window.showQuickPick(
          columns.filter((c) => c !== exclude).map((c) => ({ label: c, picked: c === preferred })).sort((a, b) => Number(b.picked) - Number(a.picked)),
          { title: `Import Labels: ${def.name} (1/4) – columns`, placeHolder, ignoreFocusOut: true },
        )
      )?.label;
    const itemColumn = await pickColumn('Column that names the item (path, file name, URL, text or row id)', 'item');
    if (!itemColumn) return undefined;
    const labelColumn = await pickColumn('Column that holds the label(s)', 'label', itemColumn);
    if (!labelColumn) return undefined;
    opts.itemColumn = itemColumn;
    opts.labelColumn = labelColumn;
  }
  let p = await plan(opts);

  // Data mapping 1: how references map to workspace files.
  if (p.summary.unmatched > 0) {
    const guess = guessStripPrefix(p.summary.unmatchedExamples);
    const prefix = await vscode.window.showInputBox({
      title: `Import Labels: ${def.name} (2/4) – map items`,
      prompt: `${p.summary.unmatched} of ${p.summary.records} references match no item (e.g. ${p.summary.unmatchedExamples[0]}). Strip this prefix so they match workspace paths, or leave empty.`,
      value: guess ?? '',
      ignoreFocusOut: true,
    });
    if (prefix === undefined) return undefined;
    if (prefix.trim()) {
      opts.stripPrefix = prefix.trim();
      p = await plan(opts);
    }
  }
  // Data mapping 2: categories the project lacks.
  const unknown = Object.keys(p.summary.labelsSkipped);
  if (unknown.length) {
    const how = await vscode.window.showQuickPick(
      [
        { label: `Create the missing labels`, description: unknown.join(', '), how: 'create' as const },
        { label: 'Map them to existing labels...', description: 'e.g. car=vehicle, truck=vehicle', how: 'map' as const },
        { label: 'Skip their objects', how: 'skip' as const },
      ],
      { title: `Import Labels: ${def.name} (3/4) – map labels`, placeHolder: `${unknown.length} categories are not labels of this project`, ignoreFocusOut: true },
    );
    if (!how) return undefined;
    if (how.how === 'create') opts.createLabels = true;
    if (how.how === 'map') {
      const text = await vscode.window.showInputBox({
        title: `Import Labels: ${def.name} (3/4) – map labels`,
        prompt: `source=label pairs, separated by commas. Labels: ${def.labels.map((l) => l.name).join(', ')}`,
        value: unknown.map((u) => `${u}=`).join(', '),
        ignoreFocusOut: true,
        validateInput: (v) => parseMap(v, def.labels.map((l) => l.name)).error,
      });
      if (text === undefined) return undefined;
      opts.labelMap = parseMap(text, def.labels.map((l) => l.name)).map;
    }
    if (how.how !== 'skip') p = await plan(opts);
  }
  const as = await vscode.window.showQuickPick(
    [
      { label: 'Final labels', description: 'as if labeled here', pre: false },
      { label: 'Prelabels', description: 'suggestions that labelers confirm or correct', pre: true },
    ],
    { title: `Import Labels: ${def.name} (4/4)`, placeHolder: 'Import as', ignoreFocusOut: true },
  );
  if (!as) return undefined;
  if (as.pre) {
    opts.asPrelabels = true;
    p = await plan(opts);
  }
  if (!p.submits.length) {
    void vscode.window.showWarningMessage(`Nothing to import into ${def.name}.`, { modal: true, detail: describePlan(p.summary, as.pre, p.submits.length) });
    return p;
  }
  const go = await vscode.window.showInformationMessage(`Import ${p.submits.length.toLocaleString('en-US')} annotations into ${def.name}?`, { modal: true, detail: describePlan(p.summary, as.pre, p.submits.length) }, 'Import');
  if (go !== 'Import') return undefined;
  const lines = await write(jobs, store, p, entry.root);
  void vscode.window.showInformationMessage(`Imported ${p.submits.length.toLocaleString('en-US')} annotations into ${def.name} as ${lines === 1 ? 'one batch' : `${lines} batches`}.`);
  return p;
}

/**
 * Writes the plan as a job: IMPORT_LINE_MAX annotations per journal line, each line whole, with
 * progress and cancel between lines. A cancel after some lines says so ("k of n batches imported").
 * The views hear of each line through the store's change feed. Returns the lines written.
 */
async function write(jobs: HostJobs, store: ProjectStore, p: ImportPlan, root: string): Promise<number> {
  try {
    return await jobs.run({
      title: `Importing labels into ${store.def.name}`,
      resource: store.def.id,
      run: async ({ signal, log, progress }) => {
        try {
          const { batch, count, lines } = await applyImport(store, p, root, signal, (w) => {
            progress(w.submits / w.total, `${w.lines} of ${w.of} batches written`);
            if (w.of > 1) log(`batch ${w.lines} of ${w.of} written (${w.submits} of ${w.total} annotations)`);
          });
          log(`wrote ${count} annotations as batch ${batch}${lines > 1 ? ` (${lines} journal lines)` : ''}`);
          return lines;
        } catch (e) {
          if (isCancelled(e) && e instanceof Error) log(e.message);
          throw e;
        }
      },
    });
  } catch (e) {
    // Lines already written stay (each is whole): the user is told how many.
    if (isCancelled(e) && e instanceof LabelingError && e.message.startsWith('Import cancelled:')) void vscode.window.showWarningMessage(e.message);
    throw e;
  }
}

export function parseMap(text: string, labels: string[]): { map?: Record<string, string>; error?: string } {
  const map: Record<string, string> = {};
  for (const pair of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const i = pair.indexOf('=');
    if (i <= 0) return { error: `"${pair}" is not source=label` };
    const to = pair.slice(i + 1).trim();
    if (!labels.includes(to)) return { error: `"${to}" is not a label of this project` };
    map[pair.slice(0, i).trim()] = to;
  }
  return { map };
}

function isImportArgs(a: unknown): a is ImportArgs {
  if (!a || typeof a !== 'object' || !('project' in a) || !('file' in a) || !('format' in a)) return false;
  if (typeof (a as ImportArgs).file !== 'string') throw new LabelingError('invalid-input', 'file must be a path', { field: 'file' });
  return true;
}
