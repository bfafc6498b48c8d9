import { strict as assert } from 'node:assert';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { useTempDir } from '../../core/formats/test-support';
import { encodeIndexedPng } from '../../core/masks/png-indexed';
import { IGNORE } from '../../core/masks/raster';
import { vocIndexOf } from '../../core/masks/voc-palette';
import type { CliCommand } from '../io';
import { exportCommand } from './export';
import { importCommand } from './import';
import { initCommand } from './init';

async function run(cmd: CliCommand, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await cmd.run(args, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) });
  return { code, out, err };
}

describe('CLI: semantic segmentation', () => {
  const tmp = useTempDir();

  it('init --type image-semantic-segmentation --ignore-label, import VOC masks, export VOC masks that read back the same', async () => {
    const root = tmp();
    await mkdir(join(root, 'img'));
    await mkdir(join(root, 'in', 'SegmentationClass'), { recursive: true });
    const mask = new Uint8Array(5 * 3);
    mask.fill(1, 0, 5);
    mask.fill(2, 10, 15);
    mask[7] = IGNORE;
    await writeFile(join(root, 'img', 'a.png'), PNG.sync.write(new PNG({ width: 5, height: 3 })));
    await writeFile(join(root, 'in', 'SegmentationClass', 'a.png'), encodeIndexedPng({ width: 5, height: 3, data: mask }));
    await writeFile(join(root, 'in', 'labelmap.txt'), 'background:0,0,0::\nsky:128,0,0::\nroad:0,128,0::\nvoid:224,224,192::\n');
    const init = await run(initCommand, root, '--name', 'seg', '--type', 'image-semantic-segmentation', '--data', 'img/*.png', '--labels', 'sky,road', '--ignore-label', 'void');
    assert.equal(init.code, 0, init.err);
    const def = JSON.parse(await readFile(join(root, '.labeling', 'seg', 'project.json'), 'utf8'));
    assert.deepEqual([def.type, def.ignoreLabel], ['image-semantic-segmentation', 'void']);
    const imp = await run(importCommand, root, 'seg', join(root, 'in'), '--format', 'voc', '--as', 'final');
    assert.equal(imp.code, 0, imp.err);
    assert.match(imp.out, /1 mask/);
    const exp = await run(exportCommand, root, 'seg', '--format', 'voc', '--out', 'out');
    assert.equal(exp.code, 0, exp.err);
    const p = PNG.sync.read(await readFile(join(root, 'out', 'voc', 'SegmentationClass', 'img', 'a.png')));
    const back = Array.from({ length: 15 }, (_, i) => vocIndexOf(p.data[4 * i]!, p.data[4 * i + 1]!, p.data[4 * i + 2]!));
    assert.deepEqual(back, [...mask]);
    const bad = await run(initCommand, root, '--name', 'det', '--type', 'image-detection', '--data', 'img/*.png', '--labels', 'car', '--ignore-label', 'void').catch((e: Error) => ({ code: 1, out: '', err: e.message }));
    assert.match(bad.err, /ignoreLabel: only a semantic segmentation project has an ignore class/);
  });
});
