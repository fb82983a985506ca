// The commands of the command language in VS Code: "Open REPL", "Evaluate Selection in Module" and
// "Apply Now", and the REPL's backend, which is the language server's command interpreter.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ReplCommand, ReplComplete, ReplEvaluate } from '../../../common/protocol';
import type { ReplEvaluation } from '../../../common/repl';
import type { InlineResult, InlineState } from './inlineResult';
import type { LiveRepl } from './liveRepl';
import type { ReplBackend } from './replTerminal';
import { notify, openRepl } from '../notify';

export function replBackend(client: LanguageClient): ReplBackend {
  return {
    run: (line) => client.sendRequest(ReplCommand.type, { line, activeFile: activeFile()?.fsPath, unsaved: unsavedTexts() }),
    complete: (line, cursor) => client.sendRequest(ReplComplete.type, { line, cursor }),
  };
}

/** The editors' unsaved texts, for `update` (Apply Now applies what the editor shows). */
function unsavedTexts(): { file: string; text: string }[] {
  return vscode.workspace.textDocuments.filter((d) => d.isDirty && d.uri.scheme === 'file').map((d) => ({ file: d.uri.fsPath, text: d.getText() }));
}

/** The file of the active editor, when it is one on disk (what `eval` and `update` default to). */
function activeFile(): vscode.Uri | undefined {
  const uri = vscode.window.activeTextEditor?.document.uri;
  return uri?.scheme === 'file' ? uri : undefined;
}

/**
 * Evaluates the selection (or the current line) in the scope of the editor's module, in every
 * program that runs it: the answer inline after the selection and in the REPL.
 */
export async function evaluateSelection(client: LanguageClient, repl: LiveRepl, inline: InlineResult): Promise<InlineState | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.uri.scheme !== 'file') {
    void notify('warning', 'Live Update: open a file of the running program to evaluate in its module.', openRepl);
    return undefined;
  }
  const { document, selection } = editor;
  const range = selection.isEmpty ? trimmedLine(document, selection.active.line) : selection;
  // A line's trailing `;` ends a statement; it is not part of the expression the user means.
  const expression = document.getText(range).trim().replace(/;$/, '');
  if (!expression) {
    void notify('warning', 'Live Update: select an expression to evaluate (or put the cursor on a line that has one).', openRepl);
    return undefined;
  }
  const file = document.uri.fsPath;
  let answer: ReplEvaluation;
  try {
    answer = await client.sendRequest(ReplEvaluate.type, { file, expression });
  } catch (e) {
    // The server could not answer (stopped, restarting): said where the answer would have been.
    return inline.show(editor, range, [], `Live Update could not evaluate: ${e instanceof Error ? e.message : String(e)}`);
  }
  const none = `no running program has loaded ${path.basename(file)}`;
  const state = inline.show(editor, range, answer.results, none);
  repl.echo(`eval ${displayPath(file)} ${expression.replace(/\s*\n\s*/g, ' ')}`, answer.lines.length ? answer.lines : [{ text: none, style: 'warn' }]);
  return state;
}

/** Applies the active editor's text now (saved or not), as the REPL's `update <file>`. */
export async function applyNow(client: LanguageClient, repl: LiveRepl): Promise<void> {
  const file = activeFile();
  if (!file) {
    void notify('warning', 'Live Update: open the file to apply first.', openRepl);
    return;
  }
  await applyFile(client, repl, file.fsPath);
}

/** Applies a file's text now (the editor's, saved or not), as the REPL's `update <file>`, and echoes the answer there. */
export async function applyFile(client: LanguageClient, repl: LiveRepl, file: string): Promise<void> {
  const line = `update ${quoteArgument(file)}`;
  const response = await client.sendRequest(ReplCommand.type, { line, activeFile: file, unsaved: unsavedTexts() });
  repl.echo(line, response.lines);
}

function trimmedLine(document: vscode.TextDocument, line: number): vscode.Range {
  const text = document.lineAt(line).text;
  const start = text.length - text.trimStart().length;
  return new vscode.Range(line, start, line, Math.max(start, text.trimEnd().length));
}

function displayPath(file: string): string {
  return quoteArgument(vscode.workspace.asRelativePath(file, false));
}

/** A path with spaces is one argument of a REPL line only when quoted. */
function quoteArgument(s: string): string {
  return /[\s"']/.test(s) ? JSON.stringify(s) : s;
}
