/**
 * Scoring and decoding of the NER perceptron (./ner-perceptron.ts): emission scores, Viterbi under the
 * IOB2 transition constraint, and span confidences by forward-backward (see that file's header).
 */
import type { TokenSpan } from './ner-bio';
import type { SentenceFeatures } from './ner-features';

/** May tag `t` follow tag `p` (p = -1: the sentence start)? `I-X` only continues `B-X` or `I-X`. */
export function allowedTransitions(tags: readonly string[]): Uint8Array {
  const T = tags.length;
  const ok = new Uint8Array((T + 1) * T);
  for (let p = -1; p < T; p++) {
    for (let t = 0; t < T; t++) {
      const tag = tags[t]!;
      const prev = p < 0 ? 'O' : tags[p]!;
      ok[(p + 1) * T + t] = tag[0] !== 'I' || (prev !== 'O' && prev.slice(2) === tag.slice(2)) ? 1 : 0;
    }
  }
  return ok;
}

export function emissions(f: SentenceFeatures, weights: Float32Array, T: number): Float64Array {
  const n = f.offsets.length - 1;
  const e = new Float64Array(n * T);
  for (let i = 0; i < n; i++) {
    for (let k = f.offsets[i]!; k < f.offsets[i + 1]!; k++) {
      const row = f.ids[k]! * T;
      for (let t = 0; t < T; t++) e[i * T + t] += weights[row + t]!;
    }
  }
  return e;
}

export function viterbi(e: Float64Array, n: number, T: number, trans: Float32Array, ok: Uint8Array): Int32Array {
  const path = new Int32Array(n);
  if (!n) return path;
  const score = new Float64Array(n * T);
  const back = new Int32Array(n * T);
  for (let t = 0; t < T; t++) score[t] = ok[t] ? trans[t]! + e[t]! : -Infinity;
  for (let i = 1; i < n; i++) {
    for (let t = 0; t < T; t++) {
      let best = -Infinity;
      let arg = 0;
      for (let p = 0; p < T; p++) {
        const k = (p + 1) * T + t;
        if (!ok[k]) continue;
        const s = score[(i - 1) * T + p]! + trans[k]!;
        if (s > best) {
          best = s;
          arg = p;
        }
      }
      score[i * T + t] = best + e[i * T + t]!;
      back[i * T + t] = arg;
    }
  }
  let best = -Infinity;
  for (let t = 0; t < T; t++) {
    if (score[(n - 1) * T + t]! > best) {
      best = score[(n - 1) * T + t]!;
      path[n - 1] = t;
    }
  }
  for (let i = n - 1; i > 0; i--) path[i - 1] = back[i * T + path[i]!]!;
  return path;
}

function logSumExp(a: Float64Array | number[]): number {
  let m = -Infinity;
  for (const x of a) if (x > m) m = x;
  if (m === -Infinity) return m;
  let s = 0;
  for (const x of a) s += Math.exp(x - m);
  return m + Math.log(s);
}

/** Marginal probability of each span (exactly B-X I-X... over its tokens, not continued after). */
export function spanConfidences(
  scores: Float64Array,
  n: number,
  T: number,
  trans: Float32Array,
  ok: Uint8Array,
  tags: readonly string[],
  spans: TokenSpan[],
  temperature: number,
): number[] {
  const e = scores.map((x) => x / temperature);
  const tr = (p: number, t: number): number => (ok[(p + 1) * T + t] ? trans[(p + 1) * T + t]! / temperature : -Infinity);
  const alpha = new Float64Array(n * T);
  const beta = new Float64Array(n * T); // beta[n-1][*] = 0
  const tmp = new Float64Array(T);
  for (let t = 0; t < T; t++) alpha[t] = tr(-1, t) + e[t]!;
  for (let i = 1; i < n; i++) {
    for (let t = 0; t < T; t++) {
      for (let p = 0; p < T; p++) tmp[p] = alpha[(i - 1) * T + p]! + tr(p, t);
      alpha[i * T + t] = logSumExp(tmp) + e[i * T + t]!;
    }
  }
  for (let i = n - 2; i >= 0; i--) {
    for (let t = 0; t < T; t++) {
      for (let u = 0; u < T; u++) tmp[u] = tr(t, u) + e[(i + 1) * T + u]! + beta[(i + 1) * T + u]!;
      beta[i * T + t] = logSumExp(tmp);
    }
  }
  const logZ = logSumExp(alpha.subarray((n - 1) * T));
  const index = new Map(tags.map((t, i) => [t, i]));
  return spans.map((s) => {
    const b = index.get(`B-${s.label}`)!;
    const it = index.get(`I-${s.label}`)!;
    let lp = alpha[s.start * T + b]!;
    let last = b;
    for (let k = s.start + 1; k < s.end; k++) {
      lp += tr(last, it) + e[k * T + it]!;
      last = it;
    }
    if (s.end < n) {
      const rest: number[] = [];
      for (let u = 0; u < T; u++) if (u !== it) rest.push(tr(last, u) + e[s.end * T + u]! + beta[s.end * T + u]!);
      lp += logSumExp(rest);
    }
    return Math.min(1, Math.exp(lp - logZ));
  });
}
