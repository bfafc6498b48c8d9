/** data-labeling: a small command line over core for CI pipelines. */
import { asLabelingError } from '../core/errors';
import { COMMANDS } from './commands/index';
import type { CliCommand, CliIo } from './io';

export function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: data-labeling <command> [options]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    ...COMMANDS.map((c) => `  ${c.usage}`),
    '',
    'examples:',
    ...COMMANDS.flatMap((c) => (c.examples ?? []).map((e) => `  ${e}`)),
    '',
    IDENTITY_HELP,
    '',
    'Run "data-labeling <command> --help" for one command.',
  ].join('\n');
}

/**
 * Who a command writes as. Kept in step with src/cli/identity.ts and the README's CLI section.
 */
export const IDENTITY_HELP = [
  'Who writes: review, assign and roles act as --as <labeler> if given; else (and import always) as the',
  'extension does: the labeling.labeler user setting, read from the user settings.json of VS Code,',
  'VS Code Insiders, VSCodium and code-server (the first that sets it), else `git config user.email`',
  'in the workspace, else the OS user name. A project with roles refuses what that labeler may not do.',
].join('\n');

function commandHelp(cmd: CliCommand): string {
  const parts = [`usage: ${cmd.usage}`, cmd.summary];
  if (cmd.help) parts.push(cmd.help);
  if (cmd.examples?.length) parts.push(['examples:', ...cmd.examples.map((e) => `  ${e}`)].join('\n'));
  if (cmd.usage.includes('--as <labeler>')) parts.push(IDENTITY_HELP);
  return parts.join('\n\n');
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(helpText());
    return name ? 0 : 1;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    io.err(`data-labeling: unknown command "${name}"\n\n${helpText()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(commandHelp(cmd));
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    // A core error or an I/O error: one line naming the path and the cause. Anything else is a bug: its stack.
    const known = asLabelingError(e);
    io.err(`data-labeling ${name}: ${known ? known.message : e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 1;
  }
}

if (require.main === module) {
  // A reader that stops early (`data-labeling stats ... | head`) closes the pipe: end quietly, as other tools do.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });
  const io: CliIo = { out: (t) => process.stdout.write(`${t}\n`), err: (t) => process.stderr.write(`${t}\n`) };
  main(process.argv.slice(2), io).then(
    (code) => (process.exitCode = code),
    (e) => {
      process.stderr.write(`${String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
