/** Creating a project: a valid ProjectDef with defaults, written with its instructions and .gitignore. */
import { randomInt } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LabelingError } from '../errors';
import type { DataSource, LabelClass, ProjectDef, ProjectType } from '../model';
import { exists, writeFileAtomic } from './fsutil';
import { instructionsFile, labelingDir, projectDir, projectFile } from './paths';
import { HOTKEY_PATTERN, PROJECT_ID_PATTERN, parseProjectDef } from './schema';

/** A fixed palette (Tableau 10 then Tableau 20's light tones), assigned in label order. */
export const LABEL_PALETTE = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
  '#aec7e8', '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94', '#f7b6d2', '#c7c7c7', '#dbdb8d', '#9edae5',
];
/** Hotkeys handed out by position, in order: 1-9 then a-z (0 only to a label named "0" or given it). */
export const HOTKEYS = [...'123456789abcdefghijklmnopqrstuvwxyz'];
/** Keys the mask editor's tools take (brush, eraser, polygon, fill, overlay): never handed out in a semantic segmentation project. */
export const MASK_TOOL_HOTKEYS = ['b', 'e', 'p', 'g', 'o'];

/** Hotkeys a project type keeps for its editor. */
export const reservedHotkeys = (type: ProjectType): string[] => (type === 'image-semantic-segmentation' ? MASK_TOOL_HOTKEYS : []);

export type LabelInput = string | { name: string; color?: string; hotkey?: string };

export interface CreateProjectInput {
  id: string;
  name?: string;
  type: ProjectType;
  labels: LabelInput[];
  dataSources: DataSource[];
  consensus?: ProjectDef['consensus'];
  /** Semantic segmentation: the ignore class's name (mask index 255). */
  ignoreLabel?: string;
  mlAssist?: ProjectDef['mlAssist'];
  refreshMinutes?: number;
  roles?: ProjectDef['roles'];
  instructions?: string;
  /** Defaults to a random seed. */
  queueSeed?: number;
  /** Defaults to now. */
  createdAt?: string;
}

/**
 * Completes label classes: colours from the palette (skipping colours already used) and hotkeys. A
 * one-character label name that is a valid hotkey ("0", "7", "b") takes its own character first; the
 * other labels then get 1-9, a-z in order, skipping hotkeys already taken. `existing` are labels already
 * in the project.
 */
export function completeLabels(input: LabelInput[], existing: LabelClass[] = [], reserved: readonly string[] = []): LabelClass[] {
  const usedColors = new Set(existing.map((l) => l.color.toLowerCase()));
  const usedKeys = new Set([...existing.flatMap((l) => (l.hotkey ? [l.hotkey] : [])), ...reserved]);
  for (const l of input) if (typeof l !== 'string' && l.hotkey) usedKeys.add(l.hotkey);
  // A label named like a free hotkey gets that hotkey ("0" -> 0, "1" -> 1, "b" -> b): digits label as you read them.
  const named = new Map<LabelInput, string>();
  for (const l of input) {
    const name = (typeof l === 'string' ? l : l.name).trim().toLowerCase();
    if ((typeof l === 'string' || !l.hotkey) && HOTKEY_PATTERN.test(name) && !usedKeys.has(name)) {
      named.set(l, name);
      usedKeys.add(name);
    }
  }
  let colorIndex = existing.length;
  const out: LabelClass[] = [];
  for (const l of input) {
    const given = typeof l === 'string' ? { name: l } : l;
    let color = given.color;
    if (!color) {
      const free = LABEL_PALETTE.find((c) => !usedColors.has(c));
      color = free ?? LABEL_PALETTE[colorIndex % LABEL_PALETTE.length]!;
    }
    usedColors.add(color.toLowerCase());
    colorIndex++;
    let hotkey = given.hotkey ?? named.get(l);
    if (!hotkey) {
      hotkey = HOTKEYS.find((k) => !usedKeys.has(k));
      if (hotkey) usedKeys.add(hotkey);
    }
    out.push(hotkey ? { name: given.name.trim(), color, hotkey } : { name: given.name.trim(), color });
  }
  return out;
}

export function buildProjectDef(input: CreateProjectInput): ProjectDef {
  const def: ProjectDef = {
    schemaVersion: 1,
    id: input.id,
    name: input.name ?? input.id,
    type: input.type,
    labels: completeLabels(input.labels, [], reservedHotkeys(input.type)),
    dataSources: input.dataSources,
    consensus: input.consensus ?? { minLabelers: 1, maxLabelers: 1 },
    mlAssist: input.mlAssist ?? { enabled: false },
    status: 'running',
    queueSeed: input.queueSeed ?? randomInt(0, 2 ** 31 - 1),
    createdAt: input.createdAt ?? new Date().toISOString(),
  };
  if (input.refreshMinutes !== undefined) def.refreshMinutes = input.refreshMinutes;
  if (input.roles) def.roles = input.roles;
  if (input.ignoreLabel !== undefined) def.ignoreLabel = input.ignoreLabel;
  // Validate through the same schema project.json is loaded with.
  return parseProjectDef(JSON.stringify(def), `.labeling/${input.id}/project.json`);
}

export function serializeProjectDef(def: ProjectDef): string {
  return `${JSON.stringify(def, null, 2)}\n`;
}

/** Creates .labeling/<id>/ with project.json, instructions.md and .labeling/.gitignore. Refuses an existing id. */
export async function createProject(root: string, input: CreateProjectInput): Promise<ProjectDef> {
  if (!PROJECT_ID_PATTERN.test(input.id)) {
    throw new LabelingError('invalid-input', 'project id must be lower-case letters, digits, - and _', { field: 'id' });
  }
  const def = buildProjectDef(input);
  const dir = projectDir(root, def.id);
  if (await exists(dir)) {
    throw new LabelingError('conflict', `project "${def.id}" already exists`, { file: path.relative(root, dir) });
  }
  await fsp.mkdir(path.join(dir, 'journal'), { recursive: true });
  const gitignore = path.join(labelingDir(root), '.gitignore');
  if (!(await exists(gitignore))) await writeFileAtomic(gitignore, '.cache/\n');
  await writeFileAtomic(
    instructionsFile(root, def.id),
    input.instructions ?? `# ${def.name}\n\nDescribe here how to label these items.\n`,
  );
  await writeFileAtomic(projectFile(root, def.id), serializeProjectDef(def));
  return def;
}
