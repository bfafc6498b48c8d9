/**
 * Annotations as stored in the index (ev.ann, items.final): their JSON text with the constant
 * `{"kind":"…","…":` prefix and closing brace replaced by one control character. A pure text
 * transform, so equal annotations stay equal texts; at 3M classification events it saves ~110 MB.
 */
import { ANNOTATION_KINDS, type Annotation } from '../model';

/** `{"kind":"…","<list>":` per kind, at its code (model.ts ANNOTATION_KINDS). */
const PREFIXES: string[] = [];
for (const [kind, { list, code }] of Object.entries(ANNOTATION_KINDS)) PREFIXES[code] = `{"kind":"${kind}","${list}":`;
/** Codes 0x02.. (JSON text always starts with '{', so a code never collides with plain JSON). */
const FIRST_CODE = 2;

export function packAnnText(json: string): string {
  if (json.charCodeAt(json.length - 1) !== 0x7d) return json;
  for (let i = 0; i < PREFIXES.length; i++) {
    if (json.startsWith(PREFIXES[i]!)) return String.fromCharCode(FIRST_CODE + i) + json.slice(PREFIXES[i]!.length, -1);
  }
  return json;
}

export function unpackAnnText(text: string): string {
  const prefix = PREFIXES[text.charCodeAt(0) - FIRST_CODE];
  return prefix === undefined ? text : `${prefix}${text.slice(1)}}`;
}

export const packAnn = (a: Annotation): string => packAnnText(JSON.stringify(a));
export const unpackAnn = (text: string): Annotation => JSON.parse(unpackAnnText(text)) as Annotation;
