import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultDevice } from '../core/project/identity';
import { safeSegment } from '../core/project/paths';
import { cleanupWorkspaces, csvRows, tempWorkspace, writeFiles } from '../core/store/test-support';
import { resolveLabeler } from './identity';
import { cli } from './test-support';

describe('data-labeling CLI: I/O errors', () => {
  after(cleanupWorkspaces);

  it('a journal path that is a folder fails the import with one line naming it and the cause, no stack', async () => {
    const root = tempWorkspace();
    writeFiles(root, { 'data/items.csv': csvRows(3), 'labels.csv': 'item,label\ndata/items.csv#r1,pos\n' });
    assert.equal((await cli('init', root, '--name', 'rev', '--type', 'text-classification', '--data', 'data/*.csv', '--text-column', 'text', '--id-column', 'id', '--labels', 'pos,neg')).code, 0);
    const rel = `.labeling/rev/journal/${safeSegment(resolveLabeler(root, undefined).labeler)}/${defaultDevice()}.jsonl`;
    fs.mkdirSync(path.join(root, rel), { recursive: true });
    const r = await cli('import', root, 'rev', '--file', path.join(root, 'labels.csv'), '--format', 'csv');
    assert.equal(r.code, 1);
    assert.equal(r.err, `data-labeling import: ${rel}: cannot open the journal: it is a folder, not a file (EISDIR)\n`);
    // The project is as it was: nothing was imported.
    fs.rmdirSync(path.join(root, rel));
    const stats = JSON.parse((await cli('stats', root, 'rev', '--json')).out);
    assert.equal(stats.labeled, 0);
  });

  it('an fs error no core code wrapped still prints as one line with its path', async () => {
    const root = tempWorkspace();
    writeFiles(root, { 'data/items.csv': csvRows(2) });
    assert.equal((await cli('init', root, '--name', 'rev', '--type', 'text-classification', '--data', 'data/*.csv', '--text-column', 'text', '--id-column', 'id', '--labels', 'pos,neg')).code, 0);
    // The project's cache folder is a file: the index snapshot cannot be written anywhere under it.
    fs.rmSync(path.join(root, '.labeling', '.cache'), { recursive: true, force: true });
    fs.writeFileSync(path.join(root, '.labeling', '.cache'), 'not a folder');
    const r = await cli('stats', root, 'rev');
    assert.equal(r.code, 1);
    assert.equal(r.err.split('\n').length, 2, r.err);
    assert.match(r.err, /^data-labeling stats: .*\.labeling[/\\]\.cache.*: .*\((ENOTDIR|EEXIST)\)\n$/);
    assert.ok(!r.err.includes('    at '));
  });
});
