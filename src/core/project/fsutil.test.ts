import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanupWorkspaces, tempWorkspace } from '../store/test-support';
import { readWholeFile } from './fsutil';

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
