/**
 * Agreement of a spans, boxes or polygons project, a path of computeAgreement (compute.ts): for each
 * pair, the items both labeled (labelers.paired) matched with geometry/matching.ts: F1 = 2 * matched /
 * (|a| + |b|) pooled over the items (symmetric), per label too; a pair agrees on an item when every
 * span or shape is matched (F1 = 1, the consensus rule). Kappa and alpha do not apply there: null,
 * with the reason in `notes`.
 */
import { matchedF1 } from '../geometry/matching';
import { annotationKindOf } from '../model';
import { eachShared, emptyReport, noPairsReason, orderedLabels, pairsOf, type AgreementReport, type Ctx } from './compute-context';

/** Spans, boxes, polygons: the pairs' matched F1 and agreement, per label too (see the file comment). */
export async function matched(ctx: Ctx): Promise<AgreementReport> {
  const { labelers, counts, step, opts } = ctx;
  const report = emptyReport(labelers);
  const byCount = new Map(counts.map((c) => [c.labeler, c.labeled]));
  const pairList = pairsOf(labelers.length);
  // Each pair reads at most the smaller labeler's items.
  const total = pairList.reduce((s, [a, b]) => s + Math.min(byCount.get(labelers[a]!)!, byCount.get(labelers[b]!)!), 0) || 1;
  const keys = new Set<string>();
  const perLabel = new Map<string, { matched: number; sizes: number }>();
  let agreed = 0;
  let paired = 0;
  let read = 0;
  for (const [a, b] of pairList) {
    const x = labelers[a]!;
    const y = labelers[b]!;
    let items = 0;
    let agree = 0;
    let m = 0;
    let sizes = 0;
    await eachShared(ctx, x, y, (row) => {
      if (row.a.kind !== row.b.kind) return;
      const r = matchedF1(row.a, row.b);
      items++;
      keys.add(row.key);
      m += r.matched;
      sizes += r.a + r.b;
      if (r.matched === r.a && r.matched === r.b) agree++;
      for (const [label, c] of Object.entries(r.byLabel)) {
        let acc = perLabel.get(label);
        if (!acc) perLabel.set(label, (acc = { matched: 0, sizes: 0 }));
        acc.matched += c.matched;
        acc.sizes += c.a + c.b;
      }
    }, (n) => {
      read += n;
      opts.onProgress?.(Math.min(0.99, read / total), `Matching ${x} and ${y} (${read.toLocaleString('en')} of about ${total.toLocaleString('en')} shared items)`);
    });
    agreed += agree;
    paired += items;
    report.pairs.push({ a: x, b: y, items, percentAgreement: items ? agree / items : null, cohenKappa: null, f1: items ? (sizes ? (2 * m) / sizes : 1) : null });
    if (!items) report.notes[`pairs.${x}/${y}`] = 'no item labeled by both';
    await step();
  }
  report.items = keys.size;
  keys.clear();
  const what = annotationKindOf(ctx.store.def.type);
  const na = `does not apply to ${what}: agreement is the F1 of matched ${what} (pairs.f1, byLabel.f1)`;
  report.notes['pairs.cohenKappa'] = na;
  report.notes.fleissKappa = na;
  report.notes.fleissItems = na;
  report.notes.krippendorffAlpha = na;
  report.notes['byLabel.krippendorffAlpha'] = na;
  if (labelers.length < 2 || !paired) report.notes.percentAgreement = noPairsReason(labelers.length);
  else report.percentAgreement = agreed / paired;
  for (const label of orderedLabels(ctx.labelNames, perLabel.keys())) {
    const acc = perLabel.get(label);
    report.byLabel[label] = { krippendorffAlpha: null, f1: acc && acc.sizes ? (2 * acc.matched) / acc.sizes : null };
    if (!acc?.sizes) report.notes[`byLabel.${label}.f1`] = `no labeler marked this label on an item shared with another`;
  }
  return report;
}
