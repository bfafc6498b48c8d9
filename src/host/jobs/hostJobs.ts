/**
 * The host's side of the job runner (architecture.md, "Change feed and jobs"), adapted once: a job runs
 * under a cancellable notification (Cancel aborts its signal), a status-bar entry shows the jobs queued
 * or running, "Labeling: Show Jobs" lists recent jobs, and a job's log opens as a read-only document.
 */
import * as vscode from 'vscode';
import { JobRunner } from '../../core/jobs/runner';
import { isFinished, type JobEvent, type JobInfo, type JobSpec } from '../../core/jobs/types';
import type { Logger } from '../../core/logger';
import { Commands } from '../constants';
import { formatJobLog, jobDescription, jobDuration, STATUS_ICON, statusBarText } from './jobText';

/** URIs of job log documents: labeling-job:/<job id>/<title>.log */
export const JOB_LOG_SCHEME = 'labeling-job';

export class HostJobs implements vscode.Disposable {
  readonly runner: JobRunner;
  private readonly statusItem: vscode.StatusBarItem;
  private readonly logChanged = new vscode.EventEmitter<vscode.Uri>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly logger: Logger) {
    this.runner = new JobRunner({ logger });
    this.statusItem = vscode.window.createStatusBarItem('labeling.jobs', vscode.StatusBarAlignment.Left, 0);
    this.statusItem.name = 'Data Labeling Jobs';
    this.statusItem.command = Commands.ShowJobs;
    const unsubscribe = this.runner.subscribe((e) => this.onEvent(e));
    this.disposables.push(
      this.statusItem,
      this.logChanged,
      { dispose: unsubscribe },
      vscode.workspace.registerTextDocumentContentProvider(JOB_LOG_SCHEME, {
        onDidChange: this.logChanged.event,
        provideTextDocumentContent: (uri) => {
          const job = this.runner.get(jobIdOf(uri));
          return job ? formatJobLog(job) : 'This job is no longer kept: the job list keeps the most recent jobs only.\n';
        },
      }),
    );
  }

  /**
   * Queues the work as a job and shows it in a cancellable notification until it ends. Resolves with
   * its result; rejects with its error, or a 'cancelled' LabelingError (commands show nothing for it).
   */
  run<T>(spec: JobSpec<T>): Promise<T> {
    const job = this.runner.submit(spec);
    return Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: spec.title, cancellable: true }, (progress, token) => {
        token.onCancellationRequested(() => job.cancel('Cancelled by the user.'));
        let shown = 0;
        let message: string | undefined;
        const report = (info: JobInfo) => {
          const next = info.status === 'queued' ? 'waiting for the job before it' : info.progress.message;
          const fraction = info.progress.fraction;
          const increment = fraction !== undefined && fraction * 100 > shown ? fraction * 100 - shown : undefined;
          if (increment === undefined && next === message) return;
          if (increment !== undefined) shown += increment;
          message = next;
          progress.report({ ...(message !== undefined ? { message } : {}), ...(increment !== undefined ? { increment } : {}) });
        };
        report(job.info());
        const off = this.runner.subscribe((e) => {
          if (e.job.id === job.id && !isFinished(e.job.status)) report(e.job);
        });
        return job.done.finally(off);
      }),
    );
  }

  /** "Labeling: Show Jobs": recent jobs with state and duration; pick one to show its log or cancel it. */
  async showJobs(): Promise<void> {
    const now = Date.now();
    const jobs = this.runner.list().reverse();
    if (!jobs.length) {
      void vscode.window.showInformationMessage('No jobs have run yet: exports, imports, refreshes and rebuilds run as jobs.');
      return;
    }
    const picked = await vscode.window.showQuickPick(
      jobs.map((j) => ({ label: `${STATUS_ICON[j.status]} ${j.title}`, ...jobDescription(j, now), id: j.id })),
      { title: 'Data Labeling Jobs', placeHolder: 'Pick a job to show its log or cancel it', matchOnDescription: true },
    );
    const job = picked && this.runner.get(picked.id);
    if (!job) return;
    const actions = [
      { label: '$(output) Show Log', action: 'log' as const },
      ...(isFinished(job.status) ? [] : [{ label: '$(close) Cancel Job', action: 'cancel' as const }]),
    ];
    const action = await vscode.window.showQuickPick(actions, { title: `${job.title} (${job.status}, ${jobDuration(job, Date.now())})` });
    if (action?.action === 'log') await this.showLog(job.id);
    if (action?.action === 'cancel') this.runner.cancel(job.id, 'Cancelled by the user.');
  }

  /** Opens the job's log as a read-only document that follows the job while it runs. */
  async showLog(id: string): Promise<void> {
    const job = this.runner.get(id);
    if (!job) return;
    const doc = await vscode.workspace.openTextDocument(logUri(job));
    await vscode.window.showTextDocument(doc, { preview: true });
  }

  private onEvent(e: JobEvent): void {
    const active = this.runner.list().filter((j) => !isFinished(j.status));
    const shown = statusBarText(active);
    if (shown) {
      this.statusItem.text = shown.text;
      this.statusItem.tooltip = shown.tooltip;
      this.statusItem.show();
    } else this.statusItem.hide();
    if (e.cause === 'finished') {
      const took = jobDuration(e.job, Date.now());
      if (e.job.status === 'succeeded') this.logger.info(`job "${e.job.title}" succeeded in ${took}`);
      else if (e.job.status === 'cancelled') this.logger.info(`job "${e.job.title}" cancelled after ${took}`);
    }
    const uri = logUri(e.job).toString();
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    if (open) this.logChanged.fire(open.uri);
  }

  dispose(): void {
    this.runner.cancelAll('The extension is shutting down.');
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function logUri(job: Pick<JobInfo, 'id' | 'title'>): vscode.Uri {
  return vscode.Uri.from({ scheme: JOB_LOG_SCHEME, path: `/${job.id}/${job.title.replace(/[\\/:*?"<>|]+/g, '-')}.log` });
}

function jobIdOf(uri: vscode.Uri): string {
  return uri.path.split('/')[1] ?? '';
}
