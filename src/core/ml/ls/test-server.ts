/**
 * For tests: a small Label Studio ML backend on 127.0.0.1 (an ephemeral port) that speaks the protocol
 * of label_studio_ml/api.py: GET /health, POST /setup, POST /predict, POST /webhook, HTTP Basic auth
 * when a user is set (401 with WWW-Authenticate otherwise). It records every request; /predict answers
 * with `predict(task, request)` per task (by default the CANNED result of the config's project type),
 * or `override` answers instead.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROJECT_TYPES, type Annotation, type ProjectType } from '../../model';
import type { LsItem } from './convert';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization?: string;
  body: unknown;
}

export interface Answer {
  status: number;
  /** Sent as JSON unless a string. */
  body: unknown;
  /** Wait this long before answering (for timeouts). */
  delayMs?: number;
}

export interface TestBackend {
  url: string;
  requests: RecordedRequest[];
  /** The LS prediction(s) for one task of a /predict request. */
  predict: (task: { id: number; data: Record<string, unknown> }, request: Record<string, unknown>) => unknown;
  /** When set, answers every request of that path (before auth is checked only for /health). */
  override: Partial<Record<string, (req: RecordedRequest) => Answer>>;
  /** Answer /predict with the bare list of older backends instead of {results}. */
  bareList: boolean;
  modelVersion: string;
  close(): Promise<void>;
}

export async function startTestBackend(auth?: { user: string; password: string }): Promise<TestBackend> {
  const open = new Set<ServerResponse>();
  const backend: TestBackend = {
    url: '',
    requests: [],
    predict: (_task, request) => ({ result: CANNED[typeOfConfig(String(request.label_config))].result, score: 0.75, model_version: backend.modelVersion }),
    override: {},
    bareList: false,
    modelVersion: 'test-model-1',
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of open) r.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const expected = auth ? 'Basic ' + Buffer.from(`${auth.user}:${auth.password}`).toString('base64') : undefined;

  const server: Server = createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = undefined;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      return send(res, { status: 400, body: { status: 400, detail: 'JSONDecodeError: body is not JSON' } });
    }
    const path = (req.url ?? '/').split('?')[0]!;
    const rec: RecordedRequest = { method: req.method ?? '', path, body, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) };
    backend.requests.push(rec);
    if (expected && req.headers.authorization !== expected) {
      res.setHeader('WWW-Authenticate', 'Basic realm="Login required"');
      return send(res, { status: 401, body: 'Unauthorized' });
    }
    const override = backend.override[path];
    if (override) return send(res, override(rec));
    const b = (body ?? {}) as Record<string, unknown>;
    if (req.method === 'GET' && (path === '/health' || path === '/')) return send(res, { status: 200, body: { status: 'UP', model_class: 'TestModel' } });
    if (req.method === 'POST' && path === '/setup') {
      if (typeof b.project !== 'string' || typeof b.schema !== 'string') return send(res, flaskError('AttributeError: project and schema are needed'));
      return send(res, { status: 200, body: { model_version: backend.modelVersion } });
    }
    if (req.method === 'POST' && path === '/predict') {
      if (!Array.isArray(b.tasks) || typeof b.label_config !== 'string') return send(res, flaskError('TypeError: tasks and label_config are needed'));
      const results = (b.tasks as { id: number; data: Record<string, unknown> }[]).map((t) => backend.predict(t, b));
      return send(res, { status: 200, body: backend.bareList ? results : { results } });
    }
    if (req.method === 'POST' && path === '/webhook') {
      const known = ['ANNOTATION_CREATED', 'ANNOTATION_UPDATED', 'ANNOTATION_DELETED', 'START_TRAINING'];
      if (!known.includes(String(b.action))) return send(res, { status: 200, body: { status: 'Unknown event' } });
      const project = b.project as Record<string, unknown> | undefined;
      if (!project || project.id === undefined || typeof project.label_config !== 'string') return send(res, flaskError("KeyError: 'project'"));
      return send(res, { status: 201, body: { result: { event: b.action }, status: 'ok' } });
    }
    return send(res, { status: 404, body: 'Not Found' });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  backend.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return backend;
}

/** What label_studio_ml's exception_handler answers for an exception. */
export function flaskError(detail: string): Answer {
  return { status: 500, body: { status: 500, detail, result: { traceback: 'Traceback (most recent call last):\n  ...' } } };
}

function send(res: ServerResponse, a: Answer): void {
  const reply = (): void => {
    if (res.destroyed) return;
    const text = typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
    res.writeHead(a.status, { 'content-type': typeof a.body === 'string' ? 'text/html' : 'application/json' });
    res.end(text);
  };
  if (a.delayMs) setTimeout(reply, a.delayMs).unref();
  else reply();
}

export const TEXT = 'We gave Jane Smith the ball in Paris.';

/** The project types whose annotations are plain JSON (a mask names a stored blob: convert.test.ts tests masks apart). */
export type ShapeProjectType = Exclude<ProjectType, 'image-semantic-segmentation'>;
export const SHAPE_PROJECT_TYPES = PROJECT_TYPES.filter((t): t is ShapeProjectType => t !== 'image-semantic-segmentation');

