import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanupWorkspaces, event, tempWorkspace } from '../store/test-support';
import { extendMark, followJournal, followJournalPart, HASH_CHUNK, joinMarks, recheckMark, type FileMark } from './marks';
import type { JournalProblem } from './reader';

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

  it('a journal read as a head part and a tail part, split after a chunk boundary, gives the mark and line numbers of one read', () => {
    const file = path.join(tempWorkspace(), 'j.jsonl');
    // ~3.4 MB: a malformed line on each side of the split, a newer-version line in the tail, a torn last line.
    const text = lines(20_000) + '{"v":1, not json\n' + lines(10_000, 20_001) + '{"v":99,"type":"skip"}\n' + lines(4_000, 30_001) + '{"v":1,"ty';
    fs.writeFileSync(file, text);
    age(file);
    const problemsOf = (into: JournalProblem[]) => (p: JournalProblem): number => into.push(p);
    const whole: JournalProblem[] = [];
    const events: number[] = [];
    const one = followJournal(file, 'j.jsonl', undefined, undefined, (_e, line) => events.push(line), problemsOf(whole));
    assert.ok(one !== 'rewritten');
    for (const cut of [HASH_CHUNK, 2 * HASH_CHUNK, 3 * HASH_CHUNK]) {
      // The first line start at or after the boundary (the line through it goes to the head).
      const start = text.indexOf('\n', cut - 1) + 1;
      const got: JournalProblem[] = [];
      const lines: number[] = [];
      const head = followJournalPart(file, 'j.jsonl', { start: 0, end: start, hashFrom: 0, hashTo: cut }, 0, (_e, line) => lines.push(line), problemsOf(got));
      assert.equal(head.mark.offset, start);
      assert.equal(head.mark.chunks.length, cut / HASH_CHUNK);
      // The tail read on its own (as a helper does, lines from 0), then numbered after the head's.
      const tailProblems: JournalProblem[] = [];
      const tailLines: number[] = [];
      const tail = followJournalPart(file, 'j.jsonl', { start, hashFrom: cut }, 0, (_e, line) => tailLines.push(line), problemsOf(tailProblems));
      assert.equal(tail.tornBytes, one.tornBytes);
      const mark = joinMarks(head.mark, { ...tail.mark, line: tail.mark.line + head.mark.line }, { start, hashFrom: cut });
      assert.ok(mark, `joined at ${cut}`);
      assert.deepEqual({ ...mark, stat: { ...mark.stat!, at: 0 } }, { ...one.mark, stat: { ...one.mark.stat!, at: 0 } }, `the mark at ${cut}`);
      assert.deepEqual([...got, ...tailProblems.map((p) => ({ ...p, line: p.line + head.mark.line }))], whole, `problems at ${cut}`);
      assert.deepEqual([...lines, ...tailLines.map((l) => l + head.mark.line)], events, `event lines at ${cut}`);
      // Numbered from the head's lines while reading (the tail read in the same thread): the same.
      const here = followJournalPart(file, 'j.jsonl', { start, hashFrom: cut }, head.mark.line, noop, noop);
      assert.deepEqual(joinMarks(head.mark, here.mark, { start, hashFrom: cut }), mark);
      // Parts that do not meet (the file changed between the reads) give no mark.
      assert.equal(joinMarks({ ...head.mark, offset: start - 1 }, tail.mark, { start, hashFrom: cut }), undefined);
      assert.equal(joinMarks({ ...head.mark, chunks: head.mark.chunks.slice(1) }, tail.mark, { start, hashFrom: cut }), undefined);
      // Two different stats: none kept (the next follow hashes the part).
      assert.equal(joinMarks(head.mark, { ...tail.mark, stat: { ...tail.mark.stat!, size: '1' } }, { start, hashFrom: cut })?.stat, undefined);
    }
    assert.equal(whole.length, 2);
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
