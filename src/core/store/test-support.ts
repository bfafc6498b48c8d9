/** Test-data builders for the store, journal and CLI tests (not shipped: only *.test.ts import it). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JOURNAL_VERSION, type EventPayload, type JournalEvent } from '../journal/events';
import type { Annotation, DataSource, ProjectType, Role } from '../model';
import { createProject, type CreateProjectInput } from '../project/create';
import type { Database } from 'sql.js';
import { rows } from './db';
import { ProjectStore } from './project-store';

export const WASM = require.resolve('sql.js/dist/sql-wasm.wasm');

const made: string[] = [];

/** A fresh temporary workspace folder (removed by cleanupWorkspaces). */
export function tempWorkspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labeling-test-'));
  made.push(dir);
  return dir;
}

export function cleanupWorkspaces(): void {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

export function writeFiles(root: string, files: Record<string, string | Uint8Array>): void {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
}

/** CSV text with an id and a text column: rows r1..rN. */
export function csvRows(n: number, prefix = 'r'): string {
  const lines = ['id,text'];
  for (let i = 1; i <= n; i++) lines.push(`${prefix}${i},"text ${i}, with a comma"`);
  return `${lines.join('\n')}\n`;
}

export interface ProjectBuild {
  root: string;
  id: string;
  /** Item keys in file order. */
  keys: string[];
}

/** A workspace with data/items.csv of n rows and a text project over it. */
export async function textProject(
  n = 10,
  over: Partial<CreateProjectInput> & { type?: ProjectType; sources?: DataSource[] } = {},
): Promise<ProjectBuild> {
  const root = tempWorkspace();
  writeFiles(root, { 'data/items.csv': csvRows(n) });
  const id = over.id ?? 'p';
  await createProject(root, {
    id,
    type: over.type ?? 'text-classification',
    labels: over.labels ?? ['pos', 'neg', 'neutral'],
    dataSources: over.sources ?? [{ kind: 'table', glob: 'data/*.csv', textColumn: 'text', idColumn: 'id' }],
    queueSeed: over.queueSeed ?? 7,
    ...(over.consensus ? { consensus: over.consensus } : {}),
  });
  return { root, id, keys: Array.from({ length: n }, (_, i) => `data/items.csv#r${i + 1}`) };
}

export function openStore(p: { root: string; id: string }, labeler = 'ann', device = 'd1'): Promise<ProjectStore> {
  return ProjectStore.open({ root: p.root, id: p.id, labeler, device, wasmPath: WASM });
}

export const classes = (...labels: string[]): Annotation => ({ kind: 'classes', labels });

/** A journal event as written by JournalWriter. */
export function event(payload: EventPayload, header: Partial<Pick<JournalEvent, 'at' | 'by' | 'dev' | 'seq'>> = {}): JournalEvent {
  return { v: JOURNAL_VERSION, at: '2026-11-27T10:00:00.000Z', by: 'ann', dev: 'd1', seq: 1, ...header, ...payload } as JournalEvent;
}

/** Writes a journal file (one event per line) for labeler/device. */
export function writeJournal(root: string, id: string, labeler: string, device: string, events: JournalEvent[], tail = ''): string {
  const rel = `.labeling/${id}/journal/${labeler}/${device}.jsonl`;
  writeFiles(root, { [rel]: events.map((e) => JSON.stringify(e)).join('\n') + (events.length ? '\n' : '') + tail });
  return rel;
}

/** Gives the project roles in project.json (its initial role state). */
export function setProjectRoles(p: { root: string; id: string }, roles: Record<string, Role[]>): void {
  const file = path.join(p.root, '.labeling', p.id, 'project.json');
  fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), roles }, null, 2));
}

/** Every table of an index but migrations, every row (ids included), in a fixed order: two builds compared whole. */
export function dumpAll(db: Database): string {
  const tables = rows<{ name: string }>(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'migrations' ORDER BY name").map((r) => r.name);
  return JSON.stringify(
    tables.map((t) => {
      const width = rows(db, `PRAGMA table_info(${t})`).length;
      const by = Array.from({ length: width }, (_, i) => i + 1).join(', ');
      return [t, rows(db, `SELECT * FROM ${t} ORDER BY ${by}`)];
    }),
  );
}
