// After an update, the breakpoints of the updated file are set again. VS Code sends a file's
// moved breakpoints to js-debug when the file is saved, and js-debug has V8 resolve them at once,
// in the text the program runs then, the one before the update; the LiveEdit that follows
// leaves them on other statements. Set again once the update landed (made by js-debug's own
// session, which sees the new text: client/src/cdpProxy.ts), they bind where the user sees them.
import * as vscode from 'vscode';

/** Sets the breakpoints of `file` again (same places, conditions and log messages). */
export function rebindBreakpoints(file: string, log: vscode.LogOutputChannel): void {
  const inFile = vscode.debug.breakpoints.filter((b): b is vscode.SourceBreakpoint => b instanceof vscode.SourceBreakpoint && b.location.uri.fsPath === file);
  if (!inFile.length) return;
  log.info(`setting the breakpoints of ${file} again, at lines ${inFile.map((b) => b.location.range.start.line + 1).join(', ')}`);
  vscode.debug.removeBreakpoints(inFile);
  vscode.debug.addBreakpoints(inFile.map((b) => new vscode.SourceBreakpoint(b.location, b.enabled, b.condition, b.hitCondition, b.logMessage)));
}
