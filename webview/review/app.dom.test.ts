import { assert } from 'chai';
import { PROJECT_TYPES, type Annotation, type ProjectType } from '../../src/core/model';
import {
  ReviewChangedNotification, ReviewRevealNotification, ReviewSetFilterNotification, ReviewStateNotification,
  type ReviewActionParams, type ReviewActionResult, type ReviewItem, type ReviewRow, type ReviewState, type BulkParams, type ReviewFilter,
} from '../../src/protocol/review';
import type { LblBoxEditor } from '../components/box-editor';
import type { LblClassEditor } from '../components/class-editor';
import type { LblNerEditor } from '../components/ner-editor';
import type { LblPolygonEditor } from '../components/polygon-editor';
import { blankImage, key, mount, pointerAt, someLabels, unmountAll } from '../labeler/test-builders';
import { FakeTransport } from '../shared/fake-transport';
import { HostIpc } from '../shared/host-ipc';
import './app';
import type { LblReviewApp } from './app';

const settle = async (el?: LblReviewApp) => {
  for (let i = 0; i < 6; i++) {
    await new Promise((r) => setTimeout(r, 0));
    await el?.updateComplete;
  }
};

function annOf(type: ProjectType, label: string, i = 0): Annotation {
  if (type === 'text-ner') return { kind: 'spans', spans: [{ start: 0, end: 4, label }] };
  if (type === 'image-detection') return { kind: 'boxes', boxes: [{ label, x: 10 + i * 40, y: 10, w: 60, h: 50 }] };
  if (type === 'image-segmentation') return { kind: 'polygons', polygons: [{ label, rings: [[10 + i * 40, 10, 80 + i * 40, 10, 80, 70]] }] };
  return { kind: 'classes', labels: [label] };
}

function anItem(type: ProjectType, key: string, over: Partial<ReviewItem> = {}): ReviewItem {
  const image = type.startsWith('image-');
  return {
    key,
    ref: { path: key },
    media: image ? 'image' : 'text',
    ...(image ? { imageUri: blankImage(), width: 400, height: 300 } : { text: 'John Smith works at Acme Corp in Paris.' }),
    state: 'needs-review',
    version: 3,
    annotations: [
      { labeler: 'ann', annotation: annOf(type, 'PER', 0), at: '2026-11-27T10:00:00.000Z' },
      { labeler: 'bob', annotation: annOf(type, 'ORG', 1), at: '2026-11-27T10:01:00.000Z' },
    ],
    skippedBy: [],
    prelabel: { annotation: annOf(type, 'LOC', 2), confidence: 0.8, by: 'model' },
    consensus: annOf(type, 'PER', 0),
    settled: false,
    agreement: 0.5,
    why: 'No consensus: ann: PER; bob: ORG (agreement 50%).',
    ...over,
  };
}

/** A fake host: a list of rows, their items, and the answers to actions. */
class FakeHost {
  rows: ReviewRow[];
  items = new Map<string, ReviewItem>();
  acts: ReviewActionParams[] = [];
  bulks: BulkParams[] = [];
  filters: ReviewFilter[] = [];
  answer: (p: ReviewActionParams) => ReviewActionResult = (p) => ({ done: true, item: this.items.get(p.key)! });
  readonly transport: FakeTransport;

