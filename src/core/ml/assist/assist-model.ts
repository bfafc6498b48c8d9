/**
 * One face over the built-in text models for ML assist: multi-class and multi-label text classification
 * (text-model.ts) and NER (ner-perceptron.ts). A prediction carries the annotation the model proposes
 * and ONE confidence that the validated threshold (validation.ts) is compared with:
 *  - multi-class: the top label's probability; right when it is the final label;
 *  - multi-label: the labels at probability >= 0.5, and the certainty of the least certain of the
 *    per-label decisions, min_k max(p_k, 1 - p_k); right when the set equals the final set;
 *  - NER: per span, its marginal probability; a span is right when start, end and label match a final
 *    span (thresholds are per span: a suggestion keeps the spans at or above the threshold).
 */
import { LabelingError } from '../../errors';
import type { Annotation, Span } from '../../model';
import { NerModel, type NerModelJson } from '../ner-perceptron';
import { textToBio, tokenSpansToChars } from '../ner-bio';
import { TextModel, type TextModelJson } from '../text-model';
import type { AssistTextType } from './training-set';

/** Model names written to manifests and printed by the CLI (`"model"`). */
export const MODEL_NAMES: Record<AssistTextType, string> = {
  'text-classification': 'tfidf-logreg',
  'text-multilabel': 'tfidf-logreg-ovr',
  'text-ner': 'ner-perceptron',
};

export type ScoredSpan = Span & { confidence: number };

export type AssistPrediction =
  | { type: 'text-classification'; label: string; confidence: number }
  | { type: 'text-multilabel'; labels: string[]; confidence: number }
  /** `confidence`: the lowest span confidence; null when the model finds no span. */
  | { type: 'text-ner'; spans: ScoredSpan[]; confidence: number | null };

/** The serialised form inside a model file. */
export interface AssistModelJson {
  type: AssistTextType;
  model: TextModelJson | NerModelJson;
}

export class AssistModel {
  private constructor(
    readonly type: AssistTextType,
    private readonly text: TextModel | undefined,
    private readonly ner: NerModel | undefined,
  ) {}

  static ofText(type: 'text-classification' | 'text-multilabel', model: TextModel): AssistModel {
    return new AssistModel(type, model, undefined);
  }
  static ofNer(model: NerModel): AssistModel {
    return new AssistModel('text-ner', undefined, model);
  }

  get name(): string {
    return MODEL_NAMES[this.type];
  }

  get trainedOn(): number {
    return this.text ? this.text.info.trainedOn : this.ner!.trainedOn;
  }

  predict(text: string): AssistPrediction {
    if (this.type === 'text-ner') {
      const bio = textToBio(text, []);
      const p = this.ner!.predict(bio.words);
      const spans = tokenSpansToChars(bio.offsets, p.spans).map((s) => ({ start: s.start, end: s.end, label: s.label, confidence: s.confidence }));
      return { type: 'text-ner', spans, confidence: spans.length ? Math.min(...spans.map((s) => s.confidence)) : null };
    }
    const m = this.text!;
    if (this.type === 'text-classification') {
      const p = m.predict(text);
      return { type: 'text-classification', label: p.label, confidence: p.confidence };
    }
    const p = m.predictLabels(text, 0.5);
    let confidence = 1;
    for (const l of m.labels) confidence = Math.min(confidence, Math.max(p.probs[l]!, 1 - p.probs[l]!));
    return { type: 'text-multilabel', labels: p.labels, confidence };
  }

  toJSON(): AssistModelJson {
    return { type: this.type, model: this.text ? this.text.toJSON() : this.ner!.toJSON() };
  }

  static fromJSON(json: unknown, file?: string): AssistModel {
    const o = json as Partial<AssistModelJson> | null;
    if (!o || typeof o !== 'object') throw new LabelingError('invalid-input', 'a model file must hold a JSON object', { file, field: 'type' });
    if (o.type === 'text-ner') return AssistModel.ofNer(NerModel.fromJSON(o.model, file));
    if (o.type === 'text-classification' || o.type === 'text-multilabel') {
      const m = TextModel.fromJSON(o.model, file);
      const want = o.type === 'text-classification' ? 'multi-class' : 'multi-label';
      if (m.kind !== want) throw new LabelingError('invalid-input', `a ${o.type} model must be ${want}, the file holds ${m.kind}`, { file, field: 'model.kind' });
      return AssistModel.ofText(o.type, m);
    }
    throw new LabelingError('invalid-input', `must be text-classification, text-multilabel or text-ner, got ${JSON.stringify(o.type)}`, { file, field: 'type' });
  }
}

/**
 * The annotation to suggest from a prediction at `threshold`, or undefined: classification when the
 * confidence reaches it (a multi-label prediction of no label is not suggested: nothing to show);
 * NER the spans reaching it, when there is one.
 */
export function suggestionOf(p: AssistPrediction, threshold: number): { annotation: Annotation; confidence: number } | undefined {
  if (p.type === 'text-ner') {
    const kept = p.spans.filter((s) => s.confidence >= threshold);
    if (!kept.length) return undefined;
    return { annotation: { kind: 'spans', spans: kept.map(({ start, end, label }) => ({ start, end, label })) }, confidence: Math.min(...kept.map((s) => s.confidence)) };
  }
  if (p.confidence < threshold) return undefined;
  if (p.type === 'text-classification') return { annotation: { kind: 'classes', labels: [p.label] }, confidence: p.confidence };
  return p.labels.length ? { annotation: { kind: 'classes', labels: p.labels }, confidence: p.confidence } : undefined;
}
