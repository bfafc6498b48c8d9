/**
 * "Labeling: Compute Agreement Statistics": agreement between labelers (src/core/stats/compute.ts),
 * computed as a job of the project (cancellable, in the job list, reading the index in slices so
 * labeling goes on), kept per project for Project Details, and summed up in a notification.
 */
import * as vscode from 'vscode';
import { agreementJob, type AgreementReport } from '../../core/stats/compute';
import type { HostJobs } from '../jobs/hostJobs';
import type { ProjectEntry, ProjectRegistry } from '../projects/registry';
import type { StoreManager } from '../projects/stores';
import { Disposable } from '../util/lifecycle';
import { resolveProject } from './projectCommands';

export interface AgreementResult {
  report: AgreementReport;
  /** ISO time it was computed. */
  at: string;
}

/** The last agreement report of each project (per window; computing it again replaces it). */
export class AgreementResults extends Disposable {
  private readonly byProject = new Map<string, AgreementResult>();
  private readonly changed = this._register(new vscode.EventEmitter<ProjectEntry>());
  readonly onDidChange = this.changed.event;

  get(entry: ProjectEntry): AgreementResult | undefined {
    return this.byProject.get(`${entry.root}::${entry.id}`);
  }

  set(entry: ProjectEntry, report: AgreementReport): void {
    this.byProject.set(`${entry.root}::${entry.id}`, { report, at: new Date().toISOString() });
    this.changed.fire(entry);
  }
}

const pct = (v: number | null): string => (v === null ? 'n/a' : v.toFixed(3));

/** One line saying what the report found (the notification and the job log). */
export function agreementSummary(r: AgreementReport): string {
  if (r.labelers.length < 2 || !r.items) return `no item has two or more labelers yet (${r.labelers.length} labeler(s))`;
  const parts = [`${r.items.toLocaleString('en')} item(s) with 2+ labelers`, `agreement ${pct(r.percentAgreement)}`];
  if (r.krippendorffAlpha !== null) parts.push(`Krippendorff's alpha ${pct(r.krippendorffAlpha)}`);
  if (r.fleissKappa !== null) parts.push(`Fleiss' kappa ${pct(r.fleissKappa)}`);
  const f1 = r.pairs.filter((p) => p.f1 !== null && p.cohenKappa === null);
  if (f1.length) parts.push(`pairwise F1 ${f1.map((p) => `${p.a}/${p.b} ${pct(p.f1)}`).join(', ')}`);
  return parts.join(', ');
}

export async function computeAgreementCommand(
  registry: ProjectRegistry,
  stores: StoreManager,
  jobs: HostJobs,
  results: AgreementResults,
  arg: unknown,
): Promise<AgreementReport | undefined> {
  const entry = await resolveProject(registry, arg, { placeHolder: 'Project whose agreement to compute', fromContext: true });
  if (!entry) return undefined;
  const store = await stores.get(entry);
  const spec = agreementJob(store, entry.id);
  const report = await jobs.run({
    ...spec,
    run: async (job) => {
      const r = await spec.run(job);
      job.log(agreementSummary(r));
      return r;
    },
  });
  results.set(entry, report);
  void vscode.window.showInformationMessage(`${entry.def?.name ?? entry.id}: ${agreementSummary(report)}.`, 'Show Project Details').then((pick) => {
    if (pick) void vscode.commands.executeCommand('labeling.projectDetails', entry);
  });
  return report;
}
