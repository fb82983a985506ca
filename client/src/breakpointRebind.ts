// After an update, the breakpoints of the updated file are set again. VS Code sends a file's
// moved breakpoints to js-debug when the file is saved, and js-debug has V8 resolve them at once,
// in the text the program runs then, the one before the update; the LiveEdit that follows
// leaves them on other statements. Set again once the update landed (made by js-debug's own
// session, which sees the new text: client/src/cdpProxy.ts), they bind where the user sees them.
// Where the runtime's own session had to make the edit (the program was paused, or the update
// waited and landed later), js-debug keeps the old text: the user is told once per file.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { UpdateReport } from '../../common/protocol';
import { askRuntime } from './delivery';
import type { TargetTracker } from './targets';

export class BreakpointRebinder {
  /** `session id + file` already warned about. */
  private readonly warned = new Set<string>();
  /** The warnings shown, oldest first (the hidden command `liveUpdate.breakpointWarnings`, for the tests). */
  readonly shown: string[] = [];

  constructor(
    private readonly tracker: TargetTracker,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async afterUpdate(report: UpdateReport): Promise<void> {
    const applied = report.targets.filter((t) => t.outcome === 'applied');
    const inFile = breakpointsIn(report.file);
    if (!applied.length || !inFile.length) return;
    this.log.info(`setting the breakpoints of ${report.file} again, at lines ${inFile.map((b) => b.location.range.start.line + 1).join(', ')}`);
    vscode.debug.removeBreakpoints(inFile);
    vscode.debug.addBreakpoints(inFile.map((b) => new vscode.SourceBreakpoint(b.location, b.enabled, b.condition, b.hitCondition, b.logMessage)));
    for (const t of applied) {
      const session = this.tracker.session(t.targetId);
      const key = `${t.targetId}\n${report.file}`;
      if (!session || this.warned.has(key)) continue;
      const state = await askRuntime(session, 'scriptState', { file: report.file }).catch((e: Error) => this.log.warn(`${t.targetName}: ${e.message}`));
      if (!state?.changedByRuntime) continue;
      this.warned.add(key);
      this.log.info(`${t.targetName}: the debugger still sees ${report.file} as it was before an update (made while paused, or landed after waiting)`);
      const message = `Live Update: breakpoints in ${path.basename(report.file)} may stop on another statement in ${t.targetName} until it restarts. An update of it was made while the program was paused (or landed after waiting), and the debugger still sees the text before it.`;
      this.shown.push(message);
      const pick = await vscode.window.showWarningMessage(message, 'Restart Debugging');
      if (pick) await vscode.commands.executeCommand('workbench.action.debug.restart');
    }
  }
}

function breakpointsIn(file: string): vscode.SourceBreakpoint[] {
  return vscode.debug.breakpoints.filter((b): b is vscode.SourceBreakpoint => b instanceof vscode.SourceBreakpoint && b.location.uri.fsPath === file);
}
