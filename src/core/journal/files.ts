/** Finding a project's journal files: journal/<labeler>/<device>.jsonl. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface JournalFile {
  /** Workspace-relative path, '/'-separated. */
  rel: string;
  abs: string;
}

/** All journal files of a project, sorted by relative path. */
export function listJournalFiles(root: string, projectId: string): JournalFile[] {
  const base = path.join(root, '.labeling', projectId, 'journal');
  const out: JournalFile[] = [];
  let labelers: fs.Dirent[];
  try {
    labelers = fs.readdirSync(base, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const l of labelers) {
    if (!l.isDirectory()) continue;
    for (const f of fs.readdirSync(path.join(base, l.name), { withFileTypes: true })) {
      if (!f.isFile() || !f.name.endsWith('.jsonl')) continue;
      out.push({ rel: `.labeling/${projectId}/journal/${l.name}/${f.name}`, abs: path.join(base, l.name, f.name) });
    }
  }
  out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return out;
}
