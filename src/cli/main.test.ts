import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanupWorkspaces, csvRows, event, tempWorkspace, writeFiles, writeJournal } from '../core/store/test-support';
import { cli } from './test-support';

describe('data-labeling CLI', () => {
  after(cleanupWorkspaces);

  it('prints help listing every command', async () => {
    const r = await cli('--help');
    assert.equal(r.code, 0);
    for (const c of ['init', 'stats', 'validate', 'export', 'import', 'review', 'assign', 'roles']) assert.match(r.out, new RegExp(`\\n  ${c} `));
    // Each writing command has an example, and the help says who the CLI writes as.
    for (const c of ['review', 'assign', 'roles']) assert.match(r.out, new RegExp(`\\nexamples:\\n(  .*\\n)*  data-labeling ${c} \\. `));
    assert.match(r.out, /labeling\.labeler user setting/);
    const one = await cli('review', '--help');
    assert.equal(one.code, 0);
    assert.match(one.out, /^usage: data-labeling review <workspace> <id> <approve\|reject\|accept-skip\|return\|decide> <item>/);
    assert.match(one.out, /\nexamples:\n {2}data-labeling review \. reviews approve /);
    assert.match(one.out, /git config user\.email/);
    assert.equal((await cli('frobnicate')).code, 2);
  });

  it('init infers a table source, indexes it, and stats --json reports the counts', async () => {
    const root = tempWorkspace();
    writeFiles(root, { 'data/reviews.csv': csvRows(5) });
    const init = await cli('init', root, '--name', 'reviews', '--type', 'text-classification', '--data', 'data/*.csv', '--text-column', 'text', '--id-column', 'id', '--labels', 'pos,neg');
    assert.equal(init.code, 0, init.err);
    assert.match(init.out, /5 items indexed/);
    const def = JSON.parse(fs.readFileSync(path.join(root, '.labeling/reviews/project.json'), 'utf8'));
    assert.deepEqual(def.dataSources, [{ kind: 'table', glob: 'data/*.csv', textColumn: 'text', idColumn: 'id' }]);
    writeJournal(root, 'reviews', 'bob', 'd', [event({ type: 'submit', item: 'data/reviews.csv#r2', ann: { kind: 'classes', labels: ['neg'] } }, { by: 'bob', dev: 'd' })]);
    const stats = await cli('stats', root, 'reviews', '--json');
    assert.equal(stats.code, 0, stats.err);
    const s = JSON.parse(stats.out);
    assert.deepEqual([s.items, s.labeled, s.skipped, s.missing, s.byLabel, s.byLabeler], [5, 1, 0, 0, { pos: 0, neg: 1 }, { bob: 1 }]);
  });

  it('init refuses a table without --text-column and an image glob for a text project', async () => {
    const root = tempWorkspace();
    const a = await cli('init', root, '--name', 'x', '--type', 'text-classification', '--data', 'd/*.csv', '--labels', 'a');
    assert.equal(a.code, 1);
    assert.match(a.err, /--text-column is required/);
    const b = await cli('init', root, '--name', 'x', '--type', 'text-ner', '--data', 'img/*.png', '--labels', 'a');
    assert.match(b.err, /does not fit/);
  });

  it('validate exits 1 listing problems as file:line, and 0 when clean', async () => {
    const root = tempWorkspace();
    writeFiles(root, { 'img/a.png': 'x' });
    assert.equal((await cli('init', root, '--name', 'imgs', '--type', 'image-classification', '--data', 'img/*.png', '--labels', 'cat,dog')).code, 0);
    assert.deepEqual(await cli('validate', root, 'imgs'), { code: 0, out: 'imgs: OK\n', err: '' });
    const rel = writeJournal(root, 'imgs', 'bob', 'd', [event({ type: 'submit', item: 'img/a.png', ann: { kind: 'classes', labels: ['cow'] } }, { by: 'bob', dev: 'd' })], 'not json\n');
    const r = await cli('validate', root, 'imgs');
    assert.equal(r.code, 1);
    assert.match(r.err, new RegExp(`${rel}:1: ann.labels\\[0\\]: unknown label "cow"`));
    assert.match(r.err, new RegExp(`${rel}:2: invalid JSON`));
    fs.writeFileSync(path.join(root, '.labeling/imgs/project.json'), '{}');
    const broken = await cli('validate', root, 'imgs');
    assert.equal(broken.code, 1);
    assert.match(broken.err, /\.labeling\/imgs\/project\.json/);
  });
});
