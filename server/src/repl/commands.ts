// The command table: every command's name, usage, one line of help and handler. `help` and the
// unknown-command suggestion read it, so a command exists in one place.
import type { ReplLine } from '../../../common/repl';
import type { Handler } from './host';
import { errorLine, line } from './format';
import { nearest } from './parse';
import { updateCommand } from './update';
import { cancelCommand, historyCommand, pendingCommand, pointsCommand, rollbackCommand, stackCommand, statusCommand, targetsCommand } from './views';

export interface Command {
  name: string;
  usage: string;
  help: string;
  /** What the command's arguments are, for completion. */
  args: 'none' | 'command' | 'module' | 'update' | 'pending' | 'text';
  run: Handler;
}

/** `eval` needs the interpreter's memory of the last module: it is given by the interpreter. */
export function commandTable(evalCommand: Handler, frontEnd: 'editor' | 'terminal' = 'terminal'): Command[] {
  const quit = frontEnd === 'editor' ? 'Close this terminal. The programs keep running.' : 'Leave the command interpreter. The programs keep running, except the one `live-update run` started, which stops.';
  const table: Command[] = [
    { name: 'help', usage: 'help [<command>]', help: 'List the commands, or how to use one.', args: 'command', run: async (_, rest) => helpLines(table, rest) },
    { name: 'status', usage: 'status', help: 'The running programs: version, modules, updates waiting.', args: 'none', run: statusCommand },
    { name: 'targets', usage: 'targets', help: 'The running programs (targets) and their ids.', args: 'none', run: targetsCommand },
    {
      name: 'update',
      usage: 'update [<file>|<function>, …] [when <function>, … idle]',
      help: 'Apply the current text of files (all changed ones by default), or only some functions, now or once functions are idle.',
      args: 'update',
      run: updateCommand,
    },
    { name: 'pending', usage: 'pending', help: 'The updates waiting for their functions to become inactive.', args: 'none', run: pendingCommand },
    { name: 'cancel', usage: 'cancel [<id>, …]', help: 'Drop waiting updates (all by default).', args: 'pending', run: cancelCommand },
    { name: 'history', usage: 'history [<how many>]', help: "Each program's numbered versions, newest last.", args: 'none', run: historyCommand },
    { name: 'rollback', usage: 'rollback [<version>]', help: 'Restore the code of a version (one back by default); state is kept.', args: 'none', run: rollbackCommand },
    { name: 'eval', usage: 'eval [<module>] <expression>', help: "Evaluate in a module's scope (its top-level bindings readable and assignable); promises are awaited.", args: 'module', run: evalCommand },
    { name: 'stack', usage: 'stack', help: 'The live stack (when paused) and the suspended activations that hold updates back.', args: 'none', run: stackCommand },
    { name: 'points', usage: 'points', help: 'Where the programs reached update points, and how often (approximately).', args: 'none', run: pointsCommand },
    { name: 'quit', usage: 'quit', help: quit, args: 'none', run: async () => ({ lines: [], quit: true }) },
  ];
  return table;
}

function helpLines(table: readonly Command[], rest: string): ReplLine[] {
  const name = rest.trim();
  if (name) {
    const command = table.find((c) => c.name === name);
    if (!command) return [unknownCommand(table, name)];
    return [line(command.usage, 'heading'), line(`  ${command.help}`)];
  }
  const width = Math.max(...table.map((c) => c.name.length));
  return [line('Commands (help <command> for its usage):', 'heading'), ...table.map((c) => line(`  ${c.name.padEnd(width)}  ${c.help}`))];
}

export function unknownCommand(table: readonly Command[], name: string): ReplLine {
  const guess = nearest(name, table.map((c) => c.name));
  return errorLine(`Unknown command: ${name}.${guess ? ` Did you mean \`${guess}\`?` : ' Type `help` for the commands.'}`);
}
