/** Seeded randomness: the ML building blocks and tests that need the same order on every run and clone. */

/** mulberry32: a small, fast 32-bit generator; the same seed gives the same sequence everywhere. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates shuffle in place with the given generator. */
export function shuffleInPlace<A extends unknown[] | Int32Array | Uint32Array>(a: A, random: () => number): A {
  const b = a as unknown[];
  for (let i = b.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = b[i];
    b[i] = b[j];
    b[j] = t;
  }
  return a;
}
