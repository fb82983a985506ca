// The Live REPL: a Pseudoterminal on the command language. node:readline edits the line, walks the
// history and completes with Tab; each entered line is answered by the language server (its
// command interpreter), so this file only draws.
import * as readline from 'node:readline';
import * as vscode from 'vscode';
import { renderReplLines, type ReplCompletion, type ReplLine, type ReplResponse } from '../../../common/repl';
import { HISTORY_SIZE, type ReplHistory } from './replHistory';
import { TerminalOutput, terminalInput } from './terminalStreams';

/** Where the lines go: the language server's command interpreter. */
export interface ReplBackend {
  command(line: string): Promise<ReplResponse>;
  complete(line: string, cursor: number): Promise<ReplCompletion>;
}

const PROMPT = '\x1b[1;32mlive>\x1b[0m ';
const PROMPT_TEXT = 'live> ';

export class ReplTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;

  private readonly input = terminalInput();
  private readonly output = new TerminalOutput((text) => this.writeEmitter.fire(text));
  private rl: readline.Interface | undefined;
  /** Lines entered and not yet answered, answered one at a time in order. */
  private queue: Promise<void> = Promise.resolve();
  private waiting = 0;
  /** Writes before `open`: VS Code drops events fired before it. */
  private early: string[] = [];
  private closed = false;

  constructor(
    private readonly backend: ReplBackend,
    private readonly history: ReplHistory,
  ) {}

  open(dimensions: vscode.TerminalDimensions | undefined): void {
    if (dimensions) this.output.resize(dimensions.columns, dimensions.rows);
    const rl = readline.createInterface({
      input: this.input,
      output: this.output,
      terminal: true,
      prompt: PROMPT,
      history: this.history.load(),
      historySize: HISTORY_SIZE,
      removeHistoryDuplicates: true,
      // Two parameters: readline then passes a callback, so completion can ask the server.
      completer: (_line: string, callback: (error: Error | null, result: [string[], string]) => void) => this.complete(callback),
    });
    this.rl = rl;
    rl.on('line', (line) => this.enqueue(line));
    rl.on('history', (lines: string[]) => void this.history.save(lines));
    rl.on('SIGINT', () => this.interrupt());
    // Ctrl+D on an empty line closes readline, and with it the terminal.
    rl.on('close', () => this.finish());
    this.output.write(renderReplLines([{ text: 'Live Update REPL. Type help; Tab completes; quit closes.', style: 'dim' }], true) + '\n');
    for (const text of this.early.splice(0)) this.output.write(text);
    rl.prompt();
  }

  close(): void {
    // The user closed the terminal: readline's `close` does the rest (the history is already saved).
    this.closed = true;
    this.rl?.close();
  }

  handleInput(data: string): void {
    this.input.write(data);
  }

  setDimensions(dimensions: vscode.TerminalDimensions): void {
    this.output.resize(dimensions.columns, dimensions.rows);
  }

  /**
   * Prints lines that did not come from the user's command (an update applied, an evaluation from
   * the editor) without mixing them into what is being typed: the prompt line is cleared, the lines
   * printed, and the prompt and the input drawn again with the cursor where it was.
   */
  print(lines: readonly ReplLine[]): void {
    const text = renderReplLines(lines, true) + '\n';
    const rl = this.rl;
    if (!rl) {
      this.early.push(text);
      return;
    }
    if (this.waiting > 0) {
      // A command is being answered: the cursor is at the start of an empty line, no prompt shown.
      this.output.write(text);
      return;
    }
    readline.moveCursor(this.output, 0, -rl.getCursorPos().rows);
    readline.cursorTo(this.output, 0);
    readline.clearScreenDown(this.output);
    this.output.write(text);
    rl.prompt(true);
  }

  /** Shows `command` as if typed at the prompt, then its answer (Evaluate Selection, Apply Now). */
  echo(command: string, lines: readonly ReplLine[]): void {
    this.print([{ text: `${PROMPT_TEXT}${command}`, style: 'dim' }, ...lines]);
  }

  dispose(): void {
    this.close();
    this.writeEmitter.dispose();
    this.closeEmitter.dispose();
  }

  private enqueue(line: string): void {
    this.waiting++;
    this.queue = this.queue.then(() => this.run(line)).finally(() => {
      this.waiting--;
      if (this.waiting === 0 && !this.closed) this.rl?.prompt();
    });
  }

  private async run(line: string): Promise<void> {
    if (this.closed || !line.trim()) return;
    let response: ReplResponse;
    try {
      response = await this.backend.command(line);
    } catch (e) {
      response = { lines: [{ text: `Live Update could not run that: ${e instanceof Error ? e.message : String(e)}`, style: 'error' }] };
    }
    if (response.lines.length) this.output.write(renderReplLines(response.lines, true) + '\n');
    if (response.quit) this.rl?.close();
  }

  private complete(callback: (error: Error | null, result: [string[], string]) => void): void {
    const rl = this.rl;
    if (!rl) return callback(null, [[], '']);
    // Readline hands the completer the text before the cursor; the server wants the whole line.
    const line = rl.line;
    const cursor = rl.cursor;
    this.backend.complete(line, cursor).then(
      ({ from, items }) => callback(null, [items, line.slice(from, cursor)]),
      () => callback(null, [[], '']),
    );
  }

  private interrupt(): void {
    const rl = this.rl;
    if (!rl) return;
    if (rl.line) {
      // As a shell does: Ctrl+C drops what was typed.
      rl.write(null, { ctrl: true, name: 'e' });
      rl.write(null, { ctrl: true, name: 'u' });
    } else {
      this.print([{ text: 'Type quit (or press Ctrl+D) to close the REPL.', style: 'dim' }]);
    }
  }

  private finish(): void {
    if (this.rl === undefined) return;
    this.rl = undefined;
    this.closed = true;
    this.closeEmitter.fire();
  }
}
