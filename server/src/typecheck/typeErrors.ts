// Type errors as the gate reports them, and which of them a change introduced. Errors are matched
// by what they say and where in the code they are (file, code, message, the text of their line),
// never by position: lines added above an old error move it without making it new.
import ts from 'typescript';
import type { Position } from '../../../common/patch';

export interface TypeCheckError {
  file: string;
  /** 0-based line and column (UTF-16 code units), as in LSP. */
  start: Position;
  end: Position;
  /** TypeScript's error number, e.g. 2345. */
  code: number;
  /** The whole message chain on one line per level (related chains flattened with "\n"). */
  message: string;
  /** In the file being updated, or in a file that imports it (a caller that no longer type-checks). */
  where: 'changed-file' | 'caller';
}

/** An error and the trimmed text of the line it starts on: its identity for matching. */
export interface KeyedError {
  error: TypeCheckError;
  key: string;
}

export function toKeyedErrors(diagnostics: readonly ts.Diagnostic[], where: TypeCheckError['where']): KeyedError[] {
  const out: KeyedError[] = [];
  for (const d of diagnostics) {
    // Errors without a file (options, global) are about the project, not about this change.
    if (!d.file || d.start === undefined) continue;
    const start = d.file.getLineAndCharacterOfPosition(d.start);
    const end = d.file.getLineAndCharacterOfPosition(d.start + (d.length ?? 0));
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const lineStarts = d.file.getLineStarts();
    const lineText = d.file.text.slice(lineStarts[start.line], lineStarts[start.line + 1] ?? d.file.text.length).trim();
    out.push({
      error: { file: d.file.fileName, start: { line: start.line, column: start.character }, end: { line: end.line, column: end.character }, code: d.code, message, where },
      key: [d.file.fileName, d.code, message, lineText].join('\0'),
    });
  }
  return out;
}

/**
 * The errors of `after` that `before` does not have, counted as a multiset: two identical errors
 * where there was one means one is new (the later one, in file order).
 */
export function introducedErrors(after: readonly KeyedError[], before: readonly KeyedError[]): TypeCheckError[] {
  const remaining = new Map<string, number>();
  for (const { key } of before) remaining.set(key, (remaining.get(key) ?? 0) + 1);
  const out: TypeCheckError[] = [];
  for (const { error, key } of after) {
    const left = remaining.get(key) ?? 0;
    if (left > 0) remaining.set(key, left - 1);
    else out.push(error);
  }
  return out;
}

export function byPosition(a: TypeCheckError, b: TypeCheckError): number {
  return a.file.localeCompare(b.file) || a.start.line - b.start.line || a.start.column - b.start.column || a.code - b.code;
}
