// A CodeLens above each function an update touched in this window, in the states of
// common/liveStates.ts: live (with its version and time), waiting (why), or not applied (why). Clicking it shows the versions, offers to
// cancel what waits, or shows the reason. `liveUpdate.codeLens` turns it off.
import * as vscode from 'vscode';
import { ServerCommands } from '../../../common/protocol';
import { shortReason, STATE_TEXT } from '../../../common/liveStates';
import { time } from '../display';
import { whyWaiting, type FunctionState, type FunctionStates } from './functionStates';
import type { FunctionRanges } from './functionRanges';

/** The lens's own commands (not in the palette: they take the lens's arguments). */
export const LensCommands = {
  /** Args: [pendingIds]. Offers Cancel / Apply When Idle… for an update that waits. */
  pendingActions: 'liveUpdate.lens.pendingActions',
  /** Args: [reason]. Shows why an update was refused, with a way to the Problems view. */
  showRejection: 'liveUpdate.lens.showRejection',
} as const;

export class LiveLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly states: FunctionStates, private readonly ranges: FunctionRanges) {
    this.subscriptions = [
      states.onDidChange(() => this.emitter.fire()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('liveUpdate.codeLens') && this.emitter.fire()),
      vscode.commands.registerCommand(LensCommands.pendingActions, pendingActions),
      vscode.commands.registerCommand(LensCommands.showRejection, showRejection),
    ];
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!vscode.workspace.getConfiguration('liveUpdate', document.uri).get<boolean>('codeLens', true)) return [];
    const states = this.states.ofFile(document.uri.fsPath);
    if (states.size === 0) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const f of await this.ranges.of(document)) {
      const state = states.get(f.name);
      if (!state) continue;
      const at = new vscode.Range(f.start.line, f.start.column, f.start.line, f.start.column);
      lenses.push(new vscode.CodeLens(at, lensCommand(state)));
    }
    return lenses;
  }

  dispose(): void {
    this.emitter.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

function lensCommand(state: FunctionState): vscode.Command {
  if (state.status === 'waiting') {
    const why = [...new Set(state.waiting.map(whyWaiting))].join('; ');
    const ids = [...new Set(state.waiting.map((w) => w.pending.id))];
    return { title: `$(watch) ${STATE_TEXT.waiting.word} — ${why}`, command: LensCommands.pendingActions, arguments: [ids], tooltip: 'Cancel, or apply when idle' };
  }
  const rejected = state.targets.filter((t) => t.rejected).sort((a, b) => b.rejected!.time - a.rejected!.time)[0]?.rejected;
  if (rejected) {
    return { title: `$(error) ${STATE_TEXT.notApplied.word} — ${shortReason(rejected.reason)}`, command: LensCommands.showRejection, arguments: [rejected.reason], tooltip: rejected.reason };
  }
  const live = state.targets.flatMap((t) => (t.live ? [t.live] : []));
  const versions = [...new Set(live.map((l) => l.version).filter((v) => v !== undefined))];
  const at = Math.max(...live.map((l) => l.time));
  const where = live.length > 1 ? ` in ${live.length} programs` : '';
  return { title: `$(pass) ${STATE_TEXT.live.word}${versions.length ? ` v${versions.join(', v')}` : ''}${where} · ${time(at)}`, command: 'liveUpdate.showHistory', tooltip: 'Show Update History' };
}

async function pendingActions(ids: string[]): Promise<void> {
  const choice = await vscode.window.showInformationMessage('Live Update: this update waits for its functions to become inactive.', 'Cancel Update', 'Apply When Idle…');
  if (choice === 'Cancel Update') await vscode.commands.executeCommand(ServerCommands.cancelPending, ids);
  else if (choice === 'Apply When Idle…') await vscode.commands.executeCommand('liveUpdate.applyWhenIdle');
}

async function showRejection(reason: string): Promise<void> {
  const choice = await vscode.window.showWarningMessage(`Live Update: ${STATE_TEXT.notApplied.word} — ${reason}`, 'Show Problems');
  if (choice) await vscode.commands.executeCommand('workbench.actions.view.problems');
}
