/**
 * HTTP Basic credentials of ML backends (issue 12 item 5), kept in VS Code's SecretStorage (the OS
 * keychain), never in project.json: project.json names the backend URL only, and is shared through git.
 * One entry per backend origin (scheme, host and port), so projects served by the same backend share it.
 */
import * as vscode from 'vscode';
import { LabelingError } from '../../core/errors';
import { projectFile } from '../../core/project/paths';
import type { ProjectRegistry } from '../projects/registry';
import { resolveProject } from '../commands/projectCommands';

export interface BackendLogin {
  user: string;
  password: string;
}

/** The SecretStorage key of a backend URL: its origin. */
export function secretKeyOf(url: string): string {
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    throw new LabelingError('invalid-input', `not a URL: ${JSON.stringify(url)}`, { field: 'mlAssist.backendUrl' });
  }
  return `labeling.mlBackend:${origin}`;
}

export class BackendCredentials {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get(url: string): Promise<BackendLogin | undefined> {
    const raw = await this.secrets.get(secretKeyOf(url));
    if (!raw) return undefined;
    try {
      const o = JSON.parse(raw) as Partial<BackendLogin>;
      return typeof o.user === 'string' && typeof o.password === 'string' ? { user: o.user, password: o.password } : undefined;
    } catch {
      return undefined;
    }
  }

  set(url: string, login: BackendLogin): Thenable<void> {
    return this.secrets.store(secretKeyOf(url), JSON.stringify(login));
  }

  clear(url: string): Thenable<void> {
    return this.secrets.delete(secretKeyOf(url));
  }
}

/**
 * "Labeling: Set ML Backend Credentials...": asks for the user name and password of the project's
 * backend (an empty user name removes them). Returns what was done, for tests.
 */
export async function setBackendCredentialsCommand(registry: ProjectRegistry, credentials: BackendCredentials, arg: unknown): Promise<'set' | 'cleared' | undefined> {
  const entry = await resolveProject(registry, arg, { placeHolder: 'Project whose ML backend needs a login', fromContext: true });
  if (!entry?.def) return undefined;
  const url = entry.def.mlAssist.backendUrl;
  if (!url) {
    throw new LabelingError('invalid-input', `"${entry.def.name}" names no ML backend: set mlAssist.backendUrl in its project.json first.`, { file: projectFile(entry.root, entry.id), field: 'mlAssist.backendUrl' });
  }
  const origin = new URL(url).origin;
  const user = await vscode.window.showInputBox({
    title: `ML backend login: ${origin}`,
    prompt: 'The user name of the backend (BASIC_AUTH_USER). Leave it empty to remove the stored login.',
    ignoreFocusOut: true,
  });
  if (user === undefined) return undefined;
  if (user === '') {
    await credentials.clear(url);
    void vscode.window.showInformationMessage(`The login of ${origin} was removed.`);
    return 'cleared';
  }
  const password = await vscode.window.showInputBox({ title: `ML backend login: ${origin}`, prompt: `The password of ${user} (BASIC_AUTH_PASS)`, password: true, ignoreFocusOut: true });
  if (password === undefined) return undefined;
  await credentials.set(url, { user, password });
  void vscode.window.showInformationMessage(`The login of ${origin} is stored in the OS keychain (VS Code's secret storage), not in project.json.`);
  return 'set';
}
