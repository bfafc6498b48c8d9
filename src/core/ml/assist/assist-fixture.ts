/** Test projects for the ML-assist tests (not shipped: only *.test.ts import it). */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Annotation, ProjectType } from '../../model';
import type { ProjectStore } from '../../store/project-store';
import { event, openStore, textProject, writeFiles, writeJournal, type ProjectBuild } from '../../store/test-support';
import { sentimentSplit } from '../text-model-testdata';

export const K = (i: number): string => `data/items.csv#r${i}`;

/** The pooled sentiment sentences with their labels ("positive" / "negative"), in fixture order. */
export function sentimentRows(): { texts: string[]; labels: string[] } {
  const { train, test } = sentimentSplit();
  return { texts: [...train.texts, ...test.texts], labels: [...train.labels, ...test.labels] };
}

function csv(texts: readonly string[]): string {
  const q = (s: string) => `"${s.replace(/"/g, '""').replace(/\r?\n/g, ' ')}"`;
  return `id,text\n${texts.map((t, i) => `r${i + 1},${q(t)}`).join('\n')}\n`;
}

/**
 * A text project whose items are `texts` (r1..rN) and whose journals hold `labels(by, i)` (1-based i;
 * undefined: not labeled by that labeler), one journal per labeler.
 */
export async function seededProject(
  texts: readonly string[],
  labelers: string[],
  labels: (by: string, i: number) => Annotation | undefined,
  over: { type?: ProjectType; labels?: string[]; consensus?: { minLabelers: number; maxLabelers: number } } = {},
): Promise<ProjectBuild> {
  const p = await textProject(1, { type: over.type ?? 'text-classification', labels: over.labels ?? ['negative', 'positive'], ...(over.consensus ? { consensus: over.consensus } : {}), mlAssist: { enabled: true } });
  writeFiles(p.root, { 'data/items.csv': csv(texts) });
  labelers.forEach((by, w) => {
    const events = [];
    for (let i = 1; i <= texts.length; i++) {
      const a = labels(by, i);
      if (a) events.push(event({ type: 'submit', item: K(i), ann: a }, { by, dev: 'd', seq: events.length + 1, at: new Date(Date.UTC(2026, 10, 27, 10, 0, 0, i * 10 + w)).toISOString() }));
    }
    writeJournal(p.root, p.id, by, 'd', events);
  });
  return { ...p, keys: texts.map((_, i) => K(i + 1)) };
}

export function open(p: ProjectBuild): Promise<ProjectStore> {
  return openStore(p, 'viewer', 'v');
}

/** SHA-256 of every file under a folder, by relative path (to see that nothing changed). */
export function hashTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const abs = path.join(d, e.name);
      if (e.isDirectory()) walk(abs);
      else out[path.relative(dir, abs)] = crypto.createHash('sha256').update(fs.readFileSync(abs)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

/** Files in a folder whose name ends in .tmp. */
export function tempFiles(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith('.tmp')) : [];
}
