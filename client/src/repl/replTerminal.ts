// The Live REPL: a Pseudoterminal on the command language. The prompt is the command line's too
// (common/replPrompt.ts: node:readline edits the line, walks the history and completes with Tab);
// each entered line is answered by the language server (its command interpreter), so this file
// only connects the prompt to VS Code's terminal.
import * as vscode from 'vscode';
import { renderReplLines, type ReplLine } from '../../../common/repl';
import { ReplPrompt, type CommandLanguage } from '../../../common/replPrompt';
import { HISTORY_SIZE, type ReplHistory } from './replHistory';
import { TerminalOutput, terminalInput } from './terminalStreams';

/** Where the lines go: the language server's command interpreter. */
export type ReplBackend = CommandLanguage;

const PROMPT = '\x1b[1;32mlive>\x1b[0m ';
const PROMPT_TEXT = 'live> ';

export class ReplTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;

  private readonly input = terminalInput();
  private readonly output = new TerminalOutput((text) => this.writeEmitter.fire(text));
  private prompt: ReplPrompt | undefined;
  /** Writes before `open`: VS Code drops events fired before it. */
  private early: string[] = [];

  constructor(
    private readonly backend: ReplBackend,
    private readonly history: ReplHistory,
  ) {}

  open(dimensions: vscode.TerminalDimensions | undefined): void {
    if (dimensions) this.output.resize(dimensions.columns, dimensions.rows);
    this.prompt = new ReplPrompt({
      input: this.input,
      output: this.output,
      terminal: true,
      commands: this.backend,
      prompt: PROMPT,
      color: true,
      history: { lines: this.history.load(), size: HISTORY_SIZE, save: (lines) => void this.history.save(lines) },
      onInterrupt: () => this.print([{ text: 'Type quit (or press Ctrl+D) to close the REPL.', style: 'dim' }]),
      // Ctrl+D on an empty line, or `quit`, closes readline, and with it the terminal.
      onClose: () => this.closeEmitter.fire(),
    });
    this.output.write(renderReplLines([{ text: 'Live Update REPL. Type help; Tab completes; quit closes.', style: 'dim' }], true) + '\n');
    for (const text of this.early.splice(0)) this.output.write(text);
    this.prompt.prompt();
  }

  close(): void {
    // The user closed the terminal: readline's `close` does the rest (the history is already saved).
    this.prompt?.close();
  }

  handleInput(data: string): void {
    this.input.write(data);
  }

  setDimensions(dimensions: vscode.TerminalDimensions): void {
    this.output.resize(dimensions.columns, dimensions.rows);
  }

  /**
   * Prints lines that did not come from the user's command (an update applied, an evaluation from
   * the editor) without mixing them into what is being typed (ReplPrompt.writeAbove).
   */
  print(lines: readonly ReplLine[]): void {
    if (this.prompt) this.prompt.print(lines);
    else this.early.push(renderReplLines(lines, true) + '\n');
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
}
