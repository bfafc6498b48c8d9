import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { copyFile, mkdir, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LabelingError } from '../errors';
import type { ExportItem } from '../model';
import { exportLabels } from './export';
import { encodeManifest, hashFileLf, parseManifest } from './export-manifest';
import { FOREIGN_STALE_MS, HOST } from './export-owner';
import { aDef, anItem, listFiles, useTempDir } from './test-support';

const det = aDef('image-detection', ['dog', 'cat']);

function boxes(paths: string[], x = 1): ExportItem[] {
  return paths.map((p) =>
    anItem(p, { width: 100, height: 80, state: 'labeled', final: { kind: 'boxes', boxes: [{ label: 'dog', x, y: 2, w: 10, h: 20 }] }, finalBy: ['ann'] }),
  );
}

const isConflict = (path: RegExp) => (e: unknown) => e instanceof LabelingError && e.reason === 'conflict' && path.test(e.message) && !e.message.includes('\n');

describe('export into a folder that holds other files', () => {
  const tmp = useTempDir();

  it('a cancelled first export leaves no folder behind, not even the empty ones it created', async () => {
    const dir = tmp();
    const dest = join(dir, 'labels', 'proj');
    const ac = new AbortController();
    async function* slow(): AsyncIterable<ExportItem> {
      yield* boxes(['img/a.jpg']);
      ac.abort();
      yield* boxes(['img/b.jpg']);
    }
    await assert.rejects(exportLabels('coco', slow(), det, dest, {}, ac.signal));
    assert.deepEqual(await readdir(dir), [], 'labels/ and labels/proj/ were made by the export and are gone again');
    // A folder that was there before stays, empty or not.
    await mkdir(dest, { recursive: true });
    const again = new AbortController();
    again.abort();
    await assert.rejects(exportLabels('coco', boxes(['img/a.jpg']), det, dest, {}, again.signal));
    assert.deepEqual(await readdir(dest), []);
  });

  it('never removes a file it did not write, in folder formats (YOLO, VOC, MLTable) too', async () => {
    const dir = tmp();
    const mine = { 'yolo/train.py': 'print("train")\n', 'voc/notes.md': '# notes\n', 'mltable/README': 'mine\n', 'yolo/labels/img/keep.txt': 'hand-made\n' };
    for (const [rel, text] of Object.entries(mine)) {
      await mkdir(join(dir, rel, '..'), { recursive: true });
      await writeFile(join(dir, rel), text);
    }
    for (const round of [1, 2]) {
      for (const format of ['yolo', 'voc', 'mltable'] as const) await exportLabels(format, boxes(['img/a.jpg', 'img/b.jpg'], round), det, dir);
    }
    for (const [rel, text] of Object.entries(mine)) assert.equal(await readFile(join(dir, rel), 'utf8'), text, rel);
    assert.match(await readFile(join(dir, 'yolo/labels/img/a.txt'), 'utf8'), /^0 0\.07/);
  });

  it('removes files of its previous export it no longer writes, and the folders they leave empty', async () => {
    const dir = tmp();
    await exportLabels('yolo', boxes(['img/a.jpg', 'old/b.jpg']), det, dir);
    await writeFile(join(dir, 'yolo', 'labels', 'img', 'user.txt'), 'mine\n');
    await exportLabels('yolo', boxes(['img/a.jpg']), det, dir);
    assert.deepEqual(await listFiles(join(dir, 'yolo')), ['classes.txt', 'labels/img/a.txt', 'labels/img/user.txt']);
    assert.deepEqual(await readdir(join(dir, 'yolo', 'labels')), ['img']);
  });

  it('refuses to overwrite a file the user edited after the export, naming it, and changes nothing', async () => {
    const dir = tmp();
    await exportLabels('yolo', boxes(['img/a.jpg', 'img/b.jpg']), det, dir);
    const edited = join(dir, 'yolo', 'labels', 'img', 'b.txt');
    await writeFile(edited, '1 0.5 0.5 0.1 0.1\n');
    const before = await readFile(join(dir, 'yolo', 'labels', 'img', 'a.txt'), 'utf8');
    await assert.rejects(exportLabels('yolo', boxes(['img/a.jpg', 'img/b.jpg'], 7), det, dir), isConflict(/yolo\/labels\/img\/b\.txt: was changed after the last export/));
    assert.equal(await readFile(edited, 'utf8'), '1 0.5 0.5 0.1 0.1\n');
    assert.equal(await readFile(join(dir, 'yolo', 'labels', 'img', 'a.txt'), 'utf8'), before, 'nothing moved');
    // Nor is an edited file of the previous export removed when the new export no longer writes it.
    await assert.rejects(exportLabels('yolo', boxes(['img/a.jpg']), det, dir), isConflict(/b\.txt: was changed after the last export, which wrote it; this export would remove it/));
    assert.equal(await readFile(edited, 'utf8'), '1 0.5 0.5 0.1 0.1\n');
    assert.deepEqual(await readdir(join(dir, '.labeling-export')), ['yolo.sha256'], 'no staging folder or lock is left');
  });

  it('refuses when a file it did not write is where it would write, and when a folder is in the way', async () => {
    const dir = tmp();
    await writeFile(join(dir, 'coco.json'), '{"mine":true}');
    await assert.rejects(exportLabels('coco', boxes(['a.jpg']), det, dir), isConflict(/coco\.json: is in the way and is not listed in \.labeling-export\/ as a file an export wrote\. Nothing was written/));
    assert.equal(await readFile(join(dir, 'coco.json'), 'utf8'), '{"mine":true}');
    await mkdir(join(dir, 'labels.csv'));
    await assert.rejects(exportLabels('csv', boxes(['a.jpg']), det, dir), isConflict(/labels\.csv: is in the way \(a folder\)/));
    assert.deepEqual((await readdir(dir)).sort(), ['coco.json', 'labels.csv'], 'a refused first export leaves no manifest folder');
  });

  it('takes a file that already holds exactly the bytes it writes (an earlier version\'s export) as its own', async () => {
    const dir = tmp();
    const other = `${dir}-earlier`;
    await exportLabels('coco', boxes(['a.jpg']), det, other);
    await copyFile(join(other, 'coco.json'), join(dir, 'coco.json'));
    await rm(other, { recursive: true, force: true });
    await exportLabels('coco', boxes(['a.jpg']), det, dir);
    await exportLabels('coco', boxes(['a.jpg'], 9), det, dir);
    assert.match(await readFile(join(dir, 'coco.json'), 'utf8'), /"bbox":\[9,2,10,20\]/);
  });

  it('takes its files back after git checked them out with CRLF line endings (core.autocrlf)', async () => {
    const dir = tmp();
    await exportLabels('csv', boxes(['a.jpg', 'b.jpg']), det, dir);
    await exportLabels('yolo', boxes(['a.jpg', 'b.jpg']), det, dir);
    for (const f of ['labels.csv', 'yolo/classes.txt', 'yolo/labels/b.txt', '.labeling-export/csv.sha256', '.labeling-export/yolo.sha256']) {
      const text = await readFile(join(dir, f), 'utf8');
      assert.ok(text.includes('\n'), f);
      await writeFile(join(dir, f), text.replace(/\n/g, '\r\n'));
    }
    await exportLabels('csv', boxes(['a.jpg'], 4), det, dir);
    await exportLabels('yolo', boxes(['a.jpg'], 4), det, dir);
    assert.equal((await readFile(join(dir, 'labels.csv'), 'utf8')).split('\n').length, 3);
    assert.deepEqual(await listFiles(join(dir, 'yolo')), ['classes.txt', 'labels/a.txt'], 'b.txt (CRLF) removed as the stale file it is');
  });

  it('reads CRLF as LF across the 1 MB read chunks, and keeps a lone CR', async () => {
    const dir = tmp();
    const sha = (t: string): string => createHash('sha256').update(t).digest('hex');
    for (const [crlf, lf] of [
      ['x'.repeat((1 << 20) - 1) + '\r\nend\r\n', 'x'.repeat((1 << 20) - 1) + '\nend\n'],
      ['x'.repeat((1 << 20) - 1) + '\rnot a line end\r', 'x'.repeat((1 << 20) - 1) + '\rnot a line end\r'],
    ] as const) {
      await writeFile(join(dir, 'f'), crlf);
      assert.equal(await hashFileLf(join(dir, 'f')), sha(lf));
    }
  });

  it('writes a sha256sum manifest that sha256sum -c accepts, deterministic on re-export', async function () {
    const dir = tmp();
    await exportLabels('yolo', boxes(['img/a b.jpg', 'img/c.jpg']), det, dir);
    const manifest = await readFile(join(dir, '.labeling-export', 'yolo.sha256'), 'utf8');
    const expected = [];
    for (const f of ['yolo/classes.txt', 'yolo/labels/img/a b.txt', 'yolo/labels/img/c.txt']) {
      expected.push(`${createHash('sha256').update(await readFile(join(dir, f))).digest('hex')}  ${f}\n`);
    }
    assert.equal(manifest, expected.join(''));
    await exportLabels('yolo', boxes(['img/a b.jpg', 'img/c.jpg']), det, dir);
    assert.equal(await readFile(join(dir, '.labeling-export', 'yolo.sha256'), 'utf8'), manifest);
    try {
      execFileSync('sha256sum', ['--version'], { stdio: 'ignore' });
    } catch {
      this.skip();
    }
    assert.match(execFileSync('sha256sum', ['-c', '.labeling-export/yolo.sha256'], { cwd: dir, encoding: 'utf8' }), /c\.txt: OK/);
  });

  it('encodes names with a backslash or a newline as sha256sum does, and reads them back', () => {
    const m = new Map([['a\\b\nc.txt', 'a'.repeat(64)], ['plain.txt', 'b'.repeat(64)]]);
    const text = encodeManifest(m);
    assert.equal(text, `\\${'a'.repeat(64)}  a\\\\b\\nc.txt\n${'b'.repeat(64)}  plain.txt\n`);
    assert.deepEqual(parseManifest(text, 'm'), m);
    assert.throws(() => parseManifest('not a manifest\n', '/x/m.sha256'), /\/x\/m\.sha256:1: not a line of an export manifest/);
  });

  it('after an export killed while moving files in, the next one takes its half-moved files as its own', async () => {
    const dir = tmp();
    const other = tmp() + '-v2';
    await exportLabels('yolo', boxes(['a.jpg', 'b.jpg'], 1), det, dir);
    await exportLabels('yolo', boxes(['a.jpg', 'b.jpg'], 2), det, other);
    // The state a kill between two renames leaves: the pending manifest, a.txt new, b.txt old.
    await copyFile(join(other, '.labeling-export', 'yolo.sha256'), join(dir, '.labeling-export', 'yolo.sha256.pending'));
    await copyFile(join(other, 'yolo', 'labels', 'a.txt'), join(dir, 'yolo', 'labels', 'a.txt'));
    await exportLabels('yolo', boxes(['a.jpg', 'b.jpg'], 3), det, dir);
    assert.deepEqual(await readdir(join(dir, '.labeling-export')), ['yolo.sha256']);
    assert.match(await readFile(join(dir, 'yolo', 'labels', 'a.txt'), 'utf8'), /^0 0\.08 /);
    await rm(other, { recursive: true, force: true });
  });

  it('two exports to one destination at once both land, each with its manifest', async () => {
    const dir = tmp();
    await Promise.all([exportLabels('coco', boxes(['a.jpg']), det, dir), exportLabels('yolo', boxes(['a.jpg']), det, dir), exportLabels('csv', boxes(['a.jpg']), det, dir)]);
    assert.deepEqual(await readdir(join(dir, '.labeling-export')), ['coco.sha256', 'csv.sha256', 'yolo.sha256']);
    await Promise.all([exportLabels('coco', boxes(['a.jpg'], 5), det, dir), exportLabels('yolo', boxes(['a.jpg'], 5), det, dir)]);
  });

  it('refuses a destination that is a file with a one-line error', async () => {
    const file = join(tmp(), 'out.csv');
    await writeFile(file, 'x');
    await assert.rejects(exportLabels('csv', boxes(['a.jpg']), det, file), (e: unknown) =>
      e instanceof LabelingError && e.reason === 'invalid-input' && e.message === `${file}: is a file, not a folder: an export writes into a folder`);
    assert.equal(await readFile(file, 'utf8'), 'x');
    await assert.rejects(exportLabels('csv', boxes(['a.jpg']), det, join(file, 'sub')), (e: unknown) =>
      e instanceof LabelingError && e.reason === 'io' && e.message === `${join(file, 'sub')}: cannot create the export folder: a part of the path is a file, not a folder (ENOTDIR)`);
  });
});

