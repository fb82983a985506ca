// What the command interpreter needs from whoever runs it (the language server, the command line),
// and what each command's handler gets.
import type { ReplLine, ReplResponse } from '../../../common/repl';
import type { TargetPort } from '../core/targetPort';
import type { SaveOutcome, UpdateEngine } from '../core/updateEngine';

export interface ReplHost {
  engine: UpdateEngine;
  port: TargetPort;
  /** The text to apply for a file: the editor's text (unsaved included) if the front end has one, else the file on disk. */
  textOf(file: string): Promise<string | undefined>;
  /** Publish what an update started from the REPL produced (diagnostics + report), exactly as a save's outcome is published. */
  publish(file: string, outcome: SaveOutcome): Promise<void>;
  /** Root folder used to show and resolve relative module paths (cwd for the CLI, the workspace folder in VS Code). */
  root: string;
  /** The editor's display language, for times (common/liveStates.ts `clockTime`); the system's when absent. */
  locale?: string;
  /** Where the prompt is: the editor's Live REPL terminal, or the command line's own (the default). */
  frontEnd?: 'editor' | 'terminal';
}

export interface CommandContext {
  host: ReplHost;
  /** The front end's active file: the default module of `eval`. */
  activeFile?: string;
  /** The user modules per target id, asked of the programs once per command. */
  modules(): Promise<Map<string, string[]>>;
}

/** A command's work: the lines it answers, or a whole response (`quit`). */
export type Handler = (context: CommandContext, rest: string) => Promise<ReplLine[] | ReplResponse>;
