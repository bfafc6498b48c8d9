import { assert } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { labelColumns, tableColumns } from './columns';

describe('table columns for the Create flow', () => {
  let dir: string;
  const file = (name: string, text: string) => {
    const f = path.join(dir, name);
    writeFileSync(f, text);
    return f;
  };
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'columns-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds a label-like column whose values are classes, not ids, sources or free text', async () => {
    const rows = ['id,source,text,sentiment'];
    for (let i = 0; i < 40; i++) rows.push(`r${i},${['amazon', 'imdb'][i % 2]},"Review number ${i}, with a comma",${i % 3 ? 'positive' : 'negative'}`);
    const f = file('reviews.csv', rows.join('\n') + '\n');
    assert.deepEqual(await tableColumns(f), ['id', 'source', 'text', 'sentiment']);
    const found = await labelColumns(f, ['text', 'id']);
    assert.deepEqual(found, [{ column: 'sentiment', values: ['negative', 'positive'], rows: 40 }]);
  });

  it('reads label lists and names like true_label or ClassName; refuses a "label" column of unique free text', async () => {
    const f = file('multi.csv', 'text,true_label,ClassName,label\n' + ['a,"[""x"",""y""]",cat,one', "b,\"['y']\",dog,two", 'c,"[""x""]",cat,three', 'd,[],dog,four'].join('\n') + '\n');
    const found = await labelColumns(f, ['text']);
    assert.deepEqual(found.map((c) => [c.column, c.values]), [['true_label', ['x', 'y']], ['ClassName', ['cat', 'dog']]]);
  });

  it('TSV is read with tabs; JSONL and files without a label-like column give nothing', async () => {
    const tsv = file('t.tsv', 'text\tcategory\n' + ['a\tsport', 'b\tnews', 'c\tsport', 'd\tnews'].join('\n'));
    assert.deepEqual((await labelColumns(tsv)).map((c) => c.column), ['category']);
    assert.deepEqual(await labelColumns(file('t.jsonl', '{"text":"a","label":"x"}\n{"text":"b","label":"x"}\n')), []);
    assert.deepEqual(await labelColumns(file('plain.csv', 'id,text\n1,a\n2,b\n3,c\n')), []);
    assert.deepEqual((await labelColumns(file('xy.csv', 'text,pos_y,y\na,1,0\nb,1,1\nc,1,0\nd,1,1\n'))).map((c) => c.column), ['y'], 'y alone, not pos_y');
  });

  it('a file larger than the 256 KB head is sampled without its cut last line', async () => {
    const rows = ['text,label'];
    for (let i = 0; i < 20000; i++) rows.push(`"some longer review text number ${i}",${i % 2 ? 'good' : 'bad'}`);
    const [c] = await labelColumns(file('big.csv', rows.join('\n')), ['text']);
    assert.deepEqual(c?.values, ['bad', 'good']);
    assert.isAbove(c!.rows, 1000);
    assert.isBelow(c!.rows, 20000);
  });
});
