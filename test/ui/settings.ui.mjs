// Issue 8, item 20 in the browser workbench (code-server): a change made in the user settings.json reaches the
// status bar without a window reload, and the Settings UI (User tab) finds `labeling.labeler`.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const tests = [
  {
    name: 'a settings.json change of labeling.labeler shows at once and the Settings UI finds it',
    workspace: { projects: true },
    async run(wb, { runDir }) {
      const { page } = wb;
      await wb.openActivity('Data Labeling');
      await page.locator('.statusbar-item', { has: page.locator('.codicon-person') }).first().waitFor({ timeout: 30000 });
      // Edit the user settings.json on disk, as a user (or a dotfiles script) would. The workbench rewrites the
      // file once at start-up (setting migrations) from what it had read: write again if that clobbered ours.
      const file = path.join(runDir, 'user-data/User/settings.json');
      for (let attempt = 0; attempt < 10 && !readFileSync(file, 'utf8').includes('ui-settings@example.com'); attempt++) {
        const settings = JSON.parse(readFileSync(file, 'utf8'));
        settings['labeling.labeler'] = 'ui-settings@example.com';
        writeFileSync(file, JSON.stringify(settings, null, 2));
        await page.waitForTimeout(2000);
      }
      await page.locator('.statusbar-item', { hasText: 'ui-settings@example.com' }).first().waitFor({ timeout: 15000 });

      await wb.palette('Preferences: Open User Settings');
      const search = page.locator('.settings-editor .suggest-input-container .monaco-editor textarea').first();
      await search.waitFor({ timeout: 15000 });
      await page.waitForTimeout(500); // the search box has focus when the editor opens
      await page.keyboard.type('labeler');
      const setting = page.locator('.settings-editor .setting-item-contents', { hasText: 'Your labeler id' });
      try {
        await setting.first().waitFor({ timeout: 10000 });
      } catch (e) {
        await wb.screenshot('FAILED-settings-search-labeler');
        const msg = await page.locator('.settings-editor .no-results-message').innerText().catch(() => '');
        throw new Error(`Settings search "labeler" in the User tab found nothing${msg ? ` ("${msg.trim()}")` : ''}: ${e.message}`);
      }
      const value = await setting.first().locator('input').inputValue();
      if (value !== 'ui-settings@example.com') throw new Error(`the Settings UI shows "${value}"`);
      await wb.screenshot('40-settings-labeler');
    },
  },
];
