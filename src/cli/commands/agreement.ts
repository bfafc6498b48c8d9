/** data-labeling agreement <workspace> <id> [--json]: agreement statistics between labelers (core/stats). */
import * as path from 'node:path';
import { defaultDevice, defaultLabeler } from '../../core/project/identity';
import { computeAgreement, type AgreementReport } from '../../core/stats/compute';
import { ProjectStore } from '../../core/store/project-store';
import { parseCommandArgs, requirePositional, storeFiles, type CliCommand } from '../io';

const usage = 'data-labeling agreement <workspace> <id> [--json]';

/** The --json shape: every statistic present, null where it does not apply (the reason under "notes"). */
export function agreementJson(r: AgreementReport): unknown {
  return {
    items: r.items,
    labelers: r.labelers,
    percentAgreement: r.percentAgreement,
    fleissKappa: r.fleissKappa,
    fleissItems: r.fleissItems,
    krippendorffAlpha: r.krippendorffAlpha,
    pairs: r.pairs.map((p) => ({ a: p.a, b: p.b, items: p.items, percentAgreement: p.percentAgreement, cohenKappa: p.cohenKappa, f1: p.f1, ...(p.meanIoU !== undefined ? { meanIoU: p.meanIoU } : {}) })),
    byLabel: Object.fromEntries(Object.entries(r.byLabel).map(([l, v]) => [l, { krippendorffAlpha: v.krippendorffAlpha, f1: v.f1, ...(v.iou !== undefined ? { iou: v.iou } : {}) }])),
    notes: r.notes,
  };
}

const num = (x: number | null): string => (x === null ? '-' : x.toFixed(3));

/** Rows of cells as columns padded to their widest cell (first column left-aligned, the rest right). */
function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd());
}

export function agreementText(name: string, type: string, r: AgreementReport): string[] {
  const out = [`${name} (${type}): ${r.items.toLocaleString('en')} item(s) labeled by two or more of ${r.labelers.length} labeler(s)${r.labelers.length ? ` (${r.labelers.join(', ')})` : ''}`];
  out.push(
    ...table([
      ['  percent agreement', num(r.percentAgreement)],
      ['  Fleiss\' kappa', num(r.fleissKappa)],
      ['  Krippendorff\'s alpha', num(r.krippendorffAlpha)],
    ]),
  );
  if (r.fleissItems !== null) out.push(`  Fleiss' kappa on ${r.fleissItems.toLocaleString('en')} item(s): ${r.notes.fleissItems ?? ''}`.trimEnd());
  // Masks (semantic segmentation): mean IoU per pair and IoU per class instead of kappa, alpha and F1.
  const masks = r.pairs.some((p) => p.meanIoU !== undefined);
  if (r.pairs.length) {
    out.push('  pairs:');
    out.push(...table(masks
      ? [['    a', 'b', 'items', 'agreement', 'mean IoU'], ...r.pairs.map((p) => [`    ${p.a}`, p.b, p.items.toLocaleString('en'), num(p.percentAgreement), num(p.meanIoU ?? null)])]
      : [['    a', 'b', 'items', 'agreement', 'kappa', 'F1'], ...r.pairs.map((p) => [`    ${p.a}`, p.b, p.items.toLocaleString('en'), num(p.percentAgreement), num(p.cohenKappa), num(p.f1)])]));
  }
  const labels = Object.entries(r.byLabel);
  if (labels.length) {
    out.push('  by label:');
    out.push(...table(masks
      ? [['    label', 'IoU'], ...labels.map(([l, v]) => [`    ${l}`, num(v.iou ?? null)])]
      : [['    label', 'alpha', 'F1'], ...labels.map(([l, v]) => [`    ${l}`, num(v.krippendorffAlpha), num(v.f1)])]));
  }
  const notes = Object.entries(r.notes).filter(([k]) => k !== 'fleissItems' || r.fleissItems === null);
  if (notes.length) {
    out.push('  notes (- above):');
    for (const [k, v] of notes) out.push(`    ${k}: ${v}`);
  }
  return out;
}

export const agreementCommand: CliCommand = {
  name: 'agreement',
  summary: 'print agreement between labelers: percent agreement, Cohen/Fleiss kappa, Krippendorff alpha, F1',
  usage,
  help: [
    'Computed over every labeler\'s current labels. Classification: percent agreement and Cohen\'s kappa per pair',
    '(items both labeled), Fleiss\' kappa (items with the most common number of labelers), Krippendorff\'s alpha',
    '(nominal, missing labels allowed), and per label (present/absent). Spans, boxes, polygons: F1 of matched',
    'spans or shapes per pair and per label. Masks: mean IoU per pair (agreement: the share of items at',
    'consensus.maskIoU) and IoU per class. --json prints them; null where one does not apply, the reason under "notes".',
  ].join('\n'),
  examples: ['data-labeling agreement . reviews', 'data-labeling agreement . reviews --json'],
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } });
    const root = path.resolve(requirePositional(positionals, 0, 'workspace', usage));
    const id = requirePositional(positionals, 1, 'id', usage);
    const store = await ProjectStore.open({ root, id, labeler: defaultLabeler(root), device: defaultDevice(), ...storeFiles() });
    try {
      const r = await computeAgreement(store);
      if (values.json) io.out(JSON.stringify(agreementJson(r), null, 2));
      else for (const line of agreementText(store.def.name, store.def.type, r)) io.out(line);
      const problems = store.problems();
      if (problems.length) io.err(`${problems.length} journal line(s) not applied (corrupt, or naming an unknown label): run "data-labeling validate ${positionals[0]} ${id}"`);
      return 0;
    } finally {
      await store.close();
    }
  },
};
