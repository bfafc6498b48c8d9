// Issue 8, items 17 and 20 in the real workbench: Start Labeling from the palette takes the project selected in
// the Projects view (no quick pick), and "Developer: Reload Window" brings the labeling panel back on the item it
// showed, and the Project Details panel with it.
export const tests = [
  {
    name: 'Start Labeling takes the selected project; Reload Window restores the labeling and details panels',
    workspace: { projects: true },
    async run(wb) {
      const { page } = wb;
      await wb.openActivity('Data Labeling');
      // Click once the row shows its progress: the project's index is open and the tree has stopped redrawing the
      // row (a click on a row being replaced only selects it; seen in a fresh-clone run).
      const row = wb.viewRows('Projects').filter({ hasText: 'Review sentiment' }).filter({ hasText: '/30' });
      await row.waitFor({ timeout: 30000 });
      // A click selects the row and opens Project Details; a row the tree redrew under the click is only
      // selected (the tree refreshes as the other projects' indexes open), so a second click is allowed.
      const details = wb.webview().locator('lbl-details-app h1', { hasText: 'Review sentiment' });
      await wb.clickUntil(row, details);

      await wb.palette('Labeling: Start Labeling'); // no quick pick: the selected project
      const app = wb.webview().locator('lbl-labeler-app');
      await app.locator('h1', { hasText: 'Review sentiment' }).waitFor({ timeout: 30000 });
      await app.locator('lbl-class-editor').click();
      await page.keyboard.press('2');
      await page.keyboard.press('Enter');
      await app.locator('.progress', { hasText: '1 of 30 labeled' }).waitFor();
      const next = (await app.locator('.key[title="Item"]').innerText()).trim();
      await app.locator('vscode-button', { hasText: 'Back' }).click(); // the labeled item: not the queue's head
      await app.locator('vscode-badge', { hasText: 'labeled' }).waitFor();
      const key = (await app.locator('.key[title="Item"]').innerText()).trim();
      if (key === next) throw new Error('Back did not move');
      await wb.screenshot('41-before-reload');

      await wb.palette('Developer: Reload Window');
      await page.waitForTimeout(2000);
      await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
      const restored = wb.webview().locator('lbl-labeler-app');
      await restored.locator('h1', { hasText: 'Review sentiment' }).waitFor({ timeout: 60000 });
      await wb.expectText(restored.locator('.key[title="Item"]'), key, 20000);
      await wb.screenshot('42-labeling-panel-restored');

      await page.locator('.tabs-container .tab', { hasText: 'Project: Review sentiment' }).click();
      await wb.webview().locator('lbl-details-app h1', { hasText: 'Review sentiment' }).waitFor({ timeout: 30000 });
    },
  },
];
