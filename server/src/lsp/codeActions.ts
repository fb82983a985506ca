// Quick fixes on Live Update's own diagnostics. Each one carries a command, never an edit: what it
// changes is the running program, not the file. The diagnostic's `data` (set by the engine, kept
// by the editor) says what the action needs.
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver/node';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClientCommands, DIAGNOSTIC_SOURCE, DiagnosticCodes, ServerCommands } from '../../../common/protocol';

interface DiagnosticData {
  file?: string;
  applyIgnoringTypeErrors?: boolean;
  statementKey?: string;
  runnable?: boolean;
  pendingId?: string;
}

export function codeActionsFor(uri: string, diagnostics: Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  const unsafe: CodeAction[] = [];
  let offeredApply = false;
  for (const d of diagnostics) {
    if (d.source !== DIAGNOSTIC_SOURCE) continue;
    const data = (d.data ?? {}) as DiagnosticData;
    const file = data.file ?? fileURLToPath(uri);
    if (d.code === DiagnosticCodes.typeErrors && data.applyIgnoringTypeErrors && !offeredApply) {
      offeredApply = true;
      // The unsafe choice is never the first: VS Code lists actions tied to a diagnostic first
      // (and highlights the first), so this one names none and comes after the fixes of the error.
      unsafe.push({
        title: 'Apply this update anyway (ignore its type errors)',
        kind: CodeActionKind.QuickFix,
        command: { title: 'Apply anyway', command: ServerCommands.applyIgnoringTypeErrors, arguments: [file] },
      });
    }
    for (const related of d.relatedInformation ?? []) {
      const { uri: target, range } = related.location;
      if (path.resolve(fileURLToPath(target)) === path.resolve(fileURLToPath(uri))) continue; // an error in this file: the editor shows it where it is
      actions.push({
        title: `Open the caller at ${path.basename(fileURLToPath(target))}:${range.start.line + 1}`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        command: { title: 'Open caller', command: ClientCommands.openLocation, arguments: [target, range.start.line, range.start.character] },
      });
    }
    if (d.code === DiagnosticCodes.pendingUpdate && data.pendingId) {
      actions.push({
        title: 'Cancel this pending update',
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        command: { title: 'Cancel pending update', command: ServerCommands.cancelPending, arguments: [[data.pendingId]] },
      });
    }
    if (d.code === DiagnosticCodes.topLevelKept && data.runnable && data.statementKey) {
      actions.push({
        title: 'Run this statement in the running program now',
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        command: { title: 'Run statement', command: ServerCommands.runStatement, arguments: [file, data.statementKey] },
      });
    }
    const declared = data.statementKey && /^(?:let|const|var) ([^#]+?)(?: #\d+)?$/.exec(data.statementKey);
    if (d.code === DiagnosticCodes.topLevelKept && data.runnable && declared) {
      const names = declared[1]!.split(', ').map((n) => `\`${n}\``).join(', ');
      actions.push({
        title: `Re-initialize ${names} from ${declared[1]!.includes(', ') ? 'their new initializers' : 'its new initializer'} (in one transaction)`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        command: { title: 'Re-initialize', command: ServerCommands.reinitialize, arguments: [file, data.statementKey] },
      });
    }
  }
  return [...actions, ...unsafe];
}
