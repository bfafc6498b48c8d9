import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LabelingError } from '../errors';
import { cleanupWorkspaces, tempWorkspace } from '../store/test-support';
import { collectMasks, getMask, maskBlobPath, putMask, sha256Hex, storeMaskAnnotation } from './blob-store';
import { decodeIndexedPng } from './png-indexed';
import { syntheticMask } from './test-support';

describe('masks: blob store', () => {
  let projectDir: string;
  beforeEach(() => {
    projectDir = path.join(tempWorkspace(), '.labeling', 'p1');
  });
  after(cleanupWorkspaces);

  const masksDir = () => path.join(projectDir, 'masks');

  it('stores a mask as <sha256 of its PNG>.png, a VOC mask readable as such, and reads it back', async () => {
    const r = syntheticMask(320, 240, { ignoreBorder: true });
    const put = await putMask(projectDir, r);
    assert.equal(put.written, true);
    assert.equal(put.file, path.join(masksDir(), `${put.sha}.png`));
    const bytes = fs.readFileSync(put.file);
    assert.equal(sha256Hex(bytes), put.sha);
    assert.equal(bytes.length, put.bytes);
    assert.deepEqual(decodeIndexedPng(bytes, put.file).data, r.data);
    const back = await getMask(projectDir, put.sha);
    assert.deepEqual(back, { width: 320, height: 240, data: r.data });
    assert.deepEqual(fs.readdirSync(masksDir()), [`${put.sha}.png`], 'no temp file left');
  });

  it('the same mask twice is one file, kept (not rewritten) with a fresh mtime; another mask is another file', async () => {
    const r = syntheticMask(64, 48);
    const first = await putMask(projectDir, r);
    const old = new Date(Date.now() - 3 * 86_400_000);
    fs.utimesSync(first.file, old, old);
    const ino = fs.statSync(first.file).ino;
    const again = await putMask(projectDir, { ...r, data: Uint8Array.from(r.data) });
    assert.equal(again.sha, first.sha);
    assert.equal(again.written, false);
    const st = fs.statSync(first.file);
    assert.equal(st.ino, ino, 'the file was not replaced');
    assert.ok(st.mtimeMs > old.getTime() + 86_400_000, 'mtime refreshed so collection waits for the journal entry');
    const other = await putMask(projectDir, syntheticMask(64, 48, { seed: 9 }));
    assert.notEqual(other.sha, first.sha);
    assert.equal(fs.readdirSync(masksDir()).length, 2);
  });

  it('a damaged stored blob is replaced on put; on get it is an error naming the file', async () => {
    const r = syntheticMask(64, 48);
    const { sha, file } = await putMask(projectDir, r);
    const good = fs.readFileSync(file);
    const bad = Buffer.from(good);
    bad[bad.length - 20]! ^= 1;
    fs.writeFileSync(file, bad);
    await assert.rejects(getMask(projectDir, sha), (e: unknown) => {
      assert.ok(e instanceof LabelingError && e.reason === 'invalid-input', String(e));
      assert.equal(e.where.file, file);
      assert.match(e.message, new RegExp(`the mask blob is damaged: its sha256 is [0-9a-f]{64}, its name says ${sha}`));
      return true;
    });
    assert.equal((await putMask(projectDir, r)).written, true);
    assert.deepEqual(fs.readFileSync(file), good);
  });

  it('a missing blob, or a name that is not a sha256, is an error naming it', async () => {
    const sha = 'a'.repeat(64);
    await assert.rejects(getMask(projectDir, sha), (e: unknown) => {
      assert.ok(e instanceof LabelingError && e.reason === 'not-found', String(e));
      assert.equal(e.where.file, maskBlobPath(projectDir, sha));
      assert.match(e.message, /the mask blob is missing/);
      return true;
    });
    for (const name of ['../../x', 'A'.repeat(64), 'a'.repeat(63)]) {
      await assert.rejects(getMask(projectDir, name), /a mask blob is named by 64 lowercase hex digits/);
    }
  });

  it('a blob whose content hashes to its name but is not an indexed PNG is an error naming the file', async () => {
    const bytes = Buffer.from('not a png');
    const sha = sha256Hex(bytes);
    fs.mkdirSync(masksDir(), { recursive: true });
    fs.writeFileSync(path.join(masksDir(), `${sha}.png`), bytes);
    await assert.rejects(getMask(projectDir, sha), new RegExp(`${sha}\\.png: not a PNG file`));
  });

  it('collects only unreferenced blobs older than the grace period, and only its own files', async () => {
    const kept = await putMask(projectDir, syntheticMask(32, 24, { seed: 1 }));
    const voided = await putMask(projectDir, syntheticMask(32, 24, { seed: 2 }));
    const fresh = await putMask(projectDir, syntheticMask(32, 24, { seed: 3 }));
    const staleTemp = `${'b'.repeat(64)}.png.123.456.0.tmp`;
    const foreign = ['notes.txt', `${'c'.repeat(64)}.jpg`, `${'D'.repeat(64)}.png`, 'README.png'];
    for (const n of [staleTemp, ...foreign]) fs.writeFileSync(path.join(masksDir(), n), 'x');
    const now = Date.now();
    const old = new Date(now - 2 * 86_400_000);
    for (const n of fs.readdirSync(masksDir())) if (n !== `${fresh.sha}.png`) fs.utimesSync(path.join(masksDir(), n), old, old);

    const removed = await collectMasks(projectDir, new Set([kept.sha]), { now });
    assert.deepEqual(removed.sort(), [`${voided.sha}.png`, staleTemp].sort());
    assert.deepEqual(fs.readdirSync(masksDir()).sort(), [`${kept.sha}.png`, `${fresh.sha}.png`, ...foreign].sort());
    // With no grace the fresh unreferenced one goes too; the referenced one never.
    assert.deepEqual(await collectMasks(projectDir, new Set([kept.sha]), { now: Date.now() + 1000, graceMs: 0 }), [`${fresh.sha}.png`]);
    assert.ok(fs.existsSync(kept.file));
    assert.deepEqual(await collectMasks(path.join(projectDir, 'none'), new Set()), [], 'no masks folder: nothing to do');
  });
});

