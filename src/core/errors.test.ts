import { strict as assert } from 'node:assert';
import { asLabelingError, ioError, LabelingError } from './errors';

/** An error shaped like the ones Node's fs functions throw. */
function errno(code: string, syscall: string, file: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`${code}: some text, ${syscall} '${file}'`);
  Object.assign(e, { code, syscall, path: file, errno: -1 });
  return e;
}

describe('I/O errors', () => {
  it('become one line naming the path and the cause', () => {
    const cases: [string, string][] = [
      ['EISDIR', 'it is a folder, not a file (EISDIR)'],
      ['EACCES', 'permission denied (EACCES)'],
      ['ENOSPC', 'the disk is full (ENOSPC)'],
      ['EROFS', 'the file system is read-only (EROFS)'],
      ['ENOTDIR', 'a part of the path is a file, not a folder (ENOTDIR)'],
      ['EXDEV', 'some text (EXDEV)'],
    ];
    for (const [code, cause] of cases) {
      const e = ioError('cannot append to the journal', '.labeling/p/journal/ann/d1.jsonl', errno(code, 'write', '/abs/d1.jsonl'));
      assert.equal(e.reason, 'io');
      assert.equal(e.message, `.labeling/p/journal/ann/d1.jsonl: cannot append to the journal: ${cause}`);
      assert.ok(!e.message.includes('\n'));
    }
  });

  it('are mapped at a boundary: a raw fs error gets its path and cause, anything else is left as unexpected', () => {
    const e = asLabelingError(errno('EACCES', 'open', '/w/.labeling/p/project.json'))!;
    assert.ok(e instanceof LabelingError);
    assert.equal(e.message, '/w/.labeling/p/project.json: cannot open: permission denied (EACCES)');
    const mine = new LabelingError('paused', 'project "p" is paused');
    assert.equal(asLabelingError(mine), mine);
    assert.equal(asLabelingError(new TypeError('x is undefined')), undefined);
    assert.equal(asLabelingError('a string'), undefined);
  });
});
