/**
 * One face over the built-in models for ML assist: multi-class and multi-label text classification
 * (text-model.ts), NER (ner-perceptron.ts), and multi-class and multi-label image classification
 * (image-model.ts; predicting on a feature vector of image-features.ts or on decoded pixels). A
 * prediction carries the annotation the model proposes and ONE confidence that the validated threshold
 * (validation.ts) is compared with:
 *  - multi-class (text or image): the top label's probability; right when it is the final label;
 *  - multi-label (text or image): the labels at probability >= 0.5, and the certainty of the least
 *    certain of the per-label decisions, min_k max(p_k, 1 - p_k); right when the set equals the final set;
 *  - NER: per span, its marginal probability; a span is right when start, end and label match a final
 *    span (thresholds are per span: a suggestion keeps the spans at or above the threshold).
 */
import { LabelingError } from '../../errors';
import type { Annotation, Span } from '../../model';
import { imageFeatures, type ImageFeatureSettings, type ImageInput } from '../image-features';
import { ImageModel, type ImageModelJson } from '../image-model';
import { NerModel, type NerModelJson } from '../ner-perceptron';
import { textToBio, tokenSpansToChars } from '../ner-bio';
import { TextModel, type TextModelJson } from '../text-model';
import { ASSIST_IMAGE_TYPES, type AssistImageType } from './image-training-set';
import { ASSIST_TEXT_TYPES, type AssistTextType } from './training-set';

/** Every project type a built-in model serves. */
export type AssistModelType = AssistTextType | AssistImageType;
export const ASSIST_MODEL_TYPES: readonly AssistModelType[] = [...ASSIST_TEXT_TYPES, ...ASSIST_IMAGE_TYPES];

/** Model names written to manifests and printed by the CLI (`"model"`). */
export const MODEL_NAMES: Record<AssistModelType, string> = {
  'text-classification': 'tfidf-logreg',
  'text-multilabel': 'tfidf-logreg-ovr',
  'text-ner': 'ner-perceptron',
  'image-classification': 'image-features-logreg',
  'image-multilabel': 'image-features-logreg-ovr',
};

export type ScoredSpan = Span & { confidence: number };

export type AssistPrediction =
  | { type: 'text-classification'; label: string; confidence: number }
  | { type: 'text-multilabel'; labels: string[]; confidence: number }
  /** `confidence`: the lowest span confidence; null when the model finds no span. */
  | { type: 'text-ner'; spans: ScoredSpan[]; confidence: number | null };

/** An image model's prediction (plain data: it can be posted from a worker). */
export type AssistImagePrediction =
  | { type: 'image-classification'; label: string; confidence: number }
  | { type: 'image-multilabel'; labels: string[]; confidence: number };

export type AnyAssistPrediction = AssistPrediction | AssistImagePrediction;

/** The serialised form inside a model file. */
export interface AssistModelJson {
  type: AssistModelType;
  model: TextModelJson | NerModelJson | ImageModelJson;
}

/**
 * A built-in model of type T. Plain `AssistModel` is a text model (what the text pipeline, its worker
 * and predictQueue take); `AnyAssistModel` is a model of any type (what the model store loads).
 */
export class AssistModel<T extends AssistModelType = AssistTextType> {
  private constructor(
    readonly type: T,
    private readonly text: TextModel | undefined,
    private readonly ner: NerModel | undefined,
    private readonly image: ImageModel | undefined = undefined,
  ) {}

  static ofText<T extends 'text-classification' | 'text-multilabel'>(type: T, model: TextModel): AssistModel<T> {
    return new AssistModel(type, model, undefined);
  }
  static ofNer(model: NerModel): AssistModel<'text-ner'> {
    return new AssistModel('text-ner' as const, undefined, model);
  }
  static ofImage<T extends AssistImageType>(type: T, model: ImageModel): AssistModel<T> {
    const want = type === 'image-classification' ? 'multi-class' : 'multi-label';
    if (model.kind !== want) throw new LabelingError('invalid-input', `a ${type} model must be ${want}, got ${model.kind}`, { field: 'model.kind' });
    return new AssistModel(type, undefined, undefined, model);
  }

  get name(): string {
    return MODEL_NAMES[this.type];
  }

  get trainedOn(): number {
    if (this.image) return this.image.info.trainedOn;
    return this.text ? this.text.info.trainedOn : this.ner!.trainedOn;
  }

  /** An image model's feature settings: the vectors `predict` takes must be computed with them. */
  get imageSettings(): ImageFeatureSettings | undefined {
    return this.image?.settings;
  }

  /** A text model's prediction for a text. */
  predict(text: string): AssistPrediction;
  /** An image model's prediction for a feature vector (of `imageSettings`) or decoded pixels. */
  predict(image: Float32Array | ImageInput): AssistImagePrediction;
  predict(input: string | Float32Array | ImageInput): AnyAssistPrediction {
    if (this.image) {
      if (typeof input === 'string') throw new LabelingError('invalid-input', `a ${this.type} model predicts images, not texts`, { field: 'input' });
      return this.predictImage(this.image, input);
    }
    if (typeof input !== 'string') throw new LabelingError('invalid-input', `a ${this.type} model predicts texts, not images`, { field: 'input' });
    const text = input;
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
    return { type: 'text-multilabel', labels: p.labels, confidence: leastCertain(m.labels.map((l) => p.probs[l]!)) };
  }

