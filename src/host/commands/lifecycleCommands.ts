import * as vscode from 'vscode';
import { LabelingError } from '../../core/errors';
import type { LabelSetMode } from '../../core/journal/events';
import type { ProjectStatus } from '../../core/model';
import type { RebuildResult, RefreshResult } from '../../core/store/types';
import type { HostJobs } from '../jobs/hostJobs';
import type { ProjectRegistry } from '../projects/registry';
import type { StoreManager } from '../projects/stores';
import { resolveProject, type ResolveOptions } from './projectCommands';

/** "Labeling: Refresh Project Data": re-scan data sources now, as a job of the project (cancellable, in the job list). */
export async function refreshProject(registry: ProjectRegistry, stores: StoreManager, jobs: HostJobs, arg: unknown): Promise<RefreshResult | undefined> {
  const entry = await resolveProject(registry, arg, { placeHolder: 'Project to refresh', fromContext: true });
  if (!entry) return undefined;
  const r = await jobs.run({
    title: `Refreshing ${entry.def!.name}`,
    resource: entry.id,
    run: async ({ signal, progress, log }) => {
      const result = await stores.refresh(entry, signal, (message) => progress(undefined, message));
      log(`${count(result.total)} item(s): ${count(result.added)} new, ${count(result.missing)} missing, ${count(result.restored)} restored`);
      return result;
    },
  });
  const parts = [`${count(r.total)} item(s)`];
  if (r.added) parts.push(`${r.added} new`);
  if (r.missing) parts.push(`${r.missing} missing (labels kept)`);
  if (r.restored) parts.push(`${r.restored} restored`);
  if (!r.added && !r.missing && !r.restored) parts.push('no changes');
  void vscode.window.showInformationMessage(`${entry.def!.name}: ${parts.join(', ')}.`);
  return r;
}

/** "Labeling: Rebuild Index": drop the index and replay every journal, as a job of the project; a cancel keeps the index in use. */
export async function rebuildIndex(registry: ProjectRegistry, stores: StoreManager, jobs: HostJobs, arg: unknown): Promise<RebuildResult | undefined> {
  const entry = await resolveProject(registry, arg, 'Project whose index to rebuild');
  if (!entry) return undefined;
  const r = await jobs.run({
    title: `Rebuilding the index of ${entry.def!.name}`,
    resource: entry.id,
    run: async ({ signal, progress, log }) => {
      const result = await stores.rebuild(entry, signal, (message) => progress(undefined, message));
      log(`rebuilt from the journals: ${count(result.items)} items, ${count(result.events)} events`);
      return result;
    },
  });
  void vscode.window.showInformationMessage(`Rebuilt the index of ${entry.def!.name} from its journals.`);
  return r;
}

const count = (n: number) => n.toLocaleString('en-US');

/** Pause, Resume, or toggle (Project Details). */
export async function setProjectStatus(registry: ProjectRegistry, stores: StoreManager, arg: unknown, status: ProjectStatus | 'toggle'): Promise<ProjectStatus | undefined> {
  const entry = await resolveProject(registry, arg, statusChoice(status));
  if (!entry) return undefined;
  const store = await stores.get(entry);
  const next: ProjectStatus = status === 'toggle' ? (store.def.status === 'paused' ? 'running' : 'paused') : status;
  if (store.def.status !== next) await store.setStatus(next);
  await registry.reload();
  vscode.window.setStatusBarMessage(`${entry.def!.name} is ${next === 'paused' ? 'paused' : 'running'}`, 4000);
  return next;
}

/** Pause offers running projects, Resume paused ones; both take the project in context when it fits. */
function statusChoice(status: ProjectStatus | 'toggle'): ResolveOptions {
  if (status === 'toggle') return { placeHolder: 'Project to pause or resume', fromContext: true };
  const paused = status === 'running';
  return {
    placeHolder: paused ? 'Paused project to resume' : 'Running project to pause',
    fromContext: true,
    only: {
      accept: (e) => (e.def?.status === 'paused') === paused,
      none: paused ? 'No labeling project is paused.' : 'Every labeling project is paused already.',
    },
  };
}

const MODES: { mode: LabelSetMode; label: string; detail: string }[] = [
  {
    mode: 'continue',
    label: 'Continue, keeping all labels',
    detail: 'Items already labeled keep their labels; the new labels are available from now on.',
  },
  {
    mode: 'keep-as-prelabels',
    label: 'Start over, keeping existing labels as prelabels',
    detail: 'Every item returns to the queue; its current label is shown as a suggestion to confirm or change.',
  },
  {
    mode: 'remove-all',
    label: 'Start over, removing all labels',
    detail: 'Every item returns to the queue unlabeled. The journals keep the history.',
  },
];

export interface AddLabelsArgs {
  project: string;
  labels: string[];
  mode: LabelSetMode;
}

/** "Labeling: Add Labels" with Azure's three options. */
export async function addLabels(registry: ProjectRegistry, stores: StoreManager, arg: unknown): Promise<void> {
  const direct = isAddLabelsArgs(arg) ? arg : undefined;
  const entry = await resolveProject(registry, direct?.project ?? arg, 'Project to add labels to');
  if (!entry) return;
  const existing = new Set(entry.def!.labels.map((l) => l.name));
  let labels = direct?.labels;
  if (!labels) {
    const text = await vscode.window.showInputBox({
      title: `Add Labels to ${entry.def!.name} (1/2)`,
      prompt: `New label classes, separated by commas. Existing: ${[...existing].join(', ')}`,
      ignoreFocusOut: true,
      validateInput: (v) => {
        const names = v.split(',').map((s) => s.trim()).filter(Boolean);
        if (!names.length) return 'Enter at least one label.';
        const clash = names.find((n) => existing.has(n));
        if (clash) return `"${clash}" is already a label.`;
        const dup = names.find((n, i) => names.indexOf(n) !== i);
        return dup ? `"${dup}" is listed twice.` : undefined;
      },
    });
    if (!text) return;
    labels = text.split(',').map((s) => s.trim()).filter(Boolean);
  }
  const clash = labels.find((n) => existing.has(n));
  if (clash) throw new LabelingError('invalid-input', `"${clash}" is already a label of ${entry.id}`, { field: 'labels' });
  let mode = direct?.mode;
  if (!mode) {
    const pick = await vscode.window.showQuickPick(MODES, { title: `Add Labels to ${entry.def!.name} (2/2)`, placeHolder: 'What happens to the labels already given?', ignoreFocusOut: true });
    if (!pick) return;
    mode = pick.mode;
    if (mode === 'remove-all') {
      const ok = await vscode.window.showWarningMessage(
        `Remove all labels of ${entry.def!.name} and start over?`,
        { modal: true, detail: 'Every item returns to the queue unlabeled. Past events stay in the journals.' },
        'Remove and Start Over',
      );
      if (!ok) return;
    }
  }
  const store = await stores.get(entry);
  await store.addLabels(labels, mode);
  await registry.reload();
  if (!direct) void vscode.window.showInformationMessage(`Added ${labels.length} label(s) to ${entry.def!.name}: ${MODES.find((m) => m.mode === mode)!.label.toLowerCase()}.`);
}

function isAddLabelsArgs(a: unknown): a is AddLabelsArgs {
  return !!a && typeof a === 'object' && 'project' in a && 'labels' in a && 'mode' in a;
}
