// Playwright helpers for driving the real VS Code workbench (code-server) in headless Chromium.
import assert from 'node:assert/strict';

/** Chromium's report of a blocked resource or inline style/script (one per `securitypolicyviolation`). */
const CSP_REPORT = /violates the following Content Security Policy directive/;

export class Workbench {
  constructor(page, shotDir) {
    this.page = page;
    this.shotDir = shotDir;
    /** Every CSP violation in any frame (the webviews' inner frames included), as Chromium reported it. */
    this.cspViolations = [];
    // Chromium reports each violation to the console of the frame it happened in, and Playwright forwards the
    // console of every frame. (A `securitypolicyviolation` listener cannot be installed early enough in a
    // webview: VS Code writes the webview's HTML with document.open(), which drops listeners added before.)
    page.on('console', (m) => {
      // UI_CONSOLE=1 prints every frame's console while debugging a test.
      if (process.env.UI_CONSOLE) console.log('[console]', m.type(), m.text().slice(0, 300), m.location().url);
      if (CSP_REPORT.test(m.text())) this.cspViolations.push(`${m.text()} (at ${m.location().url || 'unknown'})`);
    });
  }

  /** Fails when any frame reported a CSP violation (the runner calls it after each test). */
  assertNoCspViolations() {
    assert.deepEqual(this.cspViolations, [], 'no Content Security Policy violation in the workbench or its webviews');
  }

  /**
   * Clicks `target` until `shown` appears (three tries): a tree row the view redraws under the click (as other
   * projects' indexes open) is only selected, not opened.
   */
  async clickUntil(target, shown) {
    for (let attempt = 1; ; attempt++) {
      await target.click();
      try {
        await shown.waitFor({ timeout: attempt < 3 ? 10000 : 30000 });
        return;
      } catch (e) {
        if (attempt >= 3) throw e;
      }
    }
  }

  /**
   * Moves the keyboard from a webview to the side bar (Ctrl+0, View: Focus into Primary Side Bar). Quick inputs
   * opened after labeling give the keyboard back to where it was when they close: from the labeling webview,
   * that came back late enough to take Enters meant for the next quick input of Export Labels (a second item
   * submitted, the export never run: 3 of 4 full runs on a slow machine).
   */
  async leaveWebview() {
    await this.page.keyboard.press('Control+0');
    await this.page.waitForFunction(() => document.activeElement?.tagName !== 'IFRAME', undefined, { timeout: 5000 });
  }

  /** Runs a command from the command palette (F1), by its title as shown there. */
  async palette(title) {
    const { page } = this;
    // The command may not be enabled yet while the extension activates: reopen the palette until it is.
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget .quick-input-box input');
      await input.waitFor({ state: 'visible' });
      await input.fill(`>${title}`);
      const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
      try {
        await row.waitFor({ timeout: 5000 });
        // A webview that just had the keyboard (the labeling panel after Enter) can take it back and close the
        // palette before Enter reaches it: open it again then.
        await input.focus();
        if (await input.isVisible()) break;
      } catch (e) {
        if (attempt >= 6) throw e;
        await page.keyboard.press('Escape');
        await page.waitForTimeout(1000);
      }
      if (attempt >= 6) throw new Error(`the command palette closed before "${title}" could be run`);
    }
    await page.keyboard.press('Enter');
  }

  get quickInput() {
    return this.page.locator('.quick-input-widget .quick-input-box input');
  }

  /** Waits for a quick input whose title contains `title`, then types `text` (if any) and presses Enter. */
  async answer(title, text, { pick } = {}) {
    const { page } = this;
    await page.locator('.quick-input-widget .quick-input-title, .quick-input-widget .quick-input-header', { hasText: title }).first().waitFor({ timeout: 15000 });
    if (text !== undefined) await this.quickInput.fill(text);
    if (pick) await page.locator('.quick-input-widget .monaco-list-row', { hasText: pick }).first().waitFor();
    await page.waitForTimeout(150); // validation and filtering are asynchronous
    // Enter goes to the quick input, not to a webview that kept the keyboard (the labeling panel took an Enter
    // meant for step 2 of Export Labels once, and the step stayed open).
    await this.quickInput.focus();
    await page.keyboard.press('Enter');
  }

  /** Picks the row matching `text` in the open quick pick (title-less pickers). */
  async pick(text) {
    const { page } = this;
    await this.quickInput.waitFor({ state: 'visible' });
    await this.quickInput.fill(text);
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: text }).first().waitFor();
    await page.waitForTimeout(150);
    await this.quickInput.focus(); // as in answer(): Enter for the pick, not for a webview
    await page.keyboard.press('Enter');
  }

  async toast(text, timeout = 20000) {
    await this.notified(text, Math.min(timeout, 8000));
  }

  /** Only as a toast (to click its buttons). */
  async toastOnly(text, timeout = 20000) {
    await this.page.locator('.notification-toast', { hasText: text }).first().waitFor({ timeout });
  }

  /**
   * The notification `text` was shown: as a toast, or, when the workbench has already hidden the toast, in the
   * notification center (the project-creation message was missing as a toast in 1 of 3 runs, then in 3 of 3 while
   * the center had it every time: why the workbench hides it is not known).
   */
  async notified(text, timeout = 8000) {
    try {
      await this.toastOnly(text, timeout);
    } catch {
      await this.palette('Notifications: Show Notifications');
      await this.page.locator('.notifications-center .notification-list-item', { hasText: text }).first().waitFor({ timeout: 10000 });
      await this.palette('Notifications: Hide Notifications');
    }
  }

  async openActivity(label) {
    const item = this.page.locator(`.activitybar .action-item a[aria-label^="${label}"]`);
    await item.waitFor({ timeout: 60000 });
    await item.click();
  }

  /** The rows of a side-bar view (pane) by its title. */
  viewRows(viewTitle) {
    const pane = this.page.locator('.pane', { has: this.page.locator('.pane-header', { hasText: viewTitle }) });
    return pane.locator('.monaco-list-row');
  }

  /** The inner frame of the active webview (VS Code nests two iframes). */
  webview() {
    return this.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  }

  async screenshot(name) {
    await this.page.waitForTimeout(300);
    const file = `${this.shotDir}/${name}.png`;
    await this.page.screenshot({ path: file });
    return file;
  }

  async expectText(locator, expected, ms = 5000) {
    const end = Date.now() + ms;
    let last;
    while (Date.now() < end) {
      last = (await locator.innerText()).trim();
      if (expected instanceof RegExp ? expected.test(last) : last === expected) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(last, expected instanceof RegExp ? expected : new RegExp(`^${expected}$`));
  }
}
