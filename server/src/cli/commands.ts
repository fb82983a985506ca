// What answers the prompt: the command language, whose one implementation is shared with the
// Live REPL in VS Code (server/src/repl/interpreter.ts). The command line's host: files are read
// from disk (there are no editor buffers), outcomes are printed and logged as a save's are.
import { CommandInterpreter } from '../repl/interpreter';
import type { LiveSession } from './liveSession';
import type { CommandLanguage } from './terminalRepl';

export function commandLanguage(session: LiveSession): CommandLanguage {
  const interpreter = new CommandInterpreter({
    engine: session.engine,
    port: session.port,
    textOf: (file) => session.textOf(file),
    publish: (file, outcome) => session.publish(file, outcome, 'command'),
    root: session.root,
  });
  return {
    run: (line) => interpreter.run(line),
    complete: (line, cursor) => interpreter.complete(line, cursor),
  };
}
