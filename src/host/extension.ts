/**
 * Composition root: builds the parts and wires them together. No logic lives here.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands } from './constants';
import { createProjectCommand, type CreateProjectArgs } from './commands/createProject';
import { exportLabelsCommand } from './commands/exportCommand';
import { importLabelsCommand } from './commands/importCommand';
import { addLabels, rebuildIndex, refreshProject, setProjectStatus } from './commands/lifecycleCommands';
import { editInstructions, openProjectFile, resolveProject } from './commands/projectCommands';
import { DetailsPanels } from './panels/detailsPanel';
import { LabelerPanels } from './panels/labelerPanel';
import { Identity } from './projects/identity';
import { ProjectRegistry, type ProjectEntry } from './projects/registry';
import { StoreManager } from './projects/stores';
import { guarded, requiringTrust } from './util/errors';
import { createLogger } from './util/log';
import { createItemViews } from './views/itemViews';
import { ProjectsView } from './views/projectsView';

export interface ExtensionApi {
  /** Registered command ids, for the contribution test. */
  readonly commands: readonly string[];
  readonly registry: ProjectRegistry;
  readonly stores: StoreManager;
  readonly labelers: LabelerPanels;
  readonly identity: Identity;
}

/** Commands that write to the workspace: refused in an untrusted workspace (package.json: limited support). */
const TRUSTED_ONLY = new Set<string>([
  Commands.CreateProject,
  Commands.RefreshProject,
  Commands.PauseProject,
  Commands.ResumeProject,
  Commands.TogglePause,
  Commands.AddLabels,
  Commands.StartLabeling,
  Commands.OpenItem,
  Commands.ExportLabels,
  Commands.ImportLabels,
]);

export async function activate(context: vscode.ExtensionContext): Promise<ExtensionApi> {
  const own = <T extends vscode.Disposable>(d: T): T => {
    context.subscriptions.push(d);
    return d;
  };
  const { channel, logger } = createLogger();
  own(channel);
  const identity = own(new Identity());
  const registry = own(new ProjectRegistry(logger));
  const stores = own(new StoreManager(path.join(context.extensionPath, 'dist', 'sql-wasm.wasm'), registry, identity, logger));
  const projectsView = own(new ProjectsView(registry, stores));
  const itemViews = createItemViews(registry, stores).map(own);
  const details = own(new DetailsPanels(context.extensionUri, registry, logger, stores));
  const labelers = own(new LabelerPanels(context.extensionUri, stores, logger));
  own(registry.onDidChange(() => identity.setVisible(registry.projects.length > 0)));

  const registered: string[] = [];
  const register = (id: string, fn: (...args: never[]) => unknown) => {
    registered.push(id);
    const run = TRUSTED_ONLY.has(id) ? requiringTrust(fn as (...a: unknown[]) => unknown) : (fn as (...a: unknown[]) => unknown);
    own(vscode.commands.registerCommand(id, guarded(logger, id, run)));
  };

  register(Commands.CreateProject, async (args?: CreateProjectArgs) => {
    const def = await createProjectCommand(registry, args);
    const entry = def && registry.find(def.id);
    if (entry) await projectsView.view.reveal(entry, { select: true, focus: false }).then(undefined, () => undefined);
    return def;
  });
  register(Commands.RefreshProjects, () => registry.reload());
  register(Commands.ProjectDetails, async (arg?: unknown) => {
    const entry = await resolveProject(registry, arg);
    if (entry) details.show(entry);
  });
  register(Commands.EditInstructions, (arg?: unknown) => editInstructions(registry, arg));
  register(Commands.OpenProjectFile, (arg?: unknown) => openProjectFile(registry, arg));
  register(Commands.ShowLog, () => channel.show());
  register(Commands.RefreshProject, (arg?: unknown) => refreshProject(registry, stores, arg));
  register(Commands.RebuildIndex, (arg?: unknown) => rebuildIndex(registry, stores, arg));
  register(Commands.PauseProject, (arg?: unknown) => setProjectStatus(registry, stores, arg, 'paused'));
  register(Commands.ResumeProject, (arg?: unknown) => setProjectStatus(registry, stores, arg, 'running'));
  register(Commands.TogglePause, (arg?: unknown) => setProjectStatus(registry, stores, arg, 'toggle'));
  register(Commands.AddLabels, (arg?: unknown) => addLabels(registry, stores, arg));
  register(Commands.StartLabeling, async (arg?: unknown) => {
    const entry = await resolveProject(registry, arg, 'Project to label');
    if (entry) await labelers.show(entry);
  });
  register(Commands.OpenItem, async (arg: unknown, key: string) => {
    const entry = await resolveProject(registry, arg);
    if (entry) await labelers.show(entry, key);
  });
  register(Commands.ExportLabels, (arg?: unknown) => exportLabelsCommand(registry, stores, arg));
  register(Commands.ImportLabels, (arg?: unknown) => importLabelsCommand(registry, stores, arg));
  register(Commands.LoadMore, async (viewId: string, entry: ProjectEntry) => {
    await itemViews.find((v) => v.viewId === viewId)?.loadMore(entry);
  });

  await registry.reload();
  logger.info(`Data Labeling activated: ${registry.projects.length} project(s); labeler ${identity.labeler} on ${identity.device}.`);
  return { commands: registered, registry, stores, labelers, identity };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions (stores snapshot on close).
}
