/**
 * Where the dashboard panel gets its model: core's dashboardModel (src/core/stats/dashboard.ts, the one
 * function `data-labeling stats --json` prints too) over the project's store, with what only the window
 * knows: the last agreement report computed here and the job runner's jobs of the project (ML jobs with
 * the validated precision and threshold of the model they made). Fires for a project whenever any of
 * those may have changed: its change feed, its jobs, a new agreement report, its ML-assist figures.
 */
import { promises as fsp } from 'node:fs';
import * as vscode from 'vscode';
import { queueOrderFile, readQueueOrder } from '../../core/ml/assist/queue-order';
import type { Logger } from '../../core/logger';
import { dashboardModel } from '../../core/stats/dashboard';
import type { DashboardJob, DashboardModel } from '../../protocol/dashboard';
import type { DetailsAssist } from '../../protocol/details';
import { assistResource } from '../assist/assistState';
import type { AgreementResults } from '../commands/agreementCommand';
import type { HostJobs } from '../jobs/hostJobs';
import type { ProjectEntry, ProjectRegistry } from '../projects/registry';
import type { StoreManager } from '../projects/stores';
import { Disposable } from '../util/lifecycle';
import type { DashboardSource } from './dashboardPanel';
import { dashboardJobOf } from './dashboardJobs';

/** The ML-assist figures the jobs need (AssistService). */
export interface DashboardAssist {
  assistOf(entry: ProjectEntry): Promise<DetailsAssist | undefined>;
  readonly onDidChange: vscode.Event<ProjectEntry>;
}

export class StoreDashboardSource extends Disposable implements DashboardSource {
  /** Per project: the clustered order file's size, time and item count, read again only when it changed. */
  private readonly orders = new Map<string, { size: number; mtimeMs: number; count: number }>();
  private readonly changed = this._register(new vscode.EventEmitter<ProjectEntry>());
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly registry: ProjectRegistry,
    private readonly stores: StoreManager,
    private readonly jobs: HostJobs,
    private readonly logger: Logger,
    private readonly agreement?: AgreementResults,
    private readonly assist?: DashboardAssist,
    /** The clock the time-relative figures use (tests pass their own). */
    private readonly now: () => Date = () => new Date(),
  ) {
    super();
    this._register(stores.onDidChange(({ entry }) => this.changed.fire(entry)));
    if (agreement) this._register(agreement.onDidChange((entry) => this.changed.fire(entry)));
    if (assist) this._register(assist.onDidChange((entry) => this.changed.fire(entry)));
    const off = jobs.runner.subscribe((e) => {
      for (const entry of this.projectsOfResource(e.job.resource)) this.changed.fire(entry);
    });
    this._register({ dispose: off });
  }

  /** The projects a job's resource names: a project id (exports, imports, refreshes, agreement) or an ML-assist resource. */
  private projectsOfResource(resource: string): ProjectEntry[] {
    return this.registry.projects.filter((p) => p.def && (p.id === resource || assistResource(p.root, p.id) === resource));
  }

  /**
   * The project's jobs, most recent first. Of the latest validated model, the last training that succeeded
   * carries how many labels it learned from, the last validation that succeeded its held-out items,
   * precision and threshold.
   */
  private async jobsOf(entry: ProjectEntry, now: number): Promise<DashboardJob[]> {
    const ml = assistResource(entry.root, entry.id);
    const infos = this.jobs.runner.list().filter((j) => j.resource === entry.id || j.resource === ml).reverse();
    const jobs = infos.map((j) => dashboardJobOf(j, now));
    const trained = jobs.find((j) => j.kind === 'training' && j.status === 'succeeded');
    const validated = jobs.find((j) => j.kind === 'validation' && j.status === 'succeeded');
    if ((trained || validated) && this.assist) {
      const a = await this.assist.assistOf(entry).catch(() => undefined);
      const v = a?.model?.validation;
      if (a?.model && v) {
        if (trained) trained.items = a.model.trainedOn;
        if (validated) {
          validated.items = v.items;
          validated.precision = v.precisionAtThreshold;
          validated.threshold = v.threshold;
        }
      }
    }
    return jobs;
  }

  async modelOf(entry: ProjectEntry): Promise<DashboardModel | undefined> {
    const fresh = this.registry.find(entry.id, entry.root);
    if (!fresh?.def || fresh.error) return undefined;
    let store;
    try {
      store = await this.stores.get(fresh);
    } catch (e) {
      this.logger.warn(`Dashboard: the index of ${fresh.id} could not be opened: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
    const now = this.now();
    const jobs = await this.jobsOf(fresh, now.getTime());
    const agreement = this.agreement?.get(fresh);
    const model = dashboardModel(store, { now, jobs, ...(agreement ? { agreement } : {}) });
    const clustered = store.def.mlAssist.enabled && store.def.mlAssist.queueOrder === 'clustered' ? await this.clusteredOf(fresh) : undefined;
    if (clustered !== undefined) model.queue.clustered = clustered;
    return model;
  }

  /** Items in the project's clustered queue order (the local order file of the last featurization job), if any. */
  private async clusteredOf(entry: ProjectEntry): Promise<number | undefined> {
    const file = queueOrderFile(entry.root, entry.id);
    const k = `${entry.root}::${entry.id}`;
    let st: { size: number; mtimeMs: number };
    try {
      st = await fsp.stat(file);
    } catch {
      this.orders.delete(k);
      return undefined;
    }
    const known = this.orders.get(k);
    if (known && known.size === st.size && known.mtimeMs === st.mtimeMs) return known.count;
    const { order } = await readQueueOrder(entry.root, entry.id);
    if (!order || order.kind !== 'clustered') return undefined;
    this.orders.set(k, { size: st.size, mtimeMs: st.mtimeMs, count: order.keys.length });
    return order.keys.length;
  }
}
