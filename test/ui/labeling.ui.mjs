// Issue 4: label one item of every project type through the real workbench (Start Labeling from the palette,
// keyboard and mouse inside the webview), then check the journal lines that result. One screenshot per type.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Every submit event in a project's journals. */
function submits(workspace, id) {
  const dir = path.join(workspace, '.labeling', id, 'journal');
  const out = [];
  for (const labeler of readdirSync(dir)) {
    for (const f of readdirSync(path.join(dir, labeler))) {
      for (const line of readFileSync(path.join(dir, labeler, f), 'utf8').split('\n')) {
        if (!line.trim()) continue;
        const e = JSON.parse(line);
        if (e.type === 'submit') out.push(e);
      }
    }
  }
  return out;
}

async function startLabeling(wb, projectName) {
  await wb.palette('Labeling: Start Labeling');
  await wb.pick(projectName);
  const app = wb.webview().locator('lbl-labeler-app');
  await app.locator('h1', { hasText: projectName }).waitFor({ timeout: 30000 });
  return app;
}

async function waitForSubmits(workspace, id, n) {
  const end = Date.now() + 10000;
  while (Date.now() < end) {
    const s = submits(workspace, id);
    if (s.length >= n) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`expected ${n} submit(s) in ${id}'s journal`);
}

/** Drag inside an element, in fractions of its size. */
async function drag(page, locator, from, to) {
  const box = await locator.boundingBox();
  assert.ok(box, 'the editor has a size');
  await page.mouse.move(box.x + box.width * from[0], box.y + box.height * from[1]);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * ((from[0] + to[0]) / 2), box.y + box.height * ((from[1] + to[1]) / 2), { steps: 4 });
  await page.mouse.move(box.x + box.width * to[0], box.y + box.height * to[1], { steps: 4 });
  await page.mouse.up();
}