describe('masks: storing a submitted mask', () => {
  after(cleanupWorkspaces);

  it('checks the class indices, stores the blob and returns the journal annotation', async () => {
    const projectDir = path.join(tempWorkspace(), '.labeling', 'p2');
    const r = { width: 3, height: 2, data: Uint8Array.of(0, 2, 2, 255, 0, 2) };
    const { annotation, put } = await storeMaskAnnotation(projectDir, r, ['road', 'car'], 'void');
    assert.deepEqual(annotation, { kind: 'mask', width: 3, height: 2, blob: put.sha, classes: ['car', 'void'] });
    assert.deepEqual((await getMask(projectDir, annotation.blob)).data, r.data);
    await assert.rejects(storeMaskAnnotation(projectDir, r, ['road', 'car']), /pixel \(0, 1\) has class index 255/);
    await assert.rejects(storeMaskAnnotation(projectDir, { ...r, data: Uint8Array.of(0, 3, 0, 0, 0, 0) }, ['road', 'car'], 'void'), /pixel \(1, 0\) has class index 3/);
    assert.deepEqual(fs.readdirSync(path.join(projectDir, 'masks')), [`${put.sha}.png`], 'nothing written for a refused mask');
    // The distinct indices given (a submit knows them from the runs): checked instead of the pixels, and they name the classes.
    const known = await storeMaskAnnotation(projectDir, r, ['road', 'car'], 'void', [255, 0, 2, 2]);
    assert.deepEqual(known.annotation, annotation);
    await assert.rejects(storeMaskAnnotation(projectDir, r, ['road', 'car'], undefined, [0, 2, 255]), /the mask has class index 255; a mask of 2 classes takes 0 \(unlabeled\), 1..2$/);
    await assert.rejects(storeMaskAnnotation(projectDir, { ...r, data: new Uint8Array(5) }, ['road', 'car'], 'void', [0]), /a 3 x 2 mask needs 6 class indices, it has 5 bytes/);
    assert.deepEqual(fs.readdirSync(path.join(projectDir, 'masks')), [`${put.sha}.png`], 'nothing written for a refused mask');
  });
});
