/**
 * "Reload Window" brings the labeling and details panels back with what they showed. VS Code restores a
 * panel's tab (its view type and title) and asks the serializer registered for the view type to fill it;
 * which project and item a panel showed is remembered per panel here, in the workspace state, keyed by
 * view type and title (the one thing VS Code hands back besides the webview's own state, which holds UI
 * state only).
 */
import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import { WebviewTypes } from '../constants';
import type { ProjectEntry, ProjectRegistry } from '../projects/registry';
import type { DashboardPanels } from './dashboardPanel';
import type { DetailsPanels } from './detailsPanel';
import type { ReviewPanels } from './reviewPanel';
import type { LabelerPanel } from './labelerPanel';
import type { LabelerPanels } from './labelerPanels';
import { webviewHtml, webviewOptions } from './webviewHtml';

const STATE_KEY = 'labeling.openPanels';

/** What one panel showed: its project and, for a labeling panel, the item on screen. */
export interface PanelRecord {
  id: string;
  root: string;
  key?: string;
}

export class PanelMemory {
  constructor(private readonly state: vscode.Memento) {}

  private all(): Record<string, PanelRecord> {
    return this.state.get<Record<string, PanelRecord>>(STATE_KEY) ?? {};
  }

  remember(viewType: string, title: string, record: PanelRecord): void {
    const all = this.all();
    const k = `${viewType}\n${title}`;
    const old = all[k];
    if (old && old.id === record.id && old.root === record.root && old.key === record.key) return;
    void this.state.update(STATE_KEY, { ...all, [k]: record });
  }

  /** After each state push of a labeling panel: its project and the item on screen. */
  rememberLabeler(p: LabelerPanel): void {
    this.remember(WebviewTypes.Labeler, p.panel.title, { id: p.project.id, root: p.project.root, ...(p.currentKey ? { key: p.currentKey } : {}) });
  }

  recall(viewType: string, title: string): PanelRecord | undefined {
    return this.all()[`${viewType}\n${title}`];
  }
}

/** Fills a panel VS Code restored with one built app, as createAppPanel does for a new panel. */
export function adoptAppPanel(
  panel: vscode.WebviewPanel,
  extensionUri: vscode.Uri,
  opts: { title: string; app: string; tag: string; dataRoots?: vscode.Uri[] },
): vscode.WebviewPanel {
  panel.webview.options = webviewOptions(extensionUri, opts.dataRoots);
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'labeling.svg');
  panel.title = opts.title;
  panel.webview.html = webviewHtml(panel.webview, extensionUri, opts.app, opts.tag, opts.title);
  return panel;
}

export interface RestoreDeps {
  registry: ProjectRegistry;
  labelers: LabelerPanels;
  details: DetailsPanels;
  /** The Review panels (absent in tests that restore only the others). */
  reviews?: ReviewPanels;
  /** The dashboards (absent in tests that restore only the others). */
  dashboards?: DashboardPanels;
  memory: PanelMemory;
  logger: Logger;
  /** Settles when the registry has read the projects once. */
  loaded: Promise<void>;
}

/** The serializers, by view type (registered with VS Code by registerPanelSerializers; tests call them). */
export function panelSerializers(deps: RestoreDeps): Record<string, vscode.WebviewPanelSerializer> {
  const { registry, labelers, details, reviews, dashboards, memory, logger, loaded } = deps;
  /** The project a restored panel showed: the remembered one, else the project whose name the title shows. */
  const projectOf = (panel: vscode.WebviewPanel, prefix: string): { entry?: ProjectEntry; key?: string } => {
    const rec = memory.recall(panel.viewType, panel.title);
    const entry = rec ? registry.find(rec.id, rec.root) : registry.projects.find((p) => p.def && `${prefix}${p.def.name}` === panel.title);
    return entry?.def ? { entry, ...(rec?.key ? { key: rec.key } : {}) } : {};
  };
  const gone = (panel: vscode.WebviewPanel) => {
    logger.info(`Not restoring "${panel.title}": its project is gone or broken.`);
    panel.dispose();
  };
  return {
    [WebviewTypes.Labeler]: {
      async deserializeWebviewPanel(panel) {
        await loaded;
        const { entry, key } = projectOf(panel, 'Label: ');
        if (!entry) return gone(panel);
        if (!vscode.workspace.isTrusted) {
          // Labeling needs a trusted workspace (Start Labeling is refused too): show nothing to label.
          logger.info(`Not restoring "${panel.title}": this workspace is not trusted.`);
          return panel.dispose();
        }
        try {
          await labelers.show(entry, key, panel);
        } catch (e) {
          // The item may be gone since: the panel stays, on the queue's head.
          logger.warn(`Restoring "${panel.title}" on ${key ?? 'the queue'}: ${e instanceof Error ? e.message : String(e)}`);
        }
      },
    },
    [WebviewTypes.Details]: {
      async deserializeWebviewPanel(panel) {
        await loaded;
        const { entry } = projectOf(panel, 'Project: ');
        if (!entry) return gone(panel);
        details.show(entry, panel);
      },
    },
    [WebviewTypes.Review]: {
      async deserializeWebviewPanel(panel) {
        await loaded;
        const { entry } = projectOf(panel, 'Review: ');
        if (!entry || !reviews) return gone(panel);
        await reviews.show(entry, undefined, panel);
      },
    },
    [WebviewTypes.Dashboard]: {
      async deserializeWebviewPanel(panel) {
        await loaded;
        const { entry } = projectOf(panel, 'Dashboard: ');
        if (!entry || !dashboards) return gone(panel);
        await dashboards.show(entry, panel);
      },
    },
  };
}

export function registerPanelSerializers(serializers: Record<string, vscode.WebviewPanelSerializer>): vscode.Disposable {
  return vscode.Disposable.from(...Object.entries(serializers).map(([viewType, s]) => vscode.window.registerWebviewPanelSerializer(viewType, s)));
}
