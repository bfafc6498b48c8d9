import * as path from 'node:path';
import * as vscode from 'vscode';
import { labelsUsed, parseItemKey } from '../../core/model';
import type { ItemSummary, PageView } from '../../core/store/types';
import { ContextKeys, ContextValue, Views } from '../constants';
import { orderTagOf, QueueOrders } from '../panels/queueOrders';
import type { ProjectEntry, ProjectRegistry } from '../projects/registry';
import type { ProjectChange, StoreManager } from '../projects/stores';
import { Disposable } from '../util/lifecycle';

const PAGE = 100;

type Node =
  | { kind: 'project'; entry: ProjectEntry }
  /** `flat`: listed without its project row above it (one project in the view), so the row names the project. */
  | { kind: 'item'; entry: ProjectEntry; item: ItemSummary; flat?: boolean }
  | { kind: 'more'; entry: ProjectEntry }
  | { kind: 'message'; entry: ProjectEntry; text: string };

interface Loaded {
  items: ItemSummary[];
  next?: string;
}

const REVIEW_TEXT = { approve: 'Approved', decide: 'Decided', 'accept-skip': 'Skip accepted' } as const;

const STATE_ICONS: Record<string, string> = {
  unlabeled: 'circle-large-outline',
  incomplete: 'circle-large-filled',
  labeled: 'pass',
  'needs-review': 'comment-unresolved',
  skipped: 'debug-step-over',
  missing: 'warning',
};

export type ItemNode = Extract<Node, { kind: 'item' }>;

/** A row of an item view (what tree commands receive as `(node, nodes)`). */
export function isItemNode(x: unknown): x is ItemNode {
  return !!x && typeof x === 'object' && (x as Node).kind === 'item' && 'entry' in x && 'item' in x;
}

/** The rows a tree command acts on: the selection (`nodes`) when given, else the clicked row; those of the first row's project. */
export function commandRows(node: unknown, nodes: unknown): ItemNode[] {
  const rows = (Array.isArray(nodes) && nodes.some(isItemNode) ? nodes : [node]).filter(isItemNode);
  const entry = rows[0]?.entry;
  return rows.filter((r) => r.entry.root === entry!.root && r.entry.id === entry!.id);
}
const projectKey = (e: { root: string; id: string }) => `${e.root}::${e.id}`;
/** More rows changed in place than this: the project's rows are redrawn at once instead of one by one. */
const MAX_ROW_EVENTS = 50;

/**
 * One of the item lists (Queue, Skipped, Needs Review): projects at the top level, their items below in
 * pages of 100 fetched with keyset cursors ("Load more..."). Clicking an item opens it for labeling.
 * Follows the change feed: a change re-reads the pages already loaded of that project only (as many rows
 * as were loaded, so "Load more" pages stay), then redraws just the rows that changed when the list kept
 * its rows, else that project's rows. Row nodes are kept per item key, so selection and focus stay.
 */
