/**
 * Who the CLI acts as: `--as <labeler>` if given, else the extension's identity: the `labeling.labeler`
 * user setting, else `git config user.email` in the workspace, else the OS user name (core defaultLabeler).
 *
 * The setting is read from the user settings.json of the editors that run the extension, in this order:
 * VS Code, VS Code Insiders, VSCodium, code-server. The first file that sets it wins; a later file that
 * sets another value is named in a note on stderr. A settings file that cannot be parsed is an error
 * naming its line and column (pass --as to act anyway). Settings of VS Code profiles are not read: the
 * setting is application-scoped, so VS Code keeps it in the default profile's settings.json.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LabelingError } from '../core/errors';
import { defaultLabeler } from '../core/project/identity';
import { JsoncError, parseJsonc } from './jsonc';

export const LABELER_SETTING = 'labeling.labeler';

export interface SettingsPlace {
  /** Editor name, for messages. */
  editor: string;
  file: string;
}

export interface Environment {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  home: string;
}

const here = (): Environment => ({ platform: process.platform, env: process.env, home: os.homedir() });

/**
 * The user settings.json of VS Code, Insiders, VSCodium (VSCODE_APPDATA, else %APPDATA% on Windows,
 * ~/Library/Application Support on macOS, $XDG_CONFIG_HOME or ~/.config elsewhere) and code-server
 * ($XDG_DATA_HOME or ~/.local/share/code-server; %LOCALAPPDATA%\code-server\Data on Windows).
 */
export function settingsPlaces(e: Environment = here()): SettingsPlace[] {
  const p = e.platform === 'win32' ? path.win32 : path.posix;
  const appData =
    e.env.VSCODE_APPDATA ||
    (e.platform === 'win32'
      ? e.env.APPDATA || p.join(e.home, 'AppData', 'Roaming')
      : e.platform === 'darwin'
        ? p.join(e.home, 'Library', 'Application Support')
        : e.env.XDG_CONFIG_HOME || p.join(e.home, '.config'));
  const codeServer =
    e.platform === 'win32'
      ? p.join(e.env.LOCALAPPDATA || p.join(e.home, 'AppData', 'Local'), 'code-server', 'Data')
      : p.join(e.env.XDG_DATA_HOME || p.join(e.home, '.local', 'share'), 'code-server');
  return [
    { editor: 'VS Code', file: p.join(appData, 'Code', 'User', 'settings.json') },
    { editor: 'VS Code Insiders', file: p.join(appData, 'Code - Insiders', 'User', 'settings.json') },
    { editor: 'VSCodium', file: p.join(appData, 'VSCodium', 'User', 'settings.json') },
    { editor: 'code-server', file: p.join(codeServer, 'User', 'settings.json') },
  ];
}

/** The trimmed `labeling.labeler` of one settings file; undefined when the file is absent or does not set it. */
export function labelerSettingIn(file: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new LabelingError('io', `cannot read the settings file (${(e as Error).message}); pass --as <labeler>`, { file }, { cause: e });
  }
  let settings: unknown;
  try {
    settings = parseJsonc(text);
  } catch (e) {
    if (!(e instanceof JsoncError)) throw e;
    throw new LabelingError('invalid-input', `${e.message} (col ${e.column}); fix it or pass --as <labeler>`, { file, line: e.line });
  }
  if (settings === undefined) return undefined;
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) {
    throw new LabelingError('invalid-input', 'settings must be a JSON object; fix it or pass --as <labeler>', { file });
  }
  const s = settings as Record<string, unknown>;
  // The dotted key is what VS Code writes; a nested { "labeling": { "labeler": ... } } is read too.
  const nested = s.labeling;
  const value = Object.hasOwn(s, LABELER_SETTING) ? s[LABELER_SETTING] : typeof nested === 'object' && nested !== null ? (nested as Record<string, unknown>).labeler : undefined;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new LabelingError('invalid-input', `must be a string, got ${JSON.stringify(value)}; fix it or pass --as <labeler>`, { file, field: LABELER_SETTING });
  return value.trim() || undefined;
}

export interface ResolvedLabeler {
  labeler: string;
  /** Where it came from: "--as", a settings file, or "git config user.email / OS user". */
  from: string;
  /** A settings file of another editor that sets a different labeler. */
  note?: string;
}

/** The labeler for a command run: see the file comment. */
export function resolveLabeler(root: string, as: string | undefined, e: Environment = here()): ResolvedLabeler {
  if (as !== undefined) {
    const labeler = as.trim();
    if (!labeler) throw new LabelingError('invalid-input', '--as needs a labeler id', { field: '--as' });
    return { labeler, from: '--as' };
  }
  let found: { labeler: string; place: SettingsPlace } | undefined;
  let note: string | undefined;
  for (const place of settingsPlaces(e)) {
    const labeler = labelerSettingIn(place.file);
    if (labeler === undefined) continue;
    if (!found) found = { labeler, place };
    else if (labeler !== found.labeler && !note) {
      note = `note: acting as ${found.labeler} (${LABELER_SETTING} of ${found.place.editor}, ${found.place.file}); ${place.editor} sets ${labeler} (${place.file}); pass --as to choose`;
    }
  }
  if (found) return { labeler: found.labeler, from: found.place.file, ...(note ? { note } : {}) };
  return { labeler: defaultLabeler(root), from: 'git config user.email, else the OS user name' };
}
