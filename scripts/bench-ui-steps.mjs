// Workbench steps shared by the sections of npm run bench:ui (scripts/bench-ui.mjs, bench-ui-dashboard.mjs).
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Opens the palette on `title` and waits until its row is there (the caller presses Enter, and times from it). */
export async function paletteReady(wb, title) {
  const { page } = wb;
  await page.keyboard.press('F1');
  await wb.quickInput.waitFor({ state: 'visible' });
  await wb.quickInput.fill(`>${title}`);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title.replace(/^Labeling: /, '') }).first().waitFor();
  await sleep(150);
}

/** Closes the editor tab whose title holds `text` by its close button (Ctrl+W if the button is not there); waits until its webview is gone. */
export async function closeTab(page, text) {
  const tab = page.locator('.tabs-container .tab', { hasText: text }).first();
  const close = tab.locator('.tab-actions .action-label').first();
  if (await close.count()) await close.click({ force: true });
  else {
    await page.locator('.monaco-workbench .part.editor').first().click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+w');
  }
  await tab.waitFor({ state: 'detached', timeout: 15000 });
  for (let i = 0; i < 100 && (await page.locator('iframe.webview').count()); i++) await sleep(100);
  if (await page.locator('iframe.webview').count()) throw new Error(`the webview of the "${text}" tab is still there after closing it`);
}
