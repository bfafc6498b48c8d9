/**
 * A client of the Label Studio ML backend protocol (label_studio_ml/api.py): GET /health, POST /setup,
 * POST /predict, POST /webhook. Requests are JSON over Node's global fetch, with optional HTTP Basic
 * auth (never logged nor put in a message), a timeout per request and the caller's AbortSignal.
 * Every failure is a LabelingError naming the URL (without credentials): 'io' for a backend that
 * cannot be reached, times out or answers an HTTP error (with the status and a short excerpt of the
 * body), 'invalid-input' for an answer of the wrong shape (with the JSON path of the field),
 * 'cancelled' when the caller's signal aborts.
 */
import { LabelingError, throwIfAborted } from '../../errors';
import { isObject } from '../../formats/import-common';
import type { ProjectDef } from '../../model';
import { labelConfigXml } from './config';
import { fromLsPrediction, toTask, type LsItem, type LsPrediction, type LsTask } from './convert';

export interface LsBackendOptions {
  /** Base URL of the backend, e.g. http://localhost:9090 */
  url: string;
  /** HTTP Basic credentials (BASIC_AUTH_USER / BASIC_AUTH_PASS of the backend). */
  user?: string;
  password?: string;
  /** Per request, in ms. Defaults: health and setup 10 s, predict and webhook 100 s (Label Studio's). */
  timeoutMs?: number;
}

export interface LsProjectRef {
  /** Sent as `project`: Label Studio sends "<id>.<created at, unix seconds>". */
  project: string;
  labelConfig: string;
}

/** The project reference Label Studio would send for this project: "<id>.<created at, unix seconds>". */
export function lsProject(def: Pick<ProjectDef, 'id' | 'type' | 'labels' | 'createdAt'>): LsProjectRef {
  const t = Date.parse(def.createdAt);
  return { project: Number.isFinite(t) ? `${def.id}.${Math.floor(t / 1000)}` : def.id, labelConfig: labelConfigXml(def) };
}

export interface PredictOptions {
  /** An image item's URL or path as the backend fetches it. */
  urlOf: (item: LsItem) => string;
  /** Tasks per /predict request (default 32). */
  batchSize?: number;
  /** Called after each batch with the items done so far and the total. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  /** `params` of the request: task data login/password (for the backend to fetch data) and context. */
  login?: string;
  dataPassword?: string;
  context?: Record<string, unknown>;
}

/** The predictions of one item, in the order the backend gave them (usually one). */
export interface ItemPredictions {
  key: string;
  predictions: LsPrediction[];
}

const SHORT_TIMEOUT = 10_000;
const LONG_TIMEOUT = 100_000;
const EXCERPT = 200;

export class LsBackend {
  /** The base URL without user name, password, query or fragment: what requests and messages use. */
  private readonly base: string;
  private readonly auth: string | undefined;

  constructor(private readonly opts: LsBackendOptions) {
    let u: URL;
    try {
      u = new URL(opts.url);
    } catch {
      throw new LabelingError('invalid-input', `not a URL: ${JSON.stringify(opts.url)}`, { field: 'mlAssist.backendUrl' });
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      throw new LabelingError('invalid-input', `an ML backend URL is http: or https: (got ${u.protocol})`, { field: 'mlAssist.backendUrl' });
    }
    const user = opts.user ?? (u.username ? decodeURIComponent(u.username) : undefined);
    const password = opts.password ?? (u.password ? decodeURIComponent(u.password) : undefined);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    this.base = u.href.replace(/\/+$/, '');
    this.auth = user !== undefined || password !== undefined ? 'Basic ' + Buffer.from(`${user ?? ''}:${password ?? ''}`).toString('base64') : undefined;
  }

  /** GET /health: `{status: "UP", model_class}`; anything but UP is an error. */
  async health(signal?: AbortSignal): Promise<{ status: string; modelClass?: string }> {
    const body = await this.request('GET', '/health', undefined, signal, SHORT_TIMEOUT);
    if (!isObject(body) || typeof body.status !== 'string') throw this.malformed('/health', 'status', 'must be a string ("UP")');
    if (body.status !== 'UP') throw new LabelingError('io', `the backend is not up (status ${JSON.stringify(body.status)})`, { file: this.url('/health') });
    return { status: body.status, ...(typeof body.model_class === 'string' ? { modelClass: body.model_class } : {}) };
  }

