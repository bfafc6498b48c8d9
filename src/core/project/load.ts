/** Loading, listing and saving project definitions. A broken project.json never throws from listProjects. */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { ioError, LabelingError } from '../errors';
import type { ProjectDef } from '../model';
import { serializeProjectDef } from './create';
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
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new LabelingError('not-found', 'no such project', { file: relProjectFile(id) });
    throw ioError('cannot read the project', relProjectFile(id), e);
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
  await (await stageProjectDef(root, def)).commit();
}

/** A new project.json written (and fsync'd) beside the current one, not in place yet. */
export interface StagedProjectDef {
  /** Renames it over project.json. */
  commit(): Promise<void>;
  /** Removes it: project.json stays as it was. */
  discard(): Promise<void>;
}

let staged = 0;

/**
 * Validates `def` and writes it to a temp file beside project.json, so a change whose commit point is
 * elsewhere (a journal event) can check project.json is writable first and put it in place after.
 */
export async function stageProjectDef(root: string, def: ProjectDef): Promise<StagedProjectDef> {
  const rel = relProjectFile(def.id);
  parseProjectDef(JSON.stringify(def), rel);
  const file = projectFile(root, def.id);
  const tmp = `${file}.${process.pid}.${Date.now()}.${staged++}.tmp`;
  const discard = () => fsp.rm(tmp, { force: true }).catch(() => undefined);
  try {
    const h = await fsp.open(tmp, 'wx');
    try {
      await h.writeFile(serializeProjectDef(def));
      await h.sync();
    } finally {
      await h.close();
    }
  } catch (e) {
    await discard();
    throw ioError('cannot write the project', rel, e);
  }
  return {
    commit: async () => {
      try {
        await fsp.rename(tmp, file);
      } catch (e) {
        await discard();
        throw ioError('cannot write the project', rel, e);
      }
    },
    discard,
  };
}

export function projectRelDir(id: string): string {
  return path.posix.join('.labeling', id);
}
