// Issue 2: the Data Labeling view, "Create Labeling Project" through its guided flow from the command
// palette, the project in the Projects view, the Project Details webview and a click inside it.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
      // data/reviews.csv has a "sentiment" column: the flow offers to import it
      await wb.answer('(3/7)', 'as prelabels', { pick: 'Import "sentiment" as prelabels' });
      await page.locator('.quick-input-widget .quick-input-title', { hasText: '(4/7)' }).waitFor();
      assert.match(await wb.quickInput.inputValue(), /^(positive, negative|negative, positive)$/, 'its classes, proposed as labels');
      await wb.answer('(4/7)', 'positive, negative');
      await wb.answer('(5/7)', 'Label the sentiment of each review.');
      await wb.answer('(6/7)', undefined, { pick: 'One labeler per item' });
      await wb.answer('(7/7)', undefined, { pick: 'Off' });
      await wb.notified('Created labeling project "UI Reviews" in .labeling/ui-reviews. Imported 30 prelabels from column "sentiment".');

      const def = JSON.parse(readFileSync(path.join(workspace, '.labeling/ui-reviews/project.json'), 'utf8'));
      assert.equal(def.type, 'text-classification');
      assert.deepEqual(def.dataSources, [{ kind: 'table', glob: 'data/reviews.csv', textColumn: 'text', idColumn: 'id' }]);
      assert.deepEqual(def.labels.map((l) => `${l.name}:${l.hotkey}`), ['positive:1', 'negative:2']);
      assert.match(readFileSync(path.join(workspace, '.labeling/ui-reviews/instructions.md'), 'utf8'), /Label the sentiment/);
      const journal = path.join(workspace, '.labeling/ui-reviews/journal');
      const events = readdirSync(journal).flatMap((l) => readdirSync(path.join(journal, l)).flatMap((f) => readFileSync(path.join(journal, l, f), 'utf8').trim().split('\n').map((x) => JSON.parse(x))));
      const [batch, ...more] = events.filter((e) => e.type === 'import');
      assert.equal(more.length, 0, 'one import batch');
      assert.equal(batch.submits.length, 30);
      assert.ok(batch.submits.every((x) => x.pre === true && ['positive', 'negative'].includes(x.ann.labels[0])));

      // Click once the row shows its progress: the project's index is open and the tree has stopped redrawing the
      // row (a click on a row being replaced only selects it).
      const row = wb.viewRows('Projects').filter({ hasText: 'UI Reviews' }).filter({ hasText: '/30' });
      await row.waitFor();
      const app = wb.webview().locator('lbl-details-app');
      // The click opens Project Details (clicked again if the tree redrew the row under it: seen once).
      await wb.clickUntil(row, app.locator('h1', { hasText: 'UI Reviews' }));
      await wb.screenshot('02-project-details');
      await app.locator('vscode-button', { hasText: 'Edit Instructions' }).click();
      await page.locator('.tabs-container .tab', { hasText: 'instructions.md' }).waitFor();
      assert.ok(existsSync(path.join(workspace, '.labeling/.gitignore')));
      await wb.screenshot('03-instructions-opened');
    },
  },
  {
    name: 'a typed glob that matches nothing: Create Anyway gives a panel and a Queue that say why they are empty; a folder gets a fix',
    async run(wb, { workspace }) {
      const { page } = wb;
      await wb.openActivity('Data Labeling');
      const dialog = page.locator('.monaco-dialog-box');
      const create = async (name, glob) => {
        await wb.palette('Labeling: Create Labeling Project');
        await wb.answer('(1/7)', name);
        await wb.answer('(2/7)', 'Image classification (multi-class)', { pick: 'Image classification (multi-class)' });
        await wb.answer('(3/7)', 'Enter a glob pattern', { pick: 'Enter a glob pattern' });
        await wb.answer('(3/7)', glob);
        await dialog.waitFor();
      };
      const finish = async () => {
        await wb.answer('(4/7)', 'odd, even');
        await wb.answer('(5/7)', '');
        await wb.answer('(6/7)', undefined, { pick: 'One labeler per item' });
        await wb.answer('(7/7)', undefined, { pick: 'Off' });
      };
      const def = (id) => JSON.parse(readFileSync(path.join(workspace, `.labeling/${id}/project.json`), 'utf8'));

      await create('Empty digits', 'data/nothing/*.png');
      await dialog.getByRole('button', { name: 'Create Anyway' }).click();
      await finish();
      const toast = page.locator('.notification-toast', { hasText: 'Created labeling project "Empty digits"' });
      await toast.waitFor();
      await toast.getByRole('button', { name: 'Start Labeling' }).click();
      const app = wb.webview().locator('lbl-labeler-app');
      await app.locator('h2', { hasText: 'the data source matched no files' }).waitFor({ timeout: 30000 });
      assert.match(await app.locator('.empty').innerText(), /data\/nothing\/\*\.png[\s\S]*\.labeling\/empty-digits\/project\.json[\s\S]*Refresh Project Data/);
      await wb.screenshot('05-empty-project-panel');
      // The only project has no items: the Queue says why instead of "everything is labeled".
      await page.locator('.welcome-view-content', { hasText: 'the data sources of your projects match no files' }).first().waitFor({ timeout: 15000 });

      await create('Typo digits', 'data/digitz/*.png');
      assert.match(await dialog.innerText(), /"data\/digitz\/\*\.png" matches no image file/);
      await wb.screenshot('04-glob-matches-nothing');
      await dialog.getByRole('button', { name: 'Edit Pattern' }).click();
      await page.locator('.quick-input-widget .quick-input-title', { hasText: '(3/7)' }).waitFor();
      assert.equal(await wb.quickInput.inputValue(), 'data/digitz/*.png', 'the pattern comes back to be edited');
      await wb.answer('(3/7)', 'data/digits'); // a folder, not a pattern
      await dialog.waitFor();
      const use = dialog.getByRole('button', { name: /^Use data\/digits\/\*\*\/\*\./ });
      await use.click();
      await finish();
      await wb.toast('Created labeling project "Typo digits"');
      assert.match(def('typo-digits').dataSources[0].glob, /^data\/digits\/\*\*\/\*\.\{png,/);
    },
  },
];
