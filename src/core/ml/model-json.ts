/**
 * What every saved model file shares (text, image and NER models): typed arrays as little-endian base64, and
 * the checks of its header (format, version, kind, labels, training figures), each failure a LabelingError
 * naming the field and, when given, the file.
 */
import { LabelingError, type ErrorLocation } from '../errors';

export type Bad = (field: string, message: string) => LabelingError;

/** A typed array's bytes as base64. */
export function toBase64(a: Int32Array | Uint32Array | Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

/**
 * The bytes of a base64 string of 4-byte values, copied into an aligned buffer. A string that is not
 * base64 is refused by its decoded length: Node's decoder skips characters outside the alphabet, so any
 * such character leaves fewer bytes than the string's length promises. (A regular expression over a
 * model's 9 MB of base64 held the extension host for ~120 ms; this costs nothing beyond the decode.)
 */
export function fromBase64(value: unknown, field: string, bad: Bad): ArrayBuffer {
  if (typeof value !== 'string' || value.length % 4 !== 0) throw bad(field, 'must be a base64 string');
  const pad = value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0;
  const bytes = Buffer.from(value, 'base64');
  const eq = value.indexOf('=');
  if (bytes.length !== (value.length / 4) * 3 - pad || (eq >= 0 && eq < value.length - pad)) throw bad(field, 'must be a base64 string');
  if (bytes.length % 4 !== 0) throw bad(field, `${bytes.length} bytes is not a whole number of 4-byte values`);
  const out = new ArrayBuffer(bytes.length);
  new Uint8Array(out).set(bytes);
  return out;
}

/** The error maker of one model file. */
export function badField(file?: string): Bad {
  const at = (field: string): ErrorLocation => (file ? { file, field } : { field });
  return (field, message) => new LabelingError('invalid-input', message, at(field));
}

/**
 * Checks the header of a classifier's JSON (text or image: `what`): the object, its format and version, kind
 * (multi-class or multi-label), a non-empty list of label names and the numbers trainedOn, C and iterations.
 */
export function classifierHeader(
  json: unknown,
  what: string,
  format: string,
  version: number,
  bad: Bad,
): { o: Record<string, unknown>; kind: 'multi-class' | 'multi-label'; labels: string[] } {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw bad('format', `${/^[aeiou]/.test(what) ? 'an' : 'a'} ${what} model must be a JSON object`);
  const o = json as Record<string, unknown>;
  if (o.format !== format) throw bad('format', `must be "${format}", got ${JSON.stringify(o.format)}`);
  if (o.version !== version) throw bad('version', `this extension reads ${what} model version ${version}, the file has ${JSON.stringify(o.version)}: retrain the model`);
  if (o.kind !== 'multi-class' && o.kind !== 'multi-label') throw bad('kind', `must be "multi-class" or "multi-label", got ${JSON.stringify(o.kind)}`);
  const labels = o.labels;
  if (!Array.isArray(labels) || labels.length < 1 || !labels.every((l) => typeof l === 'string')) throw bad('labels', 'must be a non-empty array of strings');
  for (const name of ['trainedOn', 'C', 'iterations'] as const) {
    if (typeof o[name] !== 'number' || !Number.isFinite(o[name])) throw bad(name, 'must be a number');
  }
  return { o, kind: o.kind, labels: labels as string[] };
}
