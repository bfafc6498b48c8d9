/**
 * Assignment (issue 11 item 4): "Labeling: Assign Items...", "Labeling: Distribute Items..." (round-robin
 * across chosen labelers) and "Labeling: Unassign Items". The items: the Queue rows a tree command was
 * given (the multi-selection), else the Queue rows in context, else a filter picked in a quick pick (the
 * next N unassigned, items a labeler gave a label, items with a prelabel label, a model-confidence
 * range: assign-reads.ts). The labeler: picked from the known labelers (roles, the per-labeler table,
 * assignees, journal folders, yourself) or typed. Scripts and tests pass `AssignArgs` and see no quick
 * pick. Writes go through store.assignBatch: one all-or-nothing journal line per MAX_BATCH items.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LabelingError } from '../../core/errors';
import { assignReads, checkAssignFilter, knownLabelers, parseRange, roundRobin, type AssignFilter } from '../../core/store/assign-reads';
import type { ProjectStore } from '../../core/store/project-store';
import { MAX_BATCH } from '../../core/store/review-batch';
import { yieldToEventLoop } from '../../core/store/time-slice';
import { Commands, Views } from '../constants';
import type { ProjectEntry, ProjectRegistry } from '../projects/registry';
import type { StoreManager } from '../projects/stores';
import type { ItemContext } from '../views/itemContext';
import { commandRows } from '../views/itemViews';
import { resolveProject } from './projectCommands';

/** Arguments for scripts and tests: no quick pick is shown. */
export interface AssignArgs {
  project: string;
  /** These items, or those `filter` picks (at most `count`, default 100). */
  items?: string[];
  filter?: AssignFilter;
  count?: number;
  /** Assign: the labeler (null unassigns). Distribute: `labelers`. */
  to?: string | null;
  labelers?: string[];
}

export interface AssignResult {
  /** Items written, per labeler ('' for unassigned). */
  assigned: Record<string, number>;
}

export interface AssignDeps {
  registry: ProjectRegistry;
  stores: StoreManager;
  items: ItemContext;
  /** Your labeler id (offered first). */
  me: () => string;
}

