/**
 * Test-data builders for the codec tests (imported only by *.test.ts): project definitions, export
 * items, temp folders and fixture paths.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { itemKey, mediaOf, type Annotation, type ExportItem, type LabelerAnnotation, type ProjectDef, type ProjectType } from '../model';
import { itemIndexOf } from './map-import';
import type { ImportRecord } from './types';

export const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'interop');
export const fixture = (...parts: string[]): string => join(FIXTURES, ...parts);

export function aDef(type: ProjectType, labels: string[], over: Partial<ProjectDef> = {}): ProjectDef {
  return {
    schemaVersion: 1,
    id: 'p1',
    name: 'Test project',
    type,
    labels: labels.map((name, i) => ({ name, color: `#${String(i).padStart(6, '0')}` })),
    dataSources: [{ kind: mediaOf(type) === 'image' ? 'images' : 'text-files', glob: '**/*' }],
    consensus: { minLabelers: 1, maxLabelers: 1 },
    mlAssist: { enabled: false },
    status: 'running',
    queueSeed: 1,
    createdAt: '2026-01-01T00:00:00Z',
    ...over,
  };
}

export function anItem(path: string, over: Partial<ExportItem> = {}): ExportItem {
  const ref = over.ref ?? { path };
  return {
    key: itemKey(ref),
    ref,
    media: 'image',
    state: over.final ? 'labeled' : 'unlabeled',
    all: [],
    ...over,
  };
}

export function byLabeler(labeler: string, annotation: Annotation, over: Partial<LabelerAnnotation> = {}): LabelerAnnotation {
  return { labeler, annotation, at: '2026-01-02T03:04:05.000Z', ...over };
}

/**
 * Export items from import records, the final label = the first record: images get one item per ref
 * (all records of it as labelers); texts one table row per record (texts may repeat).
 */
export function itemsFromRecords(records: ImportRecord[], media: 'image' | 'text' = 'image'): ExportItem[] {
  const groups: [string, ImportRecord[]][] = [];
  if (media === 'text') for (const r of records) groups.push([r.ref, [r]]);
  else {
    const byRef = new Map<string, ImportRecord[]>();
    for (const r of records) byRef.set(r.ref, [...(byRef.get(r.ref) ?? []), r]);
    groups.push(...byRef.entries());
  }
  return groups.map(([ref, recs], i) => {
    const path = media === 'text' ? `texts.jsonl` : ref;
    const r = recs[0]!;
    return anItem(path, {
      ref: media === 'text' ? { path, row: String(i + 1).padStart(6, '0') } : { path },
      media,
      ...(media === 'text' ? { text: ref } : {}),
      ...(r.width && r.height ? { width: r.width, height: r.height } : {}),
      final: r.annotation,
      finalBy: [r.labeler ?? 'importer'],
      state: 'labeled',
      all: recs.map((x) => byLabeler(x.labeler ?? 'importer', x.annotation)),
    });
  });
}

export function indexOf(items: ExportItem[]): ReturnType<typeof itemIndexOf> {
  return itemIndexOf(items.map((i) => ({ ref: i.ref, text: i.text })));
}

/** A fresh temp folder per test (mocha hooks of the calling describe); returns its getter. */
export function useTempDir(): () => string {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'formats-test-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));
  return () => dir;
}

/** Every file below `dir`, relative, '/'-separated, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(relative(dir, join(e.parentPath, e.name)).split('\\').join('/'));
  }
  return out.sort();
}
