/**
 * The optimal assignment (Hungarian method) that geometry/matching.ts runs on each connected group of
 * candidate pairs.
 */

/**
 * Minimum-cost assignment of each of `n` rows to a distinct one of `m >= n` columns (Hungarian
 * method with potentials, O(n^2 m)). `cost` is row-major n x m. Returns the column of each row.
 */
export function minCostAssignment(n: number, m: number, cost: ArrayLike<number>): Int32Array {
  if (n > m) throw new RangeError(`minCostAssignment: ${n} rows but only ${m} columns`);
  if (cost.length !== n * m) throw new RangeError(`minCostAssignment: cost has ${cost.length} entries, expected ${n * m}`);
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1); // p[j]: row (1-based) holding column j, 0 if none
  const way = new Int32Array(m + 1);
  const minv = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      const row = (i0 - 1) * m - 1;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = cost[row + j]! - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]!] += delta;
          v[j] -= delta;
        } else minv[j] -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const colOf = new Int32Array(n);
  for (let j = 1; j <= m; j++) if (p[j]! > 0) colOf[p[j]! - 1] = j - 1;
  return colOf;
}
