// 0-based line/column positions (the patch format's) to offsets in a text.
import type { Position } from './patch';

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

/** The 0-based line and column of an offset in a text. */
export function positionAt(text: string, offset: number): Position {
  let line = 0;
  let lineStart = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) {
    line++;
    lineStart = at + 1;
  }
  return { line, column: offset - lineStart };
}

/** Whether position `a` is at or before `b`. */
export function atOrBefore(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.column <= b.column);
}
