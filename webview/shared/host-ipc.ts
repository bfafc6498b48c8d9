/**
 * The only way webview code talks to the extension host. Components never call acquireVsCodeApi():
 * they get a HostIpc, which tests construct over a fake transport.
 */
import {
  ReadyCommand,
  isWireMessage,
  type HostTimings,
  type IpcCommand,
  type IpcError,
  type IpcNotification,
  type IpcRequest,
  type WireMessage,
} from '../../src/protocol/ipc';

/**
 * One timing mark for `npm run bench:ui` (src/protocol/labeler.ts says which marks are taken). `t` is
 * performance.now() in the webview; `host` the host's durations of a reply (LABELING_TIMINGS=1).
 */
export interface LblTiming {
  mark: string;
  method: string;
  t: number;
  host?: HostTimings;
  decoded?: boolean;
}
declare global {
  interface Window {
    __lblTimings?: LblTiming[];
  }
}
const MAX_TIMINGS = 2000;

/** Appends a timing mark to window.__lblTimings (the last MAX_TIMINGS kept). */
export function mark(m: string, method: string, extra: Partial<Pick<LblTiming, 'host' | 'decoded'>> = {}): void {
  const list = (window.__lblTimings ??= []);
  list.push({ mark: m, method, t: performance.now(), ...extra });
  if (list.length > MAX_TIMINGS) list.splice(0, list.length - MAX_TIMINGS);
}

/**
 * The first state or model a host embedded in the page (webviewHtml's `initial`: a JSON data block
 * `#lbl-initial`), so the first paint needs no round trip; undefined when there is none or it does not parse.
 */
export function embeddedInitial<T>(): T | undefined {
  const el = document.getElementById('lbl-initial');
  if (!el?.textContent) return undefined;
  try {
    return JSON.parse(el.textContent) as T;
  } catch {
    return undefined; // the host's notification after ready brings it
  }
}

export interface Transport {
  post(message: WireMessage): void;
  /** Registers the receiver of host messages; returns an unsubscribe function. */
  listen(receiver: (message: WireMessage) => void): () => void;
  /** UI-only state that survives the panel being hidden (never labels). */
  getState(): unknown;
  setState(state: unknown): void;
}

export class HostRequestError extends Error {
  constructor(readonly reason: string, message: string) {
    super(message);
  }
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** The real transport, over the VS Code webview API. Call once per page. */
export function vscodeTransport(): Transport {
  const api = acquireVsCodeApi();
  return {
    post: (m) => api.postMessage(m),
    listen(receiver) {
      const h = (e: MessageEvent) => {
        if (isWireMessage(e.data)) receiver(e.data);
      };
      window.addEventListener('message', h);
      return () => window.removeEventListener('message', h);
    },
    getState: () => api.getState(),
    setState: (s) => api.setState(s),
  };
}

export class HostIpc {
  private nextId = 1;
  private readonly pending = new Map<number, { method: string; resolve(v: unknown): void; reject(e: Error): void; timer: ReturnType<typeof setTimeout> }>();
  private readonly handlers = new Map<string, Set<(params: unknown) => void>>();
  private readonly unlisten: () => void;

  constructor(private readonly transport: Transport, private readonly timeoutMs = 15000) {
    this.unlisten = transport.listen((m) => this.receive(m));
  }

  /** Says ready; the host answers with a state notification. */
  ready(): void {
    this.send(ReadyCommand, undefined);
  }

  send<P>(cmd: IpcCommand<P>, params: P): void {
    this.transport.post({ type: 'command', method: cmd.method, params });
  }

  request<P, R>(req: IpcRequest<P, R>, params: P): Promise<R> {
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new HostRequestError('timeout', `The extension did not answer ${req.method} within ${this.timeoutMs / 1000} s.`));
      }, this.timeoutMs);
      this.pending.set(id, { method: req.method, resolve: resolve as (v: unknown) => void, reject, timer });
      mark('send', req.method);
      this.transport.post({ type: 'request', id, method: req.method, params });
    });
  }

  on<P>(n: IpcNotification<P>, handler: (params: P) => void): () => void {
    let set = this.handlers.get(n.method);
    if (!set) this.handlers.set(n.method, (set = new Set()));
    const h = handler as (p: unknown) => void;
    set.add(h);
    return () => set!.delete(h);
  }

  getUiState<T>(): T | undefined {
    return this.transport.getState() as T | undefined;
  }
  setUiState<T>(state: T): void {
    this.transport.setState(state);
  }

  dispose(): void {
    this.unlisten();
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new HostRequestError('disposed', 'The view was closed.'));
    }
    this.pending.clear();
  }

  private receive(m: WireMessage): void {
    if (m.type === 'response') {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      mark('reply', p.method, m.ok && m.timings ? { host: m.timings } : {});
      if (m.ok) p.resolve(m.result);
      else p.reject(new HostRequestError((m.error as IpcError).reason, (m.error as IpcError).message));
    } else if (m.type === 'notification') {
      for (const h of this.handlers.get(m.method) ?? []) h(m.params);
    }
  }
}
