// The one Live REPL terminal of the window: "Open REPL" creates it or reveals it, and the editor
// commands (Evaluate Selection, Apply Now) print into it without taking the focus.
import * as vscode from 'vscode';
import type { ReplLine } from '../../../common/repl';
import type { ReplHistory } from './replHistory';
import { ReplTerminal, type ReplBackend } from './replTerminal';

export const REPL_TERMINAL_NAME = 'Live Update REPL';

export class LiveRepl implements vscode.Disposable {
  private current: { terminal: vscode.Terminal; pty: ReplTerminal } | undefined;
  private readonly subscription = vscode.window.onDidCloseTerminal((t) => {
    if (t === this.current?.terminal) {
      this.current.pty.dispose();
      this.current = undefined;
    }
  });

  constructor(
    private readonly backend: ReplBackend,
    private readonly history: ReplHistory,
  ) {}

  /** Opens the REPL, or reveals it when it is open; `preserveFocus` keeps the focus in the editor. */
  show(preserveFocus: boolean): vscode.Terminal {
    if (!this.current) {
      const pty = new ReplTerminal(this.backend, this.history);
      // Transient: a reloaded window cannot reconnect a Pseudoterminal, so none is restored.
      const terminal = vscode.window.createTerminal({ name: REPL_TERMINAL_NAME, pty, iconPath: new vscode.ThemeIcon('debug-console'), isTransient: true });
      this.current = { terminal, pty };
    }
    this.current.terminal.show(preserveFocus);
    return this.current.terminal;
  }

  isOpen(): boolean {
    return this.current !== undefined;
  }

  /** Prints an echoed command and its answer, opening the REPL (without focus) if needed. */
  echo(command: string, lines: readonly ReplLine[]): void {
    this.show(true);
    this.current!.pty.echo(command, lines);
  }

  /** Prints a notice if the REPL is open (update reports); never opens it. */
  notify(lines: readonly ReplLine[]): void {
    this.current?.pty.print(lines);
  }

  dispose(): void {
    this.subscription.dispose();
    this.current?.terminal.dispose();
    this.current?.pty.dispose();
    this.current = undefined;
  }
}
