/**
 * Errors raised by core carry a machine-readable `reason` and a message that names the file, line and
 * field at fault. Command handlers catch them, log them and show the message.
 */
export type ErrorReason =
  | 'invalid-project' // project.json does not validate
  | 'invalid-input' // a malformed import file, CSV row, journal line...
  | 'outside-workspace' // a path that escapes the workspace
  | 'not-found'
  | 'conflict' // stale review, item changed since it was read
  | 'paused' // the project is paused
  | 'forbidden' // role does not allow the action
  | 'cancelled'
  | 'io';

export interface ErrorLocation {
  file?: string;
  /** 1-based line number. */
  line?: number;
  /** Field or JSON path, e.g. `labels[2].hotkey`. */
  field?: string;
}

export class LabelingError extends Error {
  override readonly name = 'LabelingError';
  /** The message without its location (`message` is it with the location in front). */
  readonly detail: string;
  constructor(
    readonly reason: ErrorReason,
    message: string,
    readonly where: ErrorLocation = {},
    options?: { cause?: unknown },
  ) {
    super(formatMessage(message, where), options);
    this.detail = message;
  }
}

function formatMessage(message: string, where: ErrorLocation): string {
  const parts: string[] = [];
  if (where.file) parts.push(where.line ? `${where.file}:${where.line}` : where.file);
  if (where.field) parts.push(where.field);
  return parts.length ? `${parts.join(': ')}: ${message}` : message;
}

/** What an errno code means, in words a user can act on. */
const CAUSES: Record<string, string> = {
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exceeded',
  ENOENT: 'no such file or folder',
  EEXIST: 'it already exists',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EBUSY: 'it is busy or locked',
  EIO: 'an input/output error (the disk or network drive failed)',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'too many symbolic links',
  EFBIG: 'the file is too large',
  ETXTBSY: 'it is busy or locked',
};

const ACTIONS: Record<string, string> = {
  open: 'cannot open',
  read: 'cannot read',
  write: 'cannot write',
  fsync: 'cannot write',
  fdatasync: 'cannot write',
  ftruncate: 'cannot write',
  mkdir: 'cannot create the folder',
  scandir: 'cannot list the folder',
  stat: 'cannot read',
  lstat: 'cannot read',
  rename: 'cannot rename',
  unlink: 'cannot remove',
  rmdir: 'cannot remove',
  rm: 'cannot remove',
  copyfile: 'cannot copy',
  link: 'cannot link',
  symlink: 'cannot link',
};

function errnoOf(e: unknown): (Error & { code: string; path?: string; dest?: string }) | undefined {
  if (!(e instanceof Error)) return undefined;
  const code = (e as NodeJS.ErrnoException).code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? (e as Error & { code: string }) : undefined;
}

/** The cause of a Node I/O error in one phrase: "the disk is full (ENOSPC)". */
export function ioCause(e: unknown): string {
  const err = errnoOf(e);
  if (!err) return e instanceof Error ? e.message : String(e);
  const text = CAUSES[err.code] ?? err.message.replace(/^[A-Z0-9]+: /, '').replace(/,.*$/, '');
  return `${text} (${err.code})`;
}

/** An 'io' LabelingError naming the path and the cause: "<file>: cannot append to the journal: the disk is full (ENOSPC)". */
export function ioError(action: string, file: string, e: unknown): LabelingError {
  if (e instanceof LabelingError) return e;
  return new LabelingError('io', `${action}: ${ioCause(e)}`, { file }, { cause: e });
}

/**
 * At a boundary (CLI, command handlers): a LabelingError as it is, a Node I/O error as an 'io'
 * LabelingError naming its path and cause; anything else undefined (an unexpected error).
 */
export function asLabelingError(e: unknown): LabelingError | undefined {
  if (e instanceof LabelingError) return e;
  const err = errnoOf(e);
  if (!err) return undefined;
  const file = err.path ?? '';
  const syscall = (err as NodeJS.ErrnoException).syscall ?? '';
  const action = ACTIONS[syscall] ?? (syscall ? `${syscall} failed` : 'I/O failed');
  return new LabelingError('io', `${action}: ${ioCause(err)}${err.dest ? ` (to ${err.dest})` : ''}`, file ? { file } : {}, { cause: e });
}

export function isCancelled(e: unknown): boolean {
  return (
    (e instanceof LabelingError && e.reason === 'cancelled') ||
    (e instanceof Error && (e.name === 'AbortError' || e.name === 'CanceledError'))
  );
}

/** Throws a `cancelled` LabelingError when the signal is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new LabelingError('cancelled', 'Cancelled.');
}
