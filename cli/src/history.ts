// The prompt's history across sessions: one command per line, newest last, at most HISTORY_SIZE
// lines (~/.live_update_history, or LIVE_UPDATE_HISTORY). A history that cannot be read or
// written is no history, never an error.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const HISTORY_SIZE = 1000;

export function historyFile(): string {
  return process.env['LIVE_UPDATE_HISTORY'] || path.join(os.homedir(), '.live_update_history');
}

/** Newest first, as readline's `history` option takes it. */
export function loadHistory(file: string): string[] {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).slice(-HISTORY_SIZE).reverse();
  } catch {
    return [];
  }
}

/** `history` newest first (readline's order); written oldest first, readable only by the user. */
export function saveHistory(file: string, history: readonly string[]): void {
  try {
    const lines = history.slice(0, HISTORY_SIZE).reverse();
    fs.writeFileSync(file, lines.length ? lines.join('\n') + '\n' : '', { mode: 0o600 });
  } catch {
    // No history this time.
  }
}