export class ItemsView extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly changed = this._register(new vscode.EventEmitter<Node | Node[] | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly loaded = new Map<string, Loaded>();
  private readonly projectNodes = new Map<string, Node>();
  private readonly itemNodes = new Map<string, Map<string, ItemNode>>();
  /** The project listed without its row (the only one with items), when so. */
  private flatProject: string | undefined;
  /** Page reads one after another (a change and a Load more never interleave). */
  private work: Promise<unknown> = Promise.resolve();
  readonly view: vscode.TreeView<Node>;
  /** The Queue view's ML queue orders: its items in one are marked ("clustered · c3", "uncertain"). */
  private readonly orders: QueueOrders | undefined;

  constructor(
    readonly viewId: string,
    private readonly pageView: PageView,
    private readonly contextValue: ContextValue,
    private readonly registry: ProjectRegistry,
    private readonly stores: StoreManager,
  ) {
    super();
    // Several rows at once (Shift/Ctrl+click, Shift+arrows): tree commands act on all of them.
    this.view = this._register(vscode.window.createTreeView(viewId, { treeDataProvider: this, showCollapseAll: true, canSelectMany: true }));
    this._register(registry.onDidChange(() => this.projectsChanged()));
    this._register(stores.onDidChange((c) => void this.queue(() => this.storeChanged(c))));
    if (pageView === 'queue') {
      this.orders = this._register(new QueueOrders());
      // A new order marks other rows: the project's rows again (the top level when it is listed flat).
      this._register(this.orders.onDidChange((p) => {
        const k = projectKey(p);
        const entry = this.registry.projects.find((e) => projectKey(e) === k);
        this.changed.fire(!entry || this.flatProject === k ? undefined : this.projectNode(entry));
      }));
    }
  }

  /** How the item's row names the ML queue order it is in, if any (the Queue view, a project with an order). */
  private orderTag(entry: ProjectEntry, key: string): string | undefined {
    return this.orders && orderTagOf(this.orders.get(entry, entry.def), key);
  }

  private queue<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.work.then(fn, fn);
    this.work = p.catch(() => undefined);
    return p;
  }

  /** Projects came, went or were edited: pages of projects still there are kept; the top level is redrawn. */
  private projectsChanged(): void {
    const valid = new Set(this.registry.projects.filter((e) => e.def).map(projectKey));
    for (const k of [...this.loaded.keys()]) {
      if (valid.has(k)) continue;
      this.loaded.delete(k);
      this.itemNodes.delete(k);
    }
    this.changed.fire(undefined);
  }

  private async storeChanged(c: ProjectChange): Promise<void> {
    const k = projectKey(c.entry);
    const old = this.loaded.get(k);
    if (!old) return this.changed.fire(undefined); // not listed yet: the top level loads it
    if (!c.kinds.includes('items')) {
      if (c.kinds.includes('stats') && this.flatProject !== k) this.changed.fire(this.projectNode(c.entry));
      return;
    }
    const fresh = await this.read(c.entry, Math.max(PAGE, old.items.length));
    if (!fresh) return;
    this.loaded.set(k, fresh);
    const sameRows = fresh.items.length === old.items.length && fresh.next === old.next && fresh.items.every((it, i) => it.key === old.items[i]!.key);
    if (!sameRows) {
      // Rows came or went: the project's rows again (the top level when it became empty or non-empty, or is flat).
      const wasEmpty = old.items.length === 0;
      return this.changed.fire(this.flatProject === k || wasEmpty !== (fresh.items.length === 0) ? undefined : this.projectNode(c.entry));
    }
    const nodes = this.itemNodes.get(k);
    const redraw: Node[] = [];
    fresh.items.forEach((it, i) => {
      const was = old.items[i]!;
      if (it.state === was.state && it.version === was.version && it.assignee === was.assignee) return;
      const node = nodes?.get(it.key);
      if (node) {
        node.item = it;
        redraw.push(node);
      }
    });
    const top = this.flatProject === k ? undefined : this.projectNode(c.entry);
    if (redraw.length > MAX_ROW_EVENTS) return this.changed.fire(top);
    if (top && c.kinds.includes('stats')) redraw.push(top);
    if (redraw.length) this.changed.fire(redraw);
  }

  /** The first `count` rows of a project's items in this view, read in keyset pages. */
  private async read(entry: ProjectEntry, count: number): Promise<Loaded | undefined> {
    const store = await this.stores.get(entry).catch(() => undefined);
    if (!store) return undefined;
    const items: ItemSummary[] = [];
    let next: string | undefined;
    do {
      const page = store.page(this.pageView, next, Math.min(1000, count - items.length));
      items.push(...page.items);
      next = page.next;
    } while (next && items.length < count);
    return next ? { items, next } : { items };
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) {
      const entries = this.registry.projects.filter((e) => e.def);
      const withItems: Node[] = [];
      for (const entry of entries) {
        const first = await this.load(entry, false);
        if (first && first.items.length) withItems.push(this.projectNode(entry));
      }
      if (this.pageView === 'queue') {
        // Every project indexed and without items: the welcome says the sources match nothing, not "all labeled".
        const empty = (e: ProjectEntry) => {
          const s = this.stores.statsOf(e);
          return !!s && s.items - s.missing === 0;
        };
        void vscode.commands.executeCommand('setContext', ContextKeys.NoData, entries.length > 0 && entries.every(empty));
      }
      const only = withItems.length === 1 && withItems[0]!.kind === 'project' ? withItems[0] : undefined;
      this.flatProject = only ? projectKey(only.entry) : undefined;
      if (only) return this.itemsOf(only, true);
      return withItems;
    }
    return this.itemsOf(node, false);
  }

  private async itemsOf(node: Node, flat: boolean): Promise<Node[]> {
    if (node.kind !== 'project') return [];
    const loaded = await this.load(node.entry, false);
    if (!loaded) return [{ kind: 'message', entry: node.entry, text: 'Indexing…' }];
    const nodes: Node[] = loaded.items.map((item) => this.itemNode(node.entry, item, flat));
    if (loaded.next) nodes.push({ kind: 'more', entry: node.entry });
    return nodes;
  }

  /** The one node of an item row (kept while the project is listed, so a redraw keeps it selected). */
  private itemNode(entry: ProjectEntry, item: ItemSummary, flat: boolean): ItemNode {
    const k = projectKey(entry);
    let nodes = this.itemNodes.get(k);
    if (!nodes) this.itemNodes.set(k, (nodes = new Map()));
    let n = nodes.get(item.key);
    if (!n) nodes.set(item.key, (n = { kind: 'item', entry, item }));
    n.entry = entry;
    n.item = item;
    if (flat) n.flat = true;
    else delete n.flat;
    return n;
  }

  private projectNode(entry: ProjectEntry): Node {
    const k = projectKey(entry);
    let n = this.projectNodes.get(k);
    if (!n || (n.kind === 'project' && n.entry !== entry)) this.projectNodes.set(k, (n = { kind: 'project', entry }));
    return n;
  }

  /** The first page (or, with `more`, one more page) of a project's items for this view. */
  private async load(entry: ProjectEntry, more: boolean): Promise<Loaded | undefined> {
    const k = projectKey(entry);
    let l = this.loaded.get(k);
    if (l && !more) return l;
    const store = await this.stores.get(entry).catch(() => undefined);
    if (!store) return undefined;
    const page = store.page(this.pageView, more ? l?.next : undefined, PAGE);
    l = more && l ? { items: [...l.items, ...page.items], next: page.next } : { items: page.items, next: page.next };
    this.loaded.set(k, l);
    return l;
  }

  /** "Load more..." */
  async loadMore(entry: ProjectEntry): Promise<void> {
    await this.queue(() => this.load(entry, true));
    const k = projectKey(entry);
    this.changed.fire(this.flatProject === k ? undefined : this.projectNode(entry));
  }

  /** How many rows of a project this view holds (tests: pages are kept across changes). */
  loadedCount(entry: ProjectEntry): number {
    return this.loaded.get(projectKey(entry))?.items.length ?? 0;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'project': {
        const stats = this.stores.statsOf(node.entry);
        const item = new vscode.TreeItem(node.entry.def?.name ?? node.entry.id, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `${this.viewId}:${node.entry.root}::${node.entry.id}`;
        item.iconPath = new vscode.ThemeIcon('project');
        if (stats) item.description = countFor(this.pageView, stats);
        return item;
      }
      case 'more': {
        const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = { command: 'labeling.loadMore', title: 'Load more', arguments: [this.viewId, node.entry] };
        return item;
      }
      case 'message':
        return new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
      case 'item': {
        const ref = parseItemKey(node.item.key);
        const label = ref.row !== undefined ? ref.row : path.posix.basename(ref.path);
        const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
        item.id = `${this.viewId}:${node.entry.root}::${node.entry.id}::${node.item.key}`;
        const where = ref.row !== undefined ? path.posix.basename(ref.path) : path.posix.dirname(ref.path);
        const project = node.flat ? (node.entry.def?.name ?? node.entry.id) : '';
        const flags = [node.item.conflict ? 'review conflict' : '', node.item.newer ? 'written by a newer version' : '', this.orderTag(node.entry, node.item.key) ?? ''];
        item.description = [project, where === '.' ? '' : where, node.item.assignee ? `→ ${node.item.assignee}` : '', ...flags].filter(Boolean).join(' · ');
        item.iconPath = node.item.conflict
          ? new vscode.ThemeIcon('git-merge', new vscode.ThemeColor('list.warningForeground'))
          : node.item.newer
            ? new vscode.ThemeIcon('versions', new vscode.ThemeColor('list.warningForeground'))
            : new vscode.ThemeIcon(STATE_ICONS[node.item.state] ?? 'circle-outline');
        item.contextValue = this.contextValue;
        item.command = { command: 'labeling.openItem', title: 'Open Item', arguments: [node.entry, node.item.key] };
        item.accessibilityInformation = {
          label: `${label}, ${node.item.state}${node.item.conflict ? ', review conflict' : ''}${node.item.newer ? ', written by a newer version' : ''}${node.item.assignee ? `, assigned to ${node.item.assignee}` : ''}${flags[2] ? `, ${flags[2]}` : ''}, in ${node.entry.def?.name ?? node.entry.id}`,
        };
        return item;
      }
    }
  }

  async resolveTreeItem(item: vscode.TreeItem, node: Node): Promise<vscode.TreeItem> {
    if (node.kind !== 'item') return item;
    const store = await this.stores.get(node.entry).catch(() => undefined);
    const view = store?.getItem(node.item.key);
    if (!view) return item;
    const md = new vscode.MarkdownString();
    const esc = (t: string) => t.replace(/[\\`*_[\]<>]/g, '\\$&');
    md.appendMarkdown(`**${esc(node.item.key)}** · ${view.state} · ${esc(node.entry.def?.name ?? node.entry.id)}`);
    if (view.assignee) md.appendMarkdown(` · assigned to ${esc(view.assignee)}`);
    if (view.review) md.appendMarkdown(`\n\n${REVIEW_TEXT[view.review.kind]} by ${esc(view.review.by)} at ${view.review.at}`);
    if (view.rejected) md.appendMarkdown(`\n\nRejected by ${esc(view.rejected.by)} at ${view.rejected.at}${view.rejected.reason ? `: ${esc(view.rejected.reason)}` : ''}`);
    if (view.conflict) {
      md.appendMarkdown('\n\n**Review conflict**: the current reviews disagree; a review that saw them all settles it.');
      for (const d of view.conflict) md.appendMarkdown(`\n- ${d.kind} by ${esc(d.by)} at ${d.at}${d.annotation ? `: ${esc(labelsUsed(d.annotation).join(', '))}` : ''}`);
    }
    if (view.newer) {
      md.appendMarkdown('\n\n**Written by a newer version** of the extension: its state here may differ until you update.');
      for (const n of view.newer) md.appendMarkdown(`\n- ${esc(n)}`);
    }
    const order = this.orders?.get(node.entry, node.entry.def);
    const tag = orderTagOf(order, node.item.key);
    if (order && tag) {
      const what = order.kind === 'clustered' ? `cluster c${order.clusters?.[order.indexOf.get(node.item.key)!] ?? '?'} of ${order.clusterCount ?? '?'}: similar items come together` : `the latest model${order.modelVersion !== undefined ? ` (v${order.modelVersion})` : ''} is unsure of it: uncertain items come first, with a share of random ones`;
      md.appendMarkdown(`\n\nML queue order **${tag}** (${what}). The labeling panel serves the queue in this order (item ${order.indexOf.get(node.item.key)! + 1} of ${order.keys.length}); this list stays in the index's order.`);
    }
    if (view.text) md.appendMarkdown('\n\n').appendText(view.text.length > 400 ? view.text.slice(0, 400) + '…' : view.text);
    item.tooltip = md;
    return item;
  }

  /** The project of the selected row while the view is visible. */
  selected(): ProjectEntry | undefined {
    return this.view.visible ? this.view.selection[0]?.entry : undefined;
  }

  /** The item rows selected while the view is visible (the palette's items in context). */
  selectedItems(): ItemNode[] {
    return this.view.visible ? this.view.selection.filter(isItemNode) : [];
  }

  /**
   * Selects an item's row (loading pages until it is there, up to `maxRows`); false when the item is
   * not in this view. `focus`: moves the keyboard focus to the view too.
   */
  async revealItem(entry: ProjectEntry, key: string, opts: { focus?: boolean; maxRows?: number } = {}): Promise<boolean> {
    const k = projectKey(entry);
    const max = opts.maxRows ?? 5000;
    for (;;) {
      const l = await this.queue(() => this.load(entry, false));
      if (!l) return false;
      if (l.items.some((i) => i.key === key)) break;
      if (!l.next || l.items.length >= max) return false;
      await this.queue(() => this.load(entry, true));
      this.changed.fire(this.flatProject === k ? undefined : this.projectNode(entry));
    }
    await this.getChildren(); // the top level (flat or not) as the tree will show it
    const item = this.loaded.get(k)!.items.find((i) => i.key === key)!;
    const node = this.itemNode(entry, item, this.flatProject === k);
    await this.view.reveal(node, { select: true, focus: !!opts.focus });
    return true;
  }

  getParent(node: Node): Node | undefined {
    if (node.kind !== 'project' && this.flatProject === projectKey(node.entry)) return undefined;
    return node.kind === 'project' ? undefined : this.projectNode(node.entry);
  }
}

function countFor(view: PageView, s: { unlabeled: number; incomplete: number; skipped: number; needsReview: number }): string {
  switch (view) {
    case 'queue':
      return `${(s.unlabeled + s.incomplete).toLocaleString('en-US')} waiting`;
    case 'skipped':
      return `${s.skipped.toLocaleString('en-US')} skipped`;
    case 'needs-review':
      return `${s.needsReview.toLocaleString('en-US')} to review`;
    default:
      return '';
  }
}

export function createItemViews(registry: ProjectRegistry, stores: StoreManager): ItemsView[] {
  return [
    new ItemsView(Views.Queue, 'queue', ContextValue.Item, registry, stores),
    new ItemsView(Views.Skipped, 'skipped', ContextValue.SkippedItem, registry, stores),
    new ItemsView(Views.NeedsReview, 'needs-review', ContextValue.ReviewItem, registry, stores),
  ];
}
