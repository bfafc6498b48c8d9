/**
 * A fast path for plain CSV/TSV: fields unquoted or fully quoted ("" inside quotes), one kind of line
 * ending (\n or \r\n), every record as wide as the first, empty lines skipped, a leading BOM dropped.
 * That is what csv-parse gives with { bom, skip_empty_lines, relax_column_count: false }. Each record is
 * handed over as soon as it is read, so a scan's consumer starts on the first rows while the rest are
 * read. At anything else (a lone \r, a quote inside an unquoted field, text after a closing quote, an
 * unterminated quote, a ragged record, mixed line endings) it stops and returns how many records it
 * handed over: the caller runs csv-parse, skips that many (csv-parse reads a prefix of plain records
 * exactly as this does) and parses the rest or reports it with its line.
 */
const DQ = 34;
const LF = 10;
const CR = 13;
/** Field flag: quoted with "" escapes inside (unescaped when the string is made). */
const ESCAPED = 1;

class Fields {
  /** start, end, flags per field. */
  data = new Int32Array(3 * 4096);
  n = 0;

  push(start: number, end: number, flags: number): void {
    if (this.n + 3 > this.data.length) {
      const b = new Int32Array(this.data.length * 2);
      b.set(this.data);
      this.data = b;
    }
    this.data[this.n++] = start;
    this.data[this.n++] = end;
    this.data[this.n++] = flags;
  }
}

/** `true` when every record was handed over, else how many were before the first one that needs the full parser. */
export function fastDelimited(content: string, delimiter: string, onRecord: (record: string[]) => void): true | number {
  if (delimiter.length !== 1 || delimiter.charCodeAt(0) === DQ || delimiter === '\n' || delimiter === '\r') return 0;
  const delim = delimiter.charCodeAt(0);
  const n = content.length;
  const fields = new Fields();
  let width = -1;
  let handed = 0;
  /** 0 unknown, 1 \n, 2 \r\n */
  let eol = 0;
  const lineEnd = (i: number): number => {
    // Returns the length of the line ending at i (1 or 2), or -1 when it is not allowed here.
    const c = content.charCodeAt(i);
    const kind = c === LF ? 1 : c === CR && content.charCodeAt(i + 1) === LF ? 2 : -1;
    if (kind < 0 || (eol !== 0 && kind !== eol)) return -1;
    eol = kind;
    return kind;
  };
  let i = content.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < n) {
    const first = content.charCodeAt(i);
    if (first === LF || first === CR) {
      const len = lineEnd(i); // an empty line
      if (len < 0) return handed;
      i += len;
      continue;
    }
    fields.n = 0;
    let count = 0;
    for (;;) {
      if (content.charCodeAt(i) === DQ) {
        let j = i + 1;
        let flags = 0;
        for (;;) {
          const q = content.indexOf('"', j);
          if (q < 0) return handed;
          if (content.charCodeAt(q + 1) === DQ) {
            flags = ESCAPED;
            j = q + 2;
            continue;
          }
          fields.push(i + 1, q, flags);
          i = q + 1;
          break;
        }
      } else {
        let j = i;
        for (; j < n; j++) {
          const c = content.charCodeAt(j);
          if (c === delim || c === LF || c === CR) break;
          if (c === DQ) return handed;
        }
        fields.push(i, j, 0);
        i = j;
      }
      count++;
      if (i >= n) break;
      const c = content.charCodeAt(i);
      if (c === delim) {
        i++;
        continue;
      }
      const len = lineEnd(i);
      if (len < 0) return handed;
      i += len;
      break;
    }
    if (width < 0) width = count;
    else if (count !== width) return handed;
    const d = fields.data;
    const record = new Array<string>(width);
    for (let k = 0, f = 0; k < width; k++, f += 3) {
      const s = content.slice(d[f]!, d[f + 1]!);
      record[k] = d[f + 2]! & ESCAPED ? s.replaceAll('""', '"') : s;
    }
    onRecord(record);
    handed++;
  }
  return true;
}
