/** data-labeling validate <workspace> <id>: project.json, data sources and journals; exit 1 listing problems. */
import { LineJudge, roleEventOf } from '../../core/team/judge';
import { RoleBook } from '../../core/team/roles';
import { teamVersionsOf, versionNotes, type LineVersions } from '../../core/team/versions';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LabelingError } from '../../core/errors';
import { scanSources } from '../../core/ingest/scan';
import { listJournalFiles } from '../../core/journal/files';
import { readJournal } from '../../core/journal/reader';
import type { ItemBounds } from '../../core/geometry/bounds';
import { readImageSize } from '../../core/ingest/image-size';
import { mediaOf, type ProjectDef } from '../../core/model';
import { loadProject } from '../../core/project/load';
import { checkAnnotation } from '../../core/store/validate';
import { parseCommandArgs, requirePositional, type CliCommand } from '../io';

const usage = 'data-labeling validate <workspace> <id>';

/**
 * Every problem found, formatted `file:line: message`. Lines written by a newer version of the
 * extension are not problems: they go to `onNewer` (kept, and applied once the extension is updated).
 * Teammates writing with a newer consensus rule or journal version (`newer`: update this extension) or an
 * older one (`older`: ask them to update) are not problems either: they go to `onVersions`.
 */
export async function validateProject(
  root: string,
  id: string,
  onNewer: (line: string) => void = () => undefined,
  onVersions: (notes: { newer: string[]; older: string[] }) => void = () => undefined,
): Promise<string[]> {
  const problems: string[] = [];
  let def: ProjectDef;
  try {
    def = await loadProject(root, id);
  } catch (e) {
    return [(e as Error).message];
  }
  let items = 0;
  // Per item: the path to read a size or text from, or the length of a table row's text (rows hold no file).
  const known = new Map<string, { path: string; length?: number }>();
  try {
    items = await scanSources(root, def.dataSources, (it) => known.set(it.key, it.text === undefined ? { path: it.path } : { path: it.path, length: it.text.length }));
    if (!items) problems.push(`.labeling/${id}/project.json: dataSources: no items found`);
  } catch (e) {
    problems.push(e instanceof LabelingError ? e.message : String(e));
  }
  // Labels added by label-set events of any journal are the project's too, wherever the lines using them are.
  const files = listJournalFiles(root, id);
  // Role events decide what every other line may do: the book is complete before lines are judged.
  const labels = new Map(def.labels.map((l) => [l.name, l]));
  const roles = new RoleBook(def.roles);
  for (const f of files) {
    readJournal(f.abs, f.rel, { offset: 0, line: 0 }, (e, line) => {
      if (e.type === 'labels') for (const l of e.added) if (typeof l?.name === 'string' && !labels.has(l.name)) labels.set(l.name, l);
      if (e.type === 'roles') roles.add(roleEventOf(e, f.rel, line));
    }, () => undefined);
  }
  const judge = new LineJudge(() => roles);
  for (const p of roles.invalid()) problems.push(`${p.file}:${p.line}: ${p.message}`);
  const effective: ProjectDef = { ...def, labels: [...labels.values()] };
  const boundsOf = itemBounds(root, def, known);
  const versions: (LineVersions | undefined)[] = [];
  for (const f of files) {
    const r = readJournal(
      f.abs,
      f.rel,
      { offset: 0, line: 0 },
      (e, line) => {
        const why = judge.judge(e, f.rel);
        if (why) problems.push(`${f.rel}:${line}: ${why}`);
        const anns = e.type === 'submit' || e.type === 'decide' ? [{ ann: e.ann, field: 'ann' }] : e.type === 'import' ? e.submits.map((s, i) => ({ ann: s.ann, field: `submits[${i}].ann` })) : [];
        for (const { ann, field } of anns) {
          try {
            checkAnnotation(effective, ann, { file: f.rel, line, field }, () => boundsOf(itemOf(e, field)));
          } catch (err) {
            problems.push((err as Error).message);
          }
        }
      },
      (p) => (p.newer ? onNewer : (t: string) => problems.push(t))(`${p.file}:${p.line}: ${p.message}`),
    );
    versions.push(r.ver);
    if (r.tornBytes) problems.push(`${f.rel}:${r.line + 1}: torn last line (${r.tornBytes} bytes without a newline; repaired on the next append)`);
  }
  const notes = versionNotes(teamVersionsOf(versions));
  onVersions({ newer: notes.newer.map((n) => n.message), older: notes.older });
  return problems;
}

/** The item a journaled annotation belongs to (`submits[i].ann` of an import names its own). */
function itemOf(e: { type: string; item?: string; submits?: { item: string }[] }, field: string): string | undefined {
  const m = /^submits\[(\d+)\]/.exec(field);
  return m ? e.submits?.[Number(m[1])]?.item : e.item;
}

/**
 * The bounds a journaled shape or span must lie within, as the store checks a submit: the image as displayed
 * (EXIF orientation applied) or the item's text. Read once per item; an item no source lists is not checked
 * here (the store keeps such items as missing).
 */
function itemBounds(root: string, def: ProjectDef, known: Map<string, { path: string; length?: number }>): (key: string | undefined) => ItemBounds | undefined {
  const media = mediaOf(def.type);
  const cache = new Map<string, ItemBounds | undefined>();
  return (key) => {
    if (key === undefined) return undefined;
    if (cache.has(key)) return cache.get(key);
    const it = known.get(key);
    let b: ItemBounds | undefined;
    if (it && media === 'image') b = { media: 'image', size: readImageSize(path.join(root, it.path)), what: it.path };
    else if (it) {
      let length = it.length;
      if (length === undefined) {
        try {
          length = fs.readFileSync(path.join(root, it.path), 'utf8').length;
        } catch {
          length = undefined;
        }
      }
      b = { media: 'text', length, what: key };
    }
    cache.set(key, b);
    return b;
  };
}

export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'check project.json, data sources and journals; exit 1 listing problems as file:line',
  usage,
  async run(args, io) {
    const { positionals } = parseCommandArgs(args, {});
    const root = path.resolve(requirePositional(positionals, 0, 'workspace', usage));
    const id = requirePositional(positionals, 1, 'id', usage);
    const newer: string[] = [];
    let versions: { newer: string[]; older: string[] } = { newer: [], older: [] };
    const problems = await validateProject(root, id, (l) => newer.push(l), (v) => (versions = v));
    for (const p of problems) io.err(p);
    for (const m of versions.newer) io.out(`warning: ${m}`);
    for (const m of versions.older) io.out(`note: ${m}`);
    if (newer.length) io.out(`${newer.length} journal line(s) written by a newer version of the extension (kept; applied once it is updated):\n${newer.map((l) => `  ${l}`).join('\n')}`);
    if (problems.length) return 1;
    io.out(`${id}: OK`);
    return 0;
  },
};
