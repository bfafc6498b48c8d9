/** Entity-level evaluation of NER tag sequences (gold against predicted). */
import { LabelingError } from '../errors';
import { tagsToTokenSpans, type TokenSpan } from './ner-bio';

export interface EntityScores {
  gold: number;
  predicted: number;
  correct: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Entity-level micro precision, recall and F1: a predicted span counts when start, end and label all match. */
export function entityScores(gold: readonly (readonly string[])[], predicted: readonly (readonly string[])[]): EntityScores {
  if (gold.length !== predicted.length) throw new LabelingError('invalid-input', `${predicted.length} predicted sentences for ${gold.length} gold ones`, { field: 'predicted' });
  let nGold = 0;
  let nPred = 0;
  let correct = 0;
  gold.forEach((g, i) => {
    const key = (s: TokenSpan): string => `${s.start}:${s.end}:${s.label}`;
    const gs = new Set(tagsToTokenSpans(g).map(key));
    const ps = tagsToTokenSpans(predicted[i]!).map(key);
    nGold += gs.size;
    nPred += ps.length;
    for (const p of ps) if (gs.has(p)) correct++;
  });
  const precision = nPred ? correct / nPred : 0;
  const recall = nGold ? correct / nGold : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { gold: nGold, predicted: nPred, correct, precision, recall, f1 };
}
