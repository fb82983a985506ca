// Where each function of an open document is, as the language server names functions (the names
// update reports use), asked once per document version. The server parses the editor's text, so
// the ranges are right while the user types, before any save.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { DocumentFunctions } from '../../../common/protocol';

export type FunctionRange = DocumentFunctions.FunctionRange;

export class FunctionRanges implements vscode.Disposable {
  private readonly cache = new Map<string, { version: number; functions: Promise<FunctionRange[]> }>();
  private readonly subscription = vscode.workspace.onDidCloseTextDocument((d) => this.cache.delete(d.uri.toString()));

  constructor(private readonly client: LanguageClient) {}

  of(document: vscode.TextDocument): Promise<FunctionRange[]> {
    const key = document.uri.toString();
    const cached = this.cache.get(key);
    if (cached?.version === document.version) return cached.functions;
    const functions = this.client
      .sendRequest(DocumentFunctions.type, { file: document.uri.fsPath, text: document.getText() })
      .then((r) => r.functions)
      .catch(() => {
        this.cache.delete(key); // asked again next time (the server was restarting)
        return [];
      });
    this.cache.set(key, { version: document.version, functions });
    return functions;
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

export function toRange(f: { start: { line: number; column: number }; end: { line: number; column: number } }): vscode.Range {
  return new vscode.Range(f.start.line, f.start.column, f.end.line, f.end.column);
}
