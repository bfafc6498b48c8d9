import * as vscode from 'vscode';
import { LabelingError } from '../../core/errors';
import { summaryLines } from '../../core/formats/summary-import';
import type { ImportPlan } from '../../core/formats/workflow';
import { PROJECT_TYPES, PROJECT_TYPE_TITLES, type ProjectDef, type ProjectType } from '../../core/model';
import { createProject, type CreateProjectInput } from '../../core/project/create';
import { PROJECT_ID_PATTERN } from '../../core/project/schema';
import { Commands } from '../constants';
import type { ProjectRegistry } from '../projects/registry';
import type { ImportArgs } from './importCommand';
import { matchCount, pickDataSource, type LabelColumnImport } from './pickDataSource';

/** Arguments for running the command without prompts (tests, other extensions, the sample workspace). */
export type CreateProjectArgs = Omit<CreateProjectInput, 'id'> & {
  id?: string;
  name: string;
  folder?: vscode.Uri;
  /** Import this column of the (first, single-CSV) table source as labels or prelabels once created. */
  importLabelColumn?: { column: string; asPrelabels?: boolean };
};

const TITLE = 'Create Labeling Project';

export function slugify(name: string): string {
  return (
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 64) || 'project'
  );
}

/**
 * "Labeling: Create Labeling Project": a guided flow of quick picks and input boxes (Esc cancels at any
 * step), or no prompts when called with CreateProjectArgs. Returns the new project's definition.
 */
export async function createProjectCommand(registry: ProjectRegistry, args?: CreateProjectArgs): Promise<ProjectDef | undefined> {
  const folder = args?.folder ? vscode.workspace.getWorkspaceFolder(args.folder) : await pickFolder();
  if (!folder) {
    if (!vscode.workspace.workspaceFolders?.length) {
      void vscode.window.showErrorMessage('Open a folder first: a labeling project lives inside a workspace folder.');
    }
    return undefined;
  }
  const root = folder.uri.fsPath;
  let core: CreateProjectInput;
  let labelImport: LabelColumnImport | undefined;
  if (args) {
    const { folder: _f, importLabelColumn, ...rest } = args;
    core = { ...rest, id: args.id ?? slugify(args.name) };
    labelImport = labelImportOf(core, importLabelColumn);
  } else {
    const asked = await prompt(folder, registry);
    if (!asked) return undefined;
    ({ input: core, labelImport } = asked);
  }
  const def = await createProject(root, core);
  await registry.reload();
  const plan = labelImport ? await importColumn(def, labelImport) : undefined;
  if (args) {
    // No prompts, but not silent either: a source that matches nothing is said (the panel says it too).
    const empty: string[] = [];
    for (const src of def.dataSources) if ((await matchCount(root, src)) === 0) empty.push(src.glob);
    if (empty.length) void vscode.window.showWarningMessage(`Labeling project "${def.name}" has no items: ${empty.join(', ')} matches no files.`);
    return def;
  }
  const open = 'Start Labeling';
  const details = 'Project Details';
  const detailsOfImport = 'Import Details';
  let text = `Created labeling project "${def.name}" in .labeling/${def.id}.`;
  if (plan && labelImport) {
    const skipped = plan.summary.records - plan.submits.length;
    text += ` Imported ${plan.submits.length.toLocaleString('en-US')} ${labelImport.asPrelabels ? 'prelabels' : 'labels'} from column "${labelImport.column}"`;
    text += skipped ? `; ${skipped.toLocaleString('en-US')} row(s) were not imported.` : '.';
  }
  void vscode.window.showInformationMessage(text, open, details, ...(plan ? [detailsOfImport] : [])).then((pick) => {
    const entry = registry.find(def.id, root);
    if (pick === open) void vscode.commands.executeCommand(Commands.StartLabeling, entry);
    if (pick === details) void vscode.commands.executeCommand(Commands.ProjectDetails, entry);
    if (pick === detailsOfImport && plan) void vscode.window.showInformationMessage(`Import into ${def.name}`, { modal: true, detail: summaryLines(plan.summary, plan.submits.length).join('\n') });
  });
  return def;
}

/** The label-column import asked for in CreateProjectArgs: the first table source must be one CSV file. */
function labelImportOf(input: CreateProjectInput, col: CreateProjectArgs['importLabelColumn']): LabelColumnImport | undefined {
  if (!col) return undefined;
  const table = input.dataSources.find((d) => d.kind === 'table');
  if (!table || table.kind !== 'table' || /[*?[\]{}]/.test(table.glob) || !table.glob.toLowerCase().endsWith('.csv')) {
    throw new LabelingError('invalid-input', 'importLabelColumn needs a table source that is one .csv file', { field: 'importLabelColumn' });
  }
  return { file: table.glob, itemColumn: table.textColumn, column: col.column, values: [], asPrelabels: col.asPrelabels === true };
}

/**
 * Imports a label column of the project's CSV through "Import Labels" (the CSV importer, its data
 * mapping and one journal batch): rows are matched to items by their text; classes that are not labels
 * of the project are skipped and counted. Errors are shown by that command; undefined then.
 */
function importColumn(def: ProjectDef, imp: LabelColumnImport): Thenable<ImportPlan | undefined> {
  const args: ImportArgs = { project: def.id, file: imp.file, format: 'csv', itemColumn: imp.itemColumn, labelColumn: imp.column, createLabels: false, asPrelabels: imp.asPrelabels };
  return vscode.commands.executeCommand<ImportPlan | undefined>(Commands.ImportLabels, args);
}

async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
  if (folders.length <= 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Workspace folder that will hold the project' });
}