export const tests = [
  {
    name: 'label a text classification item with hotkey and Enter',
    workspace: { projects: true },
    async run(wb, { workspace }) {
      const app = await startLabeling(wb, 'Review sentiment');
      await app.locator('lbl-class-editor').waitFor();
      await app.locator('.progress', { hasText: '0 of 30 labeled' }).waitFor();
      await wb.screenshot('10-text-classification');
      await app.locator('lbl-class-editor').click();
      await wb.page.keyboard.press('2');
      await wb.page.keyboard.press('Enter');
      const [e] = await waitForSubmits(workspace, 'reviews', 1);
      assert.deepEqual(e.ann, { kind: 'classes', labels: ['negative'] });
      assert.match(e.item, /^data\/reviews\.csv#/);
      await app.locator('.progress', { hasText: '1 of 30 labeled, 1 by you' }).waitFor();
    },
  },
  {
    name: 'Ctrl+Z in the labeling panel undoes the last change',
    workspace: { projects: true },
    async run(wb, { workspace }) {
      const app = await startLabeling(wb, 'Review sentiment');
      const editor = app.locator('lbl-class-editor');
      await editor.waitFor();
      await editor.click();
      await wb.page.keyboard.press('2');
      await editor.locator('.chip', { hasText: 'negative' }).waitFor();
      // The workbench catches Ctrl+Z in a webview (it runs its own Undo); the panel must still see it.
      await wb.page.keyboard.press('Control+z');
      await editor.locator('.none', { hasText: 'No label yet' }).waitFor({ timeout: 5000 });
      await wb.screenshot('15-undo-in-panel');
      await wb.page.keyboard.press('1');
      await wb.page.keyboard.press('Enter');
      const [e] = await waitForSubmits(workspace, 'reviews', 1);
      assert.deepEqual(e.ann, { kind: 'classes', labels: ['positive'] });
    },
  },
  {
    name: 'tag an entity in a NER item',
    workspace: { projects: true },
    async run(wb, { workspace }) {
      const app = await startLabeling(wb, 'Review entities');
      const editor = app.locator('lbl-ner-editor');
      await editor.waitFor();
      await editor.click();
      // keyboard selection: the token cursor starts on the first token; Shift+Right extends over the second
      await wb.page.keyboard.press('Home').catch(() => {});
      await wb.page.keyboard.press('Shift+ArrowRight');
      await wb.page.keyboard.press('1');
      await wb.screenshot('11-text-ner');
      await wb.page.keyboard.press('Enter');
      const [e] = await waitForSubmits(workspace, 'review-entities', 1);
      assert.equal(e.ann.kind, 'spans');
      assert.equal(e.ann.spans.length, 1);
      assert.equal(e.ann.spans[0].label, 'PRODUCT');
      assert.ok(e.ann.spans[0].end > e.ann.spans[0].start);
    },
  },
  {
    name: 'classify a digit image',
    workspace: { projects: true },
    async run(wb, { workspace }) {
      const app = await startLabeling(wb, 'Handwritten digits');
      const editor = app.locator('lbl-class-editor');
      await editor.locator('img').waitFor();
      await wb.screenshot('12-image-classification');
      await editor.click();
      // Labels named like hotkeys get them, 0 included; a label hotkey wins over 0 = zoom to fit.
      await wb.page.keyboard.press('0');
      await editor.locator('.chip', { hasText: '0' }).waitFor();
      await wb.page.keyboard.press('Enter');
      const [e] = await waitForSubmits(workspace, 'digits', 1);
      assert.deepEqual(e.ann, { kind: 'classes', labels: ['0'] });
      assert.match(e.item, /^data\/digits\/\d-\d{3}\.png$/);
    },
  },
  {
    name: 'draw a box, and Esc while drawing leaves no box',
    workspace: { projects: true },
    async run(wb, { workspace }) {
      const app = await startLabeling(wb, 'Digit boxes');
      const editor = app.locator('lbl-box-editor');
      await editor.waitFor();
      await wb.page.waitForTimeout(500); // image load + fit
      await editor.click({ position: { x: 5, y: 5 } });
      await wb.page.keyboard.press('3'); // active label "3"
      // Esc while drawing: start a drag, press Escape, release: nothing is created
      const box = await editor.boundingBox();
      await wb.page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.45);
      await wb.page.mouse.down();
      await wb.page.mouse.move(box.x + box.width * 0.52, box.y + box.height * 0.55, { steps: 5 });
      await wb.page.keyboard.press('Escape');
      await wb.page.mouse.up();
      await drag(wb.page, editor, [0.42, 0.4], [0.58, 0.62]); // inside the image, which is centred
      // The new box is not selected: the hint says a hotkey now picks the next box's label.
      await editor.locator('.hint', { hasText: 'label for the next box' }).waitFor();
      await wb.screenshot('13-object-detection');
      await wb.page.keyboard.press('Enter');
      const [e] = await waitForSubmits(workspace, 'digit-boxes', 1);
      assert.equal(e.ann.kind, 'boxes');
      assert.equal(e.ann.boxes.length, 1, 'Esc while drawing left no box');
      const b = e.ann.boxes[0];
      assert.equal(b.label, '3');
      assert.ok(b.w > 20 && b.h > 20, `box in image pixels: ${JSON.stringify(b)}`);
      assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.w <= 256 && b.y + b.h <= 192, 'inside the 256x192 image');
    },
  },
  {
    name: 'draw a polygon by clicking vertices and closing with Enter',
    workspace: { projects: true },
    async run(wb, { workspace }) {
      const app = await startLabeling(wb, 'Digit outlines');
      const editor = app.locator('lbl-polygon-editor');
      await editor.waitFor();
      await wb.page.waitForTimeout(500);
      await editor.click({ position: { x: 5, y: 5 } });
      await wb.page.keyboard.press('5'); // active label "5"
      const box = await editor.boundingBox();
      for (const [fx, fy] of [[0.42, 0.4], [0.58, 0.4], [0.58, 0.62], [0.42, 0.62]]) {
        await wb.page.mouse.click(box.x + box.width * fx, box.y + box.height * fy);
      }
      await wb.page.keyboard.press('Enter'); // closes the polygon
      await wb.screenshot('14-instance-segmentation');
      await wb.page.keyboard.press('Enter'); // submits
      const [e] = await waitForSubmits(workspace, 'digit-shapes', 1);
      assert.equal(e.ann.kind, 'polygons');
      assert.equal(e.ann.polygons.length, 1);
      assert.equal(e.ann.polygons[0].label, '5');
      assert.equal(e.ann.polygons[0].rings[0].length, 8, 'four vertices');
    },
  },
];
