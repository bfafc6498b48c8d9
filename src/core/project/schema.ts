/**
 * project.json: the zod schema (validation on load) and the JSON Schema contributed to VS Code
 * (`jsonValidation`, completion and errors while editing by hand) are one definition: json-schema.ts
 * derives the latter (zod/mini keeps the extension bundle small).
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { LabelingError } from '../errors';
import { MAX_CLASSES } from '../masks/raster';
import { PROJECT_TYPES, QUEUE_ORDERS, type ProjectDef } from '../model';

// zod/mini ships no messages: load the English ones ("Unrecognized key: \"colour\"").
z.config(en());

export const PROJECT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** A label hotkey: one digit or lower-case letter. 0 is allowed (a label named "0"); it is never handed out by position. */
export const HOTKEY_PATTERN = /^[0-9a-z]$/;
const COLOR = /^#[0-9a-fA-F]{6}$/;

const desc = (text: string) => z.describe(text);

const labelClass = z.strictObject({
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100), desc('Label name, unique in the project; written to journals and exports.')),
  color: z.string().check(z.regex(COLOR, 'a colour like #1f77b4'), desc('Display colour, #rrggbb.')),
  hotkey: z.optional(z.string().check(z.regex(HOTKEY_PATTERN, 'one of 0-9 or a-z'), desc('Keyboard shortcut: one of 0-9, a-z.'))),
});

const dataSource = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('images'), glob: z.string().check(z.minLength(1), desc('Workspace-relative glob of image files.')) }),
  z.strictObject({ kind: z.literal('text-files'), glob: z.string().check(z.minLength(1), desc('Workspace-relative glob of text files, one item per file.')) }),
  z.strictObject({
    kind: z.literal('table'),
    glob: z.string().check(z.minLength(1), desc('Workspace-relative glob of CSV, TSV, JSONL or JSON-array files, one item per row.')),
    textColumn: z.string().check(z.minLength(1), desc('Column (or JSON key) holding the text to label.')),
    idColumn: z.optional(z.string().check(z.minLength(1), desc('Column that keys each row; default: the 1-based row number.'))),
  }),
]);

const int = (min: number, max: number) => z.number().check(z.int(), z.minimum(min), z.maximum(max));

export const projectSchema = z.strictObject({
  $schema: z.optional(z.string()),
  schemaVersion: z.literal(1),
  id: z.string().check(z.regex(PROJECT_ID_PATTERN, 'lower-case letters, digits, - and _, starting with a letter or digit')),
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  type: z.enum(PROJECT_TYPES),
  labels: z.array(labelClass).check(
    z.minLength(1, 'a project needs at least one label'),
    z.superRefine((labels, ctx) => {
      const names = new Set<string>();
      const keys = new Set<string>();
      labels.forEach((l, i) => {
        if (names.has(l.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate label name "${l.name}"`, input: l.name });
        names.add(l.name);
        if (l.hotkey) {
          if (keys.has(l.hotkey)) ctx.addIssue({ code: 'custom', path: [i, 'hotkey'], message: `hotkey "${l.hotkey}" is used twice`, input: l.hotkey });
          keys.add(l.hotkey);
        }
      });
    }),
  ),
  dataSources: z.array(dataSource).check(z.minLength(1, 'a project needs at least one data source')),
  consensus: z.strictObject({
    minLabelers: int(1, 10),
    maxLabelers: int(1, 10),
    maskIoU: z.optional(z.number().check(z.minimum(0.05), z.maximum(1), desc('Semantic segmentation: two masks agree when their mean IoU over the classes present (unlabeled excluded) is at least this; default 0.8.'))),
  }).check(
    z.refine((c) => c.maxLabelers >= c.minLabelers, { message: 'maxLabelers must be >= minLabelers', path: ['maxLabelers'] }),
  ),
  mlAssist: z.strictObject({
    enabled: z.boolean(),
    backendUrl: z.optional(z.string().check(z.url(), desc('Label Studio ML backend URL (bring your own model).'))),
    confidenceThreshold: z.optional(z.number().check(z.minimum(0), z.maximum(1))),
    targetPrecision: z.optional(z.number().check(z.minimum(0.5), z.maximum(1), desc('Precision the prelabels must reach on held-out labels (lower end of a 95% Wilson interval); default 0.95.'))),
    holdout: z.optional(z.number().check(z.minimum(0.05), z.maximum(0.5), desc('Share of each class held out to validate the model; default 0.2.'))),
    minLabels: z.optional(int(10, 1_000_000)),
    queueOrder: z.optional(
      z.enum(QUEUE_ORDERS, 'must be "random", "clustered" or "uncertain"').check(
        desc('Order of the labeling queue: "random" (default, the seeded order), "clustered" (similar items together, k-means over their features) or "uncertain" (what the latest model is least sure of first, mixed with random items). Follows the local order file ML assist computes.'),
      ),
    ),
  }),
  status: z.enum(['running', 'paused']),
  queueSeed: int(0, Number.MAX_SAFE_INTEGER),
  refreshMinutes: z.optional(int(0, 1440)),
  roles: z.optional(z.record(z.string(), z.array(z.enum(['labeler', 'reviewer', 'manager'])))),
  ignoreLabel: z.optional(
    z.string().check(z.trim(), z.minLength(1), z.maxLength(100), desc('Semantic segmentation: the name of the optional ignore class (mask index 255, VOC "void"): not one of labels; left out of consensus IoU.')),
  ),
  createdAt: z.iso.datetime({ offset: true }),
}).check(
  z.superRefine((d, ctx) => {
    if (d.type === 'image-semantic-segmentation' && d.labels.length > MAX_CLASSES) {
      ctx.addIssue({ code: 'custom', path: ['labels'], message: `a semantic segmentation project has at most ${MAX_CLASSES} labels (a mask pixel is one byte; 0 is unlabeled, 255 the ignore class)`, input: d.labels.length });
    }
    if (d.ignoreLabel === undefined) return;
    if (d.type !== 'image-semantic-segmentation') ctx.addIssue({ code: 'custom', path: ['ignoreLabel'], message: 'only a semantic segmentation project has an ignore class', input: d.ignoreLabel });
    else if (d.labels.some((l) => l.name === d.ignoreLabel)) ctx.addIssue({ code: 'custom', path: ['ignoreLabel'], message: `"${d.ignoreLabel}" is a label: the ignore class is a name of its own`, input: d.ignoreLabel });
  }),
);

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
    const missing = issue.code === 'invalid_type' && valueAt(raw, issue.path) === undefined;
    const message = missing ? `is missing (expected ${issue.expected})` : issue.message;
    throw new LabelingError('invalid-project', `${message}${more}`, { file, field });
  }
  const { $schema: _ignored, ...def } = r.data;
  return def as ProjectDef;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), '');
}
