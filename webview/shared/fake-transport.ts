/**
 * A Transport for component tests and the benchmark: records what the webview posts, lets the test
 * push host notifications, and answers requests through a handler (default: an empty success).
 */
import type { IpcNotification, WireMessage } from '../../src/protocol/ipc';
import type { Transport } from './host-ipc';

export type RequestHandler = (method: string, params: unknown) => { ok: true; result: unknown } | { ok: false; reason: string; message: string };

export class FakeTransport implements Transport {
  readonly sent: WireMessage[] = [];
  private receiver?: (m: WireMessage) => void;
  private uiState: unknown;

  constructor(public handler: RequestHandler = () => ({ ok: true, result: {} })) {}

  post(message: WireMessage): void {
    this.sent.push(message);
    if (message.type !== 'request') return;
    const r = this.handler(message.method, message.params);
    const reply: WireMessage = r.ok
      ? { type: 'response', id: message.id, ok: true, result: r.result }
      : { type: 'response', id: message.id, ok: false, error: { reason: r.reason, message: r.message } };
    queueMicrotask(() => this.receiver?.(reply));
  }

  listen(receiver: (message: WireMessage) => void): () => void {
    this.receiver = receiver;
    return () => (this.receiver = undefined);
  }

  getState(): unknown {
    return this.uiState;
  }

  setState(state: unknown): void {
    this.uiState = state;
  }

  /** Delivers a host notification synchronously. */
  notify<P>(n: IpcNotification<P>, params: P): void {
    this.receiver?.({ type: 'notification', method: n.method, params });
  }

  /** Methods of the requests and commands sent so far, in order. */
  get methods(): string[] {
    return this.sent.map((m) => ('method' in m ? m.method : m.type));
  }

  /** Params of the last message sent with `method`. */
  lastParams(method: string): unknown {
    for (let i = this.sent.length - 1; i >= 0; i--) {
      const m = this.sent[i]!;
      if ('method' in m && m.method === method) return m.params;
    }
    return undefined;
  }
}
