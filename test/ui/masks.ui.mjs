// Issue 14 through the real workbench: a semantic segmentation project, a mask painted with the brush in
// the labeling panel and submitted with Enter, then "Labeling: Export Labels..." as Pascal VOC, whose
// SegmentationClass PNG holds the painted indices.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The submit events of a project's journals. */
function submits(workspace, id) {
  const dir = path.join(workspace, '.labeling', id, 'journal');
  const out = [];
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir, { recursive: true })) {
    if (!String(f).endsWith('.jsonl')) continue;
    for (const line of readFileSync(path.join(dir, String(f)), 'utf8').split('\n')) if (line.trim() && JSON.parse(line).type === 'submit') out.push(JSON.parse(line));
  }
  return out;
}

/** VOC palette index of a colour: the inverse of the bit spread (index bit 3k+c is bit 7-k of channel c). */
function vocIndex(r, g, b) {
  let i = 0;
  for (let k = 0; k < 8; k++) i |= (((r >> (7 - k)) & 1) << (3 * k)) | (((g >> (7 - k)) & 1) << (3 * k + 1)) | (((b >> (7 - k)) & 1) << (3 * k + 2));
  return i;
}

export const tests = [
  {
    name: 'paint a mask with the brush, submit it, export VOC masks',
    workspace: { projects: true },
    async run(wb, { workspace }) {
      execFileSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'init', workspace, '--name', 'digit-masks', '--title', 'Digit masks',
        '--type', 'image-semantic-segmentation', '--data', 'data/digit-sheets/*.png', '--labels', 'ink,paper', '--ignore-label', 'void'], { stdio: 'ignore' });
      await wb.palette('Labeling: Reload Projects');
      await wb.palette('Labeling: Start Labeling');
      await wb.pick('Digit masks');
      const app = wb.webview().locator('lbl-labeler-app');
      await app.locator('h1', { hasText: 'Digit masks' }).waitFor({ timeout: 30000 });
      const editor = app.locator('lbl-mask-editor');
      await editor.waitFor();
      await wb.page.waitForTimeout(500);
      await wb.page.keyboard.press('2'); // "paper"
      for (let i = 0; i < 6; i++) await wb.page.keyboard.press(']'); // a bigger brush
      const canvas = editor.locator('canvas.overlay');
      const box = await canvas.boundingBox();
      assert.ok(box, 'the mask canvas has a size');
      await wb.page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
      await wb.page.mouse.down();
      await wb.page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.5, { steps: 12 });
      await wb.page.mouse.up();
      await wb.screenshot('90-semantic-segmentation');
      await wb.page.keyboard.press('Enter');
      const end = Date.now() + 10000;
      let e;
      while (!(e = submits(workspace, 'digit-masks')[0]) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      assert.ok(e, 'a submit line in the journal');
      assert.equal(e.ann.kind, 'mask');
      assert.deepEqual(e.ann.classes, ['paper']);
      const blob = path.join(workspace, '.labeling', 'digit-masks', 'masks', `${e.ann.blob}.png`);
      assert.ok(existsSync(blob), 'the blob is in the project folder');
      const stored = PNG.sync.read(readFileSync(blob));
      const painted = [];
      for (let i = 0; i < stored.width * stored.height; i++) painted.push(vocIndex(stored.data[4 * i], stored.data[4 * i + 1], stored.data[4 * i + 2]));
      assert.ok(painted.filter((v) => v === 2).length > 100, 'a stroke of class 2 across the image');

      await wb.leaveWebview();
      await wb.palette('Labeling: Export Labels...');
      await wb.pick('Digit masks');
      await wb.answer('Export Labels: Digit masks (1/3)', 'Pascal VOC', { pick: 'Pascal VOC' });
      await wb.answer('Export Labels: Digit masks (2/3)');
      await wb.answer('Export Labels: Digit masks (3/3)');
      await wb.toast('Exported 1 item');
      const out = path.join(workspace, 'labels', 'digit-masks', 'voc', 'SegmentationClass', e.item);
      const png = readFileSync(out);
      assert.equal(png[25], 3, 'indexed colour');
      const p = PNG.sync.read(png);
      const back = [];
      for (let i = 0; i < p.width * p.height; i++) back.push(vocIndex(p.data[4 * i], p.data[4 * i + 1], p.data[4 * i + 2]));
      assert.deepEqual(back, painted);
    },
  },
];
