// Issue 8, item 20 in the browser workbench (code-server): a change saved in the user settings.json reaches the
// status bar without a window reload, and the Settings UI (User tab) finds `labeling.labeler`.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const tests = [
  {
    name: 'a settings.json change of labeling.labeler shows at once and the Settings UI finds it',
    workspace: { projects: true },
    async run(wb, { runDir }) {
      const { page } = wb;
      await wb.openActivity('Data Labeling');
      await page.locator('.statusbar-item', { has: page.locator('.codicon-person') }).first().waitFor({ timeout: 30000 });
      // Edit the user settings.json in the editor, as a user does: open it, replace its text, save.
      const file = path.join(runDir, 'user-data/User/settings.json');
      const settings = JSON.parse(readFileSync(file, 'utf8'));
      settings['labeling.labeler'] = 'ui-settings@example.com';
      await wb.palette('Preferences: Open User Settings (JSON)');
      const lines = page.locator('.monaco-editor .view-lines', { hasText: 'telemetry.telemetryLevel' }).first();
      await lines.waitFor({ timeout: 15000 });
      await lines.click();
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Delete');
      // One line: the editor's auto-indent and bracket closing would reshape a multi-line text as it is typed.
      await page.keyboard.insertText(JSON.stringify(settings));
      await page.keyboard.press('Control+S');
      // The saved file is the JSON typed, not one reshaped by the editor (read once the save has landed).
      const saved = () => {
        try {
          return JSON.parse(readFileSync(file, 'utf8'))['labeling.labeler'] === 'ui-settings@example.com';
        } catch {
          return false;
        }
      };
      for (let i = 0; i < 50 && !saved(); i++) await page.waitForTimeout(200);
      if (!saved()) throw new Error(`settings.json was not saved as typed: ${readFileSync(file, 'utf8')}`);
      try {
        await page.locator('.statusbar-item', { hasText: 'ui-settings@example.com' }).first().waitFor({ timeout: 15000 });
      } catch (e) {
        const bar = await page.locator('.statusbar-item', { has: page.locator('.codicon-person') }).first().innerText().catch(() => '?');
        throw new Error(`after saving settings.json the status bar still shows "${bar.trim()}"; settings.json: ${readFileSync(file, 'utf8')}: ${e.message}`);
      }
      await page.keyboard.press('Control+W');
      await page.locator('.monaco-editor .view-lines', { hasText: 'telemetry.telemetryLevel' }).first().waitFor({ state: 'detached', timeout: 5000 }).catch(() => {});

      // Ctrl+, opens the Settings UI (the palette would put the JSON command just used first).
      await page.keyboard.press('Control+Comma');
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
