import * as path from 'node:path';
import picomatch from 'picomatch';
import * as vscode from 'vscode';
import { LabelingError } from '../../core/errors';
import { IMAGE_EXTENSIONS, TABLE_EXTENSIONS } from '../../core/ingest/globs';
import { PROJECT_TYPES, PROJECT_TYPE_TITLES, mediaOf, type DataSource, type ProjectDef, type ProjectType } from '../../core/model';
import { createProject, type CreateProjectInput } from '../../core/project/create';
import { PROJECT_ID_PATTERN } from '../../core/project/schema';
import { tableColumns } from '../projects/columns';
import type { ProjectRegistry } from '../projects/registry';

/** Arguments for running the command without prompts (tests, other extensions, the sample workspace). */
export type CreateProjectArgs = Omit<CreateProjectInput, 'id'> & { id?: string; name: string; folder?: vscode.Uri };

const TITLE = 'Create Labeling Project';
const EXCLUDE = '{**/node_modules/**,**/.git/**,**/.labeling/**,**/.vscode-test/**,**/dist/**,**/out/**}';

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
  const input = args ? { ...args, id: args.id ?? slugify(args.name) } : await prompt(folder, registry);
  if (!input) return undefined;
  const { folder: _f, ...core } = input as CreateProjectArgs & { id: string };
  const def = await createProject(root, core);
  await registry.reload();
  if (!args) {
    const open = 'Start Labeling';
    const details = 'Project Details';
    void vscode.window
      .showInformationMessage(`Created labeling project "${def.name}" in .labeling/${def.id}.`, open, details)
      .then((pick) => {
        const entry = registry.find(def.id, root);
        if (pick === open) void vscode.commands.executeCommand('labeling.startLabeling', entry);
        if (pick === details) void vscode.commands.executeCommand('labeling.projectDetails', entry);
      });
  }
  return def;
}

async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
  if (folders.length <= 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Workspace folder that will hold the project' });
}

async function prompt(folder: vscode.WorkspaceFolder, registry: ProjectRegistry): Promise<(CreateProjectInput & { name: string }) | undefined> {
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

  const source = await pickDataSource(folder, type, step(3));
  if (!source) return undefined;

  const labelsText = await vscode.window.showInputBox({
    title: step(4),
    prompt: 'Label classes, separated by commas. Colours and hotkeys (1-9, a-z) are assigned in order; edit project.json to change them.',
    placeHolder: type === 'text-ner' ? 'PER, ORG, LOC, MISC' : 'cat, dog, other',
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
      { label: 'On', description: 'Train on your labels and suggest prelabels above a validated confidence', enabled: true },
    ],
    { title: step(7), placeHolder: 'ML-assisted labeling', ignoreFocusOut: true },
  );
  if (!ml) return undefined;

  return {
    id: slugify(name),
    name: name.trim(),
    type,
    labels,
    dataSources: [source],
    consensus,
    mlAssist: { enabled: ml.enabled },
    instructions: instructions.trim() ? `# ${name.trim()}\n\n${instructions.trim()}\n` : undefined,
  };
}

interface SourcePick extends vscode.QuickPickItem {
  source?: DataSource;
  table?: string;
  custom?: boolean;
}

