/**
 * Features of the NER perceptron (./ner-perceptron.ts, whose header lists them): each token's feature
 * strings hashed with FNV-1a into `mask + 1` rows.
 */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function shape(word: string, cap: number): string {
  let out = '';
  let last = '';
  let run = 0;
  for (const ch of word) {
    const c = /\p{Lu}/u.test(ch) ? 'X' : /\p{L}/u.test(ch) ? 'x' : /\p{N}/u.test(ch) ? 'd' : ch;
    run = c === last ? run + 1 : 1;
    last = c;
    if (run <= cap) out += c;
  }
  return out;
}

/** Hashed feature rows of every token of a sentence: ids[offsets[i]..offsets[i+1]) for token i. */
export interface SentenceFeatures {
  ids: Uint32Array;
  offsets: Uint32Array;
}

export function featurize(tokens: readonly string[], mask: number): SentenceFeatures {
  const n = tokens.length;
  const lower = tokens.map((t) => t.toLowerCase());
  const short = tokens.map((t) => shape(t, 1));
  const at = (a: string[], i: number): string => (i < 0 ? '<s>' : i >= n ? '</s>' : a[i]!);
  const ids: number[] = [];
  const offsets = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const w = tokens[i]!;
    const l = lower[i]!;
    const f = [
      'b',
      `w=${w}`,
      `l=${l}`,
      `s=${shape(w, 4)}`,
      `S=${short[i]}`,
      `p1=${l.slice(0, 1)}`,
      `p2=${l.slice(0, 2)}`,
      `p3=${l.slice(0, 3)}`,
      `x1=${l.slice(-1)}`,
      `x2=${l.slice(-2)}`,
      `x3=${l.slice(-3)}`,
      `l-1=${at(lower, i - 1)}`,
      `l+1=${at(lower, i + 1)}`,
      `l-2=${at(lower, i - 2)}`,
      `l+2=${at(lower, i + 2)}`,
      `S-1=${at(short, i - 1)}`,
      `S+1=${at(short, i + 1)}`,
      `l-1|l=${at(lower, i - 1)}|${l}`,
    ];
    for (const s of f) ids.push(fnv1a(s) & mask);
    offsets[i + 1] = ids.length;
  }
  return { ids: Uint32Array.from(ids), offsets };
}
