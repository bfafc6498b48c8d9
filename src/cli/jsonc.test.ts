import { strict as assert } from 'node:assert';
import { JsoncError, parseJsonc } from './jsonc';

const fails = (text: string, line: number, column: number, message: RegExp) => {
  assert.throws(
    () => parseJsonc(text),
    (e: unknown) => {
      assert.ok(e instanceof JsoncError, String(e));
      assert.deepEqual([e.line, e.column], [line, column], e.message);
      assert.match(e.message, message);
      return true;
    },
  );
};

describe('JSONC (VS Code settings.json)', () => {
  it('reads comments and trailing commas as VS Code does, and keeps comment-like text inside strings', () => {
    const text = [
      '\ufeff// user settings',
      '{',
      '  /* a block',
      '     comment */ "editor.fontSize": 14, // trailing',
      '  "url": "http://example.com/*not a comment*/ // nor this",',
      '  "esc": "a \\"quoted\\" \\\\ back\\u0041",',
      '  "list": [1, -2.5e3, true, false, null,],',
      '  "labeling.labeler": "ann@example.com",',
      '  "labeling.labeler": "last@example.com",',
      '  "nested": { "a": {}, "b": [], },',
      '}',
      '',
    ].join('\n');
    assert.deepEqual(parseJsonc(text), {
      'editor.fontSize': 14,
      url: 'http://example.com/*not a comment*/ // nor this',
      esc: 'a "quoted" \\ backA',
      list: [1, -2500, true, false, null],
      'labeling.labeler': 'last@example.com',
      nested: { a: {}, b: [] },
    });
    assert.equal(parseJsonc(''), undefined);
    assert.equal(parseJsonc('  // only a comment\n/* and another */\n'), undefined);
    assert.deepEqual(parseJsonc('{"__proto__": {"x": 1}}'), JSON.parse('{"__proto__": {"x": 1}}'));
  });

  it('names the line and column of what is wrong', () => {
    fails('{\n  "a": 1\n  "b": 2\n}', 3, 3, /expected , or } after the value of "a", found """/);
    fails('{\n  "a": \n}', 3, 1, /expected a value, found "}"/);
    fails('{ "a": 1 } x', 1, 12, /unexpected "x" after the end of the value/);
    fails('{ "a": "no end }', 1, 8, /a string is not closed/);
    fails('{ "a": "bad \\q" }', 1, 8, /bad escape/);
    fails('{ "a": 1 /* open', 1, 10, /a \/\* comment is not closed/);
    fails('{ a: 1 }', 1, 3, /expected a "key" or }, found "a"/);
    fails('[1,,2]', 1, 4, /expected a value, found ","/);
    fails('{ "a": 1', 1, 9, /found the end of the file/);
    fails('{ "a": 01 }', 1, 9, /expected , or } after the value of "a", found "1"/);
  });
});
