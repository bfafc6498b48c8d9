/**
 * Keyboard token cursor for NER: the arrows move between whole tokens, Shift+arrows extend the
 * selection, Home/End jump to the first/last token. The selection is always whole tokens.
 */
import { firstTokenEndingAfter, type Token } from './tokenize';

export interface TokenCursor {
  /** Token index where the selection started. */
  anchor: number;
  /** Token index the cursor is on. */
  focus: number;
}

export type CursorKey = 'ArrowLeft' | 'ArrowRight' | 'Home' | 'End';

export function isCursorKey(key: string): key is CursorKey {
  return key === 'ArrowLeft' || key === 'ArrowRight' || key === 'Home' || key === 'End';
}

export function moveCursor(c: TokenCursor | undefined, key: CursorKey, extend: boolean, tokenCount: number): TokenCursor | undefined {
  if (tokenCount === 0) return undefined;
  const last = tokenCount - 1;
  if (!c) {
    const at = key === 'End' || key === 'ArrowLeft' ? last : 0;
    return { anchor: at, focus: at };
  }
  const clamp = (i: number) => Math.max(0, Math.min(last, i));
  const focus = clamp(key === 'ArrowLeft' ? c.focus - 1 : key === 'ArrowRight' ? c.focus + 1 : key === 'Home' ? 0 : last);
  return { anchor: extend ? clamp(c.anchor) : focus, focus };
}

/** The character range the cursor selects (whole tokens, end exclusive). */
export function cursorRange(tokens: readonly Token[], c: TokenCursor): { start: number; end: number } {
  const a = Math.min(c.anchor, c.focus);
  const b = Math.max(c.anchor, c.focus);
  return { start: tokens[a]!.start, end: tokens[b]!.end };
}

/** Index of the token containing or following `offset`; tokens.length if none follows. */
export function tokenIndexAt(tokens: readonly Token[], offset: number): number {
  return firstTokenEndingAfter(tokens, offset);
}

/** The cursor selecting exactly the tokens of a (snapped) character range. */
export function cursorFromRange(tokens: readonly Token[], start: number, end: number): TokenCursor | undefined {
  const a = tokenIndexAt(tokens, start);
  const b = tokenIndexAt(tokens, Math.max(start, end - 1));
  if (a >= tokens.length || b >= tokens.length || tokens[a]!.start >= end) return undefined;
  return { anchor: a, focus: b };
}
