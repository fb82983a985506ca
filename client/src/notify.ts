// Every notification Live Update shows offers something to do next (issue 10): the actions are
// given with the message, and the one picked runs.
import * as vscode from 'vscode';

export type NotifyActions = Record<string, () => unknown>;

/** Shows `message` with `actions` as its buttons; runs the picked one. Never throws. */
export async function notify(level: 'info' | 'warning' | 'error', message: string, actions: NotifyActions): Promise<void> {
  const show = level === 'info' ? vscode.window.showInformationMessage : level === 'warning' ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
  try {
    const picked = await show(message, ...Object.keys(actions));
    if (picked) await actions[picked]?.();
  } catch {
    // A notification dismissed as the window closes: nothing to do.
  }
}

/** Common next steps. */
export const startDebugging = { 'Start Debugging': () => vscode.commands.executeCommand('workbench.action.debug.start') };
export const openRepl = { 'Open REPL': () => vscode.commands.executeCommand('liveUpdate.openRepl') };
export const showHistoryAction = { 'Show Update History': () => vscode.commands.executeCommand('liveUpdate.showHistory') };
export const showLog = { 'Show Log': () => vscode.commands.executeCommand('liveUpdate.showOutput') };
