/**
 * Typed messages between the extension host and a webview. Each webview has its own protocol module
 * built from these descriptors; both sides import it, so a message's name and payload types can never
 * drift apart.
 *   command       webview -> host, no answer
 *   request       webview -> host, answered with a typed result or a typed error (correlation id, timeout)
 *   notification  host -> webview (full state snapshots; a protocol may add deltas that name the version they apply to)
 */

export interface IpcCommand<P> {
  readonly kind: 'command';
  readonly method: string;
  /** Phantom: carries the params type only. */
  readonly params?: P;
}
export interface IpcRequest<P, R> {
  readonly kind: 'request';
  readonly method: string;
  readonly params?: P;
  readonly result?: R;
}
export interface IpcNotification<P> {
  readonly kind: 'notification';
  readonly method: string;
  readonly params?: P;
}

export const command = <P = void>(method: string): IpcCommand<P> => ({ kind: 'command', method });
export const request = <P, R>(method: string): IpcRequest<P, R> => ({ kind: 'request', method });
export const notification = <P>(method: string): IpcNotification<P> => ({ kind: 'notification', method });

export type ParamsOf<T> = T extends IpcCommand<infer P> ? P : T extends IpcRequest<infer P, unknown> ? P : T extends IpcNotification<infer P> ? P : never;
export type ResultOf<T> = T extends IpcRequest<unknown, infer R> ? R : never;

/** Error answer to a request; `reason` mirrors core's ErrorReason plus transport failures. */
export interface IpcError {
  reason: string;
  message: string;
}

/**
 * Host-side durations of one request in ms (named laps in the order taken, and `total` from receipt to
 * answer, plus `recvAt` and `sentAt`: Date.now() at receipt and just before the answer is posted), sent
 * only when the extension host runs with LABELING_TIMINGS=1 (for `npm run bench:ui`).
 */
export type HostTimings = Record<string, number>;

/** What actually crosses postMessage. */
export type WireMessage =
  | { type: 'command'; method: string; params: unknown }
  | { type: 'request'; id: number; method: string; params: unknown }
  | { type: 'response'; id: number; ok: true; result: unknown; timings?: HostTimings }
  | { type: 'response'; id: number; ok: false; error: IpcError }
  | { type: 'notification'; method: string; params: unknown };

export function isWireMessage(m: unknown): m is WireMessage {
  if (typeof m !== 'object' || m === null) return false;
  const t = (m as { type?: unknown }).type;
  return t === 'command' || t === 'request' || t === 'response' || t === 'notification';
}

/** Every webview sends this first; the host answers with a full state snapshot. */
export const ReadyCommand = command<void>('ready');
