/** Loading, listing and saving project definitions. A broken project.json never throws from listProjects. */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LabelingError } from '../errors';
import type { ProjectDef } from '../model';
import { serializeProjectDef } from './create';
import { writeFileAtomic } from './fsutil';
import { CACHE_DIR, labelingDir, projectFile } from './paths';
import { parseProjectDef } from './schema';

export type ListedProject = { id: string; def: ProjectDef } | { id: string; error: LabelingError };

function relProjectFile(id: string): string {
  return `.labeling/${id}/project.json`;
}

export async function loadProject(root: string, id: string): Promise<ProjectDef> {
  let text: string;
  try {
    text = await fsp.readFile(projectFile(root, id), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new LabelingError(code === 'ENOENT' ? 'not-found' : 'io', code === 'ENOENT' ? 'no such project' : String(e), {
      file: relProjectFile(id),
    });
  }
  const def = parseProjectDef(text, relProjectFile(id));
  if (def.id !== id) {
    throw new LabelingError('invalid-project', `id "${def.id}" does not match its folder "${id}"`, {
      file: relProjectFile(id),
      field: 'id',
    });
  }
  return def;
}

/** Every .labeling/<id>/project.json, sorted by id, each as {def} or {error}. */
export async function listProjects(root: string): Promise<ListedProject[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fsp.readdir(labelingDir(root), { withFileTypes: true });
  } catch {
    return [];
  }
  const ids = entries.filter((e) => e.isDirectory() && e.name !== CACHE_DIR && !e.name.startsWith('.')).map((e) => e.name);
  ids.sort();
  const out: ListedProject[] = [];
  for (const id of ids) {
    try {
      await fsp.stat(projectFile(root, id));
    } catch {
      continue; // a folder without project.json is not a project
    }
    try {
      out.push({ id, def: await loadProject(root, id) });
    } catch (e) {
      out.push({
        id,
        error: e instanceof LabelingError ? e : new LabelingError('invalid-project', String(e), { file: relProjectFile(id) }),
      });
    }
  }
  return out;
}

/** Writes project.json atomically (temp + rename). project.json is authoritative for labels and status. */
export async function saveProjectDef(root: string, def: ProjectDef): Promise<void> {
  parseProjectDef(JSON.stringify(def), relProjectFile(def.id));
  await writeFileAtomic(projectFile(root, def.id), serializeProjectDef(def));
}

export function projectRelDir(id: string): string {
  return path.posix.join('.labeling', id);
}
