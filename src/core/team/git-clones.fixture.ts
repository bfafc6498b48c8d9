/**
 * The scenario helpers of git-clones.test.ts: a bare remote and two clones (Team, Desk), the exchange
 * and store refresh after it, the journal ledger and the canonical dump both clones are compared by.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LabelingError, type ErrorReason } from '../errors';
import type { LabelSetMode } from '../journal/events';
import type { ProjectDef, ProjectStatus, Role } from '../model';
import { serializeProjectDef } from '../project/create';
import { loadProject } from '../project/load';
import { projectFile } from '../project/paths';
import type { ProjectStore } from '../store/project-store';
import { openStore, textProject } from '../store/test-support';
import type { PageView } from '../store/types';
import { cloneWorkspace, exchange, trackedFiles, type PullMode } from './git-test-support';

export const ANN = 'ann@example.com';
export const BOB = 'bob@example.com';
const RITA = 'rita@example.com';
const MAX = 'max@example.com';
const PEOPLE = [ANN, BOB, RITA, MAX];
export const ROLES: Record<string, Role[]> = { [ANN]: ['labeler'], [BOB]: ['labeler'], [RITA]: ['reviewer'], [MAX]: ['manager'] };
export const BASE_LABELS = ['pos', 'neg', 'neutral'];
export const ITEMS = 36;
const VIEWS: PageView[] = ['queue', 'all', 'mine', 'skipped', 'needs-review', 'labeled', 'incomplete', 'missing'];
const TRACKED = /^(data\/items\.csv|\.labeling\/\.gitignore|\.labeling\/p\/(project\.json|instructions\.md|journal\/[^/]+\/[^/]+\.jsonl))$/;

export const fails = (reason: ErrorReason) => (e: unknown) => e instanceof LabelingError && e.reason === reason;
export const lab = (i: number): string => BASE_LABELS[i % BASE_LABELS.length]!;

/** One clone and the people working in it, each with their own store (own device). */
export interface Desk {
  name: string;
  dir: string;
  labeler: ProjectStore;
  reviewer: ProjectStore;
  manager: ProjectStore;
}

const stores = (d: Desk): ProjectStore[] => [d.labeler, d.reviewer, d.manager];

async function openDesk(name: string, dir: string, id: string, labeler: string): Promise<Desk> {
  const at = { root: dir, id };
  return {
    name,
    dir,
    labeler: await openStore(at, labeler, `${labeler.split('@')[0]}-${name}`),
    reviewer: await openStore(at, RITA, `rita-${name}`),
    manager: await openStore(at, MAX, `max-${name}`),
  };
}

export type Refresh = 'sync' | 'reopen';

/** After a pull: what the host does when journals and project.json changed on disk, or closing and opening again. */
async function refresh(d: Desk, how: Refresh): Promise<Desk> {
  if (how === 'sync') {
    for (const s of stores(d)) {
      await s.syncJournals();
      await s.settled();
      await s.reloadDefinition();
    }
    return d;
  }
  for (const s of stores(d)) await s.close();
  return openDesk(d.name, d.dir, d.manager.def.id, d.labeler.labeler);
}

/** Everything a person sees of the project through the store's read API, in a canonical form. */
export function dump(s: ProjectStore, keys: string[]): unknown {
  const items = keys.map((key) => {
    const it = s.getItem(key);
    assert.ok(it, `${key} exists`);
    const annotations = [...(it.mine ? [it.mine] : []), ...it.others].sort((x, y) => (x.labeler < y.labeler ? -1 : x.labeler > y.labeler ? 1 : 0));
    return {
      key,
      state: it.state,
      final: it.final,
      finalBy: it.finalBy,
      agreement: it.agreement,
      assignee: it.assignee,
      review: it.review,
      conflict: it.conflict,
      newer: it.newer,
      prelabel: it.prelabel,
      skippedByMe: it.skippedByMe,
      annotations,
    };
  });
  return {
    definition: { status: s.def.status, labels: s.def.labels, roles: s.def.roles, consensus: s.def.consensus },
    stats: s.stats(),
    byPerson: PEOPLE.map((p) => s.stats(p)),
    views: Object.fromEntries(VIEWS.map((v) => [v, walk(s, v)])),
    items,
    problems: s.problems(),
  };
}

function walk(s: ProjectStore, view: PageView): string[] {
  const out: string[] = [];
  let next: string | undefined;
  do {
    const pg = s.page(view, next, 10);
    out.push(...pg.items.map((i) => `${i.key}:${i.state}:${i.assignee ?? ''}`));
    next = pg.next;
  } while (next);
  return out;
}

