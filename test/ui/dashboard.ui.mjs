// Issue 13 in the real workbench: "Labeling: Show Dashboard" from the palette draws the sample sentiment
// project's progress, labels, labelers and throughput (two teammates' journals, as a git pull brings them);
// labeling an item in the labeling panel beside it changes the open dashboard without a refresh. The same
// dashboard under the Light and High Contrast themes. Screenshots 80-83.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { teammateJournal } from './journals.mjs';

const DAY = 24 * 3600_000;

/** Two teammates labeled 14 of the sample reviews, two and one days ago. */
function seedTeammates(workspace) {
  const ids = readFileSync(path.join(workspace, 'data', 'reviews.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.slice(0, l.indexOf(',')));
  const submit = (id, label) => ({ type: 'submit', item: `data/reviews.csv#${id}`, ann: { kind: 'classes', labels: [label] } });
  teammateJournal(workspace, 'reviews', 'alice', 'laptop', ids.slice(0, 8).map((id, i) => submit(id, i % 3 ? 'positive' : 'negative')), Date.now() - 2 * DAY);
  teammateJournal(workspace, 'reviews', 'bob', 'desktop', ids.slice(8, 14).map((id, i) => submit(id, i % 2 ? 'positive' : 'negative')), Date.now() - DAY);
}

/** The frame showing `tag` (with a labeling panel beside the dashboard, two webviews are on screen). */
async function findFrame(page, tag, ms = 30000) {
  const end = Date.now() + ms;
  for (;;) {
    for (const f of page.frames()) if (await f.locator(tag).count().catch(() => 0)) return f;
    if (Date.now() > end) assert.fail(`no webview with <${tag}>`);
    await page.waitForTimeout(200);
  }
}

async function openDashboard(wb) {
  await wb.palette('Labeling: Show Dashboard');
  await wb.pick('Review sentiment');
  const frame = await findFrame(wb.page, 'lbl-dashboard-app');
  const app = frame.locator('lbl-dashboard-app');
  await app.locator('h1', { hasText: 'Review sentiment' }).waitFor({ timeout: 30000 });
  await wb.expectText(app.locator('[data-section="progress"] .summary'), /^14 of 30 items labeled/, 30000);
  return app;
}

/** The theme shows in the charts: every progress mark filled with a colour, the page background as expected. */
async function checkTheme(app, light) {
  const bg = await app.evaluate((el) => getComputedStyle(el.ownerDocument.body).backgroundColor);
  const sum = bg.match(/\d+/g).slice(0, 3).map(Number).reduce((a, b) => a + b, 0);
  assert.ok(light ? sum > 600 : sum < 150, `a ${light ? 'light' : 'dark'} page background, got ${bg}`);
  const fills = await app.locator('[data-chart="progress"] rect.mark').evaluateAll((rs) => rs.map((r) => getComputedStyle(r).fill));
  assert.ok(fills.length >= 2, 'labeled and unlabeled parts');
  for (const f of fills) assert.match(f, /^rgba?\(/, `a theme colour, got ${f}`);
  assert.equal(new Set(fills).size, fills.length, `one colour per state: ${fills.join(', ')}`);
}

export const tests = [
  {
    name: 'dashboard: opens from the palette and follows a label submitted in the labeling panel beside it',
    workspace: { projects: true },
    async run(wb, { workspace }) {
      const { page } = wb;
      seedTeammates(workspace);
      const app = await openDashboard(wb);
      await checkTheme(app, false);
      await wb.expectText(app.locator('[data-table="labelers-detail"] tr[data-key="alice"] td').first(), '8');
      await app.locator('[data-chart="throughput"] rect.mark').nth(1).waitFor();
      // Keyboard focus on a part of the progress bar announces it.
      await app.locator('[data-chart="progress"] rect.mark').first().focus();
      await wb.expectText(app.locator('[data-readout="progress"]'), /^Labeled, not reviewed: 14 of 30 \(46\.7%\)$/);

      // The labeling panel on the left, the dashboard moved to the right of it.
      await wb.palette('Labeling: Start Labeling');
      await wb.pick('Review sentiment');
      await (await findFrame(page, 'lbl-labeler-app')).locator('lbl-class-editor').waitFor({ timeout: 30000 });
      await page.locator('.tab', { hasText: 'Dashboard: Review sentiment' }).click();
      await page.locator('.tab.active', { hasText: 'Dashboard: Review sentiment' }).waitFor();
      // Keys pressed while a webview has focus may not reach the workbench: focus the side bar (the dashboard stays the active editor).
      await page.locator('.sidebar .composite.title').click();
      await wb.palette('View: Move Editor into Right Group');
      await page.locator('.editor-group-container').nth(1).waitFor();
      assert.equal(await page.locator('.tab', { hasText: 'Dashboard: Review sentiment' }).count(), 1, 'one dashboard');
      const labeler = (await findFrame(page, 'lbl-labeler-app')).locator('lbl-labeler-app');
      await labeler.locator('lbl-class-editor').waitFor({ timeout: 30000 });
      await labeler.locator('lbl-class-editor').click();
      await page.keyboard.press('2');
      await page.keyboard.press('Enter');
      await labeler.locator('.progress', { hasText: '15 of 30 labeled, 1 by you' }).waitFor({ timeout: 15000 });

      // The open dashboard changed by itself.
      const live = (await findFrame(page, 'lbl-dashboard-app')).locator('lbl-dashboard-app');
      await wb.expectText(live.locator('[data-section="progress"] .summary'), /^15 of 30 items labeled/, 10000);
      assert.equal(await live.locator('[data-chart="progress"] rect.mark').first().getAttribute('aria-label'), 'Labeled, not reviewed: 15 of 30 (50.0%)');
      await wb.screenshot('80-dashboard-beside-labeling-dark');

      // Compute Agreement Statistics from the dashboard: the job and its figures appear in it.
      await live.locator('vscode-button[data-action="computeAgreement"]').click();
      await live.locator('[data-table="jobs"] tr', { hasText: 'Agreement statistics of Review sentiment' }).locator('td', { hasText: 'succeeded' }).waitFor({ timeout: 30000 });
      await live.locator('[data-section="agreement"] vscode-button', { hasText: 'Compute Again' }).waitFor({ timeout: 10000 });
      await page.locator('.sidebar .composite.title').click();
      await wb.palette('Notifications: Clear All Notifications');
      await live.locator('[data-section="jobs"]').scrollIntoViewIfNeeded();
      await wb.screenshot('83-dashboard-agreement-jobs-dark');
    },
  },
  {
    name: 'dashboard: readable in the Light theme',
    workspace: { projects: true },
    theme: 'Default Light Modern',
    async run(wb, { workspace }) {
      seedTeammates(workspace);
      const app = await openDashboard(wb);
      await checkTheme(app, true);
      await wb.screenshot('81-dashboard-light');
    },
  },
  {
    name: 'dashboard: readable in the High Contrast theme',
    workspace: { projects: true },
    theme: 'Default High Contrast',
    async run(wb, { workspace }) {
      seedTeammates(workspace);
      const app = await openDashboard(wb);
      await checkTheme(app, false);
      await wb.screenshot('82-dashboard-high-contrast');
    },
  },
];