/** One annotation of each project type, with an item it fits. */
export const SAMPLES: Record<ShapeProjectType, { item: LsItem; annotation: Annotation; labels: string[] }> = {
  'text-classification': { item: { key: 't.txt', text: TEXT }, annotation: { kind: 'classes', labels: ['pos'] }, labels: ['pos', 'neg'] },
  'text-multilabel': { item: { key: 't.txt', text: TEXT }, annotation: { kind: 'classes', labels: ['sport', 'travel'] }, labels: ['sport', 'travel', 'food'] },
  'text-ner': {
    item: { key: 't.txt', text: TEXT },
    annotation: { kind: 'spans', spans: [{ start: 8, end: 18, label: 'Person' }, { start: 31, end: 36, label: 'Place' }] },
    labels: ['Person', 'Place'],
  },
  'image-classification': { item: { key: 'a.jpg', width: 640, height: 480 }, annotation: { kind: 'classes', labels: ['cat'] }, labels: ['cat', 'dog'] },
  'image-multilabel': { item: { key: 'a.jpg', width: 640, height: 480 }, annotation: { kind: 'classes', labels: ['cat', 'dog'] }, labels: ['cat', 'dog'] },
  'image-detection': {
    item: { key: 'a.jpg', width: 640, height: 480 },
    annotation: { kind: 'boxes', boxes: [{ label: 'cat', x: 10, y: 20, w: 100.5, h: 50 }, { label: 'dog', x: 300, y: 0, w: 340, h: 480 }] },
    labels: ['cat', 'dog'],
  },
  'image-segmentation': {
    item: { key: 'a.jpg', width: 640, height: 480 },
    annotation: { kind: 'polygons', polygons: [{ label: 'cat', rings: [[10, 10, 200, 15, 120, 300.25]] }] },
    labels: ['cat', 'dog'],
  },
};

/**
 * What a backend written in Python would answer for each project type, for TEXT and a 640 x 480 image,
 * as literal LS JSON, with the annotation it must become.
 */
export const CANNED: Record<ShapeProjectType, { result: unknown[]; expected: Annotation }> = {
  'text-classification': {
    result: [{ from_name: 'choice', to_name: 'text', type: 'choices', value: { choices: ['neg'] } }],
    expected: { kind: 'classes', labels: ['neg'] },
  },
  'text-multilabel': {
    result: [{ from_name: 'choice', to_name: 'text', type: 'choices', value: { choices: ['travel', 'food'] } }],
    expected: { kind: 'classes', labels: ['travel', 'food'] },
  },
  'text-ner': {
    result: [
      { from_name: 'label', to_name: 'text', type: 'labels', value: { start: 31, end: 36, text: 'Paris', labels: ['Place'] }, score: 0.7 },
      { from_name: 'label', to_name: 'text', type: 'labels', value: { start: 8, end: 12, text: 'Jane', labels: ['Person'] }, score: 0.9 },
    ],
    expected: { kind: 'spans', spans: [{ start: 31, end: 36, label: 'Place' }, { start: 8, end: 12, label: 'Person' }] },
  },
  'image-classification': {
    result: [{ from_name: 'choice', to_name: 'image', type: 'choices', value: { choices: ['dog'] } }],
    expected: { kind: 'classes', labels: ['dog'] },
  },
  'image-multilabel': {
    result: [{ from_name: 'choice', to_name: 'image', type: 'choices', value: { choices: ['dog', 'cat'] } }],
    expected: { kind: 'classes', labels: ['dog', 'cat'] },
  },
  'image-detection': {
    result: [{
      from_name: 'label', to_name: 'image', type: 'rectanglelabels', original_width: 640, original_height: 480, image_rotation: 0,
      value: { x: 25, y: 50, width: 12.5, height: 25, rotation: 0, rectanglelabels: ['dog'] }, score: 0.8,
    }],
    expected: { kind: 'boxes', boxes: [{ label: 'dog', x: 160, y: 240, w: 80, h: 120 }] },
  },
  'image-segmentation': {
    result: [{
      from_name: 'label', to_name: 'image', type: 'polygonlabels', original_width: 640, original_height: 480, image_rotation: 0,
      value: { points: [[0, 0], [50, 0], [50, 50], [0, 100]], closed: true, polygonlabels: ['cat'] },
    }],
    expected: { kind: 'polygons', polygons: [{ label: 'cat', rings: [[0, 0, 320, 0, 320, 240, 0, 480]] }] },
  },
};

/** The project type a label config of labelConfigXml is for (what a real backend reads from it). */
export function typeOfConfig(xml: string): ShapeProjectType {
  const image = xml.includes('<Image ');
  if (xml.includes('<RectangleLabels')) return 'image-detection';
  if (xml.includes('<PolygonLabels')) return 'image-segmentation';
  if (xml.includes('<Labels')) return 'text-ner';
  const multi = xml.includes('choice="multiple"');
  return image ? (multi ? 'image-multilabel' : 'image-classification') : multi ? 'text-multilabel' : 'text-classification';
}
