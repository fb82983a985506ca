// What answers the prompt: the command language, whose one implementation is shared with the
// Live REPL in VS Code (server/src/repl/interpreter.ts), through the session's update service.
import type { LiveSession } from './liveSession';
import type { CommandLanguage } from './terminalRepl';

export function commandLanguage(session: LiveSession): CommandLanguage {
  return {
    run: (line) => session.service.command(line),
    complete: (line, cursor) => session.service.interpreter.complete(line, cursor),
  };
}
