// The two streams node:readline runs over inside a Pseudoterminal: keystrokes VS Code hands to
// `handleInput` go in, and what readline draws comes out to the terminal's `onDidWrite`. Readline
// does the line editing, history and completion; this file only adapts the plumbing.
import { PassThrough, Writable } from 'node:stream';

/** Readline's output: a Writable that behaves like a TTY of the terminal's size. */
export class TerminalOutput extends Writable {
  /** Readline reads these to wrap long lines and to place the cursor. */
  columns = 80;
  rows = 24;
  readonly isTTY = true;

  constructor(private readonly write$: (text: string) => void) {
    super({ decodeStrings: false });
  }

  override _write(chunk: string | Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    // A terminal's line feed does not return the carriage; readline's own `\r\n` stays as it is.
    this.write$(String(chunk).replace(/\r?\n/g, '\r\n'));
    callback();
  }

  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

/** Readline's input: the keystrokes (and `Terminal.sendText` text) of the terminal. */
export function terminalInput(): PassThrough {
  return new PassThrough({ encoding: 'utf8' });
}
