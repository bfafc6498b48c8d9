/**
 * data-labeling roles <workspace> <id>                                   prints the roles
 * data-labeling roles <workspace> <id> --set <labeler>=<role,role>... [--as <labeler>]   sets them (manager)
 * Every --set is checked before anything is written; all of them are one roles event.
 */
import * as path from 'node:path';
import { LabelingError } from '../../core/errors';
import type { ProjectDef, Role } from '../../core/model';
import { labelerKey, ROLES } from '../../core/team/roles';
import { parseCommandArgs, requirePositional, type CliCommand, type CliIo } from '../io';
import { openProjectAs } from '../project';

const usage = 'data-labeling roles <workspace> <id> [--set <labeler>=<role,role>]... [--as <labeler>]';

export const rolesCommand: CliCommand = {
  name: 'roles',
  summary: 'print the roles, or set them with --set (manager)',
  usage,
  help: [
    `Roles: ${ROLES.join(', ')}. Each --set replaces that labeler's roles; <labeler>= with nothing after it removes them.`,
    'A project without roles lets everyone do everything; its first roles must name a manager, and no',
    'change may leave it without one. Labeler ids compare case-insensitively.',
  ].join('\n'),
  examples: ['data-labeling roles . reviews --set lead@example.com=manager,reviewer --set ann@example.com=labeler', 'data-labeling roles . reviews --set ann@example.com='],
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      set: { type: 'string', multiple: true },
      as: { type: 'string' },
    });
    const root = path.resolve(requirePositional(positionals, 0, 'workspace', usage));
    const id = requirePositional(positionals, 1, 'id', usage);
    if (positionals.length > 2) {
      throw new LabelingError('invalid-input', `unexpected "${positionals[2]}": each labeler needs its own --set <labeler>=<role,role>`);
    }
    const set = values.set ? parseRoleSets(values.set) : undefined;
    const store = await openProjectAs(root, id, values.as, io);
    try {
      if (set) {
        await store.setRoles(set);
        io.out(`set the roles of ${Object.keys(set).length} labeler${Object.keys(set).length === 1 ? '' : 's'} as ${store.labeler}`);
      }
      printRoles(io, store.def);
      return 0;
    } finally {
      await store.close();
    }
  },
};

/** `<labeler>=<role,role>` each; every one is checked, the first fault named with its argument. */
export function parseRoleSets(args: readonly string[]): Record<string, Role[]> {
  const out: Record<string, Role[]> = {};
  const seen = new Map<string, string>();
  for (const arg of args) {
    const fail = (why: string): never => {
      throw new LabelingError('invalid-input', `--set "${arg}": ${why}`, { field: '--set' });
    };
    const eq = arg.lastIndexOf('=');
    if (eq < 0) fail(`use <labeler>=<role,role> (roles: ${ROLES.join(', ')}; nothing after = removes the labeler's roles)`);
    const who = arg.slice(0, eq).trim();
    if (!who) fail('the labeler id is empty');
    const roles = arg
      .slice(eq + 1)
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean);
    const bad = roles.find((r) => !(ROLES as readonly string[]).includes(r));
    if (bad !== undefined) fail(`"${bad}" is not a role (roles: ${ROLES.join(', ')})`);
    const twice = seen.get(labelerKey(who));
    if (twice !== undefined) fail(`${who} is already given by --set "${twice}"`);
    seen.set(labelerKey(who), arg);
    out[who] = ROLES.filter((r) => roles.includes(r));
  }
  return out;
}

function printRoles(io: CliIo, def: ProjectDef): void {
  const entries = Object.entries(def.roles ?? {}).sort(([a], [b]) => (labelerKey(a) < labelerKey(b) ? -1 : labelerKey(a) > labelerKey(b) ? 1 : 0));
  if (!entries.length) {
    io.out(`project "${def.id}" has no roles: everyone may do everything`);
    return;
  }
  const width = Math.max(...entries.map(([who]) => who.length));
  io.out(`roles of project "${def.id}":`);
  for (const [who, roles] of entries) io.out(`  ${who.padEnd(width)}  ${ROLES.filter((r) => roles.includes(r)).join(', ')}`);
}
