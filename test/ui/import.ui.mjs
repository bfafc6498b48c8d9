// Issue 5 through the workbench: "Labeling: Import Labels..." with VS Code's file dialog, the column mapping,
// "Import as prelabels", the dry-run summary dialog, one journal batch, and the prelabels shown as suggestions.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const tests = [
  {
    name: 'import a CSV of digit labels as prelabels through the file dialog and see them suggested',
    workspace: { projects: true },
    async run(wb, { workspace }) {
      const { page } = wb;
      const files = readdirSync(path.join(workspace, 'data/digits')).sort();
      mkdirSync(path.join(workspace, 'imports'), { recursive: true });
      const rows = files.map((f) => `${f},${f[0]}`);
      const csv = path.join(workspace, 'imports/digits.csv');
      writeFileSync(csv, ['file,digit', ...rows, 'no-such-file.png,3'].join('\n') + '\n');

      await wb.palette('Labeling: Import Labels...');
      await wb.pick('Handwritten digits');
      await wb.answer('Import Labels: Handwritten digits (1/4)', 'CSV', { pick: 'CSV' });
      // VS Code's own file dialog (the simple dialog in a remote window): type the path, Enter.
      await wb.quickInput.waitFor({ state: 'visible' });
      await page.waitForTimeout(300);
      await wb.quickInput.fill(csv);
      await page.waitForTimeout(300);
      await page.keyboard.press('Enter');
      await wb.answer('columns', 'file', { pick: 'file' });
      await wb.answer('columns', 'digit', { pick: 'digit' });
      await wb.answer('(2/4)'); // one reference matches nothing: no prefix to strip, Enter keeps it empty
      await wb.answer('(4/4)', 'Prelabels', { pick: 'Prelabels' });
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor();
      await wb.expectText(dialog.locator('.dialog-message-text'), `Import ${files.length} annotations into Handwritten digits?`);
      assert.match(await dialog.innerText(), /1 did not/);
      await wb.screenshot('22-import-summary');
      await dialog.getByRole('button', { name: 'Import' }).click();
      await wb.toast(`Imported ${files.length} annotations into Handwritten digits as one batch.`);

      const dir = path.join(workspace, '.labeling/digits/journal');
      const events = readdirSync(dir).flatMap((l) => readdirSync(path.join(dir, l)).flatMap((f) => readFileSync(path.join(dir, l, f), 'utf8').trim().split('\n').map((x) => JSON.parse(x))));
      const imports = events.filter((e) => e.type === 'import');
      assert.equal(imports.length, 1, 'one journal line for the whole import');
      assert.equal(imports[0].submits.length, files.length);
      assert.ok(imports[0].submits.every((s) => s.pre === true && s.ann.labels[0] === s.item.split('/').pop()[0]));

      await wb.palette('Labeling: Start Labeling');
      await wb.pick('Handwritten digits');
      const app = wb.webview().locator('lbl-labeler-app');
      await app.locator('.suggested-badge').first().waitFor({ timeout: 30000 });
      await wb.screenshot('23-prelabel-suggested');
    },
  },
];