async function pickDataSource(folder: vscode.WorkspaceFolder, type: ProjectType, title: string): Promise<DataSource | undefined> {
  const media = mediaOf(type);
  const exts = media === 'image' ? IMAGE_EXTENSIONS : ['txt', 'md', ...TABLE_EXTENSIONS];
  const found = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, `**/*.{${exts.join(',')}}`), EXCLUDE, 20000);
  const rel = found.map((u) => path.relative(folder.uri.fsPath, u.fsPath).split(path.sep).join('/'));
  const items: SourcePick[] = [];
  if (media === 'image') {
    const byDir = countBy(rel, (p) => path.posix.dirname(p));
    for (const [dir, n] of [...byDir].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
      const glob = dir === '.' ? `*.{${IMAGE_EXTENSIONS.join(',')}}` : `${dir}/**/*.{${IMAGE_EXTENSIONS.join(',')}}`;
      items.push({ label: `$(file-media) ${dir === '.' ? '(workspace root)' : dir}`, description: `${n} image(s)`, source: { kind: 'images', glob } });
    }
  } else {
    for (const p of rel.filter((r) => TABLE_EXTENSIONS.includes(r.split('.').pop()!.toLowerCase())).slice(0, 30)) {
      items.push({ label: `$(table) ${p}`, description: 'one item per row', table: p });
    }
    const byDir = countBy(rel.filter((r) => /\.(txt|md)$/i.test(r)), (p) => path.posix.dirname(p));
    for (const [dir, n] of [...byDir].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
      const glob = dir === '.' ? '*.txt' : `${dir}/**/*.txt`;
      items.push({ label: `$(files) ${dir === '.' ? '(workspace root)' : dir}`, description: `${n} text file(s), one item per file`, source: { kind: 'text-files', glob } });
    }
  }
  items.push({ label: '$(edit) Enter a glob pattern...', custom: true, alwaysShow: true });
  const pick = await vscode.window.showQuickPick(items, {
    title,
    placeHolder: items.length > 1 ? `Data to label (${media === 'image' ? 'images' : 'text files or table rows'})` : 'No matching files found: enter a glob pattern',
    ignoreFocusOut: true,
    matchOnDescription: true,
  });
  if (!pick) return undefined;
  if (pick.source) return pick.source;
  let table = pick.table;
  if (pick.custom) {
    const glob = await vscode.window.showInputBox({
      title,
      prompt: 'Workspace-relative glob, e.g. data/images/**/*.jpg or data/reviews.csv',
      ignoreFocusOut: true,
      validateInput: (v) => (!v.trim() ? 'Enter a pattern.' : v.includes('..') || path.isAbsolute(v) ? 'The pattern must stay inside the workspace folder.' : undefined),
    });
    if (!glob) return undefined;
    const ext = glob.split('.').pop()?.toLowerCase() ?? '';
    if (media === 'image') return { kind: 'images', glob: glob.trim() };
    if (!TABLE_EXTENSIONS.includes(ext)) return { kind: 'text-files', glob: glob.trim() };
    table = glob.trim();
  }
  if (!table) return undefined;
  // Table: choose the text column and the id column from the first file's header.
  const sample = table.includes('*') ? rel.find((r) => picomatch.isMatch(r, table!)) : table;
  let columns: string[] = [];
  if (sample) {
    try {
      columns = await tableColumns(path.join(folder.uri.fsPath, sample));
    } catch (e) {
      throw new LabelingError('invalid-input', `cannot read the header: ${(e as Error).message}`, { file: sample });
    }
  }
  const textColumn = columns.length
    ? (await vscode.window.showQuickPick(columns.map((c) => ({ label: c })), { title, placeHolder: 'Column holding the text to label', ignoreFocusOut: true }))?.label
    : await vscode.window.showInputBox({ title, prompt: 'Name of the column (or JSON key) holding the text', ignoreFocusOut: true });
  if (!textColumn) return undefined;
  const none = '(none: number the rows)';
  const idPick = columns.length
    ? (await vscode.window.showQuickPick([none, ...columns.filter((c) => c !== textColumn)].map((c) => ({ label: c })), {
        title,
        placeHolder: 'Column that identifies each row (keeps labels attached if rows move)',
        ignoreFocusOut: true,
      }))?.label
    : none;
  if (!idPick) return undefined;
  return idPick === none ? { kind: 'table', glob: table, textColumn } : { kind: 'table', glob: table, textColumn, idColumn: idPick };
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

function countBy<T>(xs: T[], key: (x: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of xs) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
  return m;
}
