/**
 * BIO tags <-> spans for the NER model. Tokens come from the project's one tokeniser
 * (src/core/spans/tokenize.ts) and character spans become tags exactly as the CoNLL export does it
 * (`tagTokens`), so a model trained here sees the tokens the labeling panel snaps to.
 *
 * Tags are IOB2 (`O`, `B-X`, `I-X`). Reading them back, an `I-X` that does not continue an X span
 * starts one (as the CoNLL import does), and `S-`/`E-` (BIOES) are read too.
 */
import { tagTokens } from '../formats/conll-export';
import type { Span } from '../model';
import { tokenize, type Token } from '../spans/tokenize';

/** A span over token indices: tokens start..end-1 (end exclusive). */
export interface TokenSpan {
  start: number;
  end: number;
  label: string;
}

/** The model's view of one text: its words (token strings), their character offsets, and IOB2 tags. */
export interface NerText {
  words: string[];
  offsets: Token[];
  tags: string[];
}

/** Tokenises `text` with the project's tokeniser and tags its tokens from character-offset spans. */
export function textToBio(text: string, spans: readonly Span[]): NerText {
  const offsets = tokenize(text);
  return { words: offsets.map((t) => text.slice(t.start, t.end)), offsets, tags: tagTokens(offsets, spans) };
}

/** Token-index spans from IOB2/IOB1/BIOES tags. */
export function tagsToTokenSpans(tags: readonly string[]): TokenSpan[] {
  const spans: TokenSpan[] = [];
  let open: TokenSpan | undefined;
  const close = (): void => {
    if (open) spans.push(open);
    open = undefined;
  };
  tags.forEach((tag, i) => {
    if (tag === 'O') return close();
    const prefix = tag[0];
    const label = tag.slice(2);
    if ((prefix === 'I' || prefix === 'E') && open?.label === label) open.end = i + 1;
    else {
      close();
      open = { start: i, end: i + 1, label };
    }
    if (prefix === 'S' || prefix === 'E') close();
  });
  close();
  return spans;
}

/** IOB2 tags for `n` tokens from non-overlapping token-index spans. */
export function tokenSpansToTags(n: number, spans: readonly TokenSpan[]): string[] {
  const tags = new Array<string>(n).fill('O');
  for (const s of spans) for (let i = s.start; i < s.end; i++) tags[i] = `${i === s.start ? 'B' : 'I'}-${s.label}`;
  return tags;
}

/** Character-offset spans from token-index spans and the tokens' offsets. */
export function tokenSpansToChars<S extends TokenSpan>(offsets: readonly Token[], spans: readonly S[]): (Omit<S, 'start' | 'end'> & Span)[] {
  return spans.map((s) => ({ ...s, start: offsets[s.start]!.start, end: offsets[s.end - 1]!.end }));
}

/** Character-offset spans from tags over tokens with those offsets. */
export function bioToSpans(offsets: readonly Token[], tags: readonly string[]): Span[] {
  return tokenSpansToChars(offsets, tagsToTokenSpans(tags));
}
