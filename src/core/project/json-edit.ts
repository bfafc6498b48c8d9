/**
 * A minimal edit of a JSON file that keeps its formatting: the text range to replace so that the value
 * at a path of object keys becomes a given JSON value (the member inserted, indented like its siblings,
 * when absent). For project.json edits from the UI (the dashboard's Turn on ML assist), which must not
 * reformat a file people edit by hand and review in diffs.
 */

export interface TextEdit {
  offset: number;
  length: number;
  text: string;
}

interface Node {
  kind: 'object' | 'array' | 'value';
  start: number;
  end: number;
  /** Objects: members in order. */
  members?: { key: string; keyStart: number; value: Node }[];
}

class JsonScanner {
  i = 0;
  constructor(readonly s: string, readonly file: string) {}

  fail(what: string): never {
    const before = this.s.slice(0, this.i);
    const line = before.split('\n').length;
    const col = this.i - before.lastIndexOf('\n');
    throw new Error(`${this.file}:${line}:${col}: ${what}`);
  }

  ws(): void {
    while (this.i < this.s.length && /[ \t\r\n]/.test(this.s[this.i]!)) this.i++;
  }

  string(): string {
    const start = this.i;
    if (this.s[this.i] !== '"') this.fail('expected a string');
    this.i++;
    while (this.i < this.s.length && this.s[this.i] !== '"') this.i += this.s[this.i] === '\\' ? 2 : 1;
    if (this.i >= this.s.length) this.fail('unterminated string');
    this.i++;
    return JSON.parse(this.s.slice(start, this.i)) as string;
  }

  value(): Node {
    this.ws();
    const start = this.i;
    const c = this.s[this.i];
    if (c === '{') {
      this.i++;
      const members: NonNullable<Node['members']> = [];
      this.ws();
      if (this.s[this.i] === '}') {
        this.i++;
        return { kind: 'object', start, end: this.i, members };
      }
      for (;;) {
        this.ws();
        const keyStart = this.i;
        const key = this.string();
        this.ws();
        if (this.s[this.i] !== ':') this.fail('expected ":"');
        this.i++;
        members.push({ key, keyStart, value: this.value() });
        this.ws();
        if (this.s[this.i] === ',') this.i++;
        else if (this.s[this.i] === '}') {
          this.i++;
          return { kind: 'object', start, end: this.i, members };
        } else this.fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      this.i++;
      this.ws();
      if (this.s[this.i] === ']') {
        this.i++;
        return { kind: 'array', start, end: this.i };
      }
      for (;;) {
        this.value();
        this.ws();
        if (this.s[this.i] === ',') this.i++;
        else if (this.s[this.i] === ']') {
          this.i++;
          return { kind: 'array', start, end: this.i };
        } else this.fail('expected "," or "]"');
      }
    }
    if (c === '"') {
      this.string();
      return { kind: 'value', start, end: this.i };
    }
    const m = /^(true|false|null|-?\d+(\.\d+)?([eE][+-]?\d+)?)/.exec(this.s.slice(this.i, this.i + 64));
    if (!m) this.fail('expected a JSON value');
    this.i += m[0].length;
    return { kind: 'value', start, end: this.i };
  }
}

/** The indentation of the line holding `offset`. */
function indentAt(s: string, offset: number): string {
  const lineStart = s.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(s.slice(lineStart))![0];
}

/**
 * The edit that sets `path` (object keys from the root) to `value` in the JSON `text`; null when it
 * already holds exactly that JSON text. Throws, naming `file`, line and column, on text that is not JSON
 * or a path through something that is not an object.
 */
export function setJsonValue(text: string, path: readonly string[], value: unknown, file = 'project.json'): TextEdit | null {
  const scanner = new JsonScanner(text, file);
  let node = scanner.value();
  scanner.ws();
  if (scanner.i < text.length) scanner.fail('unexpected text after the JSON value');
  const json = JSON.stringify(value);
  for (let depth = 0; depth < path.length; depth++) {
    const key = path[depth]!;
    if (node.kind !== 'object') throw new Error(`${file}: "${path.slice(0, depth).join('.')}" is not an object`);
    const member = node.members!.find((m) => m.key === key);
    if (member) {
      node = member.value;
      continue;
    }
    // Insert the rest of the path as a member of this object, before its first member (or into {}).
    let inserted: unknown = value;
    for (let k = path.length - 1; k > depth; k--) inserted = { [path[k]!]: inserted };
    const memberText = `${JSON.stringify(key)}: ${JSON.stringify(inserted)}`;
    const first = node.members![0];
    if (!first) return { offset: node.start, length: node.end - node.start, text: `{ ${memberText} }` };
    const multiline = text.slice(node.start, first.keyStart).includes('\n');
    return multiline
      ? { offset: node.start + 1, length: 0, text: `\n${indentAt(text, first.keyStart)}${memberText},` }
      : { offset: first.keyStart, length: 0, text: `${memberText}, ` };
  }
  const current = text.slice(node.start, node.end);
  if (current === json) return null;
  return { offset: node.start, length: node.end - node.start, text: json };
}

/** Applies an edit to a text (tests, and callers without a document). */
export function applyTextEdit(text: string, e: TextEdit | null): string {
  return e ? text.slice(0, e.offset) + e.text + text.slice(e.offset + e.length) : text;
}
