/** Safe workspace globs and the "does this project care about this path" test for file watchers. */
import picomatch from 'picomatch';
import * as path from 'node:path';
import { LabelingError } from '../errors';
import type { DataSource, ProjectDef } from '../model';

// require(), not import: esbuild then bundles tinyglobby's CommonJS build. Its ESM build (through
// fdir) calls createRequire(import.meta.url), which is undefined in our CJS bundles (dist/cli.js,
// dist/extension.js) and crashes them at load.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { glob } = require('tinyglobby') as typeof import('tinyglobby');

const IGNORED = ['**/node_modules/**', '.git/**', '.labeling/**'];

/** Refuses absolute globs and any '..' segment: sources never reach outside the workspace. */
export function checkGlob(pattern: string, field = 'glob'): void {
  const p = pattern.replace(/\\/g, '/');
  if (path.isAbsolute(pattern) || p.startsWith('/') || /^[A-Za-z]:/.test(p)) {
    throw new LabelingError('outside-workspace', `glob "${pattern}" must be workspace-relative`, { field });
  }
  if (p.split('/').includes('..')) {
    throw new LabelingError('outside-workspace', `glob "${pattern}" must not contain '..'`, { field });
  }
}

/** Workspace-relative '/'-separated file paths matching the glob, sorted, never outside root. */
export async function globFiles(root: string, pattern: string, signal?: AbortSignal): Promise<string[]> {
  checkGlob(pattern);
  const files = await glob(pattern, {
    cwd: root,
    onlyFiles: true,
    followSymbolicLinks: false,
    dot: false,
    ignore: IGNORED,
    expandDirectories: false,
    signal,
  });
  const rootAbs = path.resolve(root);
  const out = files.filter((f) => {
    const abs = path.resolve(rootAbs, f);
    return abs.startsWith(rootAbs + path.sep);
  });
  out.sort();
  return out;
}

export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp', 'gif', 'bmp'];
export const TABLE_EXTENSIONS = ['csv', 'tsv', 'jsonl', 'ndjson', 'json'];

export function extensionOf(p: string): string {
  const i = p.lastIndexOf('.');
  return i < 0 ? '' : p.slice(i + 1).toLowerCase();
}

export type PathInterest = 'definition' | 'journal' | 'data';

/**
 * Builds a matcher the host's file watcher uses: for a workspace-relative path, says whether this
 * project cares and why ('definition' = project.json/instructions.md, 'journal' = a journal file,
 * 'data' = a file one of its data sources matches), or undefined.
 */
export function pathInterest(def: Pick<ProjectDef, 'id' | 'dataSources'>): (relPath: string) => PathInterest | undefined {
  const matchers = def.dataSources.map((s: DataSource) => picomatch(s.glob, { dot: false }));
  const prefix = `.labeling/${def.id}/`;
  return (relPath: string) => {
    const p = relPath.replace(/\\/g, '/').replace(/^\.\//, '');
    if (p.startsWith(prefix)) {
      const rest = p.slice(prefix.length);
      if (rest === 'project.json' || rest === 'instructions.md') return 'definition';
      if (rest.startsWith('journal/') && rest.endsWith('.jsonl')) return 'journal';
      return undefined;
    }
    if (p.startsWith('.labeling/') || p.startsWith('.git/')) return undefined;
    return matchers.some((m) => m(p)) ? 'data' : undefined;
  };
}
