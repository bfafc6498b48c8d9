import * as vscode from 'vscode';
import { asLabelingError, LabelingError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { isWireMessage, type HostTimings, type IpcCommand, type IpcNotification, type IpcRequest } from '../../protocol/ipc';
import { Disposable } from '../util/lifecycle';

/** Marks the end of a named part of handling a request (a no-op unless LABELING_TIMINGS=1). */
export type Lap = (name: string) => void;
type Handler = (params: unknown, lap: Lap) => unknown;

/** LABELING_TIMINGS=1 in the extension host's environment: answers carry HostTimings (npm run bench:ui). */
const TIMINGS = process.env.LABELING_TIMINGS === '1';
const noLap: Lap = () => undefined;

/**
 * The host end of a webview's typed protocol: dispatches commands and requests to handlers registered
 * with their descriptors, answers requests with a result or a typed error, and posts notifications.
 */
export class IpcHost extends Disposable {
  private readonly commands = new Map<string, Handler>();
  private readonly requests = new Map<string, Handler>();

  constructor(private readonly webview: vscode.Webview, private readonly logger: Logger, private readonly name: string) {
    super();
    this._register(webview.onDidReceiveMessage((m) => void this.receive(m)));
  }

  onCommand<P>(cmd: IpcCommand<P>, handler: (params: P) => unknown): void {
    this.commands.set(cmd.method, handler as Handler);
  }

  onRequest<P, R>(req: IpcRequest<P, R>, handler: (params: P, lap: Lap) => Promise<R> | R): void {
    this.requests.set(req.method, handler as Handler);
  }

  notify<P>(n: IpcNotification<P>, params: P): Thenable<boolean> {
    return this.webview.postMessage({ type: 'notification', method: n.method, params });
  }

  private async receive(m: unknown): Promise<void> {
    if (!isWireMessage(m)) return;
    if (m.type === 'command') {
      const h = this.commands.get(m.method);
      if (!h) return this.logger.warn(`${this.name}: unknown command ${m.method}`);
      try {
        await h(m.params, noLap);
      } catch (e) {
        this.logger.error(`${this.name}: ${m.method} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        void vscode.window.showErrorMessage(asLabelingError(e)?.message ?? (e instanceof Error ? e.message : String(e)));
      }
    } else if (m.type === 'request') {
      const h = this.requests.get(m.method);
      const start = performance.now();
      const recvAt = TIMINGS ? Date.now() : 0;
      let timings: HostTimings | undefined;
      let last = start;
      const lap: Lap = TIMINGS
        ? (name) => {
            const now = performance.now();
            (timings ??= {})[name] = now - last;
            last = now;
          }
        : noLap;
      try {
        if (!h) throw new LabelingError('not-found', `unknown request ${m.method}`);
        const result = await h(m.params, lap);
        // recvAt/sentAt (epoch ms) split the transport into its two directions against the webview's clock.
        if (TIMINGS) timings = { ...timings, total: performance.now() - start, recvAt, sentAt: Date.now() };
        await this.webview.postMessage({ type: 'response', id: m.id, ok: true, result, ...(timings ? { timings } : {}) });
      } catch (e) {
        // Core errors and I/O errors (one line naming the path and the cause) go to the webview as they are.
        const known = asLabelingError(e);
        if (!known) this.logger.error(`${this.name}: ${m.method} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        const error = known ? { reason: known.reason, message: known.message } : { reason: 'error' as const, message: e instanceof Error ? e.message : String(e) };
        await this.webview.postMessage({ type: 'response', id: m.id, ok: false, error });
      }
    }
  }
}
