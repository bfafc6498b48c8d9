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

/**
 * Labeling: Show Dashboard on `p` (its row picked when the palette asks for a project): { start, which },
 * `start` the Date.now() of the Enter that opened it (on the command, or on the pick).
 */
export async function showDashboard(wb, p) {
  const { page } = wb;
  await paletteReady(wb, 'Labeling: Show Dashboard');
  let start = Date.now();
  await page.keyboard.press('Enter');
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: `Bench ${p.id}` }).first();
  const tab = page.locator('.tabs-container .tab', { hasText: 'Dashboard:' }).first();
  const which = await Promise.race([row.waitFor({ timeout: 60000 }).then(() => 'pick'), tab.waitFor({ timeout: 60000 }).then(() => 'panel')]);
  if (which === 'pick') {
    await sleep(150);
    start = Date.now();
    await page.keyboard.press('Enter');
  }
  return { start, which };
}

/**
 * VS Code's marks in a webview's outer frame (pre/index.html): how long its first content waited for the
 * webview service worker (`content/started` -> `content/workerReady`: register, then, as the frame is
 * already controlled by code-server's root worker, registration.update()). Undefined when not found.
 */
export async function workerWait(page, hasInner) {
  for (const outer of page.frames()) {
    if (!/\/webview\/browser\/pre\/index\.html/.test(outer.url())) continue;
    let match = false;
    for (const inner of outer.childFrames()) if (await inner.evaluate(hasInner).catch(() => false)) match = true;
    if (!match) continue;
    const m = await outer.evaluate(() => performance.getEntriesByType('mark').filter((x) => x.name.startsWith('webview/index.html/content/')).map((x) => ({ name: x.name.slice(27), t: x.startTime }))).catch(() => []);
    const started = m.find((x) => x.name === 'started');
    const ready = m.find((x) => x.name === 'workerReady');
    if (started && ready) return ready.t - started.t;
  }
  return undefined;
}

/**
 * Registers VS Code's webview service worker in this browser profile, as any first webview of a profile
 * does: Labeling: Show Dashboard (another webview than the labeling panel, with its own script), until its
 * app is in its page, then its tab closed. Returns { ms: command to app, workerWaitMs }.
 */
export async function warmWebview(wb, p) {
  const { page } = wb;
  const { start } = await showDashboard(wb, p);
  await wb.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame').locator('lbl-dashboard-app').first().waitFor({ state: 'attached', timeout: 60000 });
  const ms = Date.now() - start;
  const workerWaitMs = await workerWait(page, () => !!document.querySelector('lbl-dashboard-app'));
  await closeTab(page, 'Dashboard:');
  await sleep(1500);
  return { ms, workerWaitMs };
}
