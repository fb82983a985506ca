// The answer of "Evaluate Selection in Module" shown after the selection: one line of text in the
// theme's inlay-hint colour (the error colour for an error), the whole answer on hover. One at a
// time: a new evaluation replaces it, and any change of its document clears it, since the text it
// answered for is gone.
import * as vscode from 'vscode';
import type { TargetEvaluation } from '../../../common/repl';

/** Longer answers are cut here (the hover has the whole text). */
const MAX_INLINE = 120;

/** What is shown, for the tests and the REPL echo. */
export interface InlineState {
  file: string;
  line: number;
  text: string;
  isError: boolean;
}

export class InlineResult implements vscode.Disposable {
  private readonly okType = vscode.window.createTextEditorDecorationType(decorationStyle(new vscode.ThemeColor('editorInlayHint.foreground')));
  private readonly errorType = vscode.window.createTextEditorDecorationType(decorationStyle(new vscode.ThemeColor('editorError.foreground')));
  private shown: { editor: vscode.TextEditor; state: InlineState } | undefined;
  private readonly subscription = vscode.workspace.onDidChangeTextDocument((e) => {
    if (this.shown && e.document === this.shown.editor.document && e.contentChanges.length) this.clear();
  });

  /** Shows `results` after `range`, replacing what was shown before. */
  show(editor: vscode.TextEditor, range: vscode.Range, results: readonly TargetEvaluation[], emptyMessage: string): InlineState {
    this.clear();
    const isError = results.length === 0 || results.every((r) => !r.ok);
    const text = results.length === 0 ? emptyMessage : inlineText(results);
    const hover = new vscode.MarkdownString();
    if (results.length === 0) hover.appendText(emptyMessage);
    for (const r of results) {
      hover.appendMarkdown(`**${escapeMarkdown(r.targetName)}**${r.ok ? '' : ' (error)'}\n`);
      hover.appendCodeblock(r.text, r.ok ? 'javascript' : 'text');
    }
    const end = range.end;
    const decoration: vscode.DecorationOptions = {
      range: new vscode.Range(end, end),
      hoverMessage: hover,
      renderOptions: { after: { contentText: text } },
    };
    editor.setDecorations(isError ? this.errorType : this.okType, [decoration]);
    const state: InlineState = { file: editor.document.uri.fsPath, line: end.line, text, isError };
    this.shown = { editor, state };
    return state;
  }

  current(): InlineState | undefined {
    return this.shown?.state;
  }

  clear(): void {
    if (!this.shown) return;
    this.shown.editor.setDecorations(this.okType, []);
    this.shown.editor.setDecorations(this.errorType, []);
    this.shown = undefined;
  }

  dispose(): void {
    this.clear();
    this.subscription.dispose();
    this.okType.dispose();
    this.errorType.dispose();
  }
}

function decorationStyle(color: vscode.ThemeColor): vscode.DecorationRenderOptions {
  return { after: { color, margin: '0 0 0 1em', fontStyle: 'italic' }, rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed };
}

/** `= value` for one target; `name: value · name: value` when several programs answered. */
export function inlineText(results: readonly TargetEvaluation[]): string {
  const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();
  const text =
    results.length === 1
      ? `${results[0]!.ok ? '=' : '⚠'} ${oneLine(results[0]!.text)}`
      : results.map((r) => `${r.targetName}: ${r.ok ? '' : '⚠ '}${oneLine(r.text)}`).join(' · ');
  return text.length > MAX_INLINE ? `${text.slice(0, MAX_INLINE - 1)}…` : text;
}

function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, '\\$&');
}
