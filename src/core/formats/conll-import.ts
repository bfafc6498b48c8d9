/**
 * CoNLL import. Accepted line forms (one file uses one of them):
 *   `token TAG`                     Azure AutoML (2 columns, one space)
 *   `token POS chunk TAG`           CoNLL-2003 (4 columns; Label Studio writes `token -X- _ TAG`)
 *   `token<TAB>...<TAB>TAG`         doccano and other tab-separated files (tag = last column)
 * `-DOCSTART-` lines are skipped. A blank line ends an item. Tags are IOB2 (`O`, `B-X`, `I-X`); an
 * `I-X` that does not continue an X span starts one (IOB1), and `S-`/`E-` (BIOES) are read too.
 * The item text is the tokens joined by single spaces; spans are character offsets, end exclusive;
 * the record's ref is that text.
 */
import { throwIfAborted } from '../errors';
import type { Span } from '../model';
import { invalid, readText, ResultBuilder, Shapes } from './import-common';
import type { ImportOptions, ImportResult } from './types';

type Layout = 'tab' | 'space2' | 'space4';

export async function importConll(file: string, opts: ImportOptions): Promise<ImportResult> {
  const text = await readText(file);
  const out = new ResultBuilder(file, opts.target);
  const lines = text.split('\n');
  let layout: Layout | undefined;
  let tokens: string[] = [];
  let tags: string[] = [];
  let firstLine = 0;
  const flush = (): void => {
    if (tokens.length) {
      const { text: t, spans } = buildSpans(tokens, tags);
      const shapes = new Shapes();
      shapes.spans = spans;
      out.add(`line ${firstLine}`, { ref: t }, shapes);
    }
    tokens = [];
    tags = [];
  };
  for (let i = 0; i < lines.length; i++) {
    if (i % 10000 === 0) throwIfAborted(opts.signal);
    const line = i + 1;
    const raw = lines[i]!.replace(/\r$/, '');
    if (!raw.trim()) {
      flush();
      continue;
    }
    const lineLayout: Layout | 'docstart' | undefined = raw.includes('\t')
      ? 'tab'
      : classify(raw.split(' '));
    if (lineLayout === undefined) {
      throw invalid(file, `expected "token TAG", "token POS chunk TAG" or tab-separated columns, found ${raw.split(' ').length} space-separated fields`, { line });
    }
    const fields = lineLayout === 'tab' ? raw.split('\t') : raw.split(' ');
    if (fields[0] === '-DOCSTART-') {
      flush();
      continue;
    }
    if (lineLayout === 'docstart') throw invalid(file, 'three space-separated fields are only allowed on a -DOCSTART- line', { line });
    if (layout && lineLayout !== layout) throw invalid(file, `this line is ${describe(lineLayout)}, earlier lines are ${describe(layout)}`, { line });
    layout = lineLayout;
    const token = fields[0]!;
    const tag = fields[fields.length - 1]!.trim();
    if (!token) throw invalid(file, 'empty token', { line });
    if (!/^(O|[BIES]-\S+)$/.test(tag)) throw invalid(file, `"${tag}" is not an IOB tag (O, B-X, I-X)`, { line, field: 'tag' });
    if (!tokens.length) firstLine = line;
    tokens.push(token);
    tags.push(tag);
  }
  flush();
  return out.result();
}

function classify(fields: string[]): Layout | 'docstart' | undefined {
  if (fields.some((f) => f === '')) return undefined;
  if (fields.length === 2) return 'space2';
  if (fields.length === 4) return 'space4';
  if (fields.length === 3 && fields[0] === '-DOCSTART-') return 'docstart';
  return undefined;
}

function describe(l: Layout | 'docstart'): string {
  return l === 'tab' ? 'tab-separated' : l === 'space2' ? '2 space-separated columns' : l === 'space4' ? '4 space-separated columns' : '-DOCSTART-';
}

/** Joins tokens with single spaces and turns IOB/BIOES tags into character spans. */
export function buildSpans(tokens: readonly string[], tags: readonly string[]): { text: string; spans: Span[] } {
  const spans: Span[] = [];
  let pos = 0;
  let open: Span | undefined;
  const close = (): void => {
    if (open) spans.push(open);
    open = undefined;
  };
  tokens.forEach((tok, i) => {
    const start = pos;
    const end = pos + tok.length;
    pos = end + 1;
    const tag = tags[i]!;
    if (tag === 'O') return close();
    const prefix = tag[0];
    const label = tag.slice(2);
    const continues = (prefix === 'I' || prefix === 'E') && open?.label === label;
    if (continues) open!.end = end;
    else {
      close();
      open = { start, end, label };
    }
    if (prefix === 'S' || prefix === 'E') close();
  });
  close();
  return { text: tokens.join(' '), spans };
}
