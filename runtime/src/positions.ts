// 0-based line/column positions (the patch format's) to offsets in a text.
import type { Position } from '../../common/patch';

export function offsetAt(text: string, position: Position): number {
  let at = 0;
  for (let line = 0; line < position.line; line++) {
    const next = text.indexOf('\n', at);
    if (next === -1) return text.length;
    at = next + 1;
  }
  return Math.min(at + position.column, text.length);
}

export function textBetween(text: string, start: Position, end: Position): string {
  return text.slice(offsetAt(text, start), offsetAt(text, end));
}
