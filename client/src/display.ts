// How the extension writes what it shows: times in the editor's locale (the one time format,
// common/liveStates.ts) and text escaped wherever it is rendered as Markdown.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { clockTime, shorten } from '../../common/liveStates';
import type { UpdateReport } from '../../common/protocol';

/** A wall-clock time in the user's locale (`7:48:01 PM`, `19:48:01`). */
export function time(epochMs: number): string {
  return clockTime(epochMs, vscode.env.language);
}

/**
 * Plain text for a MarkdownString: every ASCII punctuation character escaped, so a name such as
 * `<function>` or `todos.get('/:id') callback` shows as written (an unescaped `<…>` is taken for
 * HTML and dropped, a backtick starts code).
 */
export function markdownText(text: string): string {
  return text.replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/** What a report is about, briefly: its functions, or its file when it names none. */
export function subjectOf(report: Pick<UpdateReport, 'file' | 'functions'>, max = 40): string {
  return shorten(report.functions.length ? report.functions.join(', ') : path.basename(report.file), max);
}
