// The safe Quick Fix of a save the programs did not take (a type error, a syntax error): put the
// file back to the text the program runs, as written (TypeScript with its types: see
// core/sourceTexts.ts). An edit of the document, undoable; nothing reaches the program. Offered
// first, before "Apply this update anyway".
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver/node';
import { DIAGNOSTIC_SOURCE, DiagnosticCodes } from '../../../common/protocol';
import type { SourceTexts } from '../core/sourceTexts';
import type { TargetPort } from '../core/targetPort';

const HELD: readonly string[] = [DiagnosticCodes.typeErrors, DiagnosticCodes.syntaxError];

export async function revertAction(uri: string, diagnostics: Diagnostic[], current: string | undefined, port: TargetPort, sources: SourceTexts): Promise<CodeAction | undefined> {
  const held = diagnostics.find((d) => d.source === DIAGNOSTIC_SOURCE && HELD.includes(String(d.code)));
  if (!held || current === undefined) return undefined;
  const file = fileURLToPath(uri);
  for (const target of port.targets()) {
    const state = await port.call(target.id, 'scriptState', { file }).catch(() => undefined);
    if (!state || 'error' in state || !state.hash) continue;
    const running = sources.sourceOf(file, state.hash);
    if (running === undefined || running === current) return undefined;
    const lines = current.split(/\r\n|\r|\n/);
    return {
      title: `Revert ${path.basename(file)} to the text the program runs`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [held],
      edit: { changes: { [uri]: [{ range: { start: { line: 0, character: 0 }, end: { line: lines.length - 1, character: lines.at(-1)!.length } }, newText: running }] } },
    };
  }
  return undefined;
}
