/**
 * data-labeling assign <workspace> <id> --to <labeler> <item>...
 * data-labeling assign <workspace> <id> --unassign <item>...
 * Every item is checked first; then one assign event per item that changes (manager).
 */
import * as path from 'node:path';
import { LabelingError } from '../../core/errors';
import { requireRole } from '../../core/store/guards';
import { sameLabeler } from '../../core/team/roles';
import { parseCommandArgs, requirePositional, type CliCommand } from '../io';
import { listSome, notePaused, openProjectAs } from '../project';

const usage = 'data-labeling assign <workspace> <id> (--to <labeler> | --unassign) <item>... [--as <labeler>]';

export const assignCommand: CliCommand = {
  name: 'assign',
  summary: 'assign items to a labeler, or unassign them (manager)',
  usage,
  help: 'An assigned item comes first in its labeler\'s queue. Items already assigned that way are left as they are.',
  examples: ['data-labeling assign . reviews --to ann@example.com data/reviews.csv#r1 data/reviews.csv#r2', 'data-labeling assign . reviews --unassign data/reviews.csv#r1'],
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      to: { type: 'string' },
      unassign: { type: 'boolean' },
      as: { type: 'string' },
    });
    const root = path.resolve(requirePositional(positionals, 0, 'workspace', usage));
    const id = requirePositional(positionals, 1, 'id', usage);
    if (values.to !== undefined && values.unassign) throw new LabelingError('invalid-input', 'give --to <labeler> or --unassign, not both', { field: '--to' });
    if (values.to === undefined && !values.unassign) throw new LabelingError('invalid-input', `--to <labeler> or --unassign is required\nusage: ${usage}`, { field: '--to' });
    const to = values.to?.trim();
    if (to === '') throw new LabelingError('invalid-input', '--to needs a labeler id', { field: '--to' });
    const keys = [...new Set(positionals.slice(2))];
    if (!keys.length) throw new LabelingError('invalid-input', `missing <item>\nusage: ${usage}`);
    const store = await openProjectAs(root, id, values.as, io);
    try {
      requireRole(store.def, store.labeler, 'manager'); // the store's check, before the checks of the arguments
      const roles = store.def.roles;
      if (to !== undefined && roles && Object.keys(roles).length) {
        const labelers = Object.entries(roles).filter(([, r]) => r.includes('labeler')).map(([who]) => who);
        if (!labelers.some((l) => sameLabeler(l, to))) {
          throw new LabelingError('invalid-input', `${to} is not a labeler in project "${id}" (labelers: ${labelers.join(', ') || 'none'})`, { field: '--to' });
        }
      }
      const items = keys.map((key) => ({ key, item: store.getItem(key) }));
      const missing = items.filter((i) => !i.item).map((i) => i.key);
      if (missing.length) {
        throw new LabelingError('not-found', `no item ${listSome(missing.map((k) => `"${k}"`))} in project "${id}"; nothing was assigned`, { field: 'item' });
      }
      const todo = items.filter((i) => i.item!.assignee !== to).map((i) => i.key);
      let written = 0;
      try {
        for (const key of todo) {
          await store.assign(key, to);
          written++;
        }
      } catch (e) {
        if (!written || !(e instanceof LabelingError)) throw e;
        throw new LabelingError(e.reason, `${e.message} (after ${verb(to)} ${written} of ${todo.length} items)`, {}, { cause: e });
      }
      if (to !== undefined && written) notePaused(store, io, `${to} labels them`);
      const same = keys.length - todo.length;
      io.out(`${verb(to)} ${written} item${written === 1 ? '' : 's'}${to !== undefined ? ` to ${to}` : ''}${same ? ` (${same} already ${same === 1 ? 'was' : 'were'})` : ''}`);
      return 0;
    } finally {
      await store.close();
    }
  },
};

const verb = (to: string | undefined): string => (to === undefined ? 'unassigned' : 'assigned');
