// The language server's life as the user sees it (issue 9, "the language server crashes"): a
// crashed server is restarted (up to MAX_RESTARTS times in RESTART_WINDOW_MS, as
// vscode-languageclient's default), the status bar says it is down meanwhile, and when it is not
// restarted any more the user is told so, with a way to start it again. What a restarted server
// must learn again (the targets, what the user saw waiting) is the caller's `onRestarted`.
import * as vscode from 'vscode';
import { CloseAction, ErrorAction, State, type CloseHandlerResult, type ErrorHandler, type ErrorHandlerResult, type LanguageClient } from 'vscode-languageclient/node';
import { notify, showLog } from './notify';

export type ServerState = 'running' | 'restarting' | 'stopped';

const MAX_RESTARTS = 4;
const RESTART_WINDOW_MS = 3 * 60 * 1000;

export interface ServerWatch {
  /** The state to show (status bar). */
  onState(state: ServerState): void;
  /** A restarted server runs: it knows nothing yet, tell it what the previous one knew. */
  onRestarted(): void;
}

/** Restarts a crashed server unless it crashed too often lately; then tells the user. */
export class RestartPolicy implements ErrorHandler {
  private readonly crashes: number[] = [];

  constructor(
    private readonly onState: (state: ServerState) => void,
  ) {}

  error(_error: Error, _message: unknown, count: number | undefined): ErrorHandlerResult {
    return { action: count !== undefined && count <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown };
  }

  closed(): CloseHandlerResult {
    const now = Date.now();
    this.crashes.push(now);
    while (this.crashes.length > 0 && now - this.crashes[0]! > RESTART_WINDOW_MS) this.crashes.shift();
    if (this.crashes.length <= MAX_RESTARTS) {
      this.onState('restarting');
      return { action: CloseAction.Restart, message: 'The Live Update language server ended; restarting it.', handled: true };
    }
    this.crashes.length = 0;
    this.onState('stopped');
    void notify(
      'error',
      `Live Update: the language server crashed ${MAX_RESTARTS + 1} times in ${RESTART_WINDOW_MS / 60_000} minutes and was not restarted. Saves are not applied to running programs until it runs again.`,
      { 'Restart Server': () => vscode.commands.executeCommand('liveUpdate.restartServer'), ...showLog },
    );
    return { action: CloseAction.DoNotRestart, message: 'The Live Update language server crashed repeatedly; it was not restarted.', handled: true };
  }
}

/** "Live Update: Restart Language Server": starts a server that was given up on, else restarts it. */
export function restartServer(client: LanguageClient): Promise<void> {
  return client.state === State.Stopped ? client.start() : client.restart();
}

/** Reports the server's state changes; a second start (a restart) calls `onRestarted`. */
export function watchServer(client: LanguageClient, watch: ServerWatch): { dispose(): void } {
  let started = client.state === State.Running;
  return client.onDidChangeState(({ newState }) => {
    if (newState !== State.Running) return;
    watch.onState('running');
    if (started) watch.onRestarted();
    started = true;
  });
}