  private predictImage(m: ImageModel, input: Float32Array | ImageInput): AssistImagePrediction {
    const p = m.probabilitiesOf(input instanceof Float32Array ? input : imageFeatures(input, m.settings).vector);
    if (this.type === 'image-classification') {
      let best = 0;
      for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
      return { type: 'image-classification', label: m.labels[best]!, confidence: p[best]! };
    }
    // As ImageModel.predictLabels: the labels at 0.5 or more, most probable first.
    const order: number[] = [];
    for (let k = 0; k < p.length; k++) if (p[k]! >= 0.5) order.push(k);
    order.sort((a, b) => p[b]! - p[a]! || a - b);
    return { type: 'image-multilabel', labels: order.map((k) => m.labels[k]!), confidence: leastCertain(p) };
  }

  toJSON(): AssistModelJson {
    return { type: this.type, model: this.image ? this.image.toJSON() : this.text ? this.text.toJSON() : this.ner!.toJSON() };
  }

  /** A text model's file (what the text predictor reads); an image model's is refused, said so. */
  static fromJSON(json: unknown, file?: string): AssistModel {
    const o = json as Partial<AssistModelJson> | null;
    if (!o || typeof o !== 'object') throw new LabelingError('invalid-input', 'a model file must hold a JSON object', { file, field: 'type' });
    if ((ASSIST_IMAGE_TYPES as readonly unknown[]).includes(o.type)) {
      throw new LabelingError('invalid-input', `holds a model of type ${String(o.type)}, not a text model (read it with AssistModel.fromAnyJSON)`, { file, field: 'type' });
    }
    if (o.type === 'text-ner') return AssistModel.ofNer(NerModel.fromJSON(o.model, file));
    if (o.type === 'text-classification' || o.type === 'text-multilabel') {
      const m = TextModel.fromJSON(o.model, file);
      const want = o.type === 'text-classification' ? 'multi-class' : 'multi-label';
      if (m.kind !== want) throw new LabelingError('invalid-input', `a ${o.type} model must be ${want}, the file holds ${m.kind}`, { file, field: 'model.kind' });
      return AssistModel.ofText(o.type, m);
    }
    throw new LabelingError('invalid-input', `must be text-classification, text-multilabel or text-ner, got ${JSON.stringify(o.type)}`, { file, field: 'type' });
  }

  /** A model file of any built-in type (what the model store loads). */
  static fromAnyJSON(json: unknown, file?: string): AnyAssistModel {
    const o = json as Partial<AssistModelJson> | null;
    if (o && typeof o === 'object' && (o.type === 'image-classification' || o.type === 'image-multilabel')) {
      const m = ImageModel.fromJSON(o.model, file);
      const want = o.type === 'image-classification' ? 'multi-class' : 'multi-label';
      if (m.kind !== want) throw new LabelingError('invalid-input', `a ${o.type} model must be ${want}, the file holds ${m.kind}`, { file, field: 'model.kind' });
      return AssistModel.ofImage(o.type, m);
    }
    if (o && typeof o === 'object' && !(ASSIST_TEXT_TYPES as readonly unknown[]).includes(o.type)) {
      throw new LabelingError('invalid-input', `must be one of ${ASSIST_MODEL_TYPES.join(', ')}, got ${JSON.stringify(o.type)}`, { file, field: 'type' });
    }
    return AssistModel.fromJSON(json, file);
  }
}

export type AnyAssistModel = AssistModel<AssistModelType>;
export type ImageAssistModel = AssistModel<AssistImageType>;

/** A multi-label prediction's confidence: the certainty of its least certain per-label decision, min_k max(p_k, 1 - p_k). */
function leastCertain(probs: ArrayLike<number>): number {
  let confidence = 1;
  for (let k = 0; k < probs.length; k++) confidence = Math.min(confidence, Math.max(probs[k]!, 1 - probs[k]!));
  return confidence;
}

/**
 * The annotation to suggest from a prediction at `threshold`, or undefined: classification when the
 * confidence reaches it (a multi-label prediction of no label is not suggested: nothing to show);
 * NER the spans reaching it, when there is one.
 */
export function suggestionOf(p: AnyAssistPrediction, threshold: number): { annotation: Annotation; confidence: number } | undefined {
  if (p.type === 'text-ner') {
    const kept = p.spans.filter((s) => s.confidence >= threshold);
    if (!kept.length) return undefined;
    return { annotation: { kind: 'spans', spans: kept.map(({ start, end, label }) => ({ start, end, label })) }, confidence: Math.min(...kept.map((s) => s.confidence)) };
  }
  if (p.confidence < threshold) return undefined;
  if (p.type === 'text-classification' || p.type === 'image-classification') return { annotation: { kind: 'classes', labels: [p.label] }, confidence: p.confidence };
  return p.labels.length ? { annotation: { kind: 'classes', labels: p.labels }, confidence: p.confidence } : undefined;
}
