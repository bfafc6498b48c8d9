/**
 * Composition root: builds the parts and wires them together. No logic lives here.
 */
import * as vscode from 'vscode';
import { Commands } from './constants';
import { createProjectCommand, type CreateProjectArgs } from './commands/createProject';
import { editInstructions, openProjectFile, resolveProject } from './commands/projectCommands';
import { DetailsPanels } from './panels/detailsPanel';
import { ProjectRegistry } from './projects/registry';
import { guarded } from './util/errors';
import { createLogger } from './util/log';
import { ProjectsView } from './views/projectsView';
import { registerItemViews } from './views/itemViews';

export interface ExtensionApi {
  /** Registered command ids, for the contribution test. */
  readonly commands: readonly string[];
  readonly registry: ProjectRegistry;
}

export async function activate(context: vscode.ExtensionContext): Promise<ExtensionApi> {
  const { channel, logger } = createLogger();
  context.subscriptions.push(channel);
  const registry = new ProjectRegistry(logger);
  context.subscriptions.push(registry);
  const projectsView = new ProjectsView(registry);
  context.subscriptions.push(projectsView);
  context.subscriptions.push(...registerItemViews());
  const details = new DetailsPanels(context.extensionUri, registry, logger);
  context.subscriptions.push(details);

  const registered: string[] = [];
  const register = (id: string, fn: (...args: never[]) => unknown) => {
    registered.push(id);
    context.subscriptions.push(vscode.commands.registerCommand(id, guarded(logger, id, fn as (...a: unknown[]) => unknown)));
  };

  register(Commands.CreateProject, async (args?: CreateProjectArgs) => {
    const def = await createProjectCommand(registry, args);
    if (def) {
      const entry = registry.find(def.id);
      if (entry) await projectsView.view.reveal(entry, { select: true, focus: false }).then(undefined, () => undefined);
    }
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

  await registry.reload();
  logger.info(`Data Labeling activated: ${registry.projects.length} project(s).`);
  return { commands: registered, registry };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
