/**
 * project.json: the zod schema (validation on load) and the JSON Schema contributed to VS Code
 * (`jsonValidation`, completion and errors while editing by hand) are one definition.
 */
import { z } from 'zod';
import { LabelingError } from '../errors';
import { PROJECT_TYPES, type ProjectDef } from '../model';

export const PROJECT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const HOTKEY = /^[1-9a-z]$/;
const COLOR = /^#[0-9a-fA-F]{6}$/;

const labelClass = z
  .object({
    name: z.string().trim().min(1).max(100).describe('Label name, unique in the project; written to journals and exports.'),
    color: z.string().regex(COLOR, 'a colour like #1f77b4').describe('Display colour, #rrggbb.'),
    hotkey: z.string().regex(HOTKEY, 'one of 1-9 or a-z').optional().describe('Keyboard shortcut: one of 1-9, a-z.'),
  })
  .strict();

const dataSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('images'), glob: z.string().min(1).describe('Workspace-relative glob of image files.') }).strict(),
  z.object({ kind: z.literal('text-files'), glob: z.string().min(1).describe('Workspace-relative glob of text files, one item per file.') }).strict(),
  z
    .object({
      kind: z.literal('table'),
      glob: z.string().min(1).describe('Workspace-relative glob of CSV, TSV, JSONL or JSON-array files, one item per row.'),
      textColumn: z.string().min(1).describe('Column (or JSON key) holding the text to label.'),
      idColumn: z.string().min(1).optional().describe('Column that keys each row; default: the 1-based row number.'),
    })
    .strict(),
]);

export const projectSchema = z
  .object({
    $schema: z.string().optional(),
    schemaVersion: z.literal(1),
    id: z.string().regex(PROJECT_ID_PATTERN, 'lower-case letters, digits, - and _, starting with a letter or digit'),
    name: z.string().trim().min(1).max(200),
    type: z.enum(PROJECT_TYPES),
    labels: z
      .array(labelClass)
      .min(1, 'a project needs at least one label')
      .superRefine((labels, ctx) => {
        const names = new Set<string>();
        const keys = new Set<string>();
        labels.forEach((l, i) => {
          if (names.has(l.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate label name "${l.name}"` });
          names.add(l.name);
          if (l.hotkey) {
            if (keys.has(l.hotkey)) ctx.addIssue({ code: 'custom', path: [i, 'hotkey'], message: `hotkey "${l.hotkey}" is used twice` });
            keys.add(l.hotkey);
          }
        });
      }),
    dataSources: z.array(dataSource).min(1, 'a project needs at least one data source'),
    consensus: z
      .object({
        minLabelers: z.number().int().min(1).max(10),
        maxLabelers: z.number().int().min(1).max(10),
      })
      .strict()
      .refine((c) => c.maxLabelers >= c.minLabelers, { message: 'maxLabelers must be >= minLabelers', path: ['maxLabelers'] }),
    mlAssist: z
      .object({
        enabled: z.boolean(),
        backendUrl: z.string().url().optional().describe('Label Studio ML backend URL (bring your own model).'),
        confidenceThreshold: z.number().min(0).max(1).optional(),
      })
      .strict(),
    status: z.enum(['running', 'paused']),
    queueSeed: z.number().int().nonnegative(),
    refreshMinutes: z.number().int().min(0).max(1440).optional(),
    roles: z.record(z.string(), z.array(z.enum(['labeler', 'reviewer', 'manager']))).optional(),
    createdAt: z.string().datetime({ offset: true }),
  })
  .strict();

/** Parses and validates project.json text; errors name the file, the field and what is wrong. */
export function parseProjectDef(text: string, file: string): ProjectDef {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new LabelingError('invalid-project', `not valid JSON (${(e as Error).message})`, { file });
  }
  const r = projectSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = issue.path.length ? formatPath(issue.path) : undefined;
    const more = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more problem(s))` : '';
    throw new LabelingError('invalid-project', `${issue.message}${more}`, { file, field });
  }
  const { $schema: _ignored, ...def } = r.data;
  return def as ProjectDef;
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), '');
}

/** The JSON Schema that package.json contributes for `.labeling/*\/project.json`. */
export function projectJsonSchema(): object {
  return {
    ...z.toJSONSchema(projectSchema, { io: 'input' }),
    title: 'Data Labeling project',
  };
}
