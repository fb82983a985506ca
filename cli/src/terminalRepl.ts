// The command line's terminal: the prompt of the command language (common/replPrompt.ts, shared
// with the Live REPL in VS Code) over stdin and stdout, with the program's output and Live
// Update's own lines written above it. Output arrives as whole lines (a partial line waits
// briefly for its end). Without a terminal (piped, or `--no-repl`) every stream is written as it comes.
import type { ReplLine } from '../../common/repl';
import { renderReplLines } from '../../common/repl';
import { ReplPrompt, type CommandLanguage } from '../../common/replPrompt';
import { HISTORY_SIZE, loadHistory, saveHistory } from './history';

export type { CommandLanguage } from '../../common/replPrompt';

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
  private readonly prompt: ReplPrompt | undefined;
  private readonly color: boolean;
  private readonly partial = new Map<string, { text: string; timer: NodeJS.Timeout }>();
  private closed = false;

  constructor(private readonly options: TerminalOptions) {
    this.color = options.output.isTTY === true && !process.env['NO_COLOR'];
    const commands = options.commands;
    if (!commands) return;
    const historyFile = options.historyFile;
    this.prompt = new ReplPrompt({
      input: options.input,
      output: options.output,
      terminal: (options.input as NodeJS.ReadStream).isTTY === true && options.output.isTTY === true,
      commands,
      prompt: options.prompt ?? 'live> ',
      color: this.color,
      history: { lines: historyFile ? loadHistory(historyFile) : [], size: HISTORY_SIZE, save: (lines) => historyFile && saveHistory(historyFile, lines) },
      onInterrupt: () => options.onInterrupt?.(),
      onClose: () => {
        if (this.closed) return;
        this.closed = true;
        // Ctrl-D at a terminal quits; the end of piped or redirected input only means no more
        // commands: the program runs on (a script's `< /dev/null` must not stop it).
        if ((options.input as NodeJS.ReadStream).isTTY === true) options.onQuit?.();
      },
    });
    if (!options.deferPrompt) this.prompt.prompt();
  }

  showPrompt(): void {
    if (!this.closed) this.prompt?.prompt();
  }

  /** Whether lines are drawn above a prompt (else every stream is written as it comes). */
  private get interactive(): boolean {
    return this.prompt !== undefined && !this.closed && this.options.output.isTTY === true;
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
  message(lines: ReplLine[]): void {
    if (!lines.length) return;
    if (this.interactive) this.writeAbove(renderReplLines(lines, this.color) + '\n');
    else process.stderr.write(renderReplLines(lines, process.stderr.isTTY === true && !process.env['NO_COLOR']) + '\n');
  }

  /** A raw line for stderr (the JSON event stream), kept off the prompt line. */
  errorLine(line: string): void {
    if (this.interactive) this.writeAbove(line + '\n');
    else process.stderr.write(line + '\n');
  }

  private writeAbove(text: string): void {
    if (this.prompt && this.interactive) this.prompt.writeAbove(text);
    else this.options.output.write(text);
  }

  /** Closes the prompt (the program ended, `quit`); output still passes through. */
  close(): void {
    for (const stream of [...this.partial.keys()]) this.flush(stream);
    if (this.closed) return;
    this.closed = true;
    this.prompt?.close();
  }
}
