/**
 * Composition root: builds the parts and wires them together. No logic lives here.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { AgreementResults, computeAgreementCommand } from './commands/agreementCommand';
import { Commands } from './constants';
import { createProjectCommand, type CreateProjectArgs } from './commands/createProject';
import { exportLabelsCommand } from './commands/exportCommand';
import { importLabelsCommand } from './commands/importCommand';
import { addLabels, rebuildIndex, refreshProject, setProjectStatus } from './commands/lifecycleCommands';
import { editInstructions, openProjectFile, resolveProject } from './commands/projectCommands';
import { assignCommands } from './commands/assignCommands';
import { reviewCommands } from './commands/reviewCommands';
import { manageRolesCommand } from './commands/rolesCommand';
import { AssistService } from './assist/assistService';
import { BackendCredentials, setBackendCredentialsCommand } from './assist/backendCredentials';
import { BackendEvents } from './assist/backendEvents';
import { LocalSuggestions } from './assist/localSuggestions';
import { HostJobs } from './jobs/hostJobs';
import { DashboardPanels } from './panels/dashboardPanel';
import { StoreDashboardSource } from './panels/dashboardSource';
import { DetailsPanels } from './panels/detailsPanel';
import { LabelerPanels } from './panels/labelerPanels';
import { PanelMemory, panelSerializers, registerPanelSerializers } from './panels/panelRestore';
import { ReviewPanels, reviewTargetOf } from './panels/reviewPanel';
import type { ReviewFilter } from '../core/store/review-filter';
import { Identity } from './projects/identity';
import { ProjectRegistry, type ProjectEntry } from './projects/registry';
import { StoreManager } from './projects/stores';
import { guarded, requiringTrust } from './util/errors';
import { createLogger } from './util/log';
import { createItemViews, type ItemsView } from './views/itemViews';
import { ItemContext } from './views/itemContext';
import { wireProjectContext } from './views/projectContext';
import { ProjectsView } from './views/projectsView';

export interface ExtensionApi {
  /** Registered command ids, for the contribution test. */
  readonly commands: readonly string[];
  readonly registry: ProjectRegistry;
  readonly stores: StoreManager;
  readonly labelers: LabelerPanels;
  /** ML assist's local suggestions (.labeling/.cache/suggestions), shown as prelabels in the labeling panel. */
  readonly suggestions: LocalSuggestions;
  /** ML assist: automatic and on-demand training, prelabels, publishing (host/assist/). */
  readonly assist: AssistService;
  /** ML backend logins (SecretStorage) and the annotation events sent to backends. */
  readonly credentials: BackendCredentials;
  readonly backendEvents: BackendEvents;
  readonly details: DetailsPanels;
  /** The Review panels ("Labeling: Review Labels"). */
  readonly reviews: ReviewPanels;
  /** The dashboards ("Labeling: Show Dashboard"), one per project. */
  readonly dashboards: DashboardPanels;
  readonly identity: Identity;
  /** Export, import, Refresh Project Data and Rebuild Index run as jobs here. */
  readonly jobs: HostJobs;
  readonly projectsView: ProjectsView;
  readonly itemViews: readonly ItemsView[];
  /** What "Reload Window" calls to restore the labeling and details panels, by view type. */
  readonly panelSerializers: Readonly<Record<string, vscode.WebviewPanelSerializer>>;
}

/** Commands that write to the workspace: refused in an untrusted workspace (package.json: limited support). */
const TRUSTED_ONLY = new Set<string>([
  Commands.CreateProject,
  Commands.RefreshProject,
  Commands.PauseProject,
  Commands.ResumeProject,
  Commands.TogglePause,
  Commands.AddLabels,
  Commands.ManageRoles,
  Commands.StartLabeling,
  Commands.OpenItem,
  Commands.ExportLabels,
  Commands.ImportLabels,
  Commands.AcceptSkip,
  Commands.ReturnSkip,
  Commands.ApproveItem,
  Commands.RejectItem,
  Commands.RejectReturnItem,
  Commands.AssignItems,
  Commands.DistributeItems,
  Commands.UnassignItems,
  Commands.StartAssistTraining,
  Commands.PublishPrelabels,
  Commands.SetBackendCredentials,
]);

