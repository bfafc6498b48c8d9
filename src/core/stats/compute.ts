/**
 * Agreement statistics of a project, computed from the per-labeler table (store.labelers) in keyset
 * slices under an index lease, yielding to the event loop between slices so submits interleave; an
 * AbortSignal stops it and progress is reported as it reads. Suitable to run as a job (agreementJob).
 *
 * Each kind of project has its own path, in its own file, over the context in compute-context.ts:
 *  - classification (single- and multi-label): percent agreement, Cohen's, Fleiss' kappa and
 *    Krippendorff's alpha over label sets, per label alpha and F1 (compute-classes.ts);
 *  - masks: per pair, the mean IoU of the masks of the items both labeled and the share at
 *    consensus.maskIoU; per class, the pooled IoU (compute-masks.ts);
 *  - spans, boxes, polygons: F1 of the spans or shapes matched with geometry/matching.ts, per pair and
 *    per label; a pair agrees on an item when all match (compute-matched.ts).
 * Kappa and alpha do not apply to the last two: null, with the reason in `notes`.
 */
import type { JobSpec } from '../jobs/types';
import { annotationKindOf } from '../model';
import { TimeSlicer } from '../store/time-slice';
import { classification } from './compute-classes';
import type { AgreementOptions, AgreementReport, AgreementSource, Ctx } from './compute-context';
import { masks } from './compute-masks';
import { matched } from './compute-matched';

export type { AgreementOptions, AgreementReport, AgreementSource, LabelReport, PairReport, RatingPattern } from './compute-context';

const SLICE_ROWS = 2000;
const LEASE_NAME = 'agreement statistics';

/** Agreement statistics of the project (see the file comment). */
export async function computeAgreement(store: AgreementSource, opts: AgreementOptions = {}): Promise<AgreementReport> {
  const lease = await store.read(LEASE_NAME, opts.signal);
  try {
    const slicer = new TimeSlicer(opts.sliceMs, lease.signal);
    const step = async (): Promise<void> => {
      lease.check();
      await slicer.maybePause();
      lease.check();
    };
    const counts = Object.entries(store.stats().byLabeler)
      .filter(([, n]) => n > 0)
      .map(([labeler, labeled]) => ({ labeler, labeled }))
      .sort((x, y) => (x.labeler < y.labeler ? -1 : x.labeler > y.labeler ? 1 : 0));
    const labelers = counts.map((c) => c.labeler);
    const kind = annotationKindOf(store.def.type);
    const ctx: Ctx = { store, labelers, counts, step, opts, sliceRows: opts.sliceRows ?? SLICE_ROWS, labelNames: store.def.labels.map((l) => l.name) };
    const report = kind === 'classes' ? await classification(ctx) : kind === 'mask' ? await masks(ctx) : await matched(ctx);
    opts.onProgress?.(1, 'Done');
    return report;
  } finally {
    lease.release();
  }
}

/** computeAgreement as a job (jobs/runner.ts): progress and cancel from the job. */
export function agreementJob(store: AgreementSource, resource: string): JobSpec<AgreementReport> {
  return {
    title: `Agreement statistics of ${store.def.name}`,
    resource,
    run: (job) => computeAgreement(store, { signal: job.signal, onProgress: (f, m) => job.progress(f, m) }),
  };
}
