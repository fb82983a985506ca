// The prompt on the terminal: node:readline does the line editing, history and completion; this
// file only keeps the program's output and the prompt from mixing. Output arrives as whole lines
// (a partial line waits briefly for its end); each is written above the prompt, which is then
// drawn again with what the user was typing.
import * as readline from 'node:readline';
import type { ReplCompletion, ReplResponse } from '../../../common/repl';
import { renderReplLines } from '../../../common/repl';
import { HISTORY_SIZE, loadHistory, saveHistory } from './history';

/** What answers the prompt: the command language (server/src/repl/interpreter.ts). */
export interface CommandLanguage {
  run(line: string): Promise<ReplResponse>;
  complete(line: string, cursor: number): Promise<ReplCompletion>;
}

export interface TerminalOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WriteStream;
  /** Present: the prompt is shown and its lines go to `commands`. */
  commands?: CommandLanguage;
  historyFile?: string;
  prompt?: string;
  /** Ctrl-C at the prompt. */
  onInterrupt?: () => void;
  /** `quit`, or the end of input. */
  onQuit?: () => void;
  /** Show the prompt only at `showPrompt()` (once what it acts on is ready). */
  deferPrompt?: boolean;
}

/** How long a partial output line waits for the rest before it is shown anyway. */
const PARTIAL_LINE_MS = 100;

export class Terminal {
  private readonly rl: readline.Interface | undefined;
  private readonly color: boolean;
  private readonly partial = new Map<string, { text: string; timer: NodeJS.Timeout }>();
  private closed = false;

  constructor(private readonly options: TerminalOptions) {
    this.color = options.output.isTTY === true && !process.env['NO_COLOR'];
    const commands = options.commands;
    if (!commands) return;
    const terminal = (options.input as NodeJS.ReadStream).isTTY === true && options.output.isTTY === true;
    this.rl = readline.createInterface({
      input: options.input,
      output: options.output,
      terminal,
      prompt: options.prompt ?? 'live> ',
      historySize: HISTORY_SIZE,
      removeHistoryDuplicates: true,
      history: options.historyFile ? loadHistory(options.historyFile) : [],
      // readline passes the line up to the cursor; it replaces the returned substring at its end.
      completer: (line: string, callback: (error: Error | null, result: [string[], string]) => void) => {
        commands.complete(line, line.length).then(
          ({ from, items }) => callback(null, [items, line.slice(from)]),
          () => callback(null, [[], line]),
        );
      },
    });
    if (options.historyFile) {
      const file = options.historyFile;
      this.rl.on('history', (history: string[]) => saveHistory(file, history));
    }
    this.rl.on('SIGINT', () => {
      // Like a shell: Ctrl-C drops what was typed; on an empty line it goes to the program.
      const rl = this.rl!;
      if (rl.line.length > 0) {
        rl.write(null, { ctrl: true, name: 'u' });
        rl.write(null, { ctrl: true, name: 'k' });
        return;
      }
      options.onInterrupt?.();
    });
    this.rl.on('close', () => {
      if (this.closed) return;
      this.closed = true;
      // Ctrl-D at a terminal quits; the end of piped or redirected input only means no more
      // commands: the program runs on (a script's `< /dev/null` must not stop it).
      if ((options.input as NodeJS.ReadStream).isTTY === true) options.onQuit?.();
    });
    this.rl.on('line', (line) => void this.answer(line));
    if (!options.deferPrompt) this.rl.prompt();
  }

  showPrompt(): void {
    if (!this.closed) this.rl?.prompt();
  }

  private busy: Promise<void> = Promise.resolve();

  /** Commands run one after another, in the order typed. */
  private answer(line: string): Promise<void> {
    this.busy = this.busy.then(async () => {
      if (this.closed) return;
      if (line.trim() === '') return this.rl?.prompt();
      let response: ReplResponse;
      try {
        response = await this.options.commands!.run(line);
      } catch (e) {
        response = { lines: [{ text: e instanceof Error ? e.message : String(e), style: 'error' }] };
      }
      if (response.lines.length) this.writeAbove(renderReplLines(response.lines, this.color) + '\n');
      if (response.quit) {
        this.close();
        return this.options.onQuit?.();
      }
      this.rl?.prompt();
    });
    return this.busy;
  }

  /** Whether lines are drawn above a prompt (else every stream is written as it comes). */
  private get interactive(): boolean {
    return this.rl !== undefined && !this.closed && this.options.output.isTTY === true;
  }

  /** Program output (`stream` keeps stdout and stderr partial lines apart). */
  output(stream: 'stdout' | 'stderr', chunk: string): void {
    if (!this.interactive) {
      (stream === 'stderr' ? process.stderr : this.options.output).write(chunk);
      return;
    }
    const pending = this.partial.get(stream);
    if (pending) clearTimeout(pending.timer);
    const text = (pending?.text ?? '') + chunk;
    const end = text.lastIndexOf('\n') + 1;
    if (end > 0) this.writeAbove(text.slice(0, end));
    const rest = text.slice(end);
    if (rest) this.partial.set(stream, { text: rest, timer: setTimeout(() => this.flush(stream), PARTIAL_LINE_MS).unref() });
    else this.partial.delete(stream);
  }

  private flush(stream: string): void {
    const pending = this.partial.get(stream);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.partial.delete(stream);
    this.writeAbove(pending.text + '\n');
  }

  /**
   * Lines of Live Update's own (update outcomes): above the prompt, else on stderr, so that the
   * program's stdout stays its own.
   */
  message(lines: Parameters<typeof renderReplLines>[0]): void {
    if (!lines.length) return;
    if (this.interactive) this.writeAbove(renderReplLines(lines, this.color) + '\n');
    else process.stderr.write(renderReplLines(lines, process.stderr.isTTY === true && !process.env['NO_COLOR']) + '\n');
  }

  /** A raw line for stderr (the JSON event stream), kept off the prompt line. */
  errorLine(line: string): void {
    if (this.interactive) this.writeAbove(line + '\n');
    else process.stderr.write(line + '\n');
  }

  /** Writes whole lines above the prompt and draws the prompt and the typed input again. */
  private writeAbove(text: string): void {
    const rl = this.rl;
    if (!rl || !this.interactive) {
      this.options.output.write(text);
      return;
    }
    readline.cursorTo(this.options.output, 0);
    readline.clearLine(this.options.output, 0);
    this.options.output.write(text);
    rl.prompt(true);
  }

  /** Closes the prompt (the program ended, `quit`); output still passes through. */
  close(): void {
    for (const stream of [...this.partial.keys()]) this.flush(stream);
    if (this.closed) return;
    this.closed = true;
    this.rl?.close();
  }
}
