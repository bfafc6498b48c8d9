/**
 * Which versions of the extension a team writes with. Every line this version writes carries `v` (journal
 * version) and `k` (the consensus rule it computes with, store/agreement.ts); the reader folds them per
 * journal file into the file's mark (LineVersions), so a snapshot keeps them. Clones computing another
 * rule can differ on what is settled or needs review: a clone older than a teammate is told to update, and a
 * teammate writing with an older rule is listed so they can be asked to.
 */
import { CONSENSUS_RULE_VERSION } from '../store/agreement';
import { JOURNAL_VERSION } from '../journal/events';

/** What the lines of one journal file say about the versions that wrote them. */
export interface LineVersions {
  /** `by` of the last line. */
  by: string;
  /** `at` of the last line. */
  at: string;
  /** `k` of the last line; 0: not recorded. */
  k: number;
  /** The highest `v` and `k` of any line (0: none recorded). */
  maxV: number;
  maxK: number;
}

/**
 * The consensus rule a line says it was written with: its `k`; 1 for a line of journal version 1 (those
 * versions predate rule 2 and computed rule 1); 0 when not recorded (a version 2 line of a build before `k`
 * was written: rule 1 or 2).
 */
export function ruleOfLine(e: { v?: unknown; k?: unknown }): number {
  return typeof e.k === 'number' ? e.k : e.v === 1 ? 1 : 0;
}

/** Folds one parsed line (valid, or of a newer version) into `ver` (updated in place; created when undefined). */
export function foldVersions(ver: LineVersions | undefined, e: { v?: unknown; k?: unknown; at?: unknown; by?: unknown }): LineVersions {
  const k = ruleOfLine(e);
  const v = typeof e.v === 'number' ? e.v : 0;
  if (!ver) return { by: typeof e.by === 'string' ? e.by : '', at: typeof e.at === 'string' ? e.at : '', k, maxV: v, maxK: k };
  if (typeof e.by === 'string') ver.by = e.by;
  if (typeof e.at === 'string') ver.at = e.at;
  ver.k = k;
  if (v > ver.maxV) ver.maxV = v;
  if (k > ver.maxK) ver.maxK = k;
  return ver;
}

/** The versions of a file's lines read in two parts, `head` then `tail` (either absent: no line in it), as foldVersions over them all. */
export function joinVersions(head: LineVersions | undefined, tail: LineVersions | undefined): LineVersions | undefined {
  if (!head || !tail) return tail ?? head;
  return { by: tail.by, at: tail.at, k: tail.k, maxV: Math.max(head.maxV, tail.maxV), maxK: Math.max(head.maxK, tail.maxK) };
}

export interface TeamVersion {
  labeler: string;
  /** The highest consensus rule on any of their lines; null: none recorded. */
  consensusRule: number | null;
  /** The highest journal version on any of their lines. */
  journalVersion: number;
  /** `at` of their latest line (over all their journal files). */
  lastAt: string;
  /** The consensus rule of their latest line; null: not recorded. */
  lastRule: number | null;
}

/** Per labeler, from the versions of every journal file (sorted by labeler). */
export function teamVersionsOf(files: Iterable<LineVersions | undefined>): TeamVersion[] {
  const by = new Map<string, TeamVersion>();
  for (const f of files) {
    if (!f?.by) continue;
    const t = by.get(f.by);
    if (!t) {
      by.set(f.by, { labeler: f.by, consensusRule: f.maxK || null, journalVersion: f.maxV, lastAt: f.at, lastRule: f.k || null });
      continue;
    }
    if (f.maxK > (t.consensusRule ?? 0)) t.consensusRule = f.maxK;
    if (f.maxV > t.journalVersion) t.journalVersion = f.maxV;
    if (Date.parse(f.at) > Date.parse(t.lastAt) || !t.lastAt) {
      t.lastAt = f.at;
      t.lastRule = f.k || null;
    }
  }
  return [...by.values()].sort((a, b) => (a.labeler < b.labeler ? -1 : a.labeler > b.labeler ? 1 : 0));
}

/** One teammate writing with a newer version than this one (`message` says to update this extension). */
export interface NewerTeammate {
  labeler: string;
  message: string;
}

/**
 * Who writes with a newer consensus rule or journal version than this extension (update this one), and who
 * wrote their latest line with an older rule or without recording it (ask them to update). `self` (this
 * clone's labeler) is never listed as older: their next line is written by this version.
 */
export function versionNotes(team: readonly TeamVersion[], self?: string): { newer: NewerTeammate[]; older: string[] } {
  const newer: NewerTeammate[] = [];
  const older: string[] = [];
  for (const t of team) {
    if ((t.consensusRule ?? 0) > CONSENSUS_RULE_VERSION) {
      newer.push({
        labeler: t.labeler,
        message: `Labeler ${t.labeler} writes with consensus rule ${t.consensusRule}; this extension computes rule ${CONSENSUS_RULE_VERSION}, so consensus and review states can differ from theirs: update the Data Labeling extension.`,
      });
    } else if (t.journalVersion > JOURNAL_VERSION) {
      newer.push({
        labeler: t.labeler,
        message: `Labeler ${t.labeler} writes journal version ${t.journalVersion}; this extension reads up to version ${JOURNAL_VERSION}, so their newer lines are not applied here: update the Data Labeling extension.`,
      });
    } else if (t.labeler !== self && (t.lastRule ?? 0) < CONSENSUS_RULE_VERSION) {
      const what = t.lastRule === null ? 'does not record its consensus rule (a version before rule 2 was recorded)' : `computes consensus rule ${t.lastRule}`;
      older.push(`${t.labeler}'s extension ${what} (their last line at ${t.lastAt}): ask them to update so every clone computes the same states.`);
    }
  }
  return { newer, older };
}
