/**
 * CoNLL export for NER projects. 2 columns `token TAG` (Azure AutoML form, default) or 4 columns
 * `token -X- _ TAG` (CoNLL-2003 layout with placeholders). IOB2 tags. One blank line between items,
 * none at the start. Spans snap outward to whole tokens (src/core/spans/tokenize.ts); newlines and
 * other white space are never tokens.
 */
import { snapToTokens, tokenize, type Token } from '../spans/tokenize';
import type { Span } from '../model';
import type { ExportContext, FormatWriter } from './export';

export function conllWriter(ctx: ExportContext): Promise<FormatWriter> {
  return conllFileWriter(ctx, 'labels.conll');
}

export async function conllFileWriter(ctx: ExportContext, rel: string): Promise<FormatWriter> {
  const cols = ctx.options.conllColumns ?? 2;
  const mode = ctx.options.conllTokens ?? 'tokenizer';
  const out = await ctx.staging.open(rel);
  let first = true;
  return {
    async item(item, entries) {
      const text = item.text ?? '';
      for (const e of entries) {
        if (e.annotation.kind !== 'spans') continue;
        const lines = conllLines(text, e.annotation.spans, cols, mode);
        if (!lines.length) continue;
        await out.write((first ? '' : '\n') + lines.join('\n') + '\n');
        first = false;
      }
      return true;
    },
    end: () => out.close(),
  };
}

/** The token lines of one text: `token TAG` or `token -X- _ TAG`. */
export function conllLines(text: string, spans: readonly Span[], cols: 2 | 4, mode: 'tokenizer' | 'whitespace'): string[] {
  const tokens = mode === 'whitespace' ? whitespaceTokens(text, spans) : tokenize(text);
  const tags = tagTokens(tokens, spans);
  return tokens.map((t, i) => {
    const word = text.slice(t.start, t.end);
    return cols === 4 ? `${word} -X- _ ${tags[i]}` : `${word} ${tags[i]}`;
  });
}

/** IOB2 tags: spans snap outward to tokens; a later overlapping span never splits an earlier one. */
export function tagTokens(tokens: readonly Token[], spans: readonly Span[]): string[] {
  const tags = new Array<string>(tokens.length).fill('O');
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  for (const s of sorted) {
    const snapped = snapToTokens(tokens, s.start, s.end);
    if (!snapped) continue;
    const idx: number[] = [];
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i]!.start >= snapped.start && tokens[i]!.end <= snapped.end) idx.push(i);
    }
    if (idx.some((i) => tags[i] !== 'O')) continue;
    idx.forEach((i, k) => (tags[i] = `${k === 0 ? 'B' : 'I'}-${s.label}`));
  }
  return tags;
}

/**
 * White-space separated words; a word that a span boundary cuts is split by the shared tokeniser,
 * so every span still maps onto whole tokens.
 */
export function whitespaceTokens(text: string, spans: readonly Span[]): Token[] {
  const cuts = new Set<number>();
  for (const s of spans) {
    cuts.add(s.start);
    cuts.add(s.end);
  }
  const out: Token[] = [];
  for (const m of text.matchAll(/\S+/g)) {
    const start = m.index;
    const end = start + m[0].length;
    let cut = false;
    for (let p = start + 1; p < end && !cut; p++) cut = cuts.has(p);
    if (!cut) out.push({ start, end });
    else for (const t of tokenize(m[0])) out.push({ start: start + t.start, end: start + t.end });
  }
  return out;
}