  /** POST /setup with the project and its config; answers the backend's model_version. */
  async setup(
    ref: LsProjectRef,
    extra: { hostname?: string; accessToken?: string; modelVersion?: string; extraParams?: Record<string, unknown> } = {},
    signal?: AbortSignal,
  ): Promise<{ modelVersion?: string }> {
    const body = await this.request('POST', '/setup', {
      project: ref.project,
      schema: ref.labelConfig,
      hostname: extra.hostname ?? '',
      access_token: extra.accessToken ?? '',
      ...(extra.modelVersion !== undefined ? { model_version: extra.modelVersion } : {}),
      ...(extra.extraParams ? { extra_params: extra.extraParams } : {}),
    }, signal, SHORT_TIMEOUT);
    if (!isObject(body)) throw this.malformed('/setup', '', 'must be an object {model_version}');
    const mv = body.model_version;
    if (mv !== undefined && mv !== null && typeof mv !== 'string' && typeof mv !== 'number') throw this.malformed('/setup', 'model_version', 'must be a string');
    return mv === undefined || mv === null || mv === '' ? {} : { modelVersion: String(mv) };
  }

  /**
   * POST /predict of raw LS tasks: per task, its list of raw predictions (the backend may give one
   * prediction or several per task). Accepts `{results: [...]}` and the bare list of older backends.
   */
  async predictTasks(
    ref: LsProjectRef,
    tasks: LsTask[],
    params: { login?: string; password?: string; context?: Record<string, unknown> } = {},
    signal?: AbortSignal,
  ): Promise<{ perTask: { prediction: unknown; field: string }[][]; modelVersion?: string }> {
    const body = await this.request('POST', '/predict', {
      tasks,
      project: ref.project,
      label_config: ref.labelConfig,
      params: { login: params.login ?? null, password: params.password ?? null, context: params.context ?? {} },
    }, signal, LONG_TIMEOUT);
    const list = Array.isArray(body) ? body : isObject(body) ? body.results : undefined;
    const root = Array.isArray(body) ? '$' : 'results';
    if (!Array.isArray(list)) throw this.malformed('/predict', 'results', 'must be a list (one entry per task)');
    if (list.length !== tasks.length) throw this.malformed('/predict', 'results', `has ${list.length} entries for ${tasks.length} task(s)`);
    const modelVersion = isObject(body) && typeof body.model_version === 'string' ? body.model_version : undefined;
    const perTask = list.map((entry, i) =>
      Array.isArray(entry) ? entry.map((p, j) => ({ prediction: p, field: `${root}[${i}][${j}]` })) : [{ prediction: entry, field: `${root}[${i}]` }],
    );
    return { perTask, ...(modelVersion ? { modelVersion } : {}) };
  }

  /** Predictions for items, in batches, converted to this project's annotations. */
  async predict(def: Pick<ProjectDef, 'type' | 'labels'>, ref: LsProjectRef, items: LsItem[], opts: PredictOptions): Promise<ItemPredictions[]> {
    const size = Math.max(1, Math.floor(opts.batchSize ?? 32));
    const out: ItemPredictions[] = [];
    const file = this.url('/predict');
    for (let i = 0; i < items.length; i += size) {
      throwIfAborted(opts.signal);
      const batch = items.slice(i, i + size);
      const tasks = batch.map((item, j) => toTask(def, item, i + j + 1, opts.urlOf));
      const { perTask, modelVersion } = await this.predictTasks(ref, tasks, {
        ...(opts.login !== undefined ? { login: opts.login } : {}),
        ...(opts.dataPassword !== undefined ? { password: opts.dataPassword } : {}),
        ...(opts.context ? { context: opts.context } : {}),
      }, opts.signal);
      batch.forEach((item, j) => {
        const predictions = perTask[j]!.map(({ prediction, field }) => fromLsPrediction(def, item, prediction, { file, field }, modelVersion));
        out.push({ key: item.key, predictions });
      });
      opts.onProgress?.(Math.min(i + size, items.length), items.length);
    }
    return out;
  }

