/** data-labeling validate <workspace> <id>: project.json, data sources and journals; exit 1 listing problems. */
import * as path from 'node:path';
import { LabelingError } from '../../core/errors';
import { scanSources } from '../../core/ingest/scan';
import { listJournalFiles } from '../../core/journal/files';
import { readJournal } from '../../core/journal/reader';
import type { ProjectDef } from '../../core/model';
import { loadProject } from '../../core/project/load';
import { checkAnnotation } from '../../core/store/validate';
import { parseCommandArgs, requirePositional, type CliCommand } from '../io';

const usage = 'data-labeling validate <workspace> <id>';

/** Every problem found, formatted `file:line: message`. */
export async function validateProject(root: string, id: string): Promise<string[]> {
  const problems: string[] = [];
  let def: ProjectDef;
  try {
    def = await loadProject(root, id);
  } catch (e) {
    return [(e as Error).message];
  }
  let items = 0;
  try {
    items = await scanSources(root, def.dataSources, () => undefined);
    if (!items) problems.push(`.labeling/${id}/project.json: dataSources: no items found`);
  } catch (e) {
    problems.push(e instanceof LabelingError ? e.message : String(e));
  }
  // Labels added by label-set events of any journal are the project's too, wherever the lines using them are.
  const files = listJournalFiles(root, id);
  const labels = new Map(def.labels.map((l) => [l.name, l]));
  for (const f of files) {
    readJournal(f.abs, f.rel, { offset: 0, line: 0 }, (e) => {
      if (e.type === 'labels') for (const l of e.added) if (typeof l?.name === 'string' && !labels.has(l.name)) labels.set(l.name, l);
    }, () => undefined);
  }
  const effective: ProjectDef = { ...def, labels: [...labels.values()] };
  for (const f of files) {
    const r = readJournal(
      f.abs,
      f.rel,
      { offset: 0, line: 0 },
      (e, line) => {
        const anns = e.type === 'submit' || e.type === 'decide' ? [{ ann: e.ann, field: 'ann' }] : e.type === 'import' ? e.submits.map((s, i) => ({ ann: s.ann, field: `submits[${i}].ann` })) : [];
        for (const { ann, field } of anns) {
          try {
            checkAnnotation(effective, ann, { file: f.rel, line, field });
          } catch (err) {
            problems.push((err as Error).message);
          }
        }
      },
      (p) => problems.push(`${p.file}:${p.line}: ${p.message}`),
    );
    if (r.tornBytes) problems.push(`${f.rel}:${r.line + 1}: torn last line (${r.tornBytes} bytes without a newline; repaired on the next append)`);
  }
  return problems;
}

export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'check project.json, data sources and journals; exit 1 listing problems as file:line',
  usage,
  async run(args, io) {
    const { positionals } = parseCommandArgs(args, {});
    const root = path.resolve(requirePositional(positionals, 0, 'workspace', usage));
    const id = requirePositional(positionals, 1, 'id', usage);
    const problems = await validateProject(root, id);
    for (const p of problems) io.err(p);
    if (problems.length) return 1;
    io.out(`${id}: OK`);
    return 0;
  },
};
