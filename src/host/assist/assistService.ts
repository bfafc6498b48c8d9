/**
 * ML assist in the window (issue 12): trains the built-in model of a project as a job once enough final
 * labels exist (and again as they grow, trigger.ts), or on demand ("Labeling: Start ML-Assisted
 * Training", Project Details); then validates the new version as a second job (the threshold, written
 * into its manifest) and prelabels the queue with it as a third, writing LOCAL suggestions the labeling
 * panel shows (never journaled); then orders the queue when project.json asks. A version saved but not
 * validated (the window closed, or its validation failed once) is validated by the next automatic run. A manager's "Labeling: Publish Prelabels" writes them to the
 * journal. The CPU work runs in a worker thread (dist/worker.js), so labeling goes on; every job is in
 * the job list with progress, cancel and a log, and its log lines go to the output channel too.
 *
 * Nothing runs in an untrusted workspace (the models and suggestions are files written into it).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isCancelled, LabelingError } from '../../core/errors';
import type { JobContext, JobInfo } from '../../core/jobs/types';
import { isFinished } from '../../core/jobs/types';
import type { Logger } from '../../core/logger';
import { parseItemKey } from '../../core/model';
import { prelabelWithBackend, type BackendPrelabelResult } from '../../core/ml/assist/backend-prelabel';
import { isValidated, listModels, type ModelManifest, type ValidatedManifest } from '../../core/ml/assist/model-store';
import { computeQueueOrder, type ComputeQueueOrderResult } from '../../core/ml/assist/queue-order';
import { runWorkerTask } from '../../core/jobs/worker-client';
import { lsProject, LsBackend } from '../../core/ml/ls/client';
import { prelabelQueue, publishSuggestions, trainAssistModel, validateAssistModel } from '../../core/ml/assist/pipeline';
import { hasRole } from '../../core/store/guards';
import type { ProjectStore } from '../../core/store/project-store';
import type { DetailsAssist } from '../../protocol/details';
import type { HostJobs } from '../jobs/hostJobs';
import type { ProjectEntry } from '../projects/registry';
import type { StoreManager } from '../projects/stores';
import { Disposable } from '../util/lifecycle';
import { assistResource, autoTrainDue, availability, detailsAssist } from './assistState';
import type { BackendCredentials } from './backendCredentials';

/** What the service reads of the local suggestions (LocalSuggestions). */
export interface SuggestionsSource {
  load(entry: ProjectEntry): Promise<void>;
  reload(entry: ProjectEntry): Promise<void>;
  summary(entry: ProjectEntry): { count: number; modelVersion: number; threshold: number | null } | undefined;
  readonly onDidChange: vscode.Event<ProjectEntry>;
}

interface ProjectAssist {
  /** The latest saved model's manifest, validated or not (undefined: none yet); loaded once, replaced after a training. */
  manifest?: ModelManifest;
  /** The newest validated version's manifest (the one prelabels use); replaced after a validation. */
  validated?: ValidatedManifest;
  /** Version whose automatic validation failed (not tried again by itself). */
  validationFailed?: number;
  loaded?: Promise<void>;
  /** Labels at which the last automatic training failed (it waits for them to grow). */
  failedAt?: number;
  /** Labels at which the backend last prelabeled by itself (in this window). */
  backendOn?: number;
}

const keyOf = (entry: ProjectEntry): string => `${entry.root}::${entry.id}`;

