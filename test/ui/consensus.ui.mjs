// Issue 11, item 3 in the real workbench: a reviewer settles a consensus item seeded by two other labelers'
// journals. alice and bob (two teammates' journals, as a git pull brings them, lines as the journal writer
// writes them) disagree on amazon-1 and agree on amazon-2 in a project whose consensus needs 2 of at most 2
// labelers: amazon-1 needs review, amazon-2 is settled by consensus. The reviewer opens amazon-1 in the Review
// panel from its Needs Review row, reads why (who said what, the agreement), switches between both labelers'
// labels, decides bob's label (not the top choice the editor starts from) and saves it as final; then approves
// the consensus of amazon-2. Each journal line is checked (the label, the version, `seen` naming both journals),
// and the item's state afterwards in the panel and the tree. Screenshots 65-67.
import assert from 'node:assert/strict';
import { journalEvents, setConsensus, teammateJournal } from './journals.mjs';

const K = (id) => `data/reviews.csv#${id}`;
const cls = (label) => ({ kind: 'classes', labels: [label] });

export const tests = [
  {
    name: 'consensus: a reviewer decides an item two other labelers disagree on, and approves one they agree on',
    workspace: { projects: true },
    async run(wb, { workspace }) {
      const { page } = wb;
      // Two labelers agreeing settle an item; two is also the most asked for, so a disagreement needs review.
      setConsensus(workspace, 'reviews', 2, 2);
      const t0 = Date.now() - 3600_000;
      teammateJournal(workspace, 'reviews', 'alice', 'laptop', [
        { type: 'submit', item: K('amazon-1'), ann: cls('positive') },
        { type: 'submit', item: K('amazon-2'), ann: cls('positive') },
      ], t0);
      teammateJournal(workspace, 'reviews', 'bob', 'desktop', [
        { type: 'submit', item: K('amazon-1'), ann: cls('negative') },
        { type: 'submit', item: K('amazon-2'), ann: cls('positive') },
      ], t0 + 60_000);
      const reviews = (type) => journalEvents(workspace, 'reviews').filter((e) => e.type === type && e.folder !== 'alice' && e.folder !== 'bob');
      /** The reviewer's lines of a type, once there is one. */
      const written = async (type) => {
        for (const end = Date.now() + 20000; Date.now() < end; await new Promise((r) => setTimeout(r, 200))) {
          if (reviews(type).length) return reviews(type);
        }
        return assert.fail(`no ${type} line by the reviewer in the journal`);
      };

      // The Needs Review view lists amazon-1 only: amazon-2 was settled by alice's and bob's consensus.
      await wb.openActivity('Data Labeling');
      const header = page.locator('.pane-header', { hasText: 'Needs Review' }).first();
      await header.waitFor({ timeout: 30000 });
      if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
      const needsRow = (id) => wb.viewRows('Needs Review').filter({ hasText: new RegExp(`${id}(?!\\d)`) }).first();
      await needsRow('amazon-1').waitFor({ timeout: 30000 });
      assert.equal(await wb.viewRows('Needs Review').filter({ hasText: /amazon-2(?!\d)/ }).count(), 0, 'amazon-2 is settled by consensus');

      // Open in Review (the row's inline action): the panel shows the item and why it needs review.
      await needsRow('amazon-1').hover();
      await needsRow('amazon-1').locator('.action-label[aria-label^="Open in Review"]').click();
      const app = wb.webview().locator('lbl-review-app');
      await app.locator('h1', { hasText: 'Review: Review sentiment' }).waitFor({ timeout: 30000 });
      await wb.expectText(app.locator('.meta .key'), K('amazon-1'), 15000);
      const me = (await app.locator('header .muted').innerText()).trim();
      assert.ok(me && me !== 'alice' && me !== 'bob', `the reviewer is a third person (${me})`);
      await app.locator('.meta vscode-badge', { hasText: 'needs-review' }).waitFor();
      await app.locator('.meta', { hasText: 'agreement 50%' }).waitFor();
      await wb.expectText(app.locator('.why'), 'No consensus: alice: positive; bob: negative (agreement 50%).');
      // The list filtered to items needing review: amazon-1 alone, with its agreement and its two labelers.
      await app.locator('#f-asset').selectOption('needs-review');
      await app.locator('.list-head', { hasText: '1 matching' }).waitFor({ timeout: 15000 });
      await wb.expectText(app.locator(`.row[data-key="${K('amazon-1')}"] .s`), 'needs-review · 50% · 2', 10000);
      await app.locator(`.row[data-key="${K('amazon-1')}"]`).click();
      await wb.expectText(app.locator('.meta .key'), K('amazon-1'));

      // A switch between each labeler's label, the consensus (the top choice: alice's, the first of the tie)
      // and every labeler's labels together.
      const chosen = app.locator('lbl-review-viewer lbl-class-editor .chosen');
      const view = (v) => app.locator(`.views button[data-view="${v}"]`);
      await view('consensus').waitFor();
      assert.equal((await view('consensus').innerText()).trim(), 'Consensus (top choice)');
      await wb.expectText(chosen, 'positive');
      await view('labeler:bob').click();
      await wb.expectText(chosen, 'negative');
      await view('labeler:alice').click();
      await wb.expectText(chosen, 'positive');
      await view('overlay').click();
      const who = app.locator('lbl-review-viewer .overlay-list .who-row');
      await wb.expectText(who.nth(0), /^alice\s+positive$/);
      await wb.expectText(who.nth(1), /^bob\s+negative$/);
      await wb.screenshot('65-review-consensus-why');

      // D decides: the editor starts from the consensus (positive); 2 picks negative, Enter saves it as final.
      await view('consensus').click();
      await app.locator('.scroller').focus();
      await page.keyboard.press('d');
      await app.locator('.banner.info', { hasText: 'Deciding' }).waitFor();
      await wb.expectText(chosen, 'positive');
      await page.keyboard.press('2');
      await wb.expectText(chosen, 'negative');
      await wb.screenshot('66-review-consensus-decide');
      await page.keyboard.press('Enter');
      const [decide] = await written('decide');
      assert.equal(reviews('decide').length, 1);
      assert.equal(decide.by, me);
      assert.equal(decide.folder, me, 'written to the reviewer\'s own journal folder');
      assert.equal(decide.item, K('amazon-1'));
      assert.deepEqual(decide.ann, cls('negative'));
      assert.equal(typeof decide.base, 'number');
      // What the reviewer saw: both teammates' submits on the item.
      assert.deepEqual(decide.seen, [['alice', 'laptop', 1], ['bob', 'desktop', 1]]);

      // Settled: the panel shows the decision as the final label, the item left the needs-review list and the tree.
      await app.locator('.meta', { hasText: `decide by ${me}` }).waitFor({ timeout: 15000 });
      await app.locator('.meta vscode-badge', { hasText: /^labeled$/ }).waitFor();
      await wb.expectText(view('consensus'), 'Final label');
      await wb.expectText(chosen, 'negative');
      assert.equal(await app.locator('.why').count(), 0, 'no longer says why it needs review');
      await app.locator('.empty', { hasText: 'No items match' }).waitFor({ timeout: 15000 });
      await needsRow('amazon-1').waitFor({ state: 'detached', timeout: 20000 });

      // amazon-2, settled by consensus: its final label is alice's and bob's; A approves it.
      await app.locator('#f-asset').selectOption('labeled');
      const row2 = app.locator(`.row[data-key="${K('amazon-2')}"]`);
      await row2.waitFor({ timeout: 15000 });
      await wb.expectText(app.locator(`.row[data-key="${K('amazon-1')}"] .s`), 'labeled · 50% · 2', 10000);
      await row2.click();
      await wb.expectText(app.locator('.meta .key'), K('amazon-2'));
      await app.locator('.meta', { hasText: 'agreement 100%' }).waitFor();
      await wb.expectText(view('consensus'), 'Final label');
      await wb.expectText(chosen, 'positive');
      await app.locator('.scroller').focus();
      await page.keyboard.press('a');
      const [approve] = await written('approve');
      assert.equal(approve.by, me);
      assert.equal(approve.item, K('amazon-2'));
      assert.deepEqual(approve.seen, [['alice', 'laptop', 2], ['bob', 'desktop', 2]]);
      await app.locator('#f-asset').selectOption('approved');
      await app.locator('.list-head', { hasText: '2 matching' }).waitFor({ timeout: 15000 });
      await app.locator(`.row[data-key="${K('amazon-2')}"]`).click();
      await app.locator('.meta', { hasText: `approve by ${me}` }).waitFor({ timeout: 15000 });
      await wb.screenshot('67-review-consensus-approved');
    },
  },
];
