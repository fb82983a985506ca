// The REPL's command history, kept across sessions and windows in the extension's global state.
import type * as vscode from 'vscode';

const KEY = 'liveUpdate.replHistory';
/** Enough for weeks of use; readline's up-arrow walks it newest first. */
export const HISTORY_SIZE = 500;

export class ReplHistory {
  constructor(private readonly state: vscode.Memento) {}

  /** Newest first, as readline's `history` option wants it. */
  load(): string[] {
    const stored = this.state.get<unknown>(KEY);
    return Array.isArray(stored) ? stored.filter((l): l is string => typeof l === 'string').slice(0, HISTORY_SIZE) : [];
  }

  save(lines: readonly string[]): Thenable<void> {
    return this.state.update(KEY, lines.slice(0, HISTORY_SIZE));
  }
}
