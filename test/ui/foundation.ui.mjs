// Issue 2: the Data Labeling view, "Create Labeling Project" through its guided flow from the command
// palette, the project in the Projects view, the Project Details webview and a click inside it.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const tests = [
  {
    name: 'create a project from the command palette and open its details',
    async run(wb, { workspace }) {
      const { page } = wb;
      await wb.openActivity('Data Labeling');
      await wb.viewRows('Projects').first().waitFor({ state: 'detached', timeout: 1000 }).catch(() => {});
      await page.locator('.welcome-view-content', { hasText: 'No labeling project in this workspace yet' }).first().waitFor();
      await wb.screenshot('01-empty-projects-view');

      await wb.palette('Labeling: Create Labeling Project');
      await wb.answer('(1/7)', 'UI Reviews');
      await wb.answer('(2/7)', 'Text classification (multi-class)', { pick: 'Text classification (multi-class)' });
      await wb.answer('(3/7)', 'data/reviews.csv', { pick: 'data/reviews.csv' });
      await wb.answer('(3/7)', 'text', { pick: 'text' }); // text column
      await wb.answer('(3/7)', 'id', { pick: 'id' }); // id column
      await wb.answer('(4/7)', 'positive, negative');
      await wb.answer('(5/7)', 'Label the sentiment of each review.');
      await wb.answer('(6/7)', undefined, { pick: 'One labeler per item' });
      await wb.answer('(7/7)', undefined, { pick: 'Off' });
      await wb.toast('Created labeling project "UI Reviews"');

      const def = JSON.parse(readFileSync(path.join(workspace, '.labeling/ui-reviews/project.json'), 'utf8'));
      assert.equal(def.type, 'text-classification');
      assert.deepEqual(def.dataSources, [{ kind: 'table', glob: 'data/reviews.csv', textColumn: 'text', idColumn: 'id' }]);
      assert.deepEqual(def.labels.map((l) => `${l.name}:${l.hotkey}`), ['positive:1', 'negative:2']);
      assert.match(readFileSync(path.join(workspace, '.labeling/ui-reviews/instructions.md'), 'utf8'), /Label the sentiment/);

      const row = wb.viewRows('Projects').filter({ hasText: 'UI Reviews' });
      await row.waitFor();
      await row.click(); // opens Project Details
      const app = wb.webview().locator('lbl-details-app');
      await app.locator('h1', { hasText: 'UI Reviews' }).waitFor({ timeout: 30000 });
      await wb.screenshot('02-project-details');
      await app.locator('vscode-button', { hasText: 'Edit Instructions' }).click();
      await page.locator('.tabs-container .tab', { hasText: 'instructions.md' }).waitFor();
      assert.ok(existsSync(path.join(workspace, '.labeling/.gitignore')));
      await wb.screenshot('03-instructions-opened');
    },
  },
];
