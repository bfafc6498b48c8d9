/**
 * The one tokeniser used everywhere spans meet tokens: NER selection snapping in the labeling panel and
 * CoNLL import/export. Rules (stated in the README):
 * - a word is a run of letters, marks, digits and '_' with internal apostrophes or hyphens ("don't", "co-op");
 * - a number keeps internal '.' or ',' between digits ("3.99", "1,000");
 * - each Han, Hiragana, Katakana or Thai character is its own token (scripts written without spaces);
 * - every other visible character (punctuation, symbols) is a token by itself;
 * - white space, newlines included, is never a token.
 */
export interface Token {
  start: number;
  /** Exclusive. */
  end: number;
}

const TOKEN_RE =
  /(\p{N}+(?:[.,]\p{N}+)+)|([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}])|([\p{L}\p{M}\p{N}_]+(?:['’-][\p{L}\p{M}\p{N}_]+)*)|([^\s])/gu;

// Han etc. are also \p{L}: the word alternative must stop at them, so words are split on those scripts below.
const NO_SPACE_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(text); m; m = TOKEN_RE.exec(text)) {
    const start = m.index;
    const s = m[0];
    if (m[3] && NO_SPACE_SCRIPT.test(s)) {
      // A word that mixes scripts: split off each no-space-script character.
      let runStart = start;
      let i = 0;
      for (const ch of s) {
        const at = start + i;
        if (NO_SPACE_SCRIPT.test(ch)) {
          if (at > runStart) out.push({ start: runStart, end: at });
          out.push({ start: at, end: at + ch.length });
          runStart = at + ch.length;
        }
        i += ch.length;
      }
      if (runStart < start + s.length) out.push({ start: runStart, end: start + s.length });
    } else {
      out.push({ start, end: start + s.length });
    }
  }
  return out;
}

/**
 * Snaps a character range outward to whole tokens: leading/trailing white space is trimmed, a range
 * that cuts into a token grows to cover it. Returns undefined if the range covers no token.
 * `tokens` must be sorted (as `tokenize` returns them).
 */
export function snapToTokens(tokens: readonly Token[], start: number, end: number): Token | undefined {
  if (end <= start) return undefined;
  const first = firstTokenEndingAfter(tokens, start);
  if (first >= tokens.length || tokens[first]!.start >= end) return undefined;
  let last = first;
  while (last + 1 < tokens.length && tokens[last + 1]!.start < end) last++;
  return { start: tokens[first]!.start, end: tokens[last]!.end };
}

/** Index of the first token whose end is after `pos` (binary search). */
export function firstTokenEndingAfter(tokens: readonly Token[], pos: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tokens[mid]!.end <= pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
