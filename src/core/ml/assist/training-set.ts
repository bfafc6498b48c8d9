/**
 * The human labels ML assist trains on (issue 12 item 1): FINAL labels only. An item counts when its
 * state is 'labeled' (one labeler's submit, consensus reached, or a reviewer's approve/decide) and it has
 * a final annotation; items incomplete, needing review (labelers disagree), skipped, rejected back to the
 * queue or missing are left out, and prelabels never count (the store keeps them out of `final`).
 *
 * Read with the store's long-reader path (`readItemsInState('labeled')`: the labeled items' rows only, in
 * keyset slices under an index lease, a turn of
 * the event loop between slices), so submits interleave and a rebuild can cancel the read. The reader
 * here also yields every COLLECT_SLICE_MS of its own: the store's slices (SLICE_MS, 8 ms) are longer than a
 * submit can wait behind while ML assist runs (bench:ml jobs: a submit takes a few turns of the event loop,
 * each waiting up to one slice; 12% of the submits during the read went over 10 ms).
 */
import { LabelingError, throwIfAborted } from '../../errors';
import type { Annotation, ProjectDef, ProjectType } from '../../model';
import { TimeSlicer } from '../../store/time-slice';
import type { BriefItem } from '../../store/types';

/** The project types the built-in text models serve. */
export const ASSIST_TEXT_TYPES = ['text-classification', 'text-multilabel', 'text-ner'] as const;
export type AssistTextType = (typeof ASSIST_TEXT_TYPES)[number];

export function isAssistTextType(t: ProjectType): t is AssistTextType {
  return (ASSIST_TEXT_TYPES as readonly string[]).includes(t);
}

export interface TrainingExample {
  key: string;
  text: string;
  /** The item's final annotation ('classes' or 'spans'). */
  final: Annotation;
}

export interface TrainingSet {
  projectId: string;
  type: AssistTextType;
  /** In item key order. */
  examples: TrainingExample[];
  /** Labeled items left out because their text could not be read (the file is gone or unreadable). */
  withoutText: string[];
}

/** What collectTrainingSet reads of a store (a ProjectStore). */
export interface TrainingSource {
  readonly def: ProjectDef;
  readItemsInState(state: 'labeled', opts: { signal?: AbortSignal; name?: string }): AsyncIterable<BriefItem>;
}

export interface CollectOptions {
  /** Called every few hundred items with the number read so far. */
  onProgress?: (read: number) => void;
}

/** How long the training-set reader works before it gives the event loop a turn (ms; the store's own slices are SLICE_MS). */
export const COLLECT_SLICE_MS = 2;

/** The final human labels of a text project with each item's text (see the file comment). */
export async function collectTrainingSet(store: TrainingSource, signal?: AbortSignal, opts: CollectOptions = {}): Promise<TrainingSet> {
  const examples: TrainingExample[] = [];
  const read = await readTrainingExamples(store, (e) => examples.push(e), signal, opts);
  return { ...read, examples };
}

/**
 * collectTrainingSet's read, each example handed to `onExample` in item key order instead of kept (the
 * pipeline packs them for the worker as they come: training-set objects never pile up on the extension
 * host's heap). Returns the set without its examples.
 */
export async function readTrainingExamples(
  store: TrainingSource,
  onExample: (e: TrainingExample) => void,
  signal?: AbortSignal,
  opts: CollectOptions = {},
): Promise<Omit<TrainingSet, 'examples'>> {
  const def = store.def;
  if (!isAssistTextType(def.type)) {
    throw new LabelingError('invalid-input', `the built-in text models serve ${ASSIST_TEXT_TYPES.join(', ')} projects, not ${def.type}`, { field: 'type' });
  }
  throwIfAborted(signal);
  const kind = def.type === 'text-ner' ? 'spans' : 'classes';
  const withoutText: string[] = [];
  const slicer = new TimeSlicer(COLLECT_SLICE_MS, signal);
  let read = 0;
  for await (const item of store.readItemsInState('labeled', { ...(signal ? { signal } : {}), name: 'ML assist training set' })) {
    if (++read % 500 === 0) opts.onProgress?.(read);
    if (item.final && item.final.kind === kind) {
      if (typeof item.text !== 'string') withoutText.push(item.key);
      else onExample({ key: item.key, text: item.text, final: item.final });
    }
    if (slicer.due()) await slicer.pause();
  }
  opts.onProgress?.(read);
  return { projectId: def.id, type: def.type, withoutText };
}
