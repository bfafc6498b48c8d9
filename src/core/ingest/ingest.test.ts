import { strict as assert } from 'node:assert';
import { LabelingError } from '../errors';
import { cleanupWorkspaces, csvRows, tempWorkspace, writeFiles } from '../store/test-support';
import { checkGlob, pathInterest } from './globs';
import { scanSources, type ScannedItem } from './scan';
import { parseTable, type TableRow } from './tables';

function rowsOf(file: string, content: string, idColumn?: string): TableRow[] {
  const out: TableRow[] = [];
  parseTable(file, content, { textColumn: 'text', ...(idColumn ? { idColumn } : {}) }, (r) => out.push(r));
  return out;
}

function errorOf(fn: () => unknown): LabelingError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof LabelingError, String(e));
    return e;
  }
  assert.fail('expected an error');
}

describe('table sources', () => {
  it('parses CSV with quoted commas and newlines, keyed by id column', () => {
    const rows = rowsOf('a.csv', 'id,text\nx,"a, b"\ny,"multi\nline"\n', 'id');
    assert.deepEqual(rows.map((r) => [r.row, r.text]), [
      ['x', 'a, b'],
      ['y', 'multi\nline'],
    ]);
    const dup = errorOf(() => rowsOf('a.csv', 'id,text\nx,"multi\nline"\nx,b\n', 'id'));
    assert.equal(dup.where.line, 4);
  });

  it('parses TSV, JSONL and JSON arrays; rows default to 1-based numbers', () => {
    assert.deepEqual(rowsOf('a.tsv', 'text\tn\nhello, there\t1\n').map((r) => [r.row, r.text]), [['1', 'hello, there']]);
    assert.deepEqual(rowsOf('a.jsonl', '{"text":"a"}\n\n{"text":"b"}\n').map((r) => [r.row, r.text, r.line]), [['1', 'a', 1], ['2', 'b', 3]]);
    assert.deepEqual(rowsOf('a.json', '[{"text":"a","id":5},{"text":"b","id":6}]', 'id').map((r) => r.row), ['5', '6']);
  });

  it('hands CSV rows over as they are parsed: rows before a bad one arrive, and a callback error passes through unchanged', () => {
    const seen: string[] = [];
    const bad = 'id,text\na,one\nb,two\nc,"unclosed\n';
    assert.throws(() => parseTable('t.csv', bad, { textColumn: 'text', idColumn: 'id' }, (r) => seen.push(r.row)), /bad row/);
    assert.deepEqual(seen, ['a', 'b']);
    const boom = new Error('index full');
    assert.throws(
      () => parseTable('t.csv', csvRows(3), { textColumn: 'text', idColumn: 'id' }, (r) => {
        if (r.row === 'r2') throw boom;
      }),
      (e: unknown) => e === boom,
    );
  });

  it('reads each record once when the fast path stops mid-file and csv-parse takes over, ids checked across the two', () => {
    // A \r\n after \n line endings: the fast path hands over the header and row 1, csv-parse reads the rest (its "b\r").
    const mixed = 'id,text\n1,a\n2,b\r\n3,c\n';
    assert.deepEqual(rowsOf('m.csv', mixed, 'id').map((r) => [r.row, r.text, r.line]), [
      ['1', 'a', 1],
      ['2', 'b\r', 2],
      ['3', 'c', 3],
    ]);
    const dup = errorOf(() => rowsOf('m.csv', 'id,text\n1,a\n2,b\r\n1,c\n', 'id'));
    // (csv-parse counts that \r\n as two lines, so the line is not checked here: the duplicate is found across the hand-over.)
    assert.deepEqual([dup.message.includes('duplicate id "1"'), dup.where.field], [true, 'id']);
  });

  it('names file and line for a bad CSV row, a bad JSONL line, a duplicate id and a missing column', () => {
    const bad = errorOf(() => rowsOf('d/a.csv', 'id,text\n1,ok\n2,"unterminated\n'));
    assert.equal(bad.where.file, 'd/a.csv');
    assert.ok(bad.where.line! >= 3);
    const cols = errorOf(() => rowsOf('d/a.csv', 'id,text\n1,ok\n2,too,many\n'));
    assert.equal(cols.where.line, 3);
    const json = errorOf(() => rowsOf('d/a.jsonl', '{"text":"a"}\n{"text":\n'));
    assert.deepEqual([json.where.file, json.where.line], ['d/a.jsonl', 2]);
    const dup = errorOf(() => rowsOf('d/a.csv', 'id,text\n1,a\n1,b\n', 'id'));
    assert.deepEqual([dup.where.line, dup.where.field], [3, 'id']);
    const missing = errorOf(() => rowsOf('d/a.jsonl', '{"body":"a"}\n'));
    assert.deepEqual([missing.where.line, missing.where.field], [1, 'text']);
    assert.equal(errorOf(() => rowsOf('d/a.csv', 'id,body\n1,a\n')).where.field, 'text');
  });
});

