/**
 * A small JSONC parser for VS Code's settings.json: JSON plus // and /* *\/ comments and trailing commas
 * (what VS Code writes and accepts). A hand parser rather than comment stripping plus JSON.parse, so an
 * error names its line and column on every Node version. Duplicate keys: the last one wins, as in VS Code.
 */

export class JsoncError extends Error {
  constructor(
    message: string,
    /** 1-based. */
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

/** Parses JSONC; a file holding only whitespace and comments is `undefined` (VS Code reads it as no settings). */
export function parseJsonc(text: string): unknown {
  const p = new Parser(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  p.skip();
  if (p.done()) return undefined;
  const value = p.value();
  p.skip();
  if (!p.done()) p.fail(`unexpected ${p.describe()} after the end of the value`);
  return value;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// JSON strings: no raw control characters U+0000-U+001F, so the class must name them.
// eslint-disable-next-line no-control-regex
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  done(): boolean {
    return this.i >= this.s.length;
  }

  /** Skips whitespace and comments. */
  skip(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s[this.i]!;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.i++;
      else if (c === '/' && s[this.i + 1] === '/') {
        const end = s.indexOf('\n', this.i);
        this.i = end < 0 ? s.length : end + 1;
      } else if (c === '/' && s[this.i + 1] === '*') {
        const end = s.indexOf('*/', this.i + 2);
        if (end < 0) this.fail('a /* comment is not closed');
        this.i = end + 2;
      } else return;
    }
  }

  value(): unknown {
    const c = this.s[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.s);
    if (m) {
      this.i += m[0].length;
      return Number(m[0]);
    }
    return this.fail(`expected a value, found ${this.describe()}`);
  }

  private object(): Record<string, unknown> {
    this.i++; // {
    const out: Record<string, unknown> = {};
    for (;;) {
      this.skip();
      if (this.s[this.i] === '}') {
        this.i++;
        return out;
      }
      if (this.s[this.i] !== '"') this.fail(`expected a "key" or }, found ${this.describe()}`);
      const key = this.string();
      this.skip();
      if (this.s[this.i] !== ':') this.fail(`expected : after "${key}", found ${this.describe()}`);
      this.i++;
      this.skip();
      Object.defineProperty(out, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
      this.skip();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== '}') this.fail(`expected , or } after the value of "${key}", found ${this.describe()}`);
    }
  }

  private array(): unknown[] {
    this.i++; // [
    const out: unknown[] = [];
    for (;;) {
      this.skip();
      if (this.s[this.i] === ']') {
        this.i++;
        return out;
      }
      out.push(this.value());
      this.skip();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== ']') this.fail(`expected , or ] in the list, found ${this.describe()}`);
    }
  }

  private string(): string {
    STRING.lastIndex = this.i;
    const m = STRING.exec(this.s);
    if (!m) this.fail(this.s.indexOf('"', this.i + 1) < 0 ? 'a string is not closed' : 'a string has a bad escape or a raw control character (a line break?)');
    this.i += m[0].length;
    return JSON.parse(m[0]) as string;
  }

  describe(): string {
    if (this.done()) return 'the end of the file';
    const c = this.s[this.i]!;
    return /\s/.test(c) || c < ' ' ? `character U+${c.charCodeAt(0).toString(16).padStart(4, '0')}` : `"${c}"`;
  }

  fail(message: string): never {
    const before = this.s.slice(0, this.i);
    const line = before.split('\n').length;
    const column = this.i - (before.lastIndexOf('\n') + 1) + 1;
    throw new JsoncError(message, line, column);
  }
}
