import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LabelingError } from '../errors';
import { eventProblem } from '../journal/events';
import { cacheDir } from '../project/paths';
import { classes, cleanupWorkspaces, event, openStore, textProject } from './test-support';
import { outcomesOf, parseModelSource, sameAnnotation } from './suggestion-outcomes';

const M3 = 'model:text-logreg@3';
const M4 = 'model:text-logreg@4';

/** The journal lines of a labeler's device file. */
function lines(root: string, id: string, labeler = 'ann', device = 'd1'): Record<string, unknown>[] {
  const text = fs.readFileSync(path.join(root, '.labeling', id, 'journal', labeler, `${device}.jsonl`), 'utf8');
  return text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('suggestion outcomes: what labelers did with the prelabels they were shown', () => {
  after(cleanupWorkspaces);

  it('the journal field chg: a boolean, only on a submit that is not a prelabel', () => {
    const sub = { type: 'submit' as const, item: 'a', ann: classes('x'), src: M3 };
    assert.equal(eventProblem(event({ ...sub, chg: true })), undefined);
    assert.equal(eventProblem(event(sub)), undefined);
    assert.match(eventProblem(event({ ...sub, chg: 'yes' } as never))!, /chg must be a boolean/);
    assert.match(eventProblem(event({ ...sub, pre: true, chg: true }))!, /chg .* cannot be on a prelabel/);
    assert.match(eventProblem(event({ type: 'import', batch: 'b', submits: [{ ...sub, pre: true, chg: false }] }))!, /submits\[0\]: chg/);
  });

  it('compares annotations canonically: label sets as sets, spans and boxes by value', () => {
    assert.ok(sameAnnotation(classes('a', 'b'), classes('b', 'a', 'a')));
    assert.ok(!sameAnnotation(classes('a'), classes('a', 'b')));
    assert.ok(!sameAnnotation(classes(), { kind: 'spans', spans: [] }));
    const s1 = { start: 0, end: 4, label: 'PER' };
    const s2 = { start: 6, end: 9, label: 'LOC' };
    assert.ok(sameAnnotation({ kind: 'spans', spans: [s1, s2] }, { kind: 'spans', spans: [{ label: 'LOC', end: 9, start: 6 }, s1] }));
    assert.ok(!sameAnnotation({ kind: 'spans', spans: [s1, s2] }, { kind: 'spans', spans: [s1, { ...s2, end: 10 }] }));
    assert.ok(!sameAnnotation({ kind: 'spans', spans: [s1, s1] }, { kind: 'spans', spans: [s1] }));
    const box = { label: 'cat', x: 1, y: 2, w: 3, h: 4 };
    assert.ok(sameAnnotation({ kind: 'boxes', boxes: [box] }, { kind: 'boxes', boxes: [{ h: 4, w: 3, y: 2, x: 1, label: 'cat' }] }));
    assert.ok(!sameAnnotation({ kind: 'boxes', boxes: [box] }, { kind: 'boxes', boxes: [{ ...box, x: 1.5 }] }));
    const poly = { label: 'a', rings: [[0, 0, 1, 0, 1, 1]] };
    assert.ok(!sameAnnotation({ kind: 'polygons', polygons: [poly] }, { kind: 'polygons', polygons: [{ label: 'a', rings: [[1, 1, 1, 0, 0, 0]] }] }), 'a ring keeps its point order');
    // In the same order (the fast path) as out of it: keys set to undefined are absent, an extra key or a
    // nested value differs, the same list object is the same.
    const boxes = Array.from({ length: 50 }, (_, i) => ({ label: i % 2 ? 'cat' : 'dog', x: i, y: 2 * i, w: 3, h: 4 }));
    const ann = { kind: 'boxes', boxes } as const;
    assert.ok(sameAnnotation(ann, ann));
    assert.ok(sameAnnotation(ann, { kind: 'boxes', boxes: boxes.map((b) => ({ ...b, attrs: undefined })) }));
    assert.ok(!sameAnnotation(ann, { kind: 'boxes', boxes: boxes.map((b, i) => (i === 49 ? { ...b, extra: 1 } : b)) }));
    assert.ok(!sameAnnotation({ kind: 'boxes', boxes: boxes.map((b, i) => (i === 49 ? { ...b, extra: 1 } : b)) }, ann));
    assert.ok(!sameAnnotation(ann, { kind: 'boxes', boxes: boxes.map((b, i) => (i === 30 ? { ...b, h: 5 } : b)) }));
    assert.ok(sameAnnotation(ann, { kind: 'boxes', boxes: [...boxes].reverse() }), 'order does not matter');
    assert.ok(!sameAnnotation({ kind: 'polygons', polygons: [poly, poly] }, { kind: 'polygons', polygons: [poly, { label: 'a', rings: [[0, 0, 1, 0, 1, 2]] }] }));
    assert.ok(!sameAnnotation({ kind: 'polygons', polygons: [poly] }, { kind: 'polygons', polygons: [{ label: 'a', rings: [[0, 0, 1, 0, 1, 1], [5, 5, 6, 6, 7, 5]] }] }));
  });

  it('orders sources by model version, newest first', () => {
    const rows = [
      { src: 'model:a@2', chg: 0, n: 3 }, { src: 'model:a@10', chg: 1, n: 1 }, { src: 'model:a@2', chg: 1, n: 2 }, { src: 'model:custom', chg: 0, n: 1 },
    ];
    assert.deepEqual(outcomesOf(rows), [
      { source: 'model:a@10', confirmed: 0, total: 1 },
      { source: 'model:a@2', confirmed: 3, total: 5 },
      { source: 'model:custom', confirmed: 1, total: 1 },
    ]);
    assert.deepEqual(parseModelSource('model:text-logreg@3'), { model: 'text-logreg', version: 3 });
    assert.equal(parseModelSource('import:labels.csv'), undefined);
  });

  it("counts each labeler's current submit per model version: confirm, change, resubmit, voided; the same after a rebuild and a fresh build", async () => {
    const p = await textProject(6);
    const [k1, k2, k3, k4, k5] = p.keys as [string, string, string, string, string];
    const ann = await openStore(p);
    const bob = await openStore(p, 'bob', 'b1');
    assert.deepEqual(ann.suggestionOutcomes(), []);
    // A published prelabel of model 5 is not an outcome; neither are sources that are not models.
    await ann.submit(k5, classes('pos'), { prelabel: true, confidence: 0.97, source: 'model:text-logreg@5' });
    await ann.submit(k4, classes('pos'), { source: 'import:old.csv' });

    await ann.submit(k1, classes('pos'), { source: M3 }); // confirmed
    await ann.submit(k2, classes('neg'), { source: M3, changed: true });
    await ann.submit(k3, classes('pos'), { source: M4 });
    await bob.syncJournals();
    await bob.submit(k1, classes('pos'), { source: M3 });
    await ann.syncJournals();
    assert.deepEqual(ann.suggestionOutcomes(), [
      { source: M4, confirmed: 1, total: 1 },
      { source: M3, confirmed: 2, total: 3 },
    ]);
    // The journal lines: src on every one, chg only on the changed one.
    const mine = lines(p.root, p.id).filter((l) => l.type === 'submit' && !l.pre);
    assert.deepEqual(mine.map((l) => [l.item, l.src, l.chg]), [[k4, 'import:old.csv', undefined], [k1, M3, undefined], [k2, M3, true], [k3, M4, undefined]]);
    assert.equal(ann.getItem(k2)!.mine!.source, M3);
    assert.equal(ann.getItem(k2)!.mine!.changed, true);
    assert.equal(ann.getItem(k5)!.prelabel!.source, 'model:text-logreg@5', 'a journal prelabel carries its source');

    // Resubmits replace the labeler's outcome: k1 corrected (changed), k2 without a source (no longer counted).
    await ann.submit(k1, classes('neg'), { source: M3, changed: true });
    await ann.submit(k2, classes('pos'));
    assert.deepEqual(ann.suggestionOutcomes(), [
      { source: M4, confirmed: 1, total: 1 },
      { source: M3, confirmed: 1, total: 2 },
    ]);
    // A reject voids the labels it saw: they stop counting, as they stop counting as labels.
    await ann.reject(k3, ann.getItem(k3)!.version);
    const expected = [{ source: M3, confirmed: 1, total: 2 }];
    assert.deepEqual(ann.suggestionOutcomes(), expected);

    await ann.rebuild();
    assert.deepEqual(ann.suggestionOutcomes(), expected, 'after a rebuild from the journals');
    await ann.close();
    await bob.close();
    const reopened = await openStore(p);
    assert.deepEqual(reopened.suggestionOutcomes(), expected, 'from the snapshot');
    await reopened.close();
    fs.rmSync(cacheDir(p.root, p.id), { recursive: true, force: true });
    const fresh = await openStore(p, 'carol', 'c1');
    assert.deepEqual(fresh.suggestionOutcomes(), expected, 'a fresh bulk build from the journals');
    await fresh.close();
  });

  it('refuses a changed submit that names no source, and a changed prelabel', async () => {
    const p = await textProject(2);
    const s = await openStore(p);
    const invalid = (e: unknown) => e instanceof LabelingError && e.reason === 'invalid-input' && /changed/.test(e.message);
    await assert.rejects(s.submit(p.keys[0]!, classes('pos'), { changed: true }), invalid);
    await assert.rejects(s.submit(p.keys[0]!, classes('pos'), { prelabel: true, source: M3, changed: true }), invalid);
    assert.equal(s.getItem(p.keys[0]!)!.version, 0, 'nothing written');
    await s.close();
  });
});
