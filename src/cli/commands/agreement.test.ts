import { strict as assert } from 'node:assert';
import { classes, cleanupWorkspaces, event, textProject, writeJournal, type ProjectBuild } from '../../core/store/test-support';
import { cli } from '../test-support';
import type { AgreementReport } from '../../core/stats/compute';
import { agreementJson, agreementText } from './agreement';

/** Each labeler's labels of items r1.. (null: not labeled). */
function journals(p: ProjectBuild, labels: Record<string, (string | null)[]>): void {
  for (const [by, list] of Object.entries(labels)) {
    const events = list.flatMap((l, i) => (l === null ? [] : [event({ type: 'submit', item: p.keys[i]!, ann: classes(l) }, { by, dev: 'd', seq: i + 1, at: new Date(Date.UTC(2026, 10, 27, 10, 0, i)).toISOString() })]));
    writeJournal(p.root, p.id, by, 'd', events);
  }
}

describe('data-labeling agreement', () => {
  after(cleanupWorkspaces);

  it('--json prints the statistics in the documented shape', async () => {
    const p = await textProject(4, { consensus: { minLabelers: 2, maxLabelers: 3 } });
    // Cohen's kappa of ann/bob: po = 3/4, pe = (2/4)(3/4) + (2/4)(1/4) = 1/2 -> 0.5.
    journals(p, { ann: ['pos', 'pos', 'neg', 'neg'], bob: ['pos', 'pos', 'neg', 'pos'], cat: ['pos', null, null, null] });
    const r = await cli('agreement', p.root, p.id, '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as Record<string, unknown> & { pairs: Record<string, unknown>[]; byLabel: Record<string, Record<string, unknown>>; notes: Record<string, string> };
    assert.deepEqual(Object.keys(j), ['items', 'labelers', 'percentAgreement', 'fleissKappa', 'fleissItems', 'krippendorffAlpha', 'pairs', 'byLabel', 'notes']);
    assert.equal(j.items, 4);
    assert.deepEqual(j.labelers, ['ann', 'bob', 'cat']);
    assert.deepEqual(Object.keys(j.pairs[0]!), ['a', 'b', 'items', 'percentAgreement', 'cohenKappa', 'f1']);
    assert.deepEqual(j.pairs.map((x) => [x.a, x.b, x.items]), [['ann', 'bob', 4], ['ann', 'cat', 1], ['bob', 'cat', 1]]);
    assert.ok(Math.abs((j.pairs[0]!.cohenKappa as number) - 0.5) < 1e-12);
    assert.equal(j.pairs[0]!.percentAgreement, 0.75);
    // ann/cat share one item, both "pos": kappa is undefined (no variation), with the reason in notes.
    assert.equal(j.pairs[1]!.cohenKappa, null);
    assert.match(j.notes['pairs.ann/cat.cohenKappa']!, /no variation/);
    // Fleiss on the 3 items labeled by two (the modal number); the one labeled by three is left out.
    assert.equal(j.fleissItems, 3);
    assert.match(j.notes.fleissItems!, /1 item\(s\) labeled by another number of labelers left out/);
    assert.equal(typeof j.krippendorffAlpha, 'number');
    assert.deepEqual(Object.keys(j.byLabel), ['pos', 'neg', 'neutral']);
    assert.deepEqual(Object.keys(j.byLabel.pos!), ['krippendorffAlpha', 'f1']);
    assert.equal(j.byLabel.neutral!.f1, null);
    assert.match(j.notes['byLabel.neutral.f1']!, /no labeler gave this label/);
  });

  it('prints a table without --json; one labeler: statistics are "-" with the reason', async () => {
    const p = await textProject(3);
    journals(p, { ann: ['pos', 'neg', 'pos'], bob: ['pos', 'neg', 'neg'] });
    const r = await cli('agreement', p.root, p.id);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^p \(text-classification\): 3 item\(s\) labeled by two or more of 2 labeler\(s\) \(ann, bob\)\n/);
    assert.match(r.out, /\n {2}percent agreement +0\.667\n/);
    assert.match(r.out, /\n {4}ann +bob +3 +0\.667 +0\.400 +0\.667\n/);
    assert.match(r.out, /\n {2}by label:\n {4}label +alpha +F1\n {4}pos /);

    const q = await textProject(2);
    journals(q, { ann: ['pos', 'neg'] });
    const one = await cli('agreement', q.root, q.id);
    assert.equal(one.code, 0, one.err);
    assert.match(one.out, /\n {2}Krippendorff's alpha +-\n/);
    assert.match(one.out, /\n {4}krippendorffAlpha: only one labeler has labeled items\n/);
  });

  it('a missing id is a usage error', async () => {
    const p = await textProject(1);
    const r = await cli('agreement', p.root);
    assert.notEqual(r.code, 0);
    assert.match(r.err, /data-labeling agreement <workspace> <id> \[--json\]/);
  });
});

describe('data-labeling agreement: masks', () => {
  it('prints mean IoU per pair and IoU per class instead of kappa, alpha and F1', () => {
    const r: AgreementReport = {
      items: 2, labelers: ['ann', 'bob'], percentAgreement: 0.5, fleissKappa: null, fleissItems: null, krippendorffAlpha: null,
      pairs: [{ a: 'ann', b: 'bob', items: 2, percentAgreement: 0.5, cohenKappa: null, f1: null, meanIoU: 0.8155 }],
      byLabel: { car: { krippendorffAlpha: null, f1: null, iou: 100 / 130 }, road: { krippendorffAlpha: null, f1: null, iou: 1 } },
      notes: { fleissKappa: 'does not apply to masks' },
    };
    const text = agreementText('p', 'image-semantic-segmentation', r).join('\n');
    assert.match(text, /a\s+b\s+items\s+agreement\s+mean IoU\n\s+ann\s+bob\s+2\s+0\.500\s+0\.816/);
    assert.match(text, /label\s+IoU\n\s+car\s+0\.769\n\s+road\s+1\.000/);
    assert.doesNotMatch(text, /kappa\s+F1/);
    const json = agreementJson(r) as { pairs: { meanIoU: number }[]; byLabel: Record<string, { iou: number }> };
    assert.deepEqual([json.pairs[0]!.meanIoU, json.byLabel.road!.iou], [0.8155, 1]);
  });
});
