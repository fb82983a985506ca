// The command interpreter (DYMOS's command language): the one implementation behind the Live REPL
// terminal in VS Code and the `live-update` command line. A line in, lines out; updates go through
// the UpdateEngine as saves do, and the programs are reached only through the TargetPort. No LSP.
import type { ReplCompletion, ReplEvaluation, ReplResponse } from '../../../common/repl';
import { commandTable, unknownCommand, type Command } from './commands';
import { completeLine } from './complete';
import { evalTarget, evaluateIn } from './evaluation';
import { errorLine } from './format';
import type { CommandContext, ReplHost } from './host';
import { allFiles, resolveModule, runningModules } from './modules';
import { splitCommand } from './parse';

export type { ReplHost } from './host';

export class CommandInterpreter {
  private readonly table: Command[];
  /** The module the last `eval` ran in: the default of the next one without a front-end file. */
  private lastEvalModule: string | undefined;

  constructor(private readonly host: ReplHost) {
    this.table = commandTable((context, rest) => this.evalCommand(context, rest), host.frontEnd);
  }

  /** Runs one command line. Never throws: a failure is one error line. */
  async run(line: string, context: { activeFile?: string } = {}): Promise<ReplResponse> {
    const { name, rest } = splitCommand(line);
    if (!name) return { lines: [] };
    const command = this.table.find((c) => c.name === name);
    if (!command) return { lines: [unknownCommand(this.table, name)] };
    try {
      const answer = await command.run(this.context(context.activeFile), rest);
      return Array.isArray(answer) ? { lines: answer } : answer;
    } catch (e) {
      return { lines: [errorLine(`${name} failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`)] };
    }
  }

  async complete(line: string, cursor: number): Promise<ReplCompletion> {
    try {
      return await completeLine(this.table, this.context(undefined), line, cursor);
    } catch {
      return { from: cursor, items: [] };
    }
  }

  /** Evaluates in `file`'s module scope in every target that runs it (or `targetId`'s). */
  async evaluate(file: string, expression: string, targetId?: string): Promise<ReplEvaluation> {
    try {
      return await evaluateIn(this.host, file, expression, await this.context(undefined).modules(), targetId);
    } catch (e) {
      return { results: [], lines: [errorLine(e instanceof Error ? e.message : String(e))] };
    }
  }

  private context(activeFile: string | undefined): CommandContext {
    let modules: Promise<Map<string, string[]>> | undefined;
    return { host: this.host, ...(activeFile ? { activeFile } : {}), modules: () => (modules ??= runningModules(this.host.port)) };
  }

  private async evalCommand(context: CommandContext, rest: string): Promise<ReplEvaluation['lines']> {
    const files = allFiles(await context.modules());
    const target = evalTarget(rest, (word) => resolveModule(word, files, this.host.root), context.activeFile ?? this.lastEvalModule);
    if ('error' in target) return [errorLine(target.error)];
    this.lastEvalModule = target.file;
    return (await evaluateIn(this.host, target.file, target.expression, await context.modules())).lines;
  }
}
