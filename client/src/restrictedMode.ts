// Restricted Mode (VS Code's workspace trust). Live Update loads its runtime into the programs the
// user debugs and runs saved code in them, so in a folder the user has not trusted it does neither:
// no runtime is added to a launch, no debug session is asked for the runtime's handshake, and the
// language server sees no targets (so a save applies nothing). The status bar says why, with the
// way to trust the folder; trusting it turns Live Update on for the programs started from then on.
import * as vscode from 'vscode';
import { notify, startDebugging } from './notify';

export const manageTrust = { 'Manage Workspace Trust': () => vscode.commands.executeCommand('workbench.trust.manage') };
const restartDebugging = { 'Restart Debugging': () => vscode.commands.executeCommand('workbench.action.debug.restart') };

/** Whether Live Update may add its runtime and apply updates: a trusted folder and `liveUpdate.enabled`. */
export function liveUpdateOn(): boolean {
  return vscode.workspace.isTrusted && vscode.workspace.getConfiguration('liveUpdate').get<boolean>('enabled', true);
}

/** Runs `turnOn` when the user trusts the folder, and tells them what that changes for running programs. */
export function onTrustGranted(turnOn: () => void, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.workspace.onDidGrantWorkspaceTrust(() => {
    log.info('the folder is now trusted: Live Update is on');
    turnOn();
    // A program started before has no runtime (nothing was injected): only a restart makes it live.
    if (vscode.debug.activeDebugSession) {
      void notify('info', 'Live Update is on: this folder is now trusted. Programs already running under the debugger were started without its runtime: restart them to make them live.', restartDebugging);
    } else {
      void notify('info', 'Live Update is on: this folder is now trusted, and the Node.js programs you start under the debugger are live.', startDebugging);
    }
  });
}

/** Says, where the program starts, why it will not be live. */
export function warnNotLive(sessionName: string): void {
  void notify('warning', `Live Update is off in Restricted Mode: ${sessionName} runs without its runtime, so saved edits are not applied to it. Trust this folder, then restart the program.`, manageTrust);
}