export class AssistService extends Disposable {
  private readonly projects = new Map<string, ProjectAssist>();
  private readonly byResource = new Map<string, ProjectEntry>();
  private readonly changed = this._register(new vscode.EventEmitter<ProjectEntry>());
  /** The ML-assist state of a project changed: a job moved, a model was saved, suggestions changed. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly stores: StoreManager,
    private readonly jobs: HostJobs,
    private readonly logger: Logger,
    /** dist/worker.js */
    private readonly workerFile: string,
    private readonly suggestions?: SuggestionsSource,
    private readonly credentials?: BackendCredentials,
    private readonly isTrusted: () => boolean = () => vscode.workspace.isTrusted,
  ) {
    super();
    this._register(stores.onDidChange(({ entry }) => void this.maybeAutoTrain(entry)));
    this._register({ dispose: jobs.runner.subscribe((e) => this.onJob(e.job)) });
    if (suggestions) this._register(suggestions.onDidChange((entry) => this.changed.fire(entry)));
  }

  /**
   * "Labeling: Start ML-Assisted Training": trains, validates and prelabels now, in a notification. A
   * project served by a backend asks it to train (START_TRAINING), then validates and prelabels with it.
   */
  async trainNow(entry: ProjectEntry): Promise<{ version: number; suggested: number } | undefined> {
    const def = entry.def;
    if (!def) throw entry.error ?? new LabelingError('invalid-input', `project "${entry.id}" has no readable project.json`);
    const a = availability(def);
    if (a.kind === 'none') throw new LabelingError('invalid-input', a.unavailable ?? `${def.type} has no built-in model`);
    const store = await this.stores.get(entry);
    const details = (msg: string) =>
      void vscode.window.showInformationMessage(msg, 'Show Project Details').then((pick) => {
        if (pick) void vscode.commands.executeCommand('labeling.projectDetails', entry);
      });
    if (a.kind === 'backend') {
      const r = await this.jobs.run(this.backendJob(entry, store, true));
      details(`${def.name}: ${r.model}: ${this.saidOf(r.validation, r.suggested)}.`);
      return { version: r.modelVersion, suggested: r.suggested };
    }
    const trained = await this.jobs.run(this.trainJob(entry, store, 'on demand'));
    const manifest = await this.jobs.run(this.validateJob(entry, store, trained.version));
    const predicted = await this.jobs.run(this.prelabelJob(entry, store));
    if (this.ordersQueue(store)) await this.jobs.run(this.orderJob(entry, store));
    details(`${def.name}: ${manifest.model} version ${manifest.version} trained on ${manifest.trainedOn.toLocaleString('en')} label(s); ${this.saidOf(manifest.validation, predicted.suggested)}.`);
    return { version: manifest.version, suggested: predicted.suggested };
  }

  private saidOf(v: { threshold: number | null; message: string }, suggested: number): string {
    return v.threshold === null ? `${v.message}: no suggestions yet` : `${suggested.toLocaleString('en')} queue item(s) suggested at or above ${v.threshold.toFixed(2)}`;
  }

  /**
   * "Labeling: Publish Prelabels": the local suggestions go to the journal as prelabels (a manager's act),
   * once confirmed in a modal dialog (`confirmed`: already confirmed, for callers with their own prompt).
   */
  async publish(entry: ProjectEntry, opts: { confirmed?: boolean } = {}): Promise<number | undefined> {
    const def = entry.def;
    if (!def) throw entry.error ?? new LabelingError('invalid-input', `project "${entry.id}" has no readable project.json`);
    const store = await this.stores.get(entry);
    if (!hasRole(store.def, store.labeler, 'manager')) {
      throw new LabelingError('forbidden', `Publishing prelabels is a manager's act: ${store.labeler} is not a manager of "${def.name}" (Labeling: Manage Roles).`);
    }
    await this.suggestions?.load(entry);
    const summary = this.suggestions?.summary(entry);
    if (!summary?.count) throw new LabelingError('invalid-input', `"${def.name}" has no local suggestions to publish: run Labeling: Start ML-Assisted Training first.`);
    const pick = opts.confirmed ? 'Publish' : await vscode.window.showWarningMessage(
      `Publish ${summary.count.toLocaleString('en')} suggestion(s) of model version ${summary.modelVersion} as prelabels?`,
      { modal: true, detail: 'They are written to your journal, so every teammate sees them after the next git sync. Suggestions for items that changed since they were predicted are left out.' },
      'Publish',
    );
    if (pick !== 'Publish') return undefined;
    const r = await this.jobs.run({
      title: `Publish prelabels of ${def.name}`,
      resource: this.resourceOf(entry),
      run: (job) => publishSuggestions(store, entry.root, { signal: job.signal, onProgress: (f, m) => job.progress(f, m) }),
    });
    const stale = r.stale ? `; ${r.stale.toLocaleString('en')} left out (their items changed since)` : '';
    void vscode.window.showInformationMessage(`${def.name}: ${r.published.toLocaleString('en')} prelabel(s) of model version ${r.modelVersion} published${stale}.`);
    return r.published;
  }

  /** The ML-assist section of Project Details (undefined while the project's index opens). */
  async assistOf(entry: ProjectEntry): Promise<DetailsAssist | undefined> {
    const def = entry.def;
    const stats = this.stores.statsOf(entry);
    if (!def || !stats) return undefined;
    const p = await this.state(entry);
    const store = await this.stores.get(entry).catch(() => undefined);
    if (!store) return undefined;
    const resource = this.resourceOf(entry);
    await this.suggestions?.load(entry);
    const summary = this.suggestions?.summary(entry);
    return detailsAssist({
      def: store.def,
      labeled: stats.labeled,
      ...(p.manifest ? { manifest: p.manifest } : {}),
      ...(p.validated ? { validated: p.validated } : {}),
      ...(summary ? { suggestions: { count: summary.count, modelVersion: summary.modelVersion, threshold: summary.threshold } } : {}),
      liveAccuracy: store.suggestionOutcomes(),
      jobs: this.jobs.runner.list().filter((j) => j.resource === resource),
      canPublish: hasRole(store.def, store.labeler, 'manager'),
    });
  }

  /**
   * Starts a training (then a validation and a prelabel job), or a backend's prelabel job, when one is
   * due and none is queued or running for the project; or, when the newest version is not validated
   * yet (and its automatic validation has not failed), its validation and a prelabel job. Never in an
   * untrusted workspace: nothing is written or contacted.
   */
  private async maybeAutoTrain(entry: ProjectEntry): Promise<void> {
    const def = entry.def;
    if (!def?.mlAssist.enabled || !this.isTrusted()) return;
    const kind = availability(def).kind;
    if (kind === 'none') return;
    const labeled = this.stores.statsOf(entry)?.labeled;
    if (labeled === undefined) return;
    const p = await this.state(entry);
    const pending = kind === 'builtin' && p.manifest && !isValidated(p.manifest) && p.validationFailed !== p.manifest.version ? p.manifest : undefined;
    const due = autoTrainDue(def, labeled, kind === 'backend' ? p.backendOn : p.manifest?.trainedOn, p.failedAt);
    if (!due && !pending) return;
    const resource = this.resourceOf(entry);
    if (this.jobs.runner.list().some((j) => j.resource === resource && !isFinished(j.status))) return;
    const store = await this.stores.get(entry);
    if (!due && pending) {
      this.logger.info(`ML assist: version ${pending.version} of ${def.name} is not validated yet; its validation starts.`);
      try {
        await this.jobs.runner.submit(this.validateJob(entry, store, pending.version)).done;
        await this.jobs.runner.submit(this.prelabelJob(entry, store)).done;
      } catch (e) {
        if (isCancelled(e)) return;
        p.validationFailed = pending.version;
        this.logger.warn(`ML assist: automatic validation of ${def.name} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      return;
    }
    this.logger.info(`ML assist: ${def.name} has ${labeled} final label(s); ${kind === 'backend' ? 'the backend prelabels' : 'training starts'} (again once labels grow by 20%).`);
    try {
      if (kind === 'backend') {
        p.backendOn = labeled;
        await this.jobs.runner.submit(this.backendJob(entry, store, false)).done;
        return;
      }
      const trained = await this.jobs.runner.submit(this.trainJob(entry, store, 'automatic')).done;
      await this.jobs.runner.submit(this.validateJob(entry, store, trained.version)).done;
      await this.jobs.runner.submit(this.prelabelJob(entry, store)).done;
      if (this.ordersQueue(store)) await this.jobs.runner.submit(this.orderJob(entry, store)).done;
    } catch (e) {
      if (isCancelled(e)) return;
      p.failedAt = labeled;
      this.logger.warn(`ML assist: automatic ${kind === 'backend' ? 'prelabels' : 'training'} of ${def.name} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Validates and prelabels with the project's backend (asking it to train first when `train`). */
  private backendJob(entry: ProjectEntry, store: ProjectStore, train: boolean) {
    return {
      title: `Prelabel the queue of ${store.def.name} with its ML backend`,
      resource: this.resourceOf(entry),
      run: async (job: JobContext): Promise<BackendPrelabelResult> => {
        const log = this.jobLog(entry, job);
        const url = store.def.mlAssist.backendUrl;
        if (!url) throw new LabelingError('invalid-input', `"${store.def.name}" names no ML backend (mlAssist.backendUrl)`);
        const login = await this.credentials?.get(url);
        const backend = new LsBackend({ url, ...(login ? { user: login.user, password: login.password } : {}) });
        if (train) {
          job.progress(0, 'Asking the backend to train');
          await backend.startTraining(lsProject(store.def), job.signal);
          log('the backend was asked to train (START_TRAINING)');
        }
        const r = await prelabelWithBackend(store, {
          root: entry.root,
          backend,
          imageUrlOf: (item) => path.join(entry.root, ...parseItemKey(item.key).path.split('/')),
          signal: job.signal,
          onProgress: (f, m) => job.progress(f, m),
          log,
        });
        await this.suggestions?.reload(entry);
        this.changed.fire(entry);
        return r;
      },
    };
  }

  /** The training job: the version saved, not validated yet (pipeline.ts trainAssistModel). */
  private trainJob(entry: ProjectEntry, store: ProjectStore, why: string) {
    return {
      title: `Train the ML-assist model of ${store.def.name}`,
      resource: this.resourceOf(entry),
      run: async (job: JobContext): Promise<ModelManifest> => {
        const log = this.jobLog(entry, job);
        log(`training (${why})`);
        const r = await trainAssistModel(store, { root: entry.root, workerFile: this.workerFile, signal: job.signal, onProgress: (f, m) => job.progress(f, m), log });
        const p = await this.state(entry);
        p.manifest = r.manifest;
        p.failedAt = undefined;
        this.changed.fire(entry);
        return r.manifest;
      },
    };
  }

  /** The validation job of `version`: its figures written into its manifest (pipeline.ts validateAssistModel); its last progress message says them. */
  private validateJob(entry: ProjectEntry, store: ProjectStore, version: number) {
    return {
      title: `Validate the ML-assist model of ${store.def.name}`,
      resource: this.resourceOf(entry),
      run: async (job: JobContext): Promise<ValidatedManifest> => {
        const log = this.jobLog(entry, job);
        const r = await validateAssistModel(store, { root: entry.root, workerFile: this.workerFile, version, signal: job.signal, onProgress: (f, m) => job.progress(f, m), log });
        const p = await this.state(entry);
        if (p.manifest?.version === r.manifest.version) p.manifest = r.manifest;
        if (!p.validated || p.validated.version <= r.manifest.version) p.validated = r.manifest;
        this.changed.fire(entry);
        return r.manifest;
      },
    };
  }

  private prelabelJob(entry: ProjectEntry, store: ProjectStore) {
    return {
      title: `Prelabel the queue of ${store.def.name}`,
      resource: this.resourceOf(entry),
      run: async (job: JobContext) => {
        const log = this.jobLog(entry, job);
        const r = await prelabelQueue(store, { root: entry.root, workerFile: this.workerFile, signal: job.signal, onProgress: (f, m) => job.progress(f, m), log });
        await this.suggestions?.reload(entry);
        this.changed.fire(entry);
        return r.result;
      },
    };
  }

  /** project.json asks for an ML queue order (clustered or most uncertain first). */
  private ordersQueue(store: ProjectStore): boolean {
    const o = store.def.mlAssist.queueOrder;
    return o === 'clustered' || o === 'uncertain';
  }

  /**
   * The featurization job: the queue's items read here, their features and k-means (or the new model's
   * margins) in the worker thread, the order file written here (queue-order.ts); the labeling panel
   * follows it and the Queue view marks its items.
   */
  private orderJob(entry: ProjectEntry, store: ProjectStore) {
    const kind = store.def.mlAssist.queueOrder === 'uncertain' ? 'uncertain' : 'clustered';
    return {
      title: `Order the queue of ${store.def.name} (${kind === 'clustered' ? 'clustered' : 'most uncertain first'})`,
      resource: this.resourceOf(entry),
      run: async (job: JobContext): Promise<ComputeQueueOrderResult> => {
        const log = this.jobLog(entry, job);
        const r = await computeQueueOrder(store, entry.root, {
          kind,
          signal: job.signal,
          onProgress: (f, m) => job.progress(f, m),
          log,
          run: (input, onProgress, transfer) => runWorkerTask(this.workerFile, 'assist-queue-order', input, { signal: job.signal, transfer, onProgress: (f, m) => onProgress(f, m ?? '') }),
        });
        this.changed.fire(entry);
        return r;
      },
    };
  }

  /** A job's log line, in the job log and the output channel. */
  private jobLog(entry: ProjectEntry, job: JobContext): (line: string) => void {
    return (line) => {
      job.log(line);
      this.logger.info(`ML assist ${entry.id}: ${line}`);
    };
  }

  private async state(entry: ProjectEntry): Promise<ProjectAssist> {
    const k = keyOf(entry);
    let p = this.projects.get(k);
    if (!p) {
      const fresh: ProjectAssist = {};
      p = fresh;
      this.projects.set(k, p);
      fresh.loaded = listModels(entry.root, entry.id).then(
        ({ manifests, problems }) => {
          if (!fresh.manifest && manifests[0]) fresh.manifest = manifests[0];
          const validated = manifests.find(isValidated);
          if (!fresh.validated && validated) fresh.validated = validated;
          for (const pr of problems) this.logger.warn(`ML assist: ${pr.file}: ${pr.message}`);
        },
        (e: unknown) => this.logger.warn(`ML assist: could not list the models of ${entry.id}: ${e instanceof Error ? e.message : String(e)}`),
      );
    }
    await p.loaded;
    return p;
  }

  private onJob(job: JobInfo): void {
    const entry = this.byResource.get(job.resource);
    if (entry) this.changed.fire(entry);
  }

  /** The resource of the project's jobs (and the project its job events are of). */
  private resourceOf(entry: ProjectEntry): string {
    const r = assistResource(entry.root, entry.id);
    this.byResource.set(r, entry);
    return r;
  }
}
