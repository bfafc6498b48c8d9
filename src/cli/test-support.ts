/** Test helpers: run the CLI in-process and collect what it printed; set up and read back a project. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openStore, setProjectRoles, type ProjectBuild } from '../core/store/test-support';

export { setProjectRoles };
import type { ItemView } from '../core/store/types';
import { main } from './main';

export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) });
  return { code, out, err };
}

/** Reads the project as a fresh store does from the journals (as a labeler who wrote nothing). */
export async function readBack<T>(p: ProjectBuild, read: (s: Awaited<ReturnType<typeof openStore>>) => T): Promise<T> {
  const s = await openStore(p, 'observer');
  try {
    return read(s);
  } finally {
    await s.close();
  }
}

export const itemOf = (p: ProjectBuild, key: string): Promise<ItemView> => readBack(p, (s) => s.getItem(key)!);

/** Every journal line of the project, all files. */
export function journalLines(p: ProjectBuild): string[] {
  const dir = path.join(p.root, '.labeling', p.id, 'journal');
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean));
}
