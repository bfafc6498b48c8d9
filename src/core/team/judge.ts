/**
 * Whether a journal line may apply (architecture.md, "Team semantics"): its `by` must be the labeler
 * its journal folder names, and its author must have had the event's role in the roles they had seen.
 * Shared by the index (replay and bulk build) and `data-labeling validate`, so both say the same.
 */
import { EVENT_SPECS, orderKey, type JournalEvent } from '../journal/events';
import { folderNamesLabeler } from './labeler-folder';
import type { RoleBook } from './roles';

export class LineJudge {
  /** The last file and writer checked: a journal file has one writer, and every line is judged. */
  private last = { file: '', by: '', why: undefined as string | undefined };

  constructor(private readonly roles: () => RoleBook) {}

  /** Why the line read from `file` (workspace-relative) is not applied, or undefined. Role events are judged by the book itself. */
  judge(e: JournalEvent, file: string): string | undefined {
    if (file && (file !== this.last.file || e.by !== this.last.by)) {
      const parts = file.split('/');
      const folder = parts[parts.length - 2];
      const ok = folder === undefined || parts[parts.length - 3] !== 'journal' || folderNamesLabeler(folder, e.by);
      this.last = { file, by: e.by, why: ok ? undefined : `"by" is ${JSON.stringify(e.by)}, but this journal's folder "${folder}" is another labeler's: not applied` };
    }
    if (file && this.last.why) return this.last.why;
    const book = this.roles();
    if (e.type === 'roles' || !book.active) return undefined;
    const place = { by: e.by, dev: e.dev, seq: e.seq, ord: orderKey(e) };
    // A batch needs the role of each event in it (all of it or none); an assignment right after a
    // reject of the same item returns it to its labeler, which a reviewer may do.
    const roles =
      e.type === 'batch'
        ? [...new Set(e.events.map((x, i) => (x.type === 'assign' && e.events[i - 1]?.type === 'reject' && e.events[i - 1]!.item === x.item ? 'reviewer' : EVENT_SPECS[x.type].role)))]
        : [EVENT_SPECS[e.type].role];
    for (const role of roles) {
      const why = book.check(place, e.ps, role);
      if (why) return `not applied: ${why}`;
    }
    return undefined;
  }
}

/** A role event of a line, as the role book takes it. */
export function roleEventOf(e: Extract<JournalEvent, { type: 'roles' }>, file: string, line: number) {
  const rec = { by: e.by, dev: e.dev, seq: e.seq, ord: orderKey(e), set: e.set, file, line };
  return e.ps ? { ...rec, ps: e.ps } : rec;
}
