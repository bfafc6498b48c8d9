import { strict as assert } from 'node:assert';
import { createServer } from 'node:net';
import { LabelingError } from '../../errors';
import type { ProjectType } from '../../model';
import { aDef } from '../../formats/test-support';
import { LsBackend, lsProject } from './client';
import { labelConfigXml } from './config';
import { toLsResult, type LsItem } from './convert';
import { CANNED, flaskError, SAMPLES, SHAPE_PROJECT_TYPES, startTestBackend, TEXT, type TestBackend } from './test-server';

const AUTH = { user: 'ml-user', password: 's3cret pass:word' };

function itemsOf(type: ProjectType, n: number): LsItem[] {
  return Array.from({ length: n }, (_, i) => (type.startsWith('image') ? { key: `img/${i}.jpg`, width: 640, height: 480 } : { key: `t.csv#${i + 1}`, text: TEXT }));
}

async function rejects(p: Promise<unknown>, check: (e: LabelingError) => void): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof LabelingError, String(e));
    check(e);
    return true;
  });
}

describe('Label Studio ML backend client', function () {
  let server: TestBackend;
  let client: LsBackend;
  beforeEach(async () => {
    server = await startTestBackend(AUTH);
    client = new LsBackend({ url: server.url + '/', ...AUTH });
  });
  afterEach(() => server.close());

  it('health: UP with the model class, sending Basic auth', async () => {
    assert.deepEqual(await client.health(), { status: 'UP', modelClass: 'TestModel' });
    assert.equal(server.requests[0]!.authorization, 'Basic ' + Buffer.from(`${AUTH.user}:${AUTH.password}`).toString('base64'));
  });

  it('setup sends the project, its XML config, hostname and access token; answers the model version', async () => {
    const def = aDef('image-detection', ['cat', 'dog'], { id: 'cars' });
    const ref = lsProject(def);
    assert.equal(ref.project, `cars.${Date.parse(def.createdAt) / 1000}`);
    assert.deepEqual(await client.setup(ref, { hostname: 'http://127.0.0.1:1', accessToken: 'tok', modelVersion: 'v0' }), { modelVersion: 'test-model-1' });
    const body = server.requests[0]!.body as Record<string, unknown>;
    assert.deepEqual(body, { project: ref.project, schema: labelConfigXml(def), hostname: 'http://127.0.0.1:1', access_token: 'tok', model_version: 'v0' });
  });

  for (const type of SHAPE_PROJECT_TYPES) {
    it(`${type}: predict in batches of 32 with progress, converted to our annotations`, async () => {
      const def = aDef(type, ['pos', 'neg', 'sport', 'travel', 'food', 'Person', 'Place', 'cat', 'dog']);
      const items = itemsOf(type, 70);
      const progress: [number, number][] = [];
      const out = await client.predict(def, lsProject(def), items, { urlOf: (i) => `http://files/${i.key}`, onProgress: (d, t) => progress.push([d, t]) });
      assert.deepEqual(progress, [[32, 70], [64, 70], [70, 70]]);
      const predicts = server.requests.filter((r) => r.path === '/predict');
      assert.equal(predicts.length, 3);
      const first = predicts[0]!.body as { tasks: { id: number; data: Record<string, string> }[]; label_config: string; params: unknown; project: string };
      assert.equal(first.tasks.length, 32);
      assert.equal(first.label_config, labelConfigXml(def));
      assert.deepEqual(first.params, { login: null, password: null, context: {} });
      assert.deepEqual(first.tasks[1], { id: 2, data: type.startsWith('image') ? { image: 'http://files/img/1.jpg' } : { text: TEXT } });
      assert.equal((predicts[2]!.body as typeof first).tasks[0]!.id, 65);
      assert.deepEqual(out.map((o) => o.key), items.map((i) => i.key));
      for (const o of out) {
        assert.equal(o.predictions.length, 1);
        assert.deepEqual(o.predictions[0], { annotation: CANNED[type].expected, confidence: 0.75, modelVersion: 'test-model-1', problems: [] });
      }
    });
  }

  it('several predictions per task, the bare list of older backends and an answer-level model_version', async () => {
    const def = aDef('image-classification', ['cat', 'dog']);
    server.bareList = true;
    server.predict = () => [
      { result: CANNED['image-classification'].result, score: 0.6 },
      { result: [{ type: 'choices', value: { choices: ['cat'] } }], score: 0.3, model_version: 'other' },
    ];
    const [one] = await client.predict(def, lsProject(def), itemsOf('image-classification', 1), { urlOf: (i) => i.key });
    assert.deepEqual(one!.predictions.map((p) => [p.annotation, p.confidence, p.modelVersion]), [
      [{ kind: 'classes', labels: ['dog'] }, 0.6, undefined],
      [{ kind: 'classes', labels: ['cat'] }, 0.3, 'other'],
    ]);
    server.bareList = false;
    server.override['/predict'] = () => ({ status: 200, body: { results: [{ result: [] }], model_version: 'old-style' } });
    const [two] = await client.predict(def, lsProject(def), itemsOf('image-classification', 1), { urlOf: (i) => i.key });
    assert.equal(two!.predictions[0]!.modelVersion, 'old-style');
  });

  it('params carry the data login, password and context', async () => {
    const def = aDef('text-classification', ['neg']);
    await client.predict(def, lsProject(def), itemsOf('text-classification', 1), { urlOf: String, login: 'u', dataPassword: 'p', context: { user: 'alice' } });
    assert.deepEqual((server.requests[0]!.body as { params: unknown }).params, { login: 'u', password: 'p', context: { user: 'alice' } });
  });

  it('webhooks: START_TRAINING with the project, ANNOTATION_CREATED with the task and the annotation', async () => {
    const def = aDef('image-detection', ['cat', 'dog'], { id: 'cars' });
    const ref = lsProject(def);
    assert.deepEqual(await client.startTraining(ref), { result: { event: 'START_TRAINING' }, status: 'ok' });
    const { item, annotation } = SAMPLES['image-detection'];
    const task = { id: 4, data: { image: 'http://files/a.jpg' } };
    const result = toLsResult(def, item, annotation);
    await client.annotationEvent('ANNOTATION_CREATED', ref, task, { id: 9, result, completed_by: 'alice', created_at: '2026-01-02T03:04:05Z' });
    const [start, created] = server.requests.map((r) => r.body);
    assert.deepEqual(start, { action: 'START_TRAINING', project: { id: 'cars', label_config: labelConfigXml(def) } });
    assert.deepEqual(created, {
      action: 'ANNOTATION_CREATED',
      project: { id: 'cars', label_config: labelConfigXml(def) },
      task,
      annotation: { id: 9, result, completed_by: 'alice', created_at: '2026-01-02T03:04:05Z', task: 4 },
    });
  });

  it('401 without the right password, naming the URL and never the password', async () => {
    const wrong = new LsBackend({ url: server.url, user: AUTH.user, password: 'nope-pass' });
    await rejects(wrong.health(), (e) => {
      assert.equal(e.reason, 'io');
      assert.equal(e.message, `${server.url}/health: HTTP 401 Unauthorized (check the backend user name and password): Unauthorized`);
    });
    const inUrl = new LsBackend({ url: server.url.replace('//', '//ml-user:nope-pass@') });
    await rejects(inUrl.health(), (e) => {
      assert.ok(e.message.startsWith(`${server.url}/health: HTTP 401`), e.message);
      assert.ok(!e.message.includes('nope-pass') && !e.message.includes('ml-user'), e.message);
    });
    const fromUrl = new LsBackend({ url: server.url.replace('//', `//${AUTH.user}:${encodeURIComponent(AUTH.password)}@`) });
    assert.equal((await fromUrl.health()).status, 'UP');
  });

  it('500 with a Flask error body: the status and the error detail, on one line', async () => {
    server.override['/predict'] = () => flaskError('ValueError: cannot load weights\n  from /models/yolo.pt');
    const def = aDef('image-detection', ['cat']);
    await rejects(client.predict(def, lsProject(def), itemsOf('image-detection', 2), { urlOf: String }), (e) => {
      assert.equal(e.reason, 'io');
      assert.equal(e.message, `${server.url}/predict: HTTP 500 Internal Server Error: ValueError: cannot load weights from /models/yolo.pt`);
    });
    server.override['/health'] = () => ({ status: 502, body: 'x'.repeat(500) });
    await rejects(client.health(), (e) => assert.match(e.message, /\/health: HTTP 502 Bad Gateway: x{200}…$/));
  });

  it('a malformed answer names the field path', async () => {
    const def = aDef('image-detection', ['cat']);
    const ref = lsProject(def);
    const items = itemsOf('image-detection', 2);
    const answers: [unknown, RegExp][] = [
      [{ predictions: [] }, /\/predict: results: the backend's answer must be a list \(one entry per task\)/],
      [{ results: [{ result: [] }] }, /\/predict: results: the backend's answer has 1 entries for 2 task\(s\)/],
      [{ results: [{ result: [] }, { result: [{ type: 'rectanglelabels', value: { x: 1, y: 2, width: null, height: 1, rectanglelabels: ['cat'] } }] }] },
        /\/predict: results\[1\]\.result\[0\]\.value\.width: must be a number \(got null\)/],
      [{ results: [{ result: [] }, [{ result: {} }]] }, /\/predict: results\[1\]\[0\]\.result: "result" must be a list/],
      ['<html>oops</html>', /\/predict: the backend's answer is not JSON: <html>oops<\/html>/],
    ];
    for (const [body, re] of answers) {
      server.override['/predict'] = () => ({ status: 200, body });
      await rejects(client.predict(def, ref, items, { urlOf: String }), (e) => {
        assert.equal(e.reason, 'invalid-input');
        assert.match(e.message, re);
      });
    }
    server.override['/health'] = () => ({ status: 200, body: { status: 'DOWN' } });
    await rejects(client.health(), (e) => assert.match(e.message, /\/health: the backend is not up \(status "DOWN"\)/));
    server.override['/health'] = () => ({ status: 200, body: [] });
    await rejects(client.health(), (e) => assert.match(e.message, /\/health: status: the backend's answer must be a string/));
  });

  it('a backend that answers too late is a timeout naming the URL', async () => {
    server.override['/predict'] = () => ({ status: 200, body: { results: [] }, delayMs: 5000 });
    const impatient = new LsBackend({ url: server.url, ...AUTH, timeoutMs: 200 });
    const def = aDef('text-classification', ['neg']);
    await rejects(impatient.predict(def, lsProject(def), itemsOf('text-classification', 1), { urlOf: String }), (e) => {
      assert.equal(e.reason, 'io');
      assert.equal(e.message, `${server.url}/predict: no answer within 0.2 s`);
    });
  });

  it('an aborted signal cancels the request in flight, and stops before the next batch', async () => {
    const def = aDef('text-classification', ['neg']);
    const ac = new AbortController();
    server.override['/predict'] = () => {
      setImmediate(() => ac.abort());
      return { status: 200, body: { results: [] }, delayMs: 5000 };
    };
    await rejects(client.predict(def, lsProject(def), itemsOf('text-classification', 3), { urlOf: String, signal: ac.signal }), (e) => assert.equal(e.reason, 'cancelled'));
    delete server.override['/predict'];
    server.requests.length = 0;
    const ac2 = new AbortController();
    const done: number[] = [];
    const p = client.predict(def, lsProject(def), itemsOf('text-classification', 5), {
      urlOf: String, batchSize: 2, signal: ac2.signal, onProgress: (d) => { done.push(d); if (d === 2) ac2.abort(); },
    });
    await rejects(p, (e) => assert.equal(e.reason, 'cancelled'));
    assert.deepEqual(done, [2]);
    assert.equal(server.requests.length, 1);
  });

  it('a backend that is down: connection refused, naming the URL', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const down = new LsBackend({ url: `http://127.0.0.1:${port}` });
    await rejects(down.health(), (e) => {
      assert.equal(e.reason, 'io');
      assert.equal(e.message, `http://127.0.0.1:${port}/health: cannot reach the ML backend: connection refused (ECONNREFUSED)`);
    });
  });

  it('a URL that is not http(s) is refused', () => {
    assert.throws(() => new LsBackend({ url: 'file:///etc/passwd' }), /mlAssist\.backendUrl: an ML backend URL is http: or https: \(got file:\)/);
    assert.throws(() => new LsBackend({ url: 'localhost:9090x' }), /mlAssist\.backendUrl/);
  });
});
