// Issue 12 in the real workbench: ML-assisted labeling of the sample sentiment project. A teammate's journal
// (as a git pull brings it) holds 600 labels, past the project's minLabels: the model trains by itself in a
// worker thread, validates and prelabels the queue with local suggestions. Project Details shows the model,
// its validation line and the jobs; the labeling panel shows a suggestion dashed and "suggested"; Enter
// confirms it, and the journal line names the model version it confirmed. Screenshots 70-71.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { journalEvents, teammateJournal, until } from './journals.mjs';

const LABELED = 600;

/** The sample reviews.csv rows: id and the sentiment column (the true label). */
function reviewRows(workspace) {
  const lines = readFileSync(path.join(workspace, 'data', 'reviews.csv'), 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => ({ id: l.slice(0, l.indexOf(',')), label: l.slice(l.lastIndexOf(',') + 1) }));
}

export const tests = [
  {
    name: 'ML assist: trains by itself on a teammate\'s labels, Project Details shows the validated model, the panel a suggestion',
    workspace: { projects: true, reviews: 300 },
    async run(wb, { workspace }) {
      const { page } = wb;
      const file = path.join(workspace, '.labeling', 'reviews', 'project.json');
      const def = JSON.parse(readFileSync(file, 'utf8'));
      // A target the model reaches on 600 labels whatever the project's (random) seed splits them into.
      def.mlAssist = { enabled: true, minLabels: 500, targetPrecision: 0.6 };
      writeFileSync(file, JSON.stringify(def, null, 2) + '\n');
      const rows = reviewRows(workspace);
      assert.ok(rows.length >= 900, `the sample has ${rows.length} reviews`);
      // The teammate labeled two reviews in three (so each source is in the training set), 600 in all.
      const picked = rows.filter((_, i) => i % 3 !== 2).slice(0, LABELED);
      teammateJournal(workspace, 'reviews', 'alice', 'laptop', picked.map((r) => ({ type: 'submit', item: `data/reviews.csv#${r.id}`, ann: { kind: 'classes', labels: [r.label] } })), Date.now() - 3600_000);

      // Project Details: the model trained by itself and its validation line.
      await wb.palette('Labeling: Project Details');
      await wb.pick('Review sentiment');
      const details = wb.webview().locator('lbl-details-app');
      await details.locator('h1', { hasText: 'Review sentiment' }).waitFor({ timeout: 30000 });
      const section = details.locator('section.assist');
      await section.locator('.model-name', { hasText: 'tfidf-logreg v1' }).waitFor({ timeout: 120000 });
      await wb.expectText(section.locator('.model-trained'), new RegExp(`^on ${LABELED} labels`), 10000);
      await wb.expectText(section.locator('.validation'), /^threshold 0\.\d\d, validated precision 0\.\d\d on \d+ items/, 10000);
      await section.locator('.suggestions', { hasText: /\d+ local suggestions? from model v1/ }).waitFor({ timeout: 60000 });
      await section.locator('.job.succeeded', { hasText: 'Train the ML-assist model' }).waitFor();
      await section.locator('.job.succeeded', { hasText: 'Validate the ML-assist model' }).waitFor();
      await section.locator('.job.succeeded', { hasText: 'Prelabel the queue' }).waitFor();
      await section.locator('.jobs').scrollIntoViewIfNeeded();
      await wb.screenshot('70-assist-project-details');

      // The labeling panel: skip until the item shown carries a suggestion (most do, above the threshold).
      await details.locator('vscode-button', { hasText: 'Start Labeling' }).first().click();
      const app = wb.webview().locator('lbl-labeler-app');
      await app.locator('h1', { hasText: 'Review sentiment' }).waitFor({ timeout: 30000 });
      const badge = app.locator('.suggested-badge', { hasText: 'tfidf-logreg' });
      for (let i = 0; i < 15 && !(await badge.isVisible()); i++) {
        await app.locator('lbl-class-editor').waitFor();
        await page.waitForTimeout(300);
        if (await badge.isVisible()) break;
        await app.locator('vscode-button[aria-label="Skip this item"]').click();
      }
      await badge.waitFor({ timeout: 10000 });
      await wb.expectText(badge, /^suggested · \d+% · tfidf-logreg v1$/);
      const key = (await app.locator('span.key[title="Item"]').innerText()).trim();
      await wb.screenshot('71-assist-suggestion-in-panel');
      await page.keyboard.press('Enter');
      const confirmed = await until(
        () => journalEvents(workspace, 'reviews').find((e) => e.type === 'submit' && e.folder !== 'alice' && e.src === 'model:tfidf-logreg@1'),
        'the confirming submit in the journal',
      );
      assert.equal(confirmed.chg, undefined, 'confirmed unchanged');
      assert.equal(confirmed.pre, undefined, 'a human label, not a prelabel');
      assert.equal(confirmed.item, key, 'the item shown is the one confirmed');
    },
  },
];
