/** Where a project's files live under a workspace (architecture.md "Where data lives"). */
import * as path from 'node:path';

export const LABELING_DIR = '.labeling';
export const CACHE_DIR = '.cache';

export function labelingDir(root: string): string {
  return path.join(root, LABELING_DIR);
}
export function projectDir(root: string, id: string): string {
  return path.join(root, LABELING_DIR, id);
}
export function projectFile(root: string, id: string): string {
  return path.join(projectDir(root, id), 'project.json');
}
export function instructionsFile(root: string, id: string): string {
  return path.join(projectDir(root, id), 'instructions.md');
}
export function journalDir(root: string, id: string): string {
  return path.join(projectDir(root, id), 'journal');
}
export function cacheDir(root: string, id: string): string {
  return path.join(root, LABELING_DIR, CACHE_DIR, id);
}

/** Workspace-relative, '/'-separated form of an absolute path inside root. */
export function toWorkspaceRelative(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/');
}

/** A labeler or device id made safe as one path segment. */
export function safeSegment(s: string): string {
  const cleaned = s.trim().replace(/[^A-Za-z0-9@._+-]+/g, '_').replace(/^\.+/, '_');
  return cleaned.slice(0, 100) || '_';
}
