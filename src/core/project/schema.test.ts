import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabelingError } from '../errors';
import { projectJsonSchema } from './json-schema';
import { parseProjectDef } from './schema';

export function validProject(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemaVersion: 1,
    id: 'signs',
    name: 'Road signs',
    type: 'image-detection',
    labels: [
      { name: 'stop', color: '#d62728', hotkey: '1' },
      { name: 'yield', color: '#1f77b4', hotkey: '2' },
    ],
    dataSources: [{ kind: 'images', glob: 'data/**/*.png' }],
    consensus: { minLabelers: 1, maxLabelers: 1 },
    mlAssist: { enabled: false },
    status: 'running',
    queueSeed: 42,
    createdAt: '2026-11-27T10:00:00.000Z',
    ...over,
  };
}

function errorOf(fn: () => unknown): LabelingError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof LabelingError, `expected LabelingError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

describe('project.json schema', () => {
  it('accepts a valid definition and drops $schema', () => {
    const def = parseProjectDef(JSON.stringify(validProject({ $schema: '../x.json' })), 'p.json');
    assert.equal(def.type, 'image-detection');
    assert.equal(def.labels.length, 2);
    assert.ok(!('$schema' in def));
  });

  it('accepts the ML assist settings in range and names the field of one out of range', () => {
    const ok = parseProjectDef(JSON.stringify(validProject({ mlAssist: { enabled: true, targetPrecision: 0.9, holdout: 0.25, minLabels: 30 } })), 'p.json');
    assert.deepEqual(ok.mlAssist, { enabled: true, targetPrecision: 0.9, holdout: 0.25, minLabels: 30 });
    for (const [field, value] of [['targetPrecision', 1.2], ['holdout', 0.9], ['minLabels', 3]] as const) {
      const e = errorOf(() => parseProjectDef(JSON.stringify(validProject({ mlAssist: { enabled: true, [field]: value } })), 'p.json'));
      assert.equal(e.where.field, `mlAssist.${field}`);
    }
  });

  it('names the file and the field of a bad value', () => {
    const bad = validProject({ labels: [{ name: 'a', color: 'red' }] });
    const e = errorOf(() => parseProjectDef(JSON.stringify(bad), '.labeling/signs/project.json'));
    assert.equal(e.reason, 'invalid-project');
    assert.equal(e.where.field, 'labels[0].color');
    assert.match(e.message, /^\.labeling\/signs\/project\.json: labels\[0\]\.color: /);
  });

  it('accepts hotkeys 0-9 and a-z, refuses others', () => {
    const withKey = (hotkey: string) => validProject({ labels: [{ name: 'a', color: '#000000', hotkey }] });
    for (const k of ['0', '9', 'a', 'z']) assert.equal(parseProjectDef(JSON.stringify(withKey(k)), 'p').labels[0]!.hotkey, k);
    for (const k of ['A', '10', '-', '']) assert.equal(errorOf(() => parseProjectDef(JSON.stringify(withKey(k)), 'p')).where.field, 'labels[0].hotkey');
  });

  it('refuses duplicate names and hotkeys', () => {
    const dupName = validProject({ labels: [{ name: 'a', color: '#000000' }, { name: 'a', color: '#ffffff' }] });
    assert.equal(errorOf(() => parseProjectDef(JSON.stringify(dupName), 'p')).where.field, 'labels[1].name');
    const dupKey = validProject({ labels: [{ name: 'a', color: '#000000', hotkey: '1' }, { name: 'b', color: '#ffffff', hotkey: '1' }] });
    assert.equal(errorOf(() => parseProjectDef(JSON.stringify(dupKey), 'p')).where.field, 'labels[1].hotkey');
  });

  it('says which field is missing', () => {
    const { name: _n, ...noName } = validProject();
    const e = errorOf(() => parseProjectDef(JSON.stringify(noName), 'p.json'));
    assert.equal(e.message, 'p.json: name: is missing (expected string)');
  });

  it('reports invalid JSON with the file name', () => {
    const e = errorOf(() => parseProjectDef('{"id": ', 'x/project.json'));
    assert.match(e.message, /^x\/project\.json: not valid JSON/);
  });

  it('refuses unknown types, keys and consensus min > max', () => {
    assert.equal(errorOf(() => parseProjectDef(JSON.stringify(validProject({ type: 'audio' })), 'p')).where.field, 'type');
    assert.match(errorOf(() => parseProjectDef(JSON.stringify(validProject({ colour: 1 })), 'p')).message, /colour/);
    const c = errorOf(() => parseProjectDef(JSON.stringify(validProject({ consensus: { minLabelers: 3, maxLabelers: 2 } })), 'p'));
    assert.equal(c.where.field, 'consensus.maxLabelers');
  });

  it('the committed schemas/project.schema.json is generated from the zod schema', () => {
    const committed = JSON.parse(readFileSync(join(__dirname, '../../../schemas/project.schema.json'), 'utf8'));
    assert.deepEqual(committed, JSON.parse(JSON.stringify(projectJsonSchema())), 'run `npm run gen:schema`');
  });
});