describe('scanning data sources', () => {
  after(cleanupWorkspaces);

  it('finds images, text files and table rows, sorted, keyed by workspace-relative path', async () => {
    const root = tempWorkspace();
    writeFiles(root, {
      'img/b.png': 'x', 'img/a.JPG': 'x', 'img/notes.txt': 'x', 'docs/1.txt': 'one', 'tables/t.csv': csvRows(2),
      'node_modules/img/c.png': 'x',
    });
    const items: ScannedItem[] = [];
    const progress: number[] = [];
    const n = await scanSources(
      root,
      [{ kind: 'images', glob: '**/*.{png,JPG,txt}' }, { kind: 'text-files', glob: 'docs/*.txt' }, { kind: 'table', glob: 'tables/*.csv', textColumn: 'text', idColumn: 'id' }],
      (it) => items.push(it),
      { onProgress: (p) => progress.push(p.done ?? 0) },
    );
    assert.equal(n, 5);
    assert.deepEqual(items.map((i) => i.key), ['img/a.JPG', 'img/b.png', 'docs/1.txt', 'tables/t.csv#r1', 'tables/t.csv#r2']);
    assert.equal(items[3]!.text, 'text 1, with a comma');
    assert.equal(progress.at(-1), 5);
  });

  it('honours an aborted signal', async () => {
    const root = tempWorkspace();
    writeFiles(root, { 'a.txt': 'a' });
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(scanSources(root, [{ kind: 'text-files', glob: '*.txt' }], () => undefined, { signal: ac.signal }), (e: unknown) => e instanceof LabelingError && e.reason === 'cancelled');
  });

  it('refuses globs that leave the workspace', async () => {
    for (const g of ['../x/*.png', 'a/../../b', '/etc/*', 'C:/x/*.png']) {
      assert.equal(errorOf(() => checkGlob(g)).reason, 'outside-workspace', g);
    }
    await assert.rejects(scanSources(tempWorkspace(), [{ kind: 'images', glob: '../*.png' }], () => undefined), (e: unknown) => e instanceof LabelingError && e.where.field === 'dataSources[0].glob');
  });

  it('tells the file watcher which paths a project cares about', () => {
    const interest = pathInterest({ id: 'p', dataSources: [{ kind: 'images', glob: 'img/**/*.png' }] });
    assert.equal(interest('img/a/b.png'), 'data');
    assert.equal(interest('img/a/b.jpg'), undefined);
    assert.equal(interest('.labeling/p/journal/ann/d1.jsonl'), 'journal');
    assert.equal(interest('.labeling/p/project.json'), 'definition');
    assert.equal(interest('.labeling/q/journal/ann/d1.jsonl'), undefined);
    assert.equal(interest('.labeling/.cache/p/index.sqlite'), undefined);
  });
});
