// Issue 11 item 1: the Review panel in the real workbench. Items are labeled and skipped in the labeling
// panel, then a reviewer (the same VS Code: a project without roles lets everyone review) approves one
// (A), rejects one with a reason (R: it reappears in the Queue), accepts a skip (S) and returns it (U).
// The journal lines are checked after each step; screenshots 60-64.
import assert from 'node:assert/strict';
import { waitForEvent } from './journals.mjs';

export const tests = [
  {
    name: 'review: approve one item, reject one back to the queue, accept and return a skip',
    workspace: { projects: true },
    async run(wb, { workspace }) {
      const { page } = wb;
      // Label two items and skip a third in the labeling panel.
      await wb.palette('Labeling: Start Labeling');
      await wb.pick('Review sentiment');
      const labeler = wb.webview().locator('lbl-labeler-app');
      await labeler.locator('lbl-class-editor').waitFor({ timeout: 30000 });
      await labeler.locator('lbl-class-editor').click();
      await page.keyboard.press('1');
      await page.keyboard.press('Enter');
      await waitForEvent(workspace, 'reviews', 'submit', 1);
      await labeler.locator('.progress', { hasText: '1 of 30 labeled' }).waitFor();
      await page.keyboard.press('2');
      await page.keyboard.press('Enter');
      const submits = await waitForEvent(workspace, 'reviews', 'submit', 2);
      await labeler.locator('.progress', { hasText: '2 of 30 labeled' }).waitFor();
      await labeler.locator('vscode-button', { hasText: 'Skip' }).click();
      const [skip] = await waitForEvent(workspace, 'reviews', 'skip', 1);

      // The Review panel: labeled items by default, the first one shown read-only.
      // The project in context (the labeling panel's) is reviewed: no project picker.
      await wb.palette('Labeling: Review Labels');
      const app = wb.webview().locator('lbl-review-app');
      await app.locator('h1', { hasText: 'Review: Review sentiment' }).waitFor({ timeout: 30000 });
      await app.locator('.row').nth(1).waitFor({ timeout: 15000 });
      await app.locator('lbl-review-viewer lbl-class-editor').waitFor();
      const shown = async () => (await app.locator('.meta .key').innerText()).trim();
      const first = await shown();
      await wb.screenshot('60-review-panel');

      // A approves the item shown, with the version the reviewer saw.
      await app.locator('.scroller').focus();
      await page.keyboard.press('a');
      const [approve] = await waitForEvent(workspace, 'reviews', 'approve', 1);
      assert.equal(approve.item, first);
      assert.equal(typeof approve.base, 'number');
      // The panel moved on to the other labeled item.
      await wb.expectText(app.locator('.meta .key'), new RegExp(`^(?!${first.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$)`));
      const second = await shown();
      assert.ok(submits.some((s) => s.item === second), 'the other labeled item');

      // R rejects it with a reason: the item is back in the Queue.
      await page.keyboard.press('r');
      await app.locator('#reason').fill('the sentence is about the battery, not the screen');
      await wb.screenshot('61-review-reject-reason');
      await app.locator('.reject-form vscode-button', { hasText: 'Reject' }).click();
      const [reject] = await waitForEvent(workspace, 'reviews', 'reject', 1);
      assert.equal(reject.item, second);
      assert.equal(reject.reason ?? 'the sentence is about the battery, not the screen', 'the sentence is about the battery, not the screen');
      // Back in the queue: it is the labeling panel's queue head again (its labels were voided).
      await page.locator('.tab', { hasText: 'Label: Review sentiment' }).click();
      await labeler.locator('vscode-button', { hasText: 'Next' }).click();
      await wb.expectText(labeler.locator('header .key').first(), second, 15000);
      await labeler.locator('vscode-badge', { hasText: 'unlabeled' }).waitFor();
      await wb.screenshot('62-rejected-back-in-queue');
      await page.locator('.tab', { hasText: 'Review: Review sentiment' }).click();
      await app.locator('#f-asset').waitFor();

      // Skipped items: S accepts the skip, U returns it to the queue.
      const asset = app.locator('#f-asset');
      await asset.selectOption('skipped');
      await wb.expectText(app.locator('.meta .key'), skip.item, 10000);
      await wb.screenshot('63-review-skipped');
      await app.locator('.scroller').focus();
      await page.keyboard.press('s');
      const [accept] = await waitForEvent(workspace, 'reviews', 'accept-skip', 1);
      assert.equal(accept.item, skip.item);
      // The answer shows the item with the accepted skip (it stays skipped, out of the queue).
      await app.locator('.meta', { hasText: 'accept-skip by' }).waitFor();
      await app.locator('.meta vscode-badge', { hasText: 'skipped' }).waitFor();
      await page.keyboard.press('u');
      const [unskip] = await waitForEvent(workspace, 'reviews', 'unskip', 1);
      assert.equal(unskip.item, skip.item);
      // Back in the queue: the skipped list is empty now.
      await app.locator('.empty', { hasText: 'No items match' }).waitFor({ timeout: 15000 });
      await wb.screenshot('64-review-skip-returned');
    },
  },
];
