import { strict as assert } from 'node:assert';
import { parse } from 'csv-parse/sync';
import { fastDelimited } from './fast-csv';

const OPTIONS = { bom: true, skip_empty_lines: true, relax_column_count: false } as const;

function fast(content: string, delimiter = ','): string[][] | false {
  const out: string[][] = [];
  return fastDelimited(content, delimiter, (r) => out.push(r)) === true ? out : false;
}

function reference(content: string, delimiter = ','): string[][] | Error {
  try {
    return parse(content, { ...OPTIONS, delimiter }) as string[][];
  } catch (e) {
    return e as Error;
  }
}

/** Builds a CSV from rows of fields, quoting the ones given as { q: text }. */
function csv(rows: (string | { q: string })[][], eol = '\n'): string {
  return rows.map((r) => r.map((f) => (typeof f === 'string' ? f : `"${f.q.replaceAll('"', '""')}"`)).join(',')).join(eol) + eol;
}

describe('fastDelimited', () => {
  const plainCases: [string, string, string][] = [
    ['simple', csv([['id', 'text'], ['1', 'hello'], ['2', 'world']]), ','],
    ['quoted with commas, quotes and newlines', csv([['id', 'text'], ['a', { q: 'x, "y"\nz' }], ['b', { q: '' }], ['c', { q: '"' }]]), ','],
    ['CRLF and empty lines', 'id,text\r\n\r\n1,a\r\n2,"b\r\nc"\r\n\r\n', ','],
    ['BOM and no final newline', '\ufeffid,text\n1,\u00e9t\u00e9 \u{1f600}\n2,', ','],
    ['tabs', 'id\ttext\n1\ta, b\n2\t"q\tr"\n', '\t'],
    ['empty fields', 'a,b,c\n,,\n1,,3\n', ','],
  ];
  for (const [name, content, delimiter] of plainCases) {
    it(`gives exactly csv-parse's records: ${name}`, () => {
      const ref = reference(content, delimiter);
      assert.ok(Array.isArray(ref));
      assert.deepEqual(fast(content, delimiter), ref);
    });
  }

  // The records before the first one the fast path cannot read, which it hands over before it stops.
  const fallbackCases: [string, string, number][] = [
    ['a quote inside an unquoted field', 'id,text\n1,ab"c\n', 1],
    ['text after a closing quote', 'id,text\n1,"ab"c\n', 1],
    ['an unterminated quote', 'id,text\n1,"abc\n', 1],
    ['a ragged record', 'id,text\n1,a\n2,b\n3,c,extra\n', 3],
    ['a lone carriage return', 'id,text\r1,a\r', 0],
    ['mixed line endings', 'id,text\r\n1,a\r\n2,b\n3,c\r\n', 2],
    ['space before a quote', 'id,text\n1,a\n2, "a"\n', 2],
    ['a quote in the header', 'i"d,text\n1,a\n', 0],
  ];
  for (const [name, content, handed] of fallbackCases) {
    it(`hands over the plain records before it, then stops: ${name}`, () => {
      const got: string[][] = [];
      assert.equal(fastDelimited(content, ',', (r) => got.push(r)), handed);
      assert.equal(got.length, handed);
      // They are csv-parse's first records: csv-parse reads a prefix of plain records the same way.
      const ref = reference(content.split(/\r?\n|\r/).slice(0, handed).join(content.includes('\r\n') ? '\r\n' : '\n'));
      assert.ok(Array.isArray(ref));
      assert.deepEqual(got, ref);
    });
  }

  it('matches csv-parse on generated rows with every kind of field', () => {
    const pieces = ['x', '', ' ', 'a,b', 'say "hi"', 'line\nbreak', '\u00e9', '""', 'tab\there'];
    const rows: (string | { q: string })[][] = [['id', 'text', 'note']];
    for (let i = 0; i < 300; i++) {
      const p = pieces[i % pieces.length]!;
      const needsQuotes = /[",\n]/.test(p);
      rows.push([`r${i}`, needsQuotes || i % 3 === 0 ? { q: p } : p, pieces[(i * 7) % pieces.length]!.replace(/[",\n]/g, '')]);
    }
    const content = csv(rows);
    const ref = reference(content);
    assert.ok(Array.isArray(ref) && ref.length === 301);
    assert.deepEqual(fast(content), ref);
  });
});