export async function activate(context: vscode.ExtensionContext): Promise<ExtensionApi> {
  const own = <T extends vscode.Disposable>(d: T): T => {
    context.subscriptions.push(d);
    return d;
  };
  const { channel, logger } = createLogger();
  own(channel);
  const identity = own(new Identity());
  const jobs = own(new HostJobs(logger));
  const registry = own(new ProjectRegistry(logger));
  const workerFile = path.join(context.extensionPath, 'dist', 'worker.js');
  const stores = own(new StoreManager(path.join(context.extensionPath, 'dist', 'sql-wasm.wasm'), registry, identity, logger, jobs.runner, workerFile));
  const projectsView = own(new ProjectsView(registry, stores));
  const itemViews = createItemViews(registry, stores).map(own);
  const memory = new PanelMemory(context.workspaceState);
  const agreement = own(new AgreementResults());
  const suggestions = own(new LocalSuggestions(logger));
  const credentials = new BackendCredentials(context.secrets);
  const assist = own(new AssistService(stores, jobs, logger, workerFile, suggestions, credentials));
  const backendEvents = own(new BackendEvents(stores, logger, credentials));
  const details = own(new DetailsPanels(context.extensionUri, registry, logger, stores, memory, agreement, assist));
  const labelerShown = own(new vscode.EventEmitter<unknown>());
  const labelers = own(
    new LabelerPanels(context.extensionUri, stores, logger, (p) => {
      memory.rememberLabeler(p);
      labelerShown.fire(p);
    }, suggestions),
  );
  const reviews = own(new ReviewPanels(context.extensionUri, stores, jobs, context.workspaceState, logger));
  const dashboardSource = own(new StoreDashboardSource(registry, stores, jobs, logger, agreement, assist));
  const dashboards = own(new DashboardPanels(context.extensionUri, { registry, source: dashboardSource, logger, showLog: (id) => jobs.showLog(id), memory }));
  own(registry.onDidChange(() => identity.setVisible(registry.projects.length > 0)));
  // "The project in context" for palette commands (projectContext.ts).
  own(wireProjectContext(registry, { labelers, labelerShown: labelerShown.event, details, views: [projectsView, ...itemViews] }));
  // "The items in context" for the review and assignment palette commands (itemContext.ts).
  const itemContext = own(new ItemContext(itemViews, labelers, labelerShown.event));
  const loaded = registry.reload();
  // "Reload Window" restores the panels (package.json: onWebviewPanel activation events).
  const serializers = panelSerializers({ registry, labelers, details, reviews, dashboards, memory, logger, loaded });
  own(registerPanelSerializers(serializers));

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
    const entry = await resolveProject(registry, arg, { placeHolder: 'Project to show', fromContext: true });
    if (entry) details.show(entry);
  });
  register(Commands.ShowDashboard, async (arg?: unknown) => {
    const entry = await resolveProject(registry, arg, { placeHolder: 'Project whose dashboard to show', fromContext: true });
    if (entry) await dashboards.show(entry);
  });
  register(Commands.EditInstructions, (arg?: unknown) => editInstructions(registry, arg));
  register(Commands.OpenProjectFile, (arg?: unknown) => openProjectFile(registry, arg));
  register(Commands.ShowLog, () => channel.show());
  register(Commands.RefreshProject, (arg?: unknown) => refreshProject(registry, stores, jobs, arg));
  register(Commands.RebuildIndex, (arg?: unknown) => rebuildIndex(registry, stores, jobs, arg));
  register(Commands.PauseProject, (arg?: unknown) => setProjectStatus(registry, stores, arg, 'paused'));
  register(Commands.ResumeProject, (arg?: unknown) => setProjectStatus(registry, stores, arg, 'running'));
  register(Commands.TogglePause, (arg?: unknown) => setProjectStatus(registry, stores, arg, 'toggle'));
  register(Commands.AddLabels, (arg?: unknown) => addLabels(registry, stores, arg));
  register(Commands.ManageRoles, (arg?: unknown) => manageRolesCommand(registry, stores, arg));
  register(Commands.ComputeAgreement, (arg?: unknown) => computeAgreementCommand(registry, stores, jobs, agreement, arg));
  register(Commands.StartLabeling, async (arg?: unknown) => {
    const entry = await resolveProject(registry, arg, { placeHolder: 'Project to label', fromContext: true });
    if (entry) await labelers.show(entry);
  });
  register(Commands.OpenItem, async (arg: unknown, key: string) => {
    const entry = await resolveProject(registry, arg);
    if (entry) await labelers.show(entry, key);
  });
  register(Commands.ReviewLabels, async (arg?: unknown, key?: unknown, filter?: ReviewFilter) => {
    const target = reviewTargetOf(arg, key);
    const entry = target.entry ?? (await resolveProject(registry, arg, { placeHolder: 'Project to review', fromContext: true }));
    if (entry?.def) await reviews.show(entry, target.key, undefined, filter && typeof filter === 'object' ? filter : undefined);
  });
  register(Commands.ExportLabels, (arg?: unknown) => exportLabelsCommand(registry, stores, jobs, arg));
  register(Commands.ImportLabels, (arg?: unknown) => importLabelsCommand(registry, stores, jobs, arg));
  register(Commands.ShowJobs, () => jobs.showJobs());
  register(Commands.StartAssistTraining, async (arg?: unknown) => {
    const entry = await resolveProject(registry, arg, { placeHolder: 'Project whose ML-assist model to train', fromContext: true });
    return entry ? assist.trainNow(entry) : undefined;
  });
  register(Commands.PublishPrelabels, async (arg?: unknown, opts?: { confirmed?: boolean }) => {
    const entry = await resolveProject(registry, arg, { placeHolder: 'Project whose suggestions to publish as prelabels', fromContext: true });
    return entry ? assist.publish(entry, { confirmed: opts?.confirmed === true }) : undefined;
  });
  register(Commands.SetBackendCredentials, (arg?: unknown) => setBackendCredentialsCommand(registry, credentials, arg));
  register(Commands.LoadMore, async (viewId: string, entry: ProjectEntry) => {
    await itemViews.find((v) => v.viewId === viewId)?.loadMore(entry);
  });
  for (const [id, fn] of reviewCommands({ registry, stores, items: itemContext, views: itemViews })) register(id, fn);
  for (const [id, fn] of assignCommands({ registry, stores, items: itemContext, me: () => identity.labeler })) register(id, fn);

  await loaded;
  logger.info(`Data Labeling activated: ${registry.projects.length} project(s); labeler ${identity.labeler} on ${identity.device}.`);
  return { commands: registered, registry, stores, labelers, suggestions, assist, credentials, backendEvents, identity, jobs, projectsView, itemViews, details, reviews, dashboards, panelSerializers: serializers };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions (stores snapshot on close).
}
