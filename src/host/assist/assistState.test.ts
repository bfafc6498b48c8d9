import { strict as assert } from 'node:assert';
import type { JobInfo } from '../../core/jobs/types';
import type { ProjectDef, ProjectType } from '../../core/model';
import { aDef } from '../../core/formats/test-support';
import type { ModelManifest, ValidatedManifest } from '../../core/ml/assist/model-store';
import { autoTrainDue, availability, detailsAssist } from './assistState';

const def = (type: ProjectType, mlAssist: Partial<ProjectDef['mlAssist']> = {}): ProjectDef => aDef(type, ['a', 'b'], { mlAssist: { enabled: true, ...mlAssist } });
const job = (over: Partial<JobInfo>): JobInfo => ({ id: 'job-1', title: 'Train', resource: 'assist:/w::p', status: 'queued', queuedAt: 1, progress: {}, log: [], logDropped: 0, ...over });
const manifest = (trainedOn: number, threshold: number | null): ValidatedManifest => ({
  format: 'data-labeling.assist-manifest',
  formatVersion: 1,
  projectId: 'p',
  type: 'text-classification',
  model: 'tfidf-logreg',
  version: 3,
  trainedOn,
  targetPrecision: 0.95,
  validation: { items: 40, accuracy: 0.9, threshold, precisionAtThreshold: threshold === null ? null : 0.97, message: 'm' },
  createdAt: '2026-12-01T00:00:00.000Z',
  modelFile: 'model-3.json',
});

describe('ML assist state (host/assist/assistState.ts)', () => {
  it('text types train the built-in model; a backend URL serves any type; detection and segmentation need one, said so', () => {
    for (const t of ['text-classification', 'text-multilabel', 'text-ner', 'image-classification', 'image-multilabel'] as const) assert.deepEqual(availability(def(t)), { kind: 'builtin' });
    const det = availability(def('image-detection'));
    assert.equal(det.kind, 'none');
    assert.match(det.unavailable!, /Object detection has no built-in model: set mlAssist\.backendUrl/);
    assert.match(availability(def('image-segmentation')).unavailable!, /Instance segmentation has no built-in model/);
    assert.match(availability(def('image-semantic-segmentation')).unavailable!, /^Semantic segmentation has no built-in model: set mlAssist\.backendUrl/);
    assert.deepEqual(availability(def('image-segmentation', { backendUrl: 'http://localhost:9090' })), { kind: 'backend' });
    assert.deepEqual(availability(def('text-ner', { backendUrl: 'http://localhost:9090' })), { kind: 'backend' }, 'the team\'s model is preferred');
  });

  it('an automatic training is due at minLabels, then at 20% more; a failed one waits for growth too', () => {
    const d = def('text-classification');
    assert.equal(autoTrainDue(d, 49, undefined, undefined), false);
    assert.equal(autoTrainDue(d, 50, undefined, undefined), true);
    assert.equal(autoTrainDue(d, 59, 50, undefined), false);
    assert.equal(autoTrainDue(d, 60, 50, undefined), true);
    assert.equal(autoTrainDue(d, 55, undefined, 50), false, 'failed at 50: not again before 60');
    assert.equal(autoTrainDue(d, 60, undefined, 50), true);
    assert.equal(autoTrainDue(def('text-classification', { enabled: false }), 500, undefined, undefined), false);
    assert.equal(autoTrainDue(def('image-detection'), 500, undefined, undefined), false);
    assert.equal(autoTrainDue(def('image-classification'), 99, undefined, undefined), false, 'images: 100 labels first');
    assert.equal(autoTrainDue(def('image-classification'), 100, undefined, undefined), true);
    const served = def('image-detection', { backendUrl: 'http://localhost:9090' });
    assert.equal(autoTrainDue(served, 99, undefined, undefined), false, 'images: 100 labels first');
    assert.equal(autoTrainDue(served, 100, undefined, undefined), true, 'a backend prelabels detection projects');
    assert.equal(autoTrainDue(served, 119, 100, undefined), false);
    assert.equal(autoTrainDue(served, 120, 100, undefined), true);
    assert.equal(autoTrainDue(def('text-ner', { minLabels: 10 }), 10, undefined, undefined), true);
  });

  it('the details section carries the model, suggestions, live accuracy and jobs newest first', () => {
    const s = detailsAssist({
      def: def('text-classification'),
      labeled: 70,
      manifest: manifest(60, 0.82),
      validated: manifest(60, 0.82),
      suggestions: { count: 12, modelVersion: 3, threshold: 0.82 },
      liveAccuracy: [{ source: 'model:tfidf-logreg@3', confirmed: 8, total: 10 }],
      jobs: [
        job({ id: 'job-1', status: 'succeeded', startedAt: 2, endedAt: 3 }),
        job({ id: 'job-2', status: 'failed', error: { message: 'disk full' }, progress: { message: 'writing' } }),
        job({ id: 'job-3', status: 'running', progress: { fraction: 0.5, message: 'Predicted 100 items' } }),
      ],
      canPublish: true,
    });
    assert.equal(s.kind, 'builtin');
    assert.equal(s.nextTrainingAt, 72, '60 * 1.2');
    assert.deepEqual(s.model, { name: 'tfidf-logreg', version: 3, trainedOn: 60, createdAt: '2026-12-01T00:00:00.000Z', validation: manifest(60, 0.82).validation });
    assert.deepEqual(s.suggestions, { count: 12, modelVersion: 3, threshold: 0.82 });
    assert.deepEqual(s.liveAccuracy, [{ source: 'model:tfidf-logreg@3', confirmed: 8, total: 10 }]);
    assert.deepEqual(s.jobs.map((j) => j.id), ['job-3', 'job-2', 'job-1']);
    assert.deepEqual(s.jobs[0], { id: 'job-3', title: 'Train', status: 'running', message: 'Predicted 100 items', fraction: 0.5 });
    assert.equal(s.jobs[1]!.error, 'disk full');
  });

  it('a newer version not validated yet: the next training counts from it; the model shown is the newest validated one, with its figures', () => {
    const waiting: ModelManifest = { ...manifest(90, null), formatVersion: 2, version: 4, validation: null, validationInput: { holdoutFile: 'holdout-4.jsonl', validatorFile: 'validator-4.json', items: 18 }, modelFile: 'model-4.json' };
    const s = detailsAssist({ def: def('text-classification'), labeled: 95, manifest: waiting, validated: manifest(60, 0.82), jobs: [], canPublish: false });
    assert.equal(s.nextTrainingAt, 108, '90 * 1.2');
    assert.deepEqual(s.model, { name: 'tfidf-logreg', version: 3, trainedOn: 60, createdAt: '2026-12-01T00:00:00.000Z', validation: manifest(60, 0.82).validation });
    const none = detailsAssist({ def: def('text-classification'), labeled: 95, manifest: waiting, jobs: [], canPublish: false });
    assert.equal(none.model, undefined, 'no validated version: no figures made up');
  });

  it('no model yet: the next training is at minLabels, nothing else is made up', () => {
    const s = detailsAssist({ def: def('text-ner'), labeled: 3, jobs: [], canPublish: false });
    assert.deepEqual(s, { enabled: true, kind: 'builtin', labeled: 3, nextTrainingAt: 50, jobs: [], canPublish: false });
  });
});
