import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanupWorkspaces, event, tempWorkspace } from '../store/test-support';
import { extendMark, followJournal, HASH_CHUNK, recheckMark, type FileMark } from './marks';

const noop = (): void => undefined;

/** `n` skip lines of about 100 bytes each. */
function lines(n: number, from = 1): string {
  let out = '';
  for (let i = from; i < from + n; i++) out += `${JSON.stringify(event({ type: 'skip', item: `item-${String(i).padStart(8, '0')}` }, { seq: i }))}\n`;
  return out;
}

function follow(file: string, mark?: FileMark): FileMark | 'rewritten' {
  const r = followJournal(file, 'j.jsonl', mark, undefined, noop, noop);
  return r === 'rewritten' ? r : r.mark;
}

/** Sets the file's times an hour back, as a file that has not changed for a while. */
function age(file: string): void {
  const t = new Date(Date.now() - 3600_000);
  fs.utimesSync(file, t, t);
}

describe('journal marks', () => {
  after(cleanupWorkspaces);

  it('finds a same-length rewrite in the middle of a long journal, even with its mtime put back', () => {
    const file = path.join(tempWorkspace(), 'j.jsonl');
    fs.writeFileSync(file, lines(30_000));
    age(file);
    const mark = follow(file);
    assert.ok(mark !== 'rewritten');
    assert.ok(mark.offset > 2 * HASH_CHUNK && mark.chunks.length === Math.ceil(mark.offset / HASH_CHUNK));
    // git checkout of another version: one byte differs, 1.5 MB from either end, same length.
    const before = fs.statSync(file);
    const text = fs.readFileSync(file, 'utf8');
    const at = text.indexOf('item-00015000');
    fs.writeFileSync(file, `${text.slice(0, at)}item-00015001${text.slice(at + 13)}`);
    fs.utimesSync(file, before.atime, before.mtime);
    assert.equal(fs.statSync(file).size, before.size);
    assert.equal(follow(file, mark), 'rewritten');
  });

  it('hashes only when the stat changed (or was taken too soon after a change to be trusted)', () => {
    const file = path.join(tempWorkspace(), 'j.jsonl');
    fs.writeFileSync(file, lines(50));
    age(file);
    const mark = follow(file);
    assert.ok(mark !== 'rewritten');
    const wrong: FileMark = { ...mark, chunks: ['0'.repeat(64)] };
    // The stat is the one recorded: the part read is trusted, not hashed (this is what keeps opening fast).
    assert.notEqual(follow(file, wrong), 'rewritten');
    // A recent stat may hide a change made within the file clock's granularity: checked by content.
    const racy: FileMark = { ...wrong, stat: { ...mark.stat!, at: fs.statSync(file).mtimeMs + 100 } };
    assert.equal(follow(file, racy), 'rewritten');
    // Any stat change (here only the times) means hashing, which compares the content.
    fs.utimesSync(file, new Date(), new Date(Date.now() - 7200_000));
    assert.equal(follow(file, wrong), 'rewritten');
    const again = follow(file, mark);
    assert.ok(again !== 'rewritten');
    assert.deepEqual(again.chunks, mark.chunks);
    assert.notDeepEqual(again.stat, mark.stat, 'the new stat is recorded once the content checked out');
  });

  it('keeps the same hashes whether a journal is read in one go, followed in steps, or extended by its writer', () => {
    const dir = tempWorkspace();
    const whole = path.join(dir, 'whole.jsonl');
    const steps = path.join(dir, 'steps.jsonl');
    const own = path.join(dir, 'own.jsonl');
    const parts = [lines(7), lines(12_000, 8), lines(1, 12_008), lines(9_000, 12_009)];
    fs.writeFileSync(whole, parts.join(''));
    let stepMark: FileMark | undefined;
    let ownMark: FileMark | undefined;
    let seen = 0;
    for (const part of parts) {
      fs.appendFileSync(steps, part);
      const m = follow(steps, stepMark);
      assert.ok(m !== 'rewritten');
      stepMark = m;
      fs.appendFileSync(own, part);
      seen += part.split('\n').length - 1;
      const ext = extendMark(own, ownMark, undefined, fs.statSync(own).size, part.split('\n').length - 1);
      assert.ok(ext);
      ownMark = ext.mark;
    }
    const full = follow(whole);
    assert.ok(full !== 'rewritten' && full.offset > 2 * HASH_CHUNK);
    assert.deepEqual(stepMark!.chunks, full.chunks);
    assert.deepEqual(ownMark!.chunks, full.chunks);
    assert.deepEqual([ownMark!.offset, ownMark!.line, stepMark!.line], [full.offset, seen, seen]);
    assert.equal(ownMark!.stat, undefined, 'an extended mark has no stat: the next read checks the content');
    // The writer's mark checks out against the file, and gets a stat to be trusted by.
    age(own);
    const checked = recheckMark(own, ownMark!);
    assert.ok(checked.stat);
    assert.notEqual(follow(own, checked), 'rewritten');
    assert.equal(recheckMark(own, { ...ownMark!, chunks: ['0'.repeat(64), ...ownMark!.chunks.slice(1)] }).stat, undefined);
  });

  it('does not extend a mark whose last chunk no longer matches the file', () => {
    const file = path.join(tempWorkspace(), 'j.jsonl');
    fs.writeFileSync(file, lines(10));
    const mark = follow(file);
    assert.ok(mark !== 'rewritten');
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.replace('item-00000003', 'item-00000009') + lines(1, 11));
    assert.equal(extendMark(file, mark, undefined, fs.statSync(file).size, 1), undefined);
  });
});
