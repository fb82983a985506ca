// How the interpreter's answers read: lines with a style, paths relative to the root, times.
import * as path from 'node:path';
import type { ReplLine, ReplStyle } from '../../../common/repl';

export const line = (text: string, style: ReplStyle = 'plain'): ReplLine => (style === 'plain' ? { text } : { text, style });
export const errorLine = (text: string): ReplLine => line(text, 'error');

/** A file as the user reads it: relative to the root when inside it. */
export function displayPath(root: string, file: string): string {
  const relative = path.relative(root, file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative.split(path.sep).join('/') : file;
}

/** `file:line:column`, 1-based as editors show positions. */
export function location(root: string, file: string, line0: number, column0: number): string {
  return `${displayPath(root, file)}:${line0 + 1}:${column0 + 1}`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Indents every line of a multi-line text (a pretty-printed value) under a heading. */
export function textLines(text: string, style: ReplStyle, indent = ''): ReplLine[] {
  return text.split('\n').map((t) => line(indent + t, style));
}
