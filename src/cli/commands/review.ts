/**
 * data-labeling review <workspace> <id> <approve|reject|accept-skip|return|decide> <item> [--label <l>]... [--as <labeler>]
 * One review of one item, acting on the item as the CLI's index holds it when the command runs (its
 * current version is the review's base; what the index had read of the journals is what it saw).
 */
import * as path from 'node:path';
import { LabelingError } from '../../core/errors';
import { annotationKindOf, isMultiLabel, type Annotation } from '../../core/model';
import { requireRole } from '../../core/store/guards';
import type { ProjectStore } from '../../core/store/project-store';
import type { ReviewDecision } from '../../core/store/item-state';
import type { ItemView } from '../../core/store/types';
import { parseCommandArgs, requirePositional, type CliCommand } from '../io';
import { notePaused, openProjectAs, requireItemView } from '../project';

export const REVIEW_ACTIONS = ['approve', 'reject', 'accept-skip', 'return', 'decide'] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

const usage = `data-labeling review <workspace> <id> <${REVIEW_ACTIONS.join('|')}> <item> [--label <l>]... [--as <labeler>]`;

const DONE: Record<ReviewAction, (key: string) => string> = {
  approve: (k) => `approved ${k}`,
  reject: (k) => `rejected ${k}`,
  'accept-skip': (k) => `accepted the skip of ${k}`,
  return: (k) => `returned ${k} to the queue`,
  decide: (k) => `decided ${k}`,
};

export const reviewCommand: CliCommand = {
  name: 'review',
  summary: 'approve, reject or decide an item, accept its skip or return it to the queue (reviewer)',
  usage,
  help: [
    'approve      approve the labels submitted so far (the consensus of what the index holds)',
    'reject       reject them: the item goes back to the queue for new labels',
    'accept-skip  keep a skipped item skipped, for everyone',
    'return       return a skipped item to the queue',
    'decide       set the final label(s): --label <l>, repeated in a multi-label project',
    '             (classification projects only: boxes, polygons and spans are decided in the editor)',
  ].join('\n'),
  examples: [
    'data-labeling review . reviews approve data/reviews.csv#r17',
    'data-labeling review . reviews decide data/reviews.csv#r17 --label pos --as lead@example.com',
  ],
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      label: { type: 'string', multiple: true },
      as: { type: 'string' },
    });
    const root = path.resolve(requirePositional(positionals, 0, 'workspace', usage));
    const id = requirePositional(positionals, 1, 'id', usage);
    const action = requirePositional(positionals, 2, 'action', usage) as ReviewAction;
    if (!REVIEW_ACTIONS.includes(action)) {
      throw new LabelingError('invalid-input', `unknown review action "${action}": use one of ${REVIEW_ACTIONS.join(', ')}`);
    }
    const key = requirePositional(positionals, 3, 'item', usage);
    if (positionals.length > 4) {
      throw new LabelingError('invalid-input', `review takes one item; unexpected "${positionals[4]}" (put the item key in quotes if it has spaces)`);
    }
    const labels = values.label ?? [];
    if (labels.length && action !== 'decide') throw new LabelingError('invalid-input', `--label is for decide; ${action} takes no label`, { field: '--label' });
    const store = await openProjectAs(root, id, values.as, io);
    try {
      // The store's own role check, first: a caller without the role hears that, not what is wrong with the item.
      requireRole(store.def, store.labeler, 'reviewer');
      const item = requireItemView(store, key);
      if (item.newer?.length) io.err(`note: lines written by a newer version of the extension touch ${key}: its state here may differ (${item.newer[0]})`);
      await apply(store, action, item, labels);
      const now = store.getItem(key);
      if (action === 'return' || action === 'reject') notePaused(store, io, 'the item is labeled again');
      const settled = item.conflict?.length && !now?.conflict?.length ? `; settles the review conflict (${sides(item.conflict)})` : '';
      const conflict = now?.conflict?.length ? `, review conflict: ${sides(now.conflict)}` : '';
      io.out(`${DONE[action](key)} as ${store.labeler}${action === 'decide' ? `: ${[...new Set(labels)].join(', ')}` : ''} (now ${now?.state ?? 'unknown'}${conflict})${settled}`);
      return 0;
    } finally {
      await store.close();
    }
  },
};

/** "approve by rev1, decide neg by rev2" */
function sides(decisions: readonly ReviewDecision[]): string {
  return decisions.map((d) => `${d.kind}${d.annotation?.kind === 'classes' ? ` ${d.annotation.labels.join('+')}` : ''} by ${d.by}`).join(', ');
}

async function apply(store: ProjectStore, action: ReviewAction, item: ItemView, labels: string[]): Promise<void> {
  const { key, version } = item;
  switch (action) {
    case 'approve':
    case 'reject':
      if (!item.mine && !item.others.length) throw new LabelingError('invalid-input', `item "${key}" has no labels to ${action} (it is ${item.state})`, { field: 'item' });
      return action === 'approve' ? store.approve(key, version) : store.reject(key, version);
    case 'accept-skip':
    case 'return':
      if (item.state !== 'skipped') throw new LabelingError('invalid-input', `item "${key}" is not skipped (it is ${item.state})`, { field: 'item' });
      return action === 'return' ? store.unskip(key) : store.acceptSkip(key, version);
    case 'decide':
      return store.decide(key, decision(store, labels), version);
  }
}

/** The final annotation --label gives, checked against the project with messages naming the flag. */
export function decision(store: ProjectStore, given: string[]): Annotation {
  const def = store.def;
  const kind = annotationKindOf(def.type);
  if (kind !== 'classes') {
    throw new LabelingError('invalid-input', `decide in a ${def.type} project needs ${kind} drawn on the item, which the CLI cannot build: decide it in the editor, or approve or reject`);
  }
  const names = def.labels.map((l) => l.name);
  const labels = [...new Set(given)];
  if (!labels.length) throw new LabelingError('invalid-input', `decide needs the final label: --label <l> (one of ${names.join(', ')})`, { field: '--label' });
  const unknown = labels.find((l) => !names.includes(l));
  if (unknown !== undefined) throw new LabelingError('invalid-input', `unknown label "${unknown}"; the project's labels are ${names.join(', ')}`, { field: '--label' });
  if (!isMultiLabel(def.type) && labels.length > 1) {
    throw new LabelingError('invalid-input', `a ${def.type} project takes exactly one --label, got ${labels.length} (${labels.join(', ')})`, { field: '--label' });
  }
  return { kind: 'classes', labels };
}
