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
  constructor(
    readonly reason: ErrorReason,
    message: string,
    readonly where: ErrorLocation = {},
    options?: { cause?: unknown },
  ) {
    super(formatMessage(message, where), options);
  }
}

function formatMessage(message: string, where: ErrorLocation): string {
  const parts: string[] = [];
  if (where.file) parts.push(where.line ? `${where.file}:${where.line}` : where.file);
  if (where.field) parts.push(where.field);
  return parts.length ? `${parts.join(': ')}: ${message}` : message;
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
