/** A dashboard model with every section filled, for the dashboard's unit and DOM tests (no behaviour). */
import { DASHBOARD_MODEL_VERSION, type DashboardModel } from '../../protocol/dashboard';

export function sampleDashboardModel(): DashboardModel {
  return {
    modelVersion: DASHBOARD_MODEL_VERSION,
    project: { id: 'signs', name: 'Road signs', type: 'text-classification', status: 'running', consensus: { minLabelers: 2, maxLabelers: 3 } },
    now: '2026-12-01T12:00:00.000Z',
    progress: { items: 200, labeled: 80, approved: 30, skipped: 10, needsReview: 15, incomplete: 25, unlabeled: 65, missing: 5 },
    labels: [
      { label: 'stop', items: 50, objects: 50 },
      { label: 'yield', items: 40, objects: 40 },
    ],
    labelers: [
      { labeler: 'ann@x', labeled: 60, skipped: 4, assigned: 50, assignedDone: 40, perHourDay: 2.5, perHourWeek: 1.25, acceptedFirstReview: 0.9, rejections: 2 },
      { labeler: 'bob@x', labeled: 20, skipped: 6, assigned: 30, assignedDone: 10, perHourDay: 0, perHourWeek: 0.5, acceptedFirstReview: null, rejections: 0 },
    ],
    queue: { awaitingFirst: 65, awaitingMore: 25, assigned: [{ labeler: 'ann@x', items: 10 }, { labeler: 'bob@x', items: 20 }] },
    agreement: {
      at: '2026-12-01T11:00:00.000Z',
      report: {
        items: 40,
        labelers: ['ann@x', 'bob@x'],
        percentAgreement: 0.85,
        fleissKappa: 0.7,
        fleissItems: 40,
        krippendorffAlpha: 0.71,
        pairs: [{ a: 'ann@x', b: 'bob@x', items: 40, percentAgreement: 0.85, cohenKappa: 0.69, f1: 0.85 }],
        byLabel: { stop: { krippendorffAlpha: 0.8, f1: 0.9 }, yield: { krippendorffAlpha: 0.6, f1: 0.75 } },
        notes: {},
      },
    },
    throughput: [
      { day: '2026-11-29', labels: 10 },
      { day: '2026-11-30', labels: 30 },
      { day: '2026-12-01', labels: 20 },
    ],
    finishEstimate: { ratePerDay: 20, remaining: 90, date: '2026-12-06' },
    jobs: [
      { id: 'job-3', title: 'Train and validate the ML-assist model of Road signs', kind: 'training', status: 'succeeded', startedAt: '2026-12-01T10:00:00.000Z', durationMs: 850, items: 120, precision: 0.93, threshold: 0.8 },
      { id: 'job-4', title: 'Exporting Road signs as csv', kind: 'export', status: 'failed', startedAt: '2026-12-01T10:05:00.000Z', durationMs: 12300, error: 'disk full' },
    ],
    mlAssist: { enabled: true },
  };
}
