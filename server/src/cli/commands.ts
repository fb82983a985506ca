// What answers the prompt. The command language has one implementation, shared with the Live REPL
// in VS Code (server/src/repl/interpreter.ts, `CommandInterpreter`); until this branch has it, the
// prompt knows only `quit` and says so for anything else.
import type { ReplCompletion, ReplResponse } from '../../../common/repl';
import type { LiveSession } from './liveSession';
import type { CommandLanguage } from './terminalRepl';

const BUILTIN = ['quit', 'help'];

export function commandLanguage(_session: LiveSession): CommandLanguage {
  return {
    async run(line: string): Promise<ReplResponse> {
      const word = line.trim().split(/\s+/)[0];
      if (word === 'quit' || word === 'exit') return { lines: [], quit: true };
      if (word === 'help') return { lines: [{ text: 'quit  stop the program (run) or detach (attach)' }] };
      return { lines: [{ text: `unknown command \`${word}\`: this build has only quit and help`, style: 'error' }] };
    },
    async complete(line: string, cursor: number): Promise<ReplCompletion> {
      const from = line.slice(0, cursor).search(/\S*$/);
      const word = line.slice(from, cursor);
      return { from, items: from === 0 ? BUILTIN.filter((c) => c.startsWith(word)) : [] };
    },
  };
}
