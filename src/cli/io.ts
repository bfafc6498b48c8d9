/** What a CLI command gets: its arguments and where to write. Tests pass their own streams. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { LabelingError } from '../core/errors';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

export interface CliCommand {
  name: string;
  /** One line for `--help`. */
  summary: string;
  usage: string;
  /** More for `<command> --help`: what the arguments mean. */
  help?: string;
  /** Example command lines, shown by `--help` and `<command> --help`. */
  examples?: readonly string[];
  /** Returns the exit code. Throw LabelingError for user errors (printed to stderr, exit 1). */
  run(args: string[], io: CliIo): Promise<number>;
}

/** node:util parseArgs with errors turned into LabelingError('invalid-input'). */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new LabelingError('invalid-input', (e as Error).message);
  }
}

export function requirePositional(positionals: string[], index: number, name: string, usage: string): string {
  const v = positionals[index];
  if (v === undefined || v === '') throw new LabelingError('invalid-input', `missing <${name}>\nusage: ${usage}`);
  return v;
}

/**
 * What ProjectStore.open needs of the installation: sql-wasm.wasm, and the bundled worker beside the
 * bundled CLI (dist/worker.js: index builds scan data sources in a worker thread); from source, none.
 */
export function storeFiles(): { wasmPath: string; workerFile?: string } {
  const worker = path.join(__dirname, 'worker.js');
  return { wasmPath: sqlWasmPath(), ...(fs.existsSync(worker) ? { workerFile: worker } : {}) };
}

/** sql-wasm.wasm beside the bundled CLI (dist/), else from node_modules when run from source (src/cli). */
export function sqlWasmPath(): string {
  const beside = path.join(__dirname, 'sql-wasm.wasm');
  return fs.existsSync(beside) ? beside : path.resolve(__dirname, '../../node_modules/sql.js/dist/sql-wasm.wasm');
}