  constructor(readonly type: ProjectType, n = 3) {
    this.rows = Array.from({ length: n }, (_, i) => ({ key: `k${i + 1}`, state: 'needs-review', version: 3, labelers: ['ann', 'bob'], agreement: 0.5 }));
    for (const r of this.rows) this.items.set(r.key, anItem(type, r.key));
    this.transport = new FakeTransport((method, params) => {
      const p = params as Record<string, unknown>;
      switch (method) {
        case 'review/page': {
          this.filters.push(p.filter as ReviewFilter);
          const start = p.after ? Number(p.after) : 0;
          const limit = Number(p.limit ?? 100);
          const rows = this.rows.slice(start, start + limit);
          return { ok: true, result: start + limit < this.rows.length ? { rows, next: String(start + limit) } : { rows } };
        }
        case 'review/item':
          return { ok: true, result: this.items.get(String(p.key)) ?? null };
        case 'review/count':
          return { ok: true, result: this.rows.length };
        case 'review/act':
          this.acts.push(p as unknown as ReviewActionParams);
          return { ok: true, result: this.answer(p as unknown as ReviewActionParams) };
        case 'review/bulk':
          this.bulks.push(p as unknown as BulkParams);
          return { ok: true, result: { confirmed: true, written: 2, stale: 1, notApplicable: 0 } };
        default:
          return { ok: false, reason: 'not-found', message: method };
      }
    });
  }

  state(over: Partial<ReviewState['project']> = {}): ReviewState {
    return {
      project: { id: 'p', name: 'Demo', type: this.type, status: 'running', labels: someLabels(), me: 'rev', canReview: true, ...over },
      filter: {},
      counts: { assets: { labeled: 12, skipped: 2, 'needs-review': 3, conflicts: 1, prelabeled: 4, approved: 5, rejected: 6 }, labelers: { ann: 7, bob: 8 }, labels: { PER: 9 } },
    };
  }
}

async function mountReview(host: FakeHost, state = host.state()): Promise<LblReviewApp> {
  const el = document.createElement('lbl-review-app');
  el.ipc = new HostIpc(host.transport, 2000);
  const mounted = mount(el, 1100, 700);
  host.transport.notify(ReviewStateNotification, state);
  await mounted;
  await settle(el);
  return el;
}

const viewer = (el: LblReviewApp) => el.viewer!;
const editorOf = <T extends HTMLElement>(el: LblReviewApp) => viewer(el).shadowRoot!.querySelector('#editor') as T;
const text = (el: LblReviewApp) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ');
const click = (el: Element | null | undefined) => (el as HTMLElement).click();
const viewButton = (el: LblReviewApp, v: string) => el.shadowRoot!.querySelector(`.views button[data-view="${v}"]`) as HTMLButtonElement;

