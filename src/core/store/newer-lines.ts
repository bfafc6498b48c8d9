/** Journal lines of a newer version than this build reads, per item key they name (shown on the item and its tree row). */
import type { JournalProblem } from '../journal/reader';

/** Per item key: `file:line: message` of each newer-version line naming it, rebuilt only when the problems list changed. */
export class NewerLines {
  private cache?: { problems: readonly JournalProblem[]; n: number; byItem: Map<string, string[]> };

  of(problems: readonly JournalProblem[]): Map<string, string[]> {
    if (this.cache?.problems === problems && this.cache.n === problems.length) return this.cache.byItem;
    const byItem = new Map<string, string[]>();
    for (const p of problems) {
      if (!p.newer) continue;
      for (const k of p.items ?? []) byItem.set(k, [...(byItem.get(k) ?? []), `${p.file}:${p.line}: ${p.message}`]);
    }
    this.cache = { problems, n: problems.length, byItem };
    return byItem;
  }
}
