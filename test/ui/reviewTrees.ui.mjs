// Issue 11, items 2 and 4 in the real workbench: a reviewer approves and rejects Needs Review rows with their
// inline actions (the reject asks for a reason), accepts a skip in the Skipped view, and a manager assigns the
// next unassigned item to a typed labeler from the palette. Two teammates' journals (as a git pull brings them) seed the items.
import assert from 'node:assert/strict';
import { journalEvents, setConsensus, teammateJournal, until } from './journals.mjs';

const K = (id) => `data/reviews.csv#${id}`;

export const tests = [
  {
    name: 'review in the trees: inline Approve and Reject... on Needs Review rows, Accept Skip, Assign Items... from the palette',
    workspace: { projects: true },
    async run(wb, { workspace }) {
      const { page } = wb;
      // Two labelers per item; ann and bob disagree on amazon-1 and amazon-2 (needs review), ann skipped amazon-3.
      setConsensus(workspace, 'reviews', 2, 2);
      const journal = (who, lines) => teammateJournal(workspace, 'reviews', who, 'd1', lines, Date.parse('2026-12-01T09:00:00.000Z'));
      const cls = (l) => ({ kind: 'classes', labels: [l] });
      journal('ann', [
        { type: 'submit', item: K('amazon-1'), ann: cls('positive') },
        { type: 'submit', item: K('amazon-2'), ann: cls('positive') },
        { type: 'skip', item: K('amazon-3') },
      ]);
      journal('bob', [
        { type: 'submit', item: K('amazon-1'), ann: cls('negative') },
        { type: 'submit', item: K('amazon-2'), ann: cls('negative') },
      ]);
      const mine = (type) => journalEvents(workspace, 'reviews').filter((e) => e.folder !== 'ann' && e.folder !== 'bob' && e.type === type);

      await wb.openActivity('Data Labeling');
      const header = (title) => page.locator('.pane-header', { hasText: title }).first();
      for (const title of ['Needs Review', 'Skipped']) {
        await header(title).waitFor({ timeout: 30000 });
        if ((await header(title).getAttribute('aria-expanded')) !== 'true') await header(title).click();
      }
      const row = (view, label) => wb.viewRows(view).filter({ hasText: label }).first();
      await row('Needs Review', 'amazon-1').waitFor({ timeout: 30000 });
      await row('Needs Review', 'amazon-2').waitFor();
      await wb.screenshot('51-needs-review-rows');

      // Approve: the inline action of the row (shown on hover).
      await row('Needs Review', 'amazon-1').hover();
      await row('Needs Review', 'amazon-1').locator('.action-label[aria-label^="Approve Item"]').click();
      await until(() => mine('approve').length === 1, 'the approve line');
      await row('Needs Review', 'amazon-1').waitFor({ state: 'detached' });

      // Reject...: the reason in an input box, Enter.
      await row('Needs Review', 'amazon-2').hover();
      await row('Needs Review', 'amazon-2').locator('.action-label[aria-label^="Reject Item"]').click();
      await wb.quickInput.waitFor({ state: 'visible' });
      await wb.quickInput.fill('Both labels were guesses: read it again');
      await page.waitForTimeout(150);
      await page.keyboard.press('Enter');
      const [reject] = await until(() => (mine('reject').length ? mine('reject') : undefined), 'the reject line');
      assert.equal(reject.item, K('amazon-2'));
      assert.equal(reject.reason, 'Both labels were guesses: read it again');
      await row('Needs Review', 'amazon-2').waitFor({ state: 'detached' });

      // Accept Skip on the Skipped row.
      await row('Skipped', 'amazon-3').waitFor();
      await row('Skipped', 'amazon-3').hover();
      await row('Skipped', 'amazon-3').locator('.action-label[aria-label^="Accept Skip"]').click();
      await until(() => mine('accept-skip').length === 1, 'the accept-skip line');

      // Assign from the palette: the next unassigned item of this project, to a typed labeler id.
      await wb.palette('Labeling: Assign Items...');
      // No project in context (an inline action selects no row): the project is asked for first.
      const askProject = page.locator('.quick-input-widget input[placeholder="Project whose items to assign"]');
      const askItems = page.locator('.quick-input-widget .quick-input-title', { hasText: 'Assign Items: Review sentiment' });
      await Promise.any([askProject.waitFor(), askItems.waitFor()]);
      if (await askProject.isVisible()) await wb.pick('Review sentiment');
      await wb.answer('Assign Items: Review sentiment', undefined, { pick: 'The next unassigned items' });
      await page.waitForTimeout(500);
      await wb.answer('Assign Items: Review sentiment', '1'); // how many
      await page.waitForTimeout(500);
      await wb.answer('Assign 1 item', 'Type a labeler id', { pick: 'Type a labeler id' });
      await page.waitForTimeout(500);
      await wb.answer('Assign 1 item', 'carol@example.com');
      const [assign] = await until(() => (mine('assign').length ? mine('assign') : undefined), 'the assign line');
      assert.equal(mine('assign').length, 1);
      assert.equal(assign.to, 'carol@example.com');
      await wb.screenshot('52-assigned');
    },
  },
];
