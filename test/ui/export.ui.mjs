// Issue 5 through the workbench: label an item, then "Labeling: Export Labels..." from the palette, the
// notification with Open and Reveal in Explorer, and the exported file opened in an editor.
// Also the labeling panel under the Light and High Contrast themes (theme-aware UI).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

async function labelFirstDigit(wb) {
  await wb.palette('Labeling: Start Labeling');
  await wb.pick('Handwritten digits');
  const app = wb.webview().locator('lbl-labeler-app');
  await app.locator('lbl-class-editor img').waitFor({ timeout: 30000 });
  await app.locator('lbl-class-editor').click();
  await wb.page.keyboard.press('4'); // label "4"
  await wb.page.keyboard.press('Enter');
  await app.locator('.progress', { hasText: '1 by you' }).waitFor();
  return app;
}

export const tests = [
  {
    name: 'export labels from the palette and open the file',
    workspace: { projects: true },
    async run(wb, { workspace }) {
      await labelFirstDigit(wb);
      await wb.leaveWebview();
      await wb.palette('Labeling: Export Labels...');
      await wb.pick('Handwritten digits');
      await wb.answer('Export Labels: Handwritten digits (1/3)', 'CSV', { pick: 'CSV' });
      await wb.answer('Export Labels: Handwritten digits (2/3)'); // final labels only
      await wb.answer('Export Labels: Handwritten digits (3/3)'); // labels/digits/
      await wb.toast('Exported 1 item to labels/digits/labels.csv');
      await wb.screenshot('20-export-notification');
      const csv = readFileSync(path.join(workspace, 'labels/digits/labels.csv'), 'utf8').trim().split('\n');
      assert.equal(csv.length, 2, 'a header and one row');
      assert.match(csv[1], /^data\/digits\/\d-\d{3}\.png,4,/);
      await wb.page.locator('.notification-toast').getByRole('button', { name: 'Open' }).click();
      await wb.page.locator('.tabs-container .tab', { hasText: 'labels.csv' }).waitFor();
      await wb.screenshot('21-exported-csv');
    },
  },
  {
    name: 'the labeling panel follows the Light theme',
    workspace: { projects: true },
    theme: 'Default Light Modern',
    async run(wb) {
      await wb.palette('Labeling: Start Labeling');
      await wb.pick('Review entities');
      const app = wb.webview().locator('lbl-labeler-app');
      await app.locator('lbl-ner-editor').waitFor({ timeout: 30000 });
      const bg = await app.evaluate((el) => getComputedStyle(el.ownerDocument.body).backgroundColor);
      const [r, g, b] = bg.match(/\d+/g).map(Number);
      assert.ok(r + g + b > 600, `a light editor background, got ${bg}`);
      await wb.screenshot('30-theme-light-ner');
    },
  },
  {
    name: 'the labeling panel follows the High Contrast theme',
    workspace: { projects: true },
    theme: 'Default High Contrast',
    async run(wb) {
      await wb.palette('Labeling: Start Labeling');
      await wb.pick('Digit boxes');
      const app = wb.webview().locator('lbl-labeler-app');
      await app.locator('lbl-box-editor').waitFor({ timeout: 30000 });
      const bg = await app.evaluate((el) => getComputedStyle(el.ownerDocument.body).backgroundColor);
      assert.match(bg, /rgb\(0, 0, 0\)/, `a black High Contrast background, got ${bg}`);
      await wb.screenshot('31-theme-high-contrast-boxes');
    },
  },
];