describe('staging folders of other exports', () => {
  const tmp = useTempDir();
  const live: ReturnType<typeof spawn>[] = [];
  after(() => live.forEach((c) => c.kill()));

  async function stage(dir: string, name: string, ageMs = 0): Promise<string> {
    const path = join(dir, '.labeling-export', name);
    await mkdir(join(path, 'yolo', 'labels'), { recursive: true });
    await writeFile(join(path, 'yolo', 'labels', 'ghost.txt'), '0 0.5 0.5 1 1\n');
    const t = new Date(Date.now() - ageMs);
    await utimes(path, t, t);
    return name;
  }

  /** Starts an export in another process that takes about `ms` to stream; resolves once its staging folder exists. */
  async function exportInChild(dir: string, items: number, ms: number): Promise<ReturnType<typeof spawn>> {
    const code = `
      const { exportLabels } = require(${JSON.stringify(join(__dirname, 'export.ts'))});
      const { syntheticDetectionItems, benchDef } = require(${JSON.stringify(join(__dirname, 'bench.ts'))});
      async function* slow() {
        for (const item of syntheticDetectionItems(${items * 3})) {
          await new Promise((r) => setTimeout(r, ${ms / items}));
          yield item;
        }
      }
      exportLabels('yolo', slow(), benchDef(), ${JSON.stringify(dir)}).catch((e) => {
        console.error(e);
        process.exit(1);
      });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', code], { stdio: ['ignore', 'ignore', 'inherit'] });
    live.push(child);
    for (let i = 0; i < 400; i++) {
      const names = await readdir(join(dir, '.labeling-export')).catch(() => []);
      if (names.some((n) => n.startsWith('tmp-'))) return child;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('the child export never staged');
  }

  it('a SIGKILLed export leaves a staging folder that the next export removes', async () => {
    const dir = tmp();
    const child = await exportInChild(dir, 5000, 60_000);
    child.kill('SIGKILL');
    await once(child, 'exit');
    assert.equal((await readdir(join(dir, '.labeling-export'))).filter((n) => n.startsWith('tmp-')).length, 1);
    await exportLabels('coco', boxes(['a.jpg']), det, dir);
    assert.deepEqual(await readdir(join(dir, '.labeling-export')), ['coco.sha256']);
    assert.deepEqual((await readdir(dir)).sort(), ['.labeling-export', 'coco.json']);
  });

  it("an export in another process is left alone by one that runs meanwhile, and both land", async () => {
    const dir = tmp();
    const child = await exportInChild(dir, 300, 1500);
    await exportLabels('coco', boxes(['a.jpg']), det, dir);
    const [code] = (await once(child, 'exit')) as [number];
    assert.equal(code, 0);
    assert.deepEqual(await readdir(join(dir, '.labeling-export')), ['coco.sha256', 'yolo.sha256']);
    assert.equal((await listFiles(join(dir, 'yolo', 'labels'))).length, 300);
  });

  it("waits while another process's export holds the destination's commit lock", async () => {
    const dir = tmp();
    const alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    live.push(alive);
    const lock = join(dir, '.labeling-export', `lock-${HOST}-${alive.pid}-${'9'.repeat(12)}`);
    await mkdir(join(dir, '.labeling-export'));
    await writeFile(lock, '');
    let released = false;
    setTimeout(() => void rm(lock).then(() => (released = true)), 400);
    await exportLabels('csv', boxes(['a.jpg']), det, dir);
    assert.ok(released, 'the export finished only after the lock was released');
    assert.deepEqual(await readdir(join(dir, '.labeling-export')), ['csv.sha256']);
  });

  it('removes the ones of dead exports (never taking their files) and keeps live ones', async () => {
    const dir = tmp();
    const dead = spawn(process.execPath, ['-e', '']);
    await once(dead, 'exit');
    const alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    live.push(alive);
    const token = (c: string): string => c.repeat(12);
    const keep = [
      await stage(dir, `tmp-${HOST}-${alive.pid}-${token('a')}`),
      await stage(dir, `tmp-0badc0de-${dead.pid}-${token('b')}`, FOREIGN_STALE_MS / 2), // another machine, heartbeat fresh
    ];
    await stage(dir, `tmp-${HOST}-${dead.pid}-${token('c')}`); // this machine, process gone
    await stage(dir, `tmp-${HOST}-${process.pid}-${token('d')}`); // our pid, a token we never held: an earlier run
    await stage(dir, `tmp-0badc0de-${alive.pid}-${token('e')}`, FOREIGN_STALE_MS * 2); // another machine, heartbeat stopped
    await mkdir(join(dir, '.export-tmp-old', 'yolo'), { recursive: true }); // an earlier version's staging, hours old
    await utimes(join(dir, '.export-tmp-old'), new Date(0), new Date(0));
    await mkdir(join(dir, '.export-tmp-young'));
    await writeFile(join(dir, '.labeling-export', `lock-${HOST}-${dead.pid}-${token('f')}`), ''); // a commit lock of a killed export

    await exportLabels('yolo', boxes(['a.jpg']), det, dir);
    assert.deepEqual((await readdir(join(dir, '.labeling-export'))).sort(), [...keep, 'yolo.sha256'].sort());
    assert.deepEqual(await listFiles(join(dir, 'yolo')), ['classes.txt', 'labels/a.txt'], 'no file of a staging folder is taken as a result');
    assert.deepEqual((await readdir(dir)).filter((n) => n.startsWith('.export-tmp-')), ['.export-tmp-young']);
  });
});
