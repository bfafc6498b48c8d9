import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LabelingError } from '../errors';
import { cleanupWorkspaces, tempWorkspace, writeFiles } from '../store/test-support';
import { buildProjectDef, completeLabels, createProject, HOTKEYS, LABEL_PALETTE } from './create';
import { listProjects, loadProject } from './load';

const input = { id: 'signs', type: 'image-detection' as const, labels: ['stop', 'yield'], dataSources: [{ kind: 'images' as const, glob: 'img/*.png' }] };

describe('createProject / listProjects / loadProject', () => {
  after(cleanupWorkspaces);

  it('writes project.json with defaults, instructions.md and .labeling/.gitignore', async () => {
    const root = tempWorkspace();
    const def = await createProject(root, input);
    assert.deepEqual(def.labels, [
      { name: 'stop', color: LABEL_PALETTE[0], hotkey: '1' },
      { name: 'yield', color: LABEL_PALETTE[1], hotkey: '2' },
    ]);
    assert.equal(def.status, 'running');
    assert.deepEqual(def.consensus, { minLabelers: 1, maxLabelers: 1 });
    assert.ok(Number.isInteger(def.queueSeed) && def.queueSeed >= 0);
    assert.ok(Math.abs(Date.parse(def.createdAt) - Date.now()) < 60_000);
    assert.equal(fs.readFileSync(path.join(root, '.labeling/.gitignore'), 'utf8'), '.cache/\n');
    assert.ok(fs.readFileSync(path.join(root, '.labeling/signs/instructions.md'), 'utf8').includes('signs'));
    assert.deepEqual(await loadProject(root, 'signs'), def);
  });

  it('refuses an id that exists', async () => {
    const root = tempWorkspace();
    await createProject(root, input);
    await assert.rejects(createProject(root, input), (e: unknown) => e instanceof LabelingError && e.reason === 'conflict');
  });

  it('assigns hotkeys 1-9 then a-z, skipping given ones, and keeps given colours', () => {
    const labels = completeLabels([{ name: 'a', hotkey: '1', color: '#000000' }, ...Array.from({ length: 10 }, (_, i) => `l${i}`)]);
    assert.deepEqual(labels.map((l) => l.hotkey), ['1', ...HOTKEYS.slice(1, 11)]);
    assert.equal(labels[0]!.color, '#000000');
    assert.equal(new Set(labels.map((l) => l.color)).size, labels.length);
  });

  it("a semantic segmentation project never hands out the mask editor's tool keys (b, e, p, g, o)", () => {
    const names = ['b', ...Array.from({ length: 16 }, (_, i) => `c${i}`)];
    const keys = buildProjectDef({ ...input, type: 'image-semantic-segmentation', labels: names }).labels.map((l) => l.hotkey);
    assert.deepEqual(keys, ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'c', 'd', 'f', 'h', 'i', 'j', 'k']);
    assert.equal(buildProjectDef({ ...input, type: 'image-detection', labels: names }).labels[0]!.hotkey, 'b', 'other types: a label named b gets b');
  });

  it('lists every project; a broken project.json is returned as an error naming file and field', async () => {
    const root = tempWorkspace();
    await createProject(root, input);
    await createProject(root, { ...input, id: 'broken' });
    const file = path.join(root, '.labeling/broken/project.json');
    const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    raw.labels[0].hotkey = 'F1';
    fs.writeFileSync(file, JSON.stringify(raw));
    writeFiles(root, { '.labeling/notjson/project.json': '{ nope' });
    const list = await listProjects(root);
    assert.deepEqual(list.map((p) => p.id), ['broken', 'notjson', 'signs']);
    const broken = list[0]!;
    assert.ok('error' in broken && broken.error.reason === 'invalid-project');
    assert.equal(broken.error.where.file, '.labeling/broken/project.json');
    assert.equal(broken.error.where.field, 'labels[0].hotkey');
    assert.ok('error' in list[1]! && /not valid JSON/.test(list[1].error.message));
    assert.ok('def' in list[2]! && list[2].def.id === 'signs');
  });

  it('loadProject of an unknown id is not-found', async () => {
    await assert.rejects(loadProject(tempWorkspace(), 'nope'), (e: unknown) => e instanceof LabelingError && e.reason === 'not-found');
  });
});

describe('completeLabels hotkeys', () => {
  it('gives a label named like a hotkey that hotkey, the others the free ones in order', () => {
    const labels = completeLabels(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    assert.deepEqual(labels.map((l) => `${l.name}:${l.hotkey}`), ['0:0', '1:1', '2:2', '3:3', '4:4', '5:5', '6:6', '7:7', '8:8', '9:9']);
    const mixed = completeLabels(['cat', 'b', 'dog'], [{ name: 'x', color: '#000000', hotkey: '1' }]);
    assert.deepEqual(mixed.map((l) => l.hotkey), ['2', 'b', '3']);
  });

  it('lets a one-character name take its own key before positional keys are handed out, 0 included', () => {
    const labels = completeLabels(['cat', 'dog', '1', '0', 'C']);
    assert.deepEqual(labels.map((l) => `${l.name}:${l.hotkey}`), ['cat:2', 'dog:3', '1:1', '0:0', 'C:c']);
    // The result is a valid project: the schema accepts hotkey 0.
    assert.equal(buildProjectDef({ id: 'digits', type: 'text-classification', labels: ['0', '1'], dataSources: [{ kind: 'text-files', glob: '*.txt' }] }).labels[0]!.hotkey, '0');
  });
});