describe('lbl-review-app', () => {
  afterEach(unmountAll);

  // Masks name blobs: their review is tested in mask.dom.test.ts.
  for (const type of PROJECT_TYPES.filter((t) => t !== 'image-semantic-segmentation')) {
    describe(type, () => {
      it('shows the consensus read-only in the labeling editor, then each labeler, the prelabel and all labelers', async () => {
        const host = new FakeHost(type);
        const el = await mountReview(host);
        assert.equal(el.item?.key, 'k1', 'the first row is shown');
        assert.include(text(el), 'No consensus: ann: PER; bob: ORG');
        const shown = () => {
          const ed = editorOf<HTMLElement & Record<string, unknown>>(el);
          const a = (ed as unknown as LblBoxEditor).boxes ?? (ed as unknown as LblPolygonEditor).polygons ?? (ed as unknown as LblNerEditor).spans ?? (ed as unknown as LblClassEditor).chosen;
          return JSON.stringify(a);
        };
        const labelsIn = (a: Annotation) => JSON.stringify(a.kind === 'classes' ? a.labels : a.kind === 'spans' ? a.spans : a.kind === 'boxes' ? a.boxes : a.kind === 'polygons' ? a.polygons : a.classes);
        assert.equal(shown(), labelsIn(annOf(type, 'PER', 0)));
        click(viewButton(el, 'labeler:bob'));
        await settle(el);
        assert.equal(shown(), labelsIn(annOf(type, 'ORG', 1)));
        click(viewButton(el, 'prelabel'));
        await settle(el);
        assert.equal(shown(), labelsIn(annOf(type, 'LOC', 2)));
        assert.isTrue(editorOf<LblClassEditor>(el).suggested, 'a prelabel is drawn as a suggestion');
        click(viewButton(el, 'overlay'));
        await settle(el);
        if (type === 'image-detection' || type === 'image-segmentation') {
          const ed = editorOf<LblBoxEditor>(el);
          const shapes = (type === 'image-detection' ? ed.boxes : (ed as unknown as LblPolygonEditor).polygons) as { label: string }[];
          assert.deepEqual(shapes.map((s) => s.label), ['ann · PER', 'bob · ORG'], "every labeler's shapes, tagged with the labeler");
          const colors = new Map(ed.labels.map((l) => [l.name, l.color]));
          assert.notEqual(colors.get('ann · PER'), colors.get('bob · ORG'), 'each labeler in their own colour');
        } else {
          const rows = [...viewer(el).shadowRoot!.querySelectorAll('.who-row')].map((r) => r.textContent!.replace(/\s+/g, ' ').trim());
          assert.lengthOf(rows, 2);
          assert.match(rows[0]!, /^ann PER/);
          assert.match(rows[1]!, /^bob ORG/);
        }
        assert.deepEqual(host.acts, [], 'looking writes nothing');
      });

      it('refuses edits while reviewing: pointer edits and label keys change nothing', async () => {
        const host = new FakeHost(type);
        const el = await mountReview(host);
        const changes: unknown[] = [];
        const ed = editorOf<HTMLElement>(el);
        // On the editor itself: whether it tried to edit at all (the viewer also swallows lbl-change).
        ed.addEventListener('lbl-change', (e) => changes.push(e.detail));
        const before = JSON.stringify(el.shownAnnotation());
        if (type.startsWith('image-') && type !== 'image-classification' && type !== 'image-multilabel') {
          const c = ed as unknown as LblBoxEditor;
          await c.updateComplete;
          pointerAt(c, 'pointerdown', 200, 150);
          pointerAt(c, 'pointermove', 300, 250, { buttons: 1 });
          pointerAt(c, 'pointerup', 300, 250);
        } else if (type === 'text-ner') {
          const t = ed.shadowRoot!.querySelector('.text')!;
          t.dispatchEvent(new MouseEvent('mouseup', { bubbles: true, composed: true }));
        }
        key(window, '2');
        await settle(el);
        assert.deepEqual(changes, []);
        assert.equal(JSON.stringify(el.shownAnnotation()), before);
        assert.deepEqual(host.acts, []);
      });

      it('Decide: edit the consensus, then Enter saves it as final with the version shown', async () => {
        const host = new FakeHost(type);
        const el = await mountReview(host);
        key(window, 'd');
        await settle(el);
        assert.equal(el.mode, 'decide');
        assert.isTrue(viewer(el).editable);
        // An edit through the editor, as the labeling panel makes it.
        const edited = annOf(type, 'LOC', 3);
        editorOf<HTMLElement>(el).dispatchEvent(new CustomEvent('lbl-change', { detail: { annotation: edited }, bubbles: true, composed: true }));
        key(window, 'Enter');
        await settle(el);
        assert.deepEqual(host.acts, [{ action: 'decide', key: 'k1', version: 3, annotation: edited }]);
      });
    });
  }

  it('A approves the item shown with its version and moves to the next row; J/K and the arrows move', async () => {
    const host = new FakeHost('text-classification');
    const el = await mountReview(host);
    key(window, 'a');
    await settle(el);
    assert.deepEqual(host.acts, [{ action: 'approve', key: 'k1', version: 3 }]);
    assert.equal(el.item?.key, 'k2');
    key(window, 'j');
    await settle(el);
    assert.equal(el.item?.key, 'k3');
    key(window, 'k');
    await settle(el);
    assert.equal(el.item?.key, 'k2');
    key(window, 'ArrowUp');
    await settle(el);
    assert.equal(el.item?.key, 'k1');
    key(window, 'ArrowDown');
    await settle(el);
    assert.equal(el.item?.key, 'k2');
  });

  it('a stale view never wins: the refusal shows its one-line message and the fresh item', async () => {
    const host = new FakeHost('text-classification');
    const fresh = anItem('text-classification', 'k1', { version: 9, state: 'labeled', why: undefined, annotations: [{ labeler: 'cat', annotation: annOf('text-classification', 'LOC'), at: '2026-11-27T11:00:00.000Z' }] });
    host.answer = () => ({ done: false, message: '"k1" changed since it was shown; nothing was written.', item: fresh });
    const el = await mountReview(host);
    key(window, 'a');
    await settle(el);
    assert.include(el.shadowRoot!.querySelector('.banner.warning')!.textContent!, '"k1" changed since it was shown; nothing was written.');
    assert.equal(el.item?.version, 9);
    assert.equal(el.item?.key, 'k1', 'it stays on the item');
    assert.include(text(el), 'cat');
    key(window, 'a');
    await settle(el);
    assert.equal(host.acts[1]!.version, 9, 'the next try names the fresh version');
  });

  it('R rejects with a reason and Return to labeler; Esc cancels', async () => {
    const host = new FakeHost('text-classification');
    const el = await mountReview(host);
    key(window, 'r');
    await settle(el);
    key(window, 'Escape');
    await settle(el);
    assert.equal(el.mode, 'read');
    key(window, 'r');
    await settle(el);
    const reason = el.shadowRoot!.querySelector('#reason') as HTMLInputElement;
    reason.value = 'boxes too loose';
    (el.shadowRoot!.querySelector('#return-to') as HTMLInputElement).checked = true;
    click([...el.shadowRoot!.querySelectorAll('.reject-form vscode-button')].find((b) => b.textContent!.includes('Reject')));
    await settle(el);
    assert.deepEqual(host.acts, [{ action: 'reject', key: 'k1', version: 3, reason: 'boxes too loose', returnTo: true }]);
  });

  it('S accepts and U returns the skip of a skipped item (and not of another)', async () => {
    const host = new FakeHost('image-classification');
    host.items.set('k1', anItem('image-classification', 'k1', { state: 'skipped', annotations: [], skippedBy: ['ann'], consensus: undefined, why: undefined }));
    host.answer = (p) => ({ done: true, item: host.items.get(p.key)! });
    const el = await mountReview(host);
    assert.include(text(el), 'skipped by ann');
    assert.include(text(el), 'No label to show');
    key(window, 's');
    await settle(el);
    assert.deepEqual(host.acts.map((a) => [a.action, a.key]), [['accept-skip', 'k1']]);
    key(window, 's'); // k2 is not skipped
    await settle(el);
    assert.lengthOf(host.acts, 1);
    key(window, 'k');
    await settle(el);
    key(window, 'u');
    await settle(el);
    assert.deepEqual(host.acts.map((a) => [a.action, a.key]), [['accept-skip', 'k1'], ['unskip', 'k1']]);
  });

  it('filters show their counts, are sent to the host, survive a reload of the webview and restart the list', async () => {
    const host = new FakeHost('text-ner');
    const el = await mountReview(host);
    const asset = el.shadowRoot!.querySelector('#f-asset') as HTMLSelectElement;
    assert.include([...asset.options].map((o) => o.textContent).join('|'), 'Review conflicts (1)');
    assert.include((el.shadowRoot!.querySelector('#f-labeler') as HTMLSelectElement).textContent!, 'bob (8)');
    asset.value = 'rejected';
    asset.dispatchEvent(new Event('change'));
    await settle(el);
    assert.deepEqual(host.transport.lastParams('review/filter'), { filter: { asset: 'rejected' } });
    assert.deepEqual(host.filters.at(-1), { asset: 'rejected' });
    assert.equal(el.item?.key, 'k1', 'the new list starts on its first item');
    key(window, 'j');
    await settle(el);
    asset.value = 'labeled';
    asset.dispatchEvent(new Event('change'));
    await settle(el);
    assert.equal(el.item?.key, 'k1', 'not the item of the previous list');
    asset.value = 'rejected';
    asset.dispatchEvent(new Event('change'));
    await settle(el);
    // A reloaded webview (same webview state) starts from the filter it had.
    unmountAll();
    const again = await mountReview(host);
    assert.deepEqual(again.filter, { asset: 'rejected' });
    assert.equal((again.shadowRoot!.querySelector('#f-asset') as HTMLSelectElement).value, 'rejected');
  });

  it('new labels appear by themselves: a change reloads the list and the item shown', async () => {
    const host = new FakeHost('text-classification', 1);
    const el = await mountReview(host);
    assert.lengthOf(el.rows, 1);
    host.rows.push({ key: 'k9', state: 'labeled', version: 1, labelers: ['ann'] });
    host.items.set('k9', anItem('text-classification', 'k9'));
    host.items.set('k1', anItem('text-classification', 'k1', { version: 4 }));
    host.transport.notify(ReviewChangedNotification, { items: ['k1', 'k9'] });
    await settle(el);
    assert.deepEqual(el.rows.map((r) => r.key), ['k1', 'k9']);
    assert.equal(el.item?.version, 4, 'the item shown was read again');
  });

  it('a filter the host sends (the dashboard) becomes the panel\'s filter: the list is read again with it', async () => {
    const host = new FakeHost('text-classification', 2);
    const el = await mountReview(host);
    host.transport.notify(ReviewSetFilterNotification, { filter: { label: 'ORG', agreementBelow: 1 } });
    await settle(el);
    assert.deepEqual(el.filter, { label: 'ORG', agreementBelow: 1 });
    assert.deepEqual(host.filters.at(-1), { label: 'ORG', agreementBelow: 1 });
  });

  it("a pair's filter from the dashboard says whose labels differ; its close button, or another labeler, drops it", async () => {
    const host = new FakeHost('text-classification', 2);
    const el = await mountReview(host);
    host.transport.notify(ReviewSetFilterNotification, { filter: { labeler: 'ann', disagreeWith: 'bob' } });
    await settle(el);
    assert.deepEqual(host.filters.at(-1), { labeler: 'ann', disagreeWith: 'bob' });
    const chip = el.shadowRoot!.querySelector('#f-pair')!;
    assert.include(chip.textContent!, 'labeled differently by');
    assert.include(chip.textContent!, 'bob');
    (chip.querySelector('vscode-button') as HTMLElement).click();
    await settle(el);
    assert.deepEqual(host.filters.at(-1), { labeler: 'ann' });
    assert.equal(el.shadowRoot!.querySelector('#f-pair'), null);

    host.transport.notify(ReviewSetFilterNotification, { filter: { labeler: 'ann', disagreeWith: 'bob' } });
    await settle(el);
    const sel = el.shadowRoot!.querySelector('#f-labeler') as HTMLSelectElement;
    sel.value = '';
    sel.dispatchEvent(new Event('change'));
    await settle(el);
    assert.deepEqual(host.filters.at(-1), {});
  });

  it('Open in Review shows the item named', async () => {
    const host = new FakeHost('image-detection', 3);
    const el = await mountReview(host);
    host.transport.notify(ReviewRevealNotification, { key: 'k3' });
    await settle(el);
    assert.equal(el.item?.key, 'k3');
    assert.equal(el.index, 2);
  });

  // The host sends the state and then the item to reveal as a new panel gets ready: the list answered first
  // must not replace the item named with its first row (seen in the workbench: Open in Review on a Needs
  // Review row showed the first labeled item).
  for (const [named, index] of [['k9', -1], ['k2', 1]] as const) {
    it(`Open in Review of a panel opening: the item named (${index < 0 ? 'not in the list' : 'in the list'}) is shown, not the first row`, async () => {
      const host = new FakeHost('text-classification', 2);
      host.items.set('k9', anItem('text-classification', 'k9'));
      const el = document.createElement('lbl-review-app');
      el.ipc = new HostIpc(host.transport, 2000);
      const mounted = mount(el, 1100, 700);
      host.transport.notify(ReviewStateNotification, host.state());
      host.transport.notify(ReviewRevealNotification, { key: named });
      await mounted;
      await settle(el);
      assert.deepEqual(el.rows.map((r) => r.key), ['k1', 'k2']);
      assert.equal(el.item?.key, named);
      assert.equal(el.index, index);
    });
  }

  it('bulk actions: on the checked rows with their versions, or on everything matching the filter', async () => {
    const host = new FakeHost('text-classification');
    const el = await mountReview(host);
    const boxes = [...el.shadowRoot!.querySelectorAll('.row input[type=checkbox]')] as HTMLInputElement[];
    boxes[0]!.click();
    boxes[2]!.click();
    await settle(el);
    const approve = () => click([...el.shadowRoot!.querySelectorAll('[aria-label="Bulk actions"] vscode-button')].find((b) => b.textContent!.trim() === 'Approve'));
    approve();
    await settle(el);
    assert.deepEqual(host.bulks[0], { action: 'approve', items: [{ key: 'k1', version: 3 }, { key: 'k3', version: 3 }] });
    assert.include(text(el), '2 written; 1 skipped (changed since listed)');
    const all = el.shadowRoot!.querySelector('#all-matching') as HTMLInputElement;
    all.click();
    await settle(el);
    approve();
    await settle(el);
    assert.deepEqual(host.bulks[1], { action: 'approve', filter: {} });
  });

  it('the list is virtualised: 3,000 rows loaded, a few dozen in the DOM; scrolling loads more pages', async () => {
    const host = new FakeHost('text-classification', 3000);
    const el = await mountReview(host);
    assert.lengthOf(el.rows, 100);
    const sc = el.shadowRoot!.querySelector('.scroller') as HTMLElement;
    sc.scrollTop = sc.scrollHeight;
    sc.dispatchEvent(new Event('scroll'));
    await settle(el);
    assert.isAbove(el.rows.length, 100);
    assert.isBelow(el.shadowRoot!.querySelectorAll('.row').length, 80);
  });

  it('a long key in a narrow list keeps its row id or file name whole; the start gives way, the title has it all', async () => {
    const host = new FakeHost('text-classification', 2);
    host.rows[0]!.key = 'data/a/very/long/folder/name/of/reviews-2026-11.csv#amazon-17';
    host.rows[1]!.key = 'images/a/very/long/folder/name/of/photos/cat_0042.png';
    for (const r of host.rows) host.items.set(r.key, anItem('text-classification', r.key));
    const el = await mountReview(host);
    const list = el.shadowRoot!.querySelector('.scroller') as HTMLElement;
    list.style.width = '340px';
    await settle(el);
    const cells = [...el.shadowRoot!.querySelectorAll('.row .k')] as HTMLElement[];
    assert.lengthOf(cells, 2);
    assert.deepEqual(cells.map((c) => c.querySelector('.kt')!.textContent), ['#amazon-17', 'cat_0042.png']);
    assert.deepEqual(cells.map((c) => c.title), host.rows.map((r) => r.key));
    for (const c of cells) {
      const tail = c.querySelector('.kt') as HTMLElement;
      assert.isAtMost(tail.scrollWidth, tail.clientWidth + 1, 'the tail is not cut');
      assert.isAtMost(tail.getBoundingClientRect().right, c.getBoundingClientRect().right + 1, 'and is inside the cell');
      const head = c.querySelector('.kh') as HTMLElement;
      assert.isAbove(head.scrollWidth, head.clientWidth, 'the start is the part cut');
    }
  });

  it('empty states: nothing matches; not a reviewer', async () => {
    const host = new FakeHost('text-classification', 0);
    const el = await mountReview(host, host.state({ canReview: false }));
    assert.include(text(el), 'No items match');
    assert.include(text(el), 'not a reviewer in this project');
    assert.include(text(el), 'No item selected');
  });
});