const isAssignArgs = (a: unknown): a is AssignArgs => !!a && typeof a === 'object' && typeof (a as AssignArgs).project === 'string' && !('kind' in a);
const plural = (n: number, what = 'item') => `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;
const DEFAULT_COUNT = 100;

/** Writes assignments in all-or-nothing lines of at most MAX_BATCH items. */
async function write(store: ProjectStore, keys: readonly string[], to: string | null): Promise<number> {
  let n = 0;
  for (let i = 0; i < keys.length; i += MAX_BATCH) n += (await store.assignBatch(keys.slice(i, i + MAX_BATCH), to)).written;
  return n;
}

/** Queue rows read per slice of a filter (a turn of the event loop between slices, so submits interleave). */
const FIND_SLICE = 20_000;

/**
 * The keys a filter picks, up to `count`: keyset slices of the queue under a read lease (a rebuild
 * waits for it, or stops it), with the status bar saying so while it reads.
 */
async function findKeys(store: ProjectStore, filter: AssignFilter, count: number): Promise<string[]> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Finding the items to assign' }, async () => {
    const lease = await store.read('finding the items to assign');
    try {
      const reads = assignReads(store);
      const keys: string[] = [];
      let after: string | undefined;
      for (;;) {
        lease.check();
        const r = reads.find(filter, { limit: count - keys.length, maxScan: FIND_SLICE, ...(after ? { after } : {}) });
        keys.push(...r.keys);
        if (!r.next || keys.length >= count) return keys;
        after = r.next;
        await yieldToEventLoop();
      }
    } finally {
      lease.release();
    }
  });
}

/** Labeler ids from journal folders (journal/<labeler>/), which may hold nothing indexed yet. */
function journalLabelers(entry: ProjectEntry): string[] {
  try {
    return fs.readdirSync(path.join(entry.root, '.labeling', entry.id, 'journal'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return [];
  }
}

/** Where the items come from in a quick pick, when no rows were given. */
async function pickItems(store: ProjectStore, title: string, selected: string[] | undefined): Promise<string[] | undefined> {
  type Source = vscode.QuickPickItem & { id: 'selected' | AssignFilter['kind'] };
  const sources: Source[] = [
    ...(selected?.length ? [{ id: 'selected' as const, label: `The selected items (${selected.length})`, description: 'in the Queue view' }] : []),
    { id: 'unassigned', label: 'The next unassigned items', description: 'in queue order' },
    { id: 'label', label: 'Items a labeler gave a label…', description: 'still in the queue (consensus wants more labelers)' },
    { id: 'prelabel', label: 'Items with a prelabel…', description: "by the latest prelabel's label" },
    { id: 'confidence', label: 'Items by model confidence…', description: "the latest prelabel's confidence, in a range" },
  ];
  const src = await vscode.window.showQuickPick(sources, { title, placeHolder: 'Which items', ignoreFocusOut: true });
  if (!src) return undefined;
  if (src.id === 'selected') return selected;
  let filter: AssignFilter;
  if (src.id === 'label' || src.id === 'prelabel') {
    const label = await vscode.window.showQuickPick(store.def.labels.map((l) => l.name), { title, placeHolder: src.id === 'label' ? 'The label a labeler gave' : 'The prelabel label', ignoreFocusOut: true });
    if (!label) return undefined;
    filter = { kind: src.id, label };
  } else if (src.id === 'confidence') {
    const range = await vscode.window.showInputBox({
      title,
      prompt: 'Confidence range, from-to (e.g. 0.2-0.6; inclusive)',
      value: '0-0.5',
      ignoreFocusOut: true,
      validateInput: (v) => (parseRange(v) ? undefined : 'Two numbers from 0 to 1, like 0.2-0.6'),
    });
    const r = range === undefined ? undefined : parseRange(range);
    if (!r) return undefined;
    filter = { kind: 'confidence', ...r };
  } else filter = { kind: 'unassigned' };
  const count = await vscode.window.showInputBox({
    title,
    prompt: 'How many items (at most; in queue order, unassigned ones only)',
    value: String(DEFAULT_COUNT),
    ignoreFocusOut: true,
    validateInput: (v) => (/^\s*[1-9]\d*\s*$/.test(v) ? undefined : 'A whole number, 1 or more'),
  });
  if (count === undefined) return undefined;
  const keys = await findKeys(store, filter, Number(count));
  if (!keys.length) void vscode.window.showInformationMessage('No unassigned item in the queue matches.');
  return keys;
}

const TYPE_ONE = 'Type a labeler id…';

/** Picks one labeler (or several with `many`) from the known ones, or a typed id. */
async function pickLabelers(entry: ProjectEntry, store: ProjectStore, me: string, title: string, many: boolean): Promise<string[] | undefined> {
  const known = knownLabelers(store, [...journalLabelers(entry), me]);
  const roles = store.def.roles ?? {};
  const assigned = new Map(assignReads(store).assignedVsDone().map((c) => [c.labeler, c]));
  const items: vscode.QuickPickItem[] = known.map((id) => {
    const r = Object.entries(roles).find(([k]) => k.toLowerCase() === id.toLowerCase())?.[1];
    const a = assigned.get(id);
    return {
      label: id,
      description: [id === me ? 'you' : '', r?.length ? r.join(', ') : '', a ? `${a.waiting} waiting of ${a.assigned} assigned` : ''].filter(Boolean).join(' · '),
    };
  });
  const typed = { label: TYPE_ONE, alwaysShow: true } as vscode.QuickPickItem;
  let ids: string[];
  if (many) {
    const picked = await vscode.window.showQuickPick([...items, typed], { title, placeHolder: 'Labelers to spread the items over (Space toggles, Enter confirms)', canPickMany: true, ignoreFocusOut: true });
    if (!picked) return undefined;
    ids = picked.filter((p) => p !== typed).map((p) => p.label);
    if (picked.includes(typed) || !ids.length) {
      const more = await vscode.window.showInputBox({ title, prompt: 'More labeler ids, separated by commas', ignoreFocusOut: true, validateInput: (v) => (v.split(',').every((s) => s.trim() || v.trim() === '') ? undefined : 'An empty id') });
      if (more === undefined) return undefined;
      ids.push(...more.split(',').map((s) => s.trim()).filter(Boolean));
    }
  } else {
    const picked = await vscode.window.showQuickPick([...items, typed], { title, placeHolder: 'Assign to (type to filter; pick the last row to type an id)', matchOnDescription: true, ignoreFocusOut: true });
    if (!picked) return undefined;
    if (picked !== typed) ids = [picked.label];
    else {
      const id = await vscode.window.showInputBox({ title, prompt: "The labeler's id: their labeling.labeler setting, else their git user.email", ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : 'An id, please') });
      if (!id?.trim()) return undefined;
      ids = [id.trim()];
    }
  }
  return ids.length ? [...new Set(ids)] : undefined;
}

/** The project and items: rows given, `AssignArgs`, Queue rows in context, else a quick pick of a filter. */
async function target(deps: AssignDeps, node: unknown, nodes: unknown, title: string, ask: boolean): Promise<{ entry: ProjectEntry; store: ProjectStore; keys: string[] } | undefined> {
  const rows = commandRows(node, nodes);
  if (rows.length) return { entry: rows[0]!.entry, store: await deps.stores.get(rows[0]!.entry), keys: rows.map((r) => r.item.key) };
  if (isAssignArgs(node)) {
    const entry = await resolveProject(deps.registry, node.project);
    if (!entry) return undefined;
    const store = await deps.stores.get(entry);
    if (node.items && node.filter) throw new LabelingError('invalid-input', 'give items or filter, not both', { field: 'items' });
    if (node.count !== undefined && !(Number.isInteger(node.count) && node.count > 0)) throw new LabelingError('invalid-input', `a whole number, 1 or more (got ${String(node.count)})`, { field: 'count' });
    const keys = node.items ?? (node.filter ? await findKeys(store, checkAssignFilter(store.def, node.filter), node.count ?? DEFAULT_COUNT) : undefined);
    if (!keys) throw new LabelingError('invalid-input', 'items or filter is required', { field: 'items' });
    return { entry, store, keys };
  }
  // Queue rows in context count only for their own project (a project given as the argument wins).
  const ctx = deps.items.current();
  const inQueue = ctx?.from === Views.Queue ? ctx : undefined;
  const given = node !== undefined ? await resolveProject(deps.registry, node) : undefined;
  const selected = inQueue && (!given || (given.root === inQueue.entry.root && given.id === inQueue.entry.id)) ? inQueue : undefined;
  if (!ask && !selected) return undefined;
  const entry = given ?? selected?.entry ?? (await resolveProject(deps.registry, undefined, { placeHolder: 'Project whose items to assign', fromContext: true }));
  if (!entry) return undefined;
  const store = await deps.stores.get(entry);
  if (!ask && selected) return { entry, store, keys: selected.keys };
  const keys = await pickItems(store, `${title}: ${entry.def?.name ?? entry.id}`, selected?.keys);
  return keys?.length ? { entry, store, keys } : undefined;
}

function say(result: AssignResult): void {
  const parts = Object.entries(result.assigned).map(([who, n]) => (who ? `${plural(n)} to ${who}` : `${plural(n)} unassigned`));
  vscode.window.setStatusBarMessage(parts.length ? `Assigned ${parts.join(', ')}.` : 'Nothing assigned.', 5000);
}

export function assignCommands(deps: AssignDeps): [string, (...args: never[]) => unknown][] {
  const assign = async (node?: unknown, nodes?: unknown): Promise<AssignResult | undefined> => {
    const t = await target(deps, node, nodes, 'Assign Items', true);
    if (!t) return undefined;
    let to: string | null;
    if (isAssignArgs(node) && node.to !== undefined) {
      if (node.to !== null && (typeof node.to !== 'string' || !node.to.trim())) throw new LabelingError('invalid-input', 'a labeler id, or null to unassign', { field: 'to' });
      to = node.to === null ? null : node.to.trim();
    }
    else {
      const ids = await pickLabelers(t.entry, t.store, deps.me(), `Assign ${plural(t.keys.length)}`, false);
      if (!ids) return undefined;
      to = ids[0]!;
    }
    const n = await write(t.store, t.keys, to);
    const out = { assigned: { [to ?? '']: n } };
    say(out);
    return out;
  };
  const distribute = async (node?: unknown, nodes?: unknown): Promise<AssignResult | undefined> => {
    const t = await target(deps, node, nodes, 'Distribute Items', true);
    if (!t) return undefined;
    const ids = isAssignArgs(node) && node.labelers ? node.labelers.map((s) => s.trim()).filter(Boolean) : await pickLabelers(t.entry, t.store, deps.me(), `Distribute ${plural(t.keys.length)}`, true);
    if (!ids?.length) {
      if (isAssignArgs(node)) throw new LabelingError('invalid-input', 'at least one labeler id', { field: 'labelers' });
      return undefined;
    }
    const out: AssignResult = { assigned: {} };
    for (const [who, keys] of roundRobin(t.keys, ids)) if (keys.length) out.assigned[who] = await write(t.store, keys, who);
    say(out);
    return out;
  };
  const unassign = async (node?: unknown, nodes?: unknown): Promise<AssignResult | undefined> => {
    const t = await target(deps, node, nodes, 'Unassign Items', false);
    if (!t) {
      // The palette without Queue rows: the open items assigned to a labeler.
      const entry = await resolveProject(deps.registry, isAssignArgs(node) ? node.project : node, { placeHolder: 'Project whose items to unassign', fromContext: true });
      if (!entry) return undefined;
      const store = await deps.stores.get(entry);
      const counts = assignReads(store).assignedVsDone().filter((c) => c.waiting > 0);
      if (!counts.length) {
        void vscode.window.showInformationMessage(`No item in the queue of ${entry.def?.name ?? entry.id} is assigned to anyone.`);
        return undefined;
      }
      const pick = await vscode.window.showQuickPick(
        counts.map((c) => ({ label: c.labeler, description: `${plural(c.waiting)} waiting` })),
        { title: 'Unassign Items', placeHolder: 'Unassign the queue items of', ignoreFocusOut: true },
      );
      if (!pick) return undefined;
      const keys = assignReads(store).assignedTo(pick.label);
      const out = { assigned: { '': await write(store, keys, null) } };
      say(out);
      return out;
    }
    const out = { assigned: { '': await write(t.store, t.keys, null) } };
    say(out);
    return out;
  };
  return [
    [Commands.AssignItems, assign],
    [Commands.DistributeItems, distribute],
    [Commands.UnassignItems, unassign],
  ];
}
