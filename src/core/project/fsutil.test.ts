import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanupWorkspaces, tempWorkspace } from '../store/test-support';
import { readWholeFile, writeFileAtomic } from './fsutil';

describe('readWholeFile', () => {
  after(cleanupWorkspaces);

  it('returns exactly the bytes readFileSync returns, for empty, small and multi-chunk files read by several lanes', async () => {
    const root = tempWorkspace();
    // 8 MB chunks: 0 bytes, one partial chunk, exactly two chunks, and five chunks with an odd tail (more chunks than lanes).
    for (const size of [0, 1000, 16 * 1024 * 1024, 4 * 8 * 1024 * 1024 + 12_345]) {
      const file = path.join(root, `f${size}.bin`);
      const bytes = Buffer.alloc(size);
      for (let i = 0; i < size; i += 4093) bytes[i] = (i / 4093) & 0xff;
      if (size) bytes[size - 1] = 0xab;
      fs.writeFileSync(file, bytes);
      const got = await readWholeFile(file);
      assert.equal(got.length, size, `length of ${size}`);
      assert.ok(got.equals(fs.readFileSync(file)), `content of ${size}`);
    }
  });

  it('fails with the file named when it is missing', async () => {
    const file = path.join(tempWorkspace(), 'absent.sqlite');
    await assert.rejects(readWholeFile(file), (e: Error) => e.message.includes('absent.sqlite'));
  });
});

describe('writeFileAtomic', () => {
  after(cleanupWorkspaces);

  it('writes exactly the given bytes, for strings, small buffers and buffers of several megabytes, and leaves no temp file', async () => {
    const root = tempWorkspace();
    fs.writeFileSync(path.join(root, 'old.bin'), 'the previous content, longer than some of the new ones');
    // The sizes of the read's test: one partial chunk, exactly two chunks, five chunks with an odd tail.
    for (const size of [0, 1000, 16 * 1024 * 1024, 4 * 8 * 1024 * 1024 + 12_345]) {
      const bytes = new Uint8Array(size);
      for (let i = 0; i < size; i += 4093) bytes[i] = ((i / 4093) & 0xff) | 1;
      if (size) bytes[size - 1] = 0xab;
      await writeFileAtomic(path.join(root, 'old.bin'), bytes);
      assert.ok(fs.readFileSync(path.join(root, 'old.bin')).equals(bytes), `content of ${size}`);
    }
    await writeFileAtomic(path.join(root, 'sub', 'text.json'), '{"a": "é"}');
    assert.equal(fs.readFileSync(path.join(root, 'sub', 'text.json'), 'utf8'), '{"a": "é"}');
    assert.deepEqual(fs.readdirSync(root).sort(), ['old.bin', 'sub']);
  });

  it('fails with the file named and keeps the old file when it cannot write, leaving no temp file', async () => {
    const root = tempWorkspace();
    const file = path.join(root, 'index.sqlite');
    fs.writeFileSync(file, 'kept');
    // A directory where the file should be: the rename over it fails after the bytes were written.
    fs.mkdirSync(path.join(root, 'dir.sqlite'));
    await assert.rejects(writeFileAtomic(path.join(root, 'dir.sqlite'), new Uint8Array(9 * 1024 * 1024)), (e: Error) => e.message.includes('dir.sqlite'));
    assert.equal(fs.readFileSync(file, 'utf8'), 'kept');
    assert.deepEqual(fs.readdirSync(root).sort(), ['dir.sqlite', 'index.sqlite']);
  });
});
