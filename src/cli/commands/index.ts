/**
 * The command table. To add a command, write src/cli/commands/<name>.ts exporting a CliCommand and
 * add one line below (export and import are added this way).
 */
import type { CliCommand } from '../io';
import { agreementCommand } from './agreement';
import { assignCommand } from './assign';
import { assistCommand } from './assist';
import { exportCommand } from './export';
import { importCommand } from './import';
import { initCommand } from './init';
import { reviewCommand } from './review';
import { rolesCommand } from './roles';
import { statsCommand } from './stats';
import { validateCommand } from './validate';

export const COMMANDS: readonly CliCommand[] = [
  initCommand,
  statsCommand,
  validateCommand,
  exportCommand,
  importCommand,
  reviewCommand,
  assignCommand,
  rolesCommand,
  agreementCommand,
  assistCommand,
];