/** Both clones show the same project to the same person; no store has a journal problem. */
export function assertSame(a: Desk, b: Desk, keys: string[], when: string): void {
  for (const role of ['manager', 'reviewer'] as const) {
    assert.deepEqual(dump(b[role], keys), dump(a[role], keys), `${when}: clone B shows the ${role} what clone A shows`);
  }
  for (const s of [...stores(a), ...stores(b)]) assert.deepEqual(s.problems(), [], `${when}: no journal problem for ${s.labeler}`);
}

/** How many events each journal file must hold: one per write the test made through the store appending to it. */
export class Ledger {
  private readonly counts = new Map<string, number>();

  async write(s: ProjectStore, fn: (s: ProjectStore) => Promise<void>): Promise<void> {
    await fn(s);
    this.counts.set(s.journalFile, (this.counts.get(s.journalFile) ?? 0) + 1);
  }

  /** The clone tracks exactly the journals written to, each with every event written (none lost, none doubled), and nothing but the project's files. */
  check(d: Desk, when: string): void {
    const tracked = trackedFiles(d.dir);
    for (const f of tracked) assert.match(f, TRACKED, `${when}: clone ${d.name} tracks ${f}`);
    assert.deepEqual(tracked.filter((f) => f.includes('/journal/')), [...this.counts.keys()].sort(), `${when}: clone ${d.name} tracks the journal of each person and device that wrote`);
    for (const [file, n] of this.counts) {
      const lines = fs.readFileSync(path.join(d.dir, file), 'utf8').split('\n').filter(Boolean).length;
      assert.equal(lines, n, `${when}: clone ${d.name}: ${file} holds the ${n} events its store wrote`);
    }
  }
}

export type ManagerAction = { labels: string; mode: LabelSetMode } | { status: ProjectStatus } | { roles: Record<string, Role[]> };
/** Per exchange (round 1..9), what max does on each clone. */
export type Schedule = Record<number, { a?: ManagerAction[]; b?: ManagerAction[] }>;

export const labels = (name: string, mode: LabelSetMode): ManagerAction => ({ labels: name, mode });
export const status = (s: ProjectStatus): ManagerAction => ({ status: s });
export const roles = (who: string, r: Role[]): ManagerAction => ({ roles: { [who]: r } });

/** Sets the project's roles by hand in project.json before the first commit (read once as the initial role state). */
async function setBaseRoles(root: string, id: string): Promise<void> {
  const def: ProjectDef = { ...(await loadProject(root, id)), roles: ROLES };
  fs.writeFileSync(projectFile(root, id), serializeProjectDef(def));
}

/** A workspace with the project (and its roles) committed, pushed to a bare remote and cloned twice; ann works on A, bob on B. */
export class Team {
  private constructor(
    public A: Desk,
    public B: Desk,
    readonly keys: string[],
  ) {}

  static async create(n: number, consensus?: { minLabelers: number; maxLabelers: number }): Promise<Team> {
    const seed = await textProject(n, { labels: BASE_LABELS, ...(consensus ? { consensus } : {}) });
    await setBaseRoles(seed.root, seed.id);
    const { dirs } = cloneWorkspace(seed.root, ['a', 'b']);
    return new Team(await openDesk('a', dirs.a!, seed.id, ANN), await openDesk('b', dirs.b!, seed.id, BOB), seed.keys);
  }

  get stores(): ProjectStore[] {
    return [...stores(this.A), ...stores(this.B)];
  }

  /** One exchange (exchange() in git-test-support: `first` pushes, the other pulls with `mode` and pushes, `first` pulls), then each clone's stores sync or reopen. */
  async sync(first: 'a' | 'b', mode: PullMode, how: Refresh | [Refresh, Refresh], message: string): Promise<void> {
    const [x, y] = first === 'a' ? [this.A.dir, this.B.dir] : [this.B.dir, this.A.dir];
    exchange(x, y, mode, message);
    const [ha, hb] = typeof how === 'string' ? [how, how] : how;
    this.A = await refresh(this.A, ha);
    this.B = await refresh(this.B, hb);
  }

  async close(): Promise<void> {
    for (const s of this.stores) await s.close();
  }
}

/** Runs `body` on a new team, closing every store it has open at the end. */
export async function withTeam(n: number, consensus: { minLabelers: number; maxLabelers: number } | undefined, body: (t: Team) => Promise<void>): Promise<void> {
  const t = await Team.create(n, consensus);
  try {
    await body(t);
  } finally {
    await t.close();
  }
}
