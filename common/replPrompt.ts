// The prompt of the command language, one for both front ends: the Live REPL terminal in VS Code
// (client/src/repl/replTerminal.ts, over a Pseudoterminal's streams) and the `live-update` command
// line (cli/src/terminalRepl.ts, over stdin and stdout). node:readline edits the line, walks the
// history and completes with Tab; entered lines are answered one at a time, in order; lines from
// elsewhere (update reports, the program's output) are written above the prompt, which is then
// drawn again with what the user was typing, wrapped input included.
import * as readline from 'node:readline';
import { renderReplLines, type ReplCompletion, type ReplLine, type ReplResponse } from './repl';

/** What answers the prompt: the command language (server/src/repl/interpreter.ts). */
export interface CommandLanguage {
  run(line: string): Promise<ReplResponse>;
  complete(line: string, cursor: number): Promise<ReplCompletion>;
}

export interface ReplPromptOptions {
  input: NodeJS.ReadableStream;
  /** A terminal's output: readline reads its `columns` to wrap and place the cursor. */
  output: NodeJS.WritableStream;
  /** Whether the streams are a terminal (line editing, the prompt redrawn) rather than pipes. */
  terminal: boolean;
  commands: CommandLanguage;
  prompt: string;
  color: boolean;
  /** Newest first, as readline keeps it; `save` gets it after every entered line. */
  history: { lines: string[]; size: number; save(lines: string[]): void };
  /** Ctrl-C on an empty line (a typed line is cleared instead, as a shell does). */
  onInterrupt(): void;
  /** The prompt closed: `quit`, Ctrl-D on an empty line, the end of input. */
  onClose(): void;
}

export class ReplPrompt {
  private readonly rl: readline.Interface;
  /** Lines entered and not yet answered, answered one at a time in order. */
  private queue: Promise<void> = Promise.resolve();
  private waiting = 0;
  private closed = false;

  constructor(private readonly options: ReplPromptOptions) {
    const rl = readline.createInterface({
      input: options.input,
      output: options.output,
      terminal: options.terminal,
      prompt: options.prompt,
      history: options.history.lines,
      historySize: options.history.size,
      removeHistoryDuplicates: true,
      // Two parameters: readline then passes a callback, so completion can ask the interpreter.
      completer: (_line: string, callback: (error: Error | null, result: [string[], string]) => void) => this.complete(callback),
    });
    this.rl = rl;
    rl.on('line', (line) => this.enqueue(line));
    rl.on('history', (lines: string[]) => options.history.save(lines));
    rl.on('SIGINT', () => this.interrupt());
    rl.on('close', () => {
      if (this.closed) return;
      this.closed = true;
      options.onClose();
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Shows the prompt (once what it acts on is ready). */
  prompt(): void {
    if (!this.closed) this.rl.prompt();
  }

  /**
   * Writes whole lines without mixing them into what is being typed: the prompt and the input are
   * cleared, the lines written, and the prompt and the input drawn again with the cursor where it
   * was. While a command is being answered no prompt is shown, and they are written as they are.
   */
  writeAbove(text: string): void {
    const output = this.options.output;
    if (this.closed || !this.options.terminal || this.waiting > 0) {
      output.write(text);
      return;
    }
    readline.moveCursor(output, 0, -this.rl.getCursorPos().rows);
    readline.cursorTo(output, 0);
    readline.clearScreenDown(output);
    output.write(text);
    this.rl.prompt(true);
  }

  /** `writeAbove` for lines of the command language's form. */
  print(lines: readonly ReplLine[]): void {
    if (lines.length) this.writeAbove(renderReplLines(lines, this.options.color) + '\n');
  }

  /** Closes the prompt; readline's `close` tells `onClose`. */
  close(): void {
    this.rl.close();
  }

  private enqueue(line: string): void {
    this.waiting++;
    this.queue = this.queue
      .then(() => this.answer(line))
      .finally(() => {
        this.waiting--;
        if (this.waiting === 0) this.prompt();
      });
  }

  private async answer(line: string): Promise<void> {
    if (this.closed || !line.trim()) return;
    let response: ReplResponse;
    try {
      response = await this.options.commands.run(line);
    } catch (e) {
      response = { lines: [{ text: `Live Update could not run that: ${e instanceof Error ? e.message : String(e)}`, style: 'error' }] };
    }
    if (response.lines.length) this.options.output.write(renderReplLines(response.lines, this.options.color) + '\n');
    if (response.quit) this.close();
  }

  private complete(callback: (error: Error | null, result: [string[], string]) => void): void {
    // Readline hands the completer the text before the cursor; the interpreter wants the whole line.
    const line = this.rl.line;
    const cursor = this.rl.cursor;
    this.options.commands.complete(line, cursor).then(
      ({ from, items }) => callback(null, [items, line.slice(from, cursor)]),
      () => callback(null, [[], '']),
    );
  }

  private interrupt(): void {
    if (this.rl.line) {
      // As a shell does: Ctrl+C drops what was typed.
      this.rl.write(null, { ctrl: true, name: 'e' });
      this.rl.write(null, { ctrl: true, name: 'u' });
    } else {
      this.options.onInterrupt();
    }
  }
}
