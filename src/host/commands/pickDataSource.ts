/**
 * Step 3 of "Create Labeling Project": the data to label. Offers the image folders, text folders and
 * tables found in the workspace folder, or a glob typed by hand; a glob that matches nothing is said so
 * (with a fix when it names a folder) instead of making a project with no items. For a CSV whose rows
 * already carry a label-like column, offers to import it as labels or prelabels once the project exists.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import * as vscode from 'vscode';
import { LabelingError } from '../../core/errors';
import { extensionOf, globFiles, IMAGE_EXTENSIONS, TABLE_EXTENSIONS } from '../../core/ingest/globs';
import { mediaOf, type DataSource, type ProjectType } from '../../core/model';
import { labelColumns, tableColumns } from '../projects/columns';

const EXCLUDE = '{**/node_modules/**,**/.git/**,**/.labeling/**,**/.vscode-test/**,**/dist/**,**/out/**}';

/** A label column of the chosen CSV to import once the project is created. */
export interface LabelColumnImport {
  /** Workspace-relative path of the CSV. */
  file: string;
  /** The column that names each row's item (the text column: rows are matched by their text). */
  itemColumn: string;
  column: string;
  /** The classes seen in the rows read: proposed as the project's labels. */
  values: string[];
  asPrelabels: boolean;
}

export interface PickedSource {
  source: DataSource;
  labelImport?: LabelColumnImport;
}

interface SourcePick extends vscode.QuickPickItem {
  source?: DataSource;
  table?: string;
  custom?: boolean;
}

/** How many files a source matches, as indexing will count them (images: image extensions only). */
export async function matchCount(root: string, source: DataSource): Promise<number> {
  const files = await globFiles(root, source.glob);
  return source.kind === 'images' ? files.filter((f) => IMAGE_EXTENSIONS.includes(extensionOf(f))).length : files.length;
}

export async function pickDataSource(folder: vscode.WorkspaceFolder, type: ProjectType, title: string): Promise<PickedSource | undefined> {
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
    for (const p of rel.filter((r) => TABLE_EXTENSIONS.includes(extensionOf(r))).slice(0, 30)) {
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
  if (pick.source) return { source: pick.source };
  let table = pick.table;
  if (pick.custom) {
    const source = await typedSource(folder, type, title);
    if (!source) return undefined;
    if (source.kind !== 'table') return { source };
    table = source.glob;
  }
  if (!table) return undefined;
  return pickTableColumns(folder, type, title, table, rel);
}

/** A glob typed by hand, checked against the files; asks again (or offers a fix) while it matches nothing. */
async function typedSource(folder: vscode.WorkspaceFolder, type: ProjectType, title: string): Promise<DataSource | undefined> {
  const root = folder.uri.fsPath;
  const media = mediaOf(type);
  let value = '';
  for (;;) {
    const typed = await vscode.window.showInputBox({
      title,
      prompt: 'Workspace-relative glob, e.g. data/images/**/*.jpg or data/reviews.csv',
      value,
      ignoreFocusOut: true,
      validateInput: (v) => (!v.trim() ? 'Enter a pattern.' : v.includes('..') || path.isAbsolute(v) ? 'The pattern must stay inside the workspace folder.' : undefined),
    });
    if (!typed) return undefined;
    const glob = typed.trim();
    const source: DataSource = media === 'image' ? { kind: 'images', glob } : TABLE_EXTENSIONS.includes(extensionOf(glob)) ? { kind: 'table', glob, textColumn: '' } : { kind: 'text-files', glob };
    if ((await matchCount(root, source)) > 0) return source;
    const fix = await folderFix(root, glob, source);
    const what = media === 'image' ? 'image file' : 'file';
    const buttons = [...(fix ? [`Use ${fix.glob}`] : []), 'Edit Pattern', 'Create Anyway'];
    const answer = await vscode.window.showWarningMessage(
      `"${glob}" matches no ${what} in ${folder.name}.`,
      {
        modal: true,
        detail: fix
          ? `${glob} is a folder: ${fix.glob} matches ${fix.count} ${what}(s) in it.`
          : `A project over it has no items until files match (its panel says so). Patterns look like data/images/**/*.png or data/reviews.csv.`,
      },
      ...buttons,
    );
    if (!answer) return undefined;
    if (fix && answer === buttons[0]) return { ...source, glob: fix.glob };
    if (answer === 'Create Anyway') return source;
    value = glob; // Edit Pattern
  }
}

/** When `glob` names a folder: the pattern for the files of this kind inside it, if that matches some. */
async function folderFix(root: string, glob: string, source: DataSource): Promise<{ glob: string; count: number } | undefined> {
  const dir = glob.replace(/\/+$/, '');
  if (/[*?[\]{}!]/.test(dir)) return undefined;
  const stat = await fsp.stat(path.join(root, dir)).catch(() => undefined);
  if (!stat?.isDirectory()) return undefined;
  const pattern = source.kind === 'images' ? `${dir}/**/*.{${IMAGE_EXTENSIONS.join(',')}}` : source.kind === 'table' ? `${dir}/**/*.csv` : `${dir}/**/*.txt`;
  const count = await matchCount(root, { ...source, glob: pattern });
  return count > 0 ? { glob: pattern, count } : undefined;
}

/** Table: the text column and the id column from the first file's header; then maybe its label column. */
async function pickTableColumns(folder: vscode.WorkspaceFolder, type: ProjectType, title: string, table: string, rel: string[]): Promise<PickedSource | undefined> {
  const sample = table.includes('*') ? rel.find((r) => picomatch.isMatch(r, table)) : table;
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
  const source: DataSource = idPick === none ? { kind: 'table', glob: table, textColumn } : { kind: 'table', glob: table, textColumn, idColumn: idPick };
  // A CSV that already says each row's class (sentiment, label, category...): import it right away?
  const classification = type === 'text-classification' || type === 'text-multilabel';
  if (!classification || table.includes('*') || extensionOf(table) !== 'csv') return { source };
  const [found] = await labelColumns(path.join(folder.uri.fsPath, table), [textColumn, ...(source.idColumn ? [source.idColumn] : [])]);
  if (!found) return { source };
  const shown = found.values.slice(0, 6).join(', ') + (found.values.length > 6 ? ', ...' : '');
  const how = await vscode.window.showQuickPick(
    [
      { label: `Import "${found.column}" as labels`, description: 'each row keeps its class as a final label', asPrelabels: false as boolean | undefined },
      { label: `Import "${found.column}" as prelabels`, description: 'suggestions that labelers confirm or correct', asPrelabels: true as boolean | undefined },
      { label: 'Do not import it', description: 'label every row from scratch', asPrelabels: undefined },
    ],
    { title, placeHolder: `Column "${found.column}" already holds labels (${shown}). Import them?`, ignoreFocusOut: true },
  );
  if (!how) return undefined;
  if (how.asPrelabels === undefined) return { source };
  return { source, labelImport: { file: table, itemColumn: textColumn, column: found.column, values: found.values, asPrelabels: how.asPrelabels } };
}

function countBy<T>(xs: T[], key: (x: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of xs) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
  return m;
}
