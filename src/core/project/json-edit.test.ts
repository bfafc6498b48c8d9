import { strict as assert } from 'node:assert';
import { applyTextEdit, setJsonValue } from './json-edit';

const set = (text: string, path: string[], v: unknown) => applyTextEdit(text, setJsonValue(text, path, v));

describe('json-edit: setting a value in a JSON file without reformatting it', () => {
  it('replaces an existing value and nothing else (indentation, key order, other values as they were)', () => {
    const text = '{\n    "id": "p",\n    "mlAssist": {\n        "enabled": false,   "confidenceThreshold": 0.9\n    },\n    "labels": [1,2]\n}\n';
    assert.equal(set(text, ['mlAssist', 'enabled'], true), text.replace('"enabled": false', '"enabled": true'));
  });

  it('inserts a missing member indented like its siblings, or inline in a one-line object, or into {}', () => {
    const multi = '{\n  "id": "p",\n  "mlAssist": {\n    "backendUrl": "http://x"\n  }\n}';
    assert.equal(set(multi, ['mlAssist', 'enabled'], true), '{\n  "id": "p",\n  "mlAssist": {\n    "enabled": true,\n    "backendUrl": "http://x"\n  }\n}');
    assert.deepEqual(JSON.parse(set('{"id":"p","mlAssist":{"x":1}}', ['mlAssist', 'enabled'], true)), { id: 'p', mlAssist: { enabled: true, x: 1 } });
    assert.equal(set('{"mlAssist": {}}', ['mlAssist', 'enabled'], true), '{"mlAssist": { "enabled": true }}');
    assert.equal(set('{\n  "id": "p"\n}', ['mlAssist', 'enabled'], true), '{\n  "mlAssist": {"enabled":true},\n  "id": "p"\n}');
  });

  it('no edit when the value is already there; strings with braces and escapes do not confuse it', () => {
    assert.equal(setJsonValue('{"mlAssist":{"enabled":true}}', ['mlAssist', 'enabled'], true), null);
    const tricky = '{"name": "a \\"}{\\" b", "mlAssist": {"enabled": false}}';
    assert.deepEqual(JSON.parse(set(tricky, ['mlAssist', 'enabled'], true)), { name: 'a "}{" b', mlAssist: { enabled: true } });
  });

  it('refuses text that is not JSON, naming the file, line and column, and a path through a non-object', () => {
    assert.throws(() => setJsonValue('{\n  "id": "p",\n  oops\n}', ['mlAssist', 'enabled'], true, '.labeling/p/project.json'), /^Error: \.labeling\/p\/project\.json:3:3: expected a string/);
    assert.throws(() => setJsonValue('{"mlAssist": [1]}', ['mlAssist', 'enabled'], true), /"mlAssist" is not an object/);
    assert.throws(() => setJsonValue('{} x', ['a'], 1), /unexpected text after the JSON value/);
  });
});