async function prompt(folder: vscode.WorkspaceFolder, registry: ProjectRegistry): Promise<{ input: CreateProjectInput & { name: string }; labelImport?: LabelColumnImport } | undefined> {
  const steps = 7;
  const step = (n: number) => `${TITLE} (${n}/${steps})`;
  const taken = new Set(registry.projects.filter((p) => p.root === folder.uri.fsPath).map((p) => p.id));

  const name = await vscode.window.showInputBox({
    title: step(1),
    prompt: 'Project name',
    placeHolder: 'e.g. Road signs',
    ignoreFocusOut: true,
    validateInput: (v) => {
      if (!v.trim()) return 'Enter a name.';
      const id = slugify(v);
      if (!PROJECT_ID_PATTERN.test(id)) return 'Use letters or digits in the name.';
      if (taken.has(id)) return `A project with id "${id}" already exists.`;
      return undefined;
    },
  });
  if (name === undefined) return undefined;

  const typePick = await vscode.window.showQuickPick(
    PROJECT_TYPES.map((t) => ({ label: PROJECT_TYPE_TITLES[t], description: t, type: t })),
    { title: step(2), placeHolder: 'What will labelers do?', ignoreFocusOut: true },
  );
  if (!typePick) return undefined;
  const type: ProjectType = typePick.type;

  const picked = await pickDataSource(folder, type, step(3));
  if (!picked) return undefined;
  const { source, labelImport } = picked;

  const labelsText = await vscode.window.showInputBox({
    title: step(4),
    prompt: 'Label classes, separated by commas. Colours and hotkeys (1-9, a-z) are assigned in order; edit project.json to change them.',
    placeHolder: type === 'text-ner' ? 'PER, ORG, LOC, MISC' : 'cat, dog, other',
    // The classes of the label column being imported (a class left out is skipped by the import, and counted).
    value: labelImport?.values.join(', ') ?? '',
    ignoreFocusOut: true,
    validateInput: (v) => {
      const names = v.split(',').map((s) => s.trim()).filter(Boolean);
      if (!names.length) return 'Enter at least one label.';
      const dup = names.find((n, i) => names.indexOf(n) !== i);
      if (dup) return `"${dup}" is listed twice.`;
      if (names.length > 35) return `${names.length} labels: only 35 get a hotkey; the rest can be picked with the mouse.`;
      return undefined;
    },
  });
  if (labelsText === undefined) return undefined;
  const labels = labelsText.split(',').map((s) => s.trim()).filter(Boolean);

  // Semantic segmentation: an optional ignore class (mask index 255, VOC's "void"), not one of the labels.
  let ignoreLabel: string | undefined;
  if (type === 'image-semantic-segmentation') {
    const ignore = await vscode.window.showInputBox({
      title: step(4),
      prompt: 'Ignore class (optional): pixels painted with it are left out of agreement and exported as 255 (VOC "void"). Leave empty for none.',
      placeHolder: 'void',
      ignoreFocusOut: true,
      validateInput: (v) => (labels.includes(v.trim()) ? `"${v.trim()}" is a label: the ignore class is a name of its own.` : undefined),
    });
    if (ignore === undefined) return undefined;
    if (ignore.trim()) ignoreLabel = ignore.trim();
  }

  const instructions = await vscode.window.showInputBox({
    title: step(5),
    prompt: 'Instructions for labelers (optional; shown beside every item, edit instructions.md later for more)',
    ignoreFocusOut: true,
  });
  if (instructions === undefined) return undefined;

  const consensus = await pickConsensus(step(6));
  if (!consensus) return undefined;

  const ml = await vscode.window.showQuickPick(
    [
      { label: 'Off', description: 'Label everything by hand', enabled: false },
      type === 'image-semantic-segmentation'
        ? { label: 'On', description: 'Masks have no built-in model: prelabels come from your own Label Studio ML backend (mlAssist.backendUrl)', enabled: true }
        : { label: 'On', description: 'Train on your labels and suggest prelabels above a validated confidence', enabled: true },
    ],
    { title: step(7), placeHolder: 'ML-assisted labeling', ignoreFocusOut: true },
  );
  if (!ml) return undefined;

  const input: CreateProjectInput & { name: string } = {
    id: slugify(name),
    name: name.trim(),
    type,
    labels,
    dataSources: [source],
    consensus,
    mlAssist: { enabled: ml.enabled },
    ...(ignoreLabel !== undefined ? { ignoreLabel } : {}),
    instructions: instructions.trim() ? `# ${name.trim()}\n\n${instructions.trim()}\n` : undefined,
  };
  return { input, ...(labelImport ? { labelImport } : {}) };
}

async function pickConsensus(title: string): Promise<{ minLabelers: number; maxLabelers: number } | undefined> {
  const pick = await vscode.window.showQuickPick(
    [
      { label: 'One labeler per item', description: 'default', min: 1, max: 1 },
      { label: 'Consensus: 2 labelers, up to 3 on disagreement', min: 2, max: 3 },
      { label: 'Consensus: 3 labelers, up to 5 on disagreement', min: 3, max: 5 },
      { label: 'Custom...', min: 0, max: 0 },
    ],
    { title, placeHolder: 'How many labelers see each item?', ignoreFocusOut: true },
  );
  if (!pick) return undefined;
  if (pick.min) return { minLabelers: pick.min, maxLabelers: pick.max };
  const num = (label: string, min: number) =>
    vscode.window.showInputBox({
      title,
      prompt: label,
      ignoreFocusOut: true,
      validateInput: (v) => (/^\d+$/.test(v) && +v >= min && +v <= 10 ? undefined : `A whole number from ${min} to 10.`),
    });
  const min = await num('Minimum labelers per item (agreement needed)', 1);
  if (!min) return undefined;
  const max = await num('Maximum labelers per item (when they disagree)', +min);
  if (!max) return undefined;
  return { minLabelers: +min, maxLabelers: +max };
}