  /** POST /webhook {action: "START_TRAINING", project: {id, label_config}}; answers the backend's JSON. */
  startTraining(ref: LsProjectRef, signal?: AbortSignal): Promise<unknown> {
    return this.webhook('START_TRAINING', ref, {}, signal);
  }

  /**
   * POST /webhook for an annotation event, as Label Studio sends it: the task and the annotation
   * (`result` in LS terms, see toLsResult; `task` inside it is the task id).
   */
  annotationEvent(
    action: 'ANNOTATION_CREATED' | 'ANNOTATION_UPDATED' | 'ANNOTATION_DELETED',
    ref: LsProjectRef,
    task: LsTask,
    annotation: { id: number; result: unknown[]; completed_by?: string; created_at?: string },
    signal?: AbortSignal,
  ): Promise<unknown> {
    return this.webhook(action, ref, { task, annotation: { ...annotation, task: task.id } }, signal);
  }

  private webhook(action: string, ref: LsProjectRef, rest: Record<string, unknown>, signal?: AbortSignal): Promise<unknown> {
    const project = { id: ref.project.split('.', 1)[0], label_config: ref.labelConfig };
    return this.request('POST', '/webhook', { action, project, ...rest }, signal, LONG_TIMEOUT);
  }

  private url(path: string): string {
    return this.base + path;
  }

  private malformed(path: string, field: string, message: string): LabelingError {
    return new LabelingError('invalid-input', `the backend's answer ${message}`, { file: this.url(path), ...(field ? { field } : {}) });
  }

  private async request(method: 'GET' | 'POST', path: string, body: unknown, signal: AbortSignal | undefined, defaultTimeout: number): Promise<unknown> {
    throwIfAborted(signal);
    const file = this.url(path);
    const ms = this.opts.timeoutMs ?? defaultTimeout;
    const timeout = AbortSignal.timeout(ms);
    const both = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.auth) headers.authorization = this.auth;
    let text: string;
    let status: number;
    let statusText: string;
    try {
      const res = await fetch(this.base + path, { method, headers, signal: both, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
      status = res.status;
      statusText = res.statusText;
      text = await res.text();
    } catch (e) {
      if (signal?.aborted) throw new LabelingError('cancelled', 'Cancelled.', { file }, { cause: e });
      if (timeout.aborted) throw new LabelingError('io', `no answer within ${ms / 1000} s`, { file }, { cause: e });
      throw new LabelingError('io', `cannot reach the ML backend: ${networkCause(e)}`, { file }, { cause: e });
    }
    if (status < 200 || status >= 300) {
      const hint = status === 401 || status === 403 ? ' (check the backend user name and password)' : '';
      const excerpt = bodyExcerpt(text);
      throw new LabelingError('io', `HTTP ${status}${statusText ? ' ' + statusText : ''}${hint}${excerpt ? `: ${excerpt}` : ''}`, { file });
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new LabelingError('invalid-input', `the backend's answer is not JSON: ${bodyExcerpt(text) || '(empty)'}`, { file });
    }
  }
}

/** The cause of a failed fetch in one phrase: "connection refused (ECONNREFUSED)". */
function networkCause(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code;
  const words: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    ECONNRESET: 'the connection was reset',
    EHOSTUNREACH: 'host unreachable',
    ETIMEDOUT: 'the connection timed out',
  };
  if (code) return `${words[code] ?? cause?.message ?? 'failed'} (${code})`;
  return cause?.message ?? (e instanceof Error ? e.message : String(e));
}

/** The message of a Flask error answer (`detail`, `error`, `message`) or the body's start, on one line. */
function bodyExcerpt(text: string): string {
  let s = text;
  try {
    const j = JSON.parse(text) as unknown;
    if (isObject(j)) for (const k of ['detail', 'error', 'message']) if (typeof j[k] === 'string') { s = j[k] as string; break; }
  } catch {
    // not JSON: the text as it is
  }
  s = s.replace(/\s+/g, ' ').trim();
  return s.length > EXCERPT ? s.slice(0, EXCERPT) + '…' : s;
}
