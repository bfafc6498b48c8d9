import { strict as assert } from 'node:assert';
import { distinctRows, fleissKappa, krippendorffAlpha, matrixOf, pairAgreement, recode, type RatingMatrix } from './nominal';

/** A matrix of `raters` columns from Fleiss' table of counts (item x category): raters filled in category order. */
function fromCounts(table: number[][]): RatingMatrix {
  return matrixOf(table.map((row) => row.flatMap((n, c) => Array.from({ length: n }, () => `c${c + 1}`))));
}

const round3 = (x: number | null): number | null => (x === null ? null : Math.round(x * 1000) / 1000);

describe('nominal agreement statistics', () => {
  it("Fleiss' kappa is 0.210 on Wikipedia's 10 subjects, 14 raters, 5 categories", () => {
    const table = [
      [0, 0, 0, 0, 14],
      [0, 2, 6, 4, 2],
      [0, 0, 3, 5, 6],
      [0, 3, 9, 2, 0],
      [2, 2, 8, 1, 1],
      [7, 7, 0, 0, 0],
      [3, 2, 6, 3, 0],
      [2, 5, 3, 2, 2],
      [6, 5, 2, 1, 0],
      [0, 2, 2, 3, 7],
    ];
    const r = fleissKappa(fromCounts(table));
    assert.equal(round3(r.kappa), 0.21);
    assert.deepEqual({ items: r.items, leftOut: r.leftOut, ratersPerItem: r.ratersPerItem }, { items: 10, leftOut: 0, ratersPerItem: 14 });
  });

  it("Fleiss' kappa uses the items with the modal number of ratings and counts the others as left out", () => {
    // Three items rated by 3 (all agree, then a split), one by 2 (disagree), one by 1 (no pair).
    const m = matrixOf([['a', 'a', 'a'], ['a', 'b', 'a'], ['b', 'b', 'b'], ['a', 'b', null], [null, 'a', null]]);
    const r = fleissKappa(m);
    assert.deepEqual({ items: r.items, leftOut: r.leftOut, ratersPerItem: r.ratersPerItem }, { items: 3, leftOut: 1, ratersPerItem: 3 });
    const only = fleissKappa(matrixOf([['a', 'a', 'a'], ['a', 'b', 'a'], ['b', 'b', 'b']]));
    assert.equal(r.kappa, only.kappa);
    // P = (1 + 1/3 + 1) / 3, p_a = 5/9, p_b = 4/9.
    const pBar = (1 + 1 / 3 + 1) / 3;
    const pe = (5 / 9) ** 2 + (4 / 9) ** 2;
    assert.ok(Math.abs(r.kappa! - (pBar - pe) / (1 - pe)) < 1e-12);
  });

  it("Krippendorff's alpha (nominal) is 0.743 on the 4-coder, 12-unit example with missing values (Krippendorff 2011)", () => {
    const _ = null;
    const coders = [
      [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
      [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
      [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
      [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
    ];
    const units = coders[0]!.map((_, u) => coders.map((c) => c[u]));
    const r = krippendorffAlpha(matrixOf(units));
    assert.equal(round3(r.alpha), 0.743);
    // Unit 12 has one value: not pairable. n = 40 values in 11 units.
    assert.deepEqual({ items: r.items, values: r.values }, { items: 11, values: 40 });
  });

  it("Cohen's kappa on the textbook 2x2 table (20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no) is 0.4", () => {
    const rows: string[][] = [];
    const add = (n: number, a: string, b: string): void => {
      for (let i = 0; i < n; i++) rows.push([a, b]);
    };
    add(20, 'yes', 'yes');
    add(5, 'yes', 'no');
    add(10, 'no', 'yes');
    add(15, 'no', 'no');
    const r = pairAgreement(matrixOf(rows), 0, 1);
    assert.equal(r.items, 50);
    assert.ok(Math.abs(r.percentAgreement! - 0.7) < 1e-12);
    assert.ok(Math.abs(r.cohenKappa! - 0.4) < 1e-12);
  });

  it('pairs count only the items both rated; kappa is symmetric', () => {
    const m = matrixOf([['a', 'a'], ['a', 'b'], [null, 'b'], ['b', 'b'], ['b', null]]);
    const ab = pairAgreement(m, 0, 1);
    const ba = pairAgreement(m, 1, 0);
    assert.equal(ab.items, 3);
    assert.equal(ab.agreed, 2);
    assert.equal(ab.cohenKappa, ba.cohenKappa);
  });

  it('undefined statistics are null: no shared items, or a single category (no variation)', () => {
    const none = matrixOf([['a', null], [null, 'a']]);
    assert.equal(pairAgreement(none, 0, 1).cohenKappa, null);
    assert.equal(pairAgreement(none, 0, 1).percentAgreement, null);
    assert.equal(krippendorffAlpha(none).alpha, null);
    assert.equal(fleissKappa(none).kappa, null);
    const same = matrixOf([['a', 'a'], ['a', 'a']]);
    assert.equal(pairAgreement(same, 0, 1).percentAgreement, 1);
    assert.equal(pairAgreement(same, 0, 1).cohenKappa, null);
    assert.equal(krippendorffAlpha(same).alpha, null);
    assert.equal(fleissKappa(same).kappa, null);
  });

  it('perfect agreement with variation is 1; recode sees label sets as one label present/absent', () => {
    const m = matrixOf([['x', 'x', 'x'], ['y', 'y', null], ['xy', 'xy', 'y']]);
    assert.equal(krippendorffAlpha(matrixOf([['a', 'a'], ['b', 'b']])).alpha, 1);
    // m.values: x, y, xy. Presence of "x": 1, 0, 1.
    const x = recode(m, Int32Array.from([1, 0, 1]), 2);
    assert.deepEqual([...x.codes], [1, 1, 1, 0, 0, -1, 1, 1, 0]);
    assert.equal(pairAgreement(x, 0, 1).percentAgreement, 1);
  });

  it('a weighted row stands for that many identical items: every statistic equals the expanded matrix', () => {
    const rows: (string | null)[][] = [['a', 'a', 'b'], ['b', 'b', 'b'], ['a', null, 'a'], ['c', 'a', null], [null, 'b', null]];
    const times = [5, 3, 2, 4, 1];
    const weighted = { ...matrixOf(rows), weights: Float64Array.from(times) };
    const expanded = matrixOf(rows.flatMap((r, i) => Array.from({ length: times[i]! }, () => r)));
    for (const [a, b] of [[0, 1], [0, 2], [1, 2]] as const) assert.deepEqual(pairAgreement(weighted, a, b), pairAgreement(expanded, a, b));
    const wf = fleissKappa(weighted);
    const ef = fleissKappa(expanded);
    assert.ok(Math.abs(wf.kappa! - ef.kappa!) < 1e-12);
    assert.deepEqual([wf.items, wf.leftOut, wf.ratersPerItem], [ef.items, ef.leftOut, ef.ratersPerItem]);
    const wa = krippendorffAlpha(weighted);
    const ea = krippendorffAlpha(expanded);
    assert.ok(Math.abs(wa.alpha! - ea.alpha!) < 1e-12);
    assert.deepEqual([wa.items, wa.values], [ea.items, ea.values]);
    assert.equal(recode(weighted, Int32Array.from([1, 0, 0]), 2).weights, weighted.weights);
  });

  it('distinctRows merges identical rows into weights (numeric keys, and text keys for wide matrices) without changing a statistic', async () => {
    let pauses = 0;
    const pause = async (): Promise<void> => void pauses++;
    const rows: (string | null)[][] = Array.from({ length: 200 }, (_, i) => [i % 3 ? 'a' : 'b', i % 5 ? 'a' : null, i % 7 ? 'b' : 'c']);
    const m = matrixOf(rows);
    const d = await distinctRows(m, pause, 50);
    assert.ok(d.items < 20);
    assert.equal(pauses, 4);
    assert.equal([...d.weights!].reduce((x, y) => x + y, 0), 200);
    assert.ok(Math.abs(krippendorffAlpha(d).alpha! - krippendorffAlpha(m).alpha!) < 1e-12);
    assert.ok(Math.abs(fleissKappa(d).kappa! - fleissKappa(m).kappa!) < 1e-12);
    assert.deepEqual(pairAgreement(d, 0, 2), pairAgreement(m, 0, 2));
    // 40 raters x 3 categories: 4^40 does not fit a double, rows are keyed by text.
    const wide = matrixOf(Array.from({ length: 30 }, (_, i) => Array.from({ length: 40 }, (_, j) => ['x', 'y', 'z'][(i % 4) * (j % 2)]!)));
    const dw = await distinctRows(wide, pause);
    assert.equal(dw.items, 4);
    assert.ok(Math.abs(krippendorffAlpha(dw).alpha! - krippendorffAlpha(wide).alpha!) < 1e-12);
  });
});
