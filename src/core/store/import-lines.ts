/**
 * Large writes chunked (architecture.md, "One owner of the index"): an import of many submits is
 * written as several journal lines of at most IMPORT_LINE_MAX submits, each line all-or-nothing and
 * one step of the store's write chain, with a turn of the event loop between lines so submits
 * interleave. Every submit is checked first, in slices, so a refused import writes nothing; a cancel
 * stops between lines and says how many were written.
 */
import { LabelingError } from '../errors';
import type { EventPayload, SubmitPayload } from '../journal/events';
import type { LabelClass, ProjectDef } from '../model';
import { TimeSlicer, throwIfAbortedWith, yieldToEventLoop } from './time-slice';

/** Submits per import line: a line is read, checked and applied in one piece. */
export const IMPORT_LINE_MAX = 5_000;

export interface ImportOptions {
  signal?: AbortSignal;
  /** After each line written: lines and submits written so far, of the total. */
  onProgress?: (p: { lines: number; of: number; submits: number; total: number }) => void;
  /** Submits per line (tests); IMPORT_LINE_MAX by default. */
  lineMax?: number;
}

export interface ImportResult {
  /** Journal lines written (the import's batches). */
  lines: number;
  submits: number;
}

/** The batch id of line i (0-based) of n: the import's id itself when it is one line. */
export function lineBatchId(batch: string, i: number, n: number): string {
  return n === 1 ? batch : `${batch}.${i + 1}`;
}

export interface ImportSteps {
  /** Role checks and the labels the import creates: the definition submits are checked against. */
  prepare(): { def: ProjectDef; added: LabelClass[] };
  /** Throws a clear error (naming submits[i]) for a submit that cannot be written. */
  check(def: ProjectDef, s: SubmitPayload, i: number): void;
  /** Appends one line as a write step; `first` is set for the first line (it carries the labels; no line: labels only). */
  write(line: EventPayload | undefined, first?: { def: ProjectDef; added: LabelClass[] }): Promise<void>;
}

export async function writeImport(batch: string, submits: SubmitPayload[], opts: ImportOptions, steps: ImportSteps): Promise<ImportResult> {
  const { signal } = opts;
  const max = Math.max(1, Math.floor(opts.lineMax ?? IMPORT_LINE_MAX));
  const prepared = steps.prepare();
  const slicer = new TimeSlicer(undefined, signal);
  for (let i = 0; i < submits.length; i++) {
    steps.check(prepared.def, submits[i]!, i);
    if (slicer.due()) await slicer.pause();
  }
  throwIfAbortedWith(signal);
  const n = Math.ceil(submits.length / max);
  if (!n) {
    if (prepared.added.length) await steps.write(undefined, prepared);
    return { lines: 0, submits: 0 };
  }
  let written = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0) {
      await yieldToEventLoop();
      if (signal?.aborted) {
        throw new LabelingError('cancelled', `Import cancelled: ${i} of ${n} batches imported (${written.toLocaleString('en-US')} of ${submits.length.toLocaleString('en-US')} annotations); the rest was not written.`);
      }
    }
    const part = submits.slice(i * max, (i + 1) * max);
    await steps.write({ type: 'import', batch: lineBatchId(batch, i, n), submits: part }, i === 0 ? prepared : undefined);
    written += part.length;
    opts.onProgress?.({ lines: i + 1, of: n, submits: written, total: submits.length });
  }
  return { lines: n, submits: written };
}
