// What `run` and `attach` share once a program's inspector is connected: the terminal (prompt
// or not), the event log, the live session and the command language answering the prompt.
import type { TargetInfo } from '../../common/reports';
import type { CommonOptions } from './args';
import type { CdpSession } from '../../common/cdpConnection';
import { commandLanguage } from './commands';
import { EventLog } from './events';
import { historyFile } from './history';
import { LiveSession } from './liveSession';
import { Terminal, type CommandLanguage } from './terminalRepl';

export interface FrontEnd {
  terminal: Terminal;
  events: EventLog;
  session: LiveSession;
}

export interface FrontEndHandlers {
  /** Ctrl-C at an empty prompt. */
  onInterrupt(): void;
  /** `quit`, or the end of the prompt's input. */
  onQuit(): void;
}

export async function openFrontEnd(cdp: CdpSession, target: TargetInfo, options: CommonOptions, root: string, ignoredFolders: readonly string[], handlers: FrontEndHandlers): Promise<FrontEnd> {
  // The terminal exists before the session (it shows what the session says), the prompt after it.
  let language: CommandLanguage | undefined;
  const notReady = { lines: [{ text: 'not connected to the program yet', style: 'error' as const }] };
  const terminal = new Terminal({
    input: process.stdin,
    output: process.stdout,
    ...(options.repl
      ? {
          commands: {
            run: async (line) => (language ? language.run(line) : notReady),
            complete: async (line, cursor) => (language ? language.complete(line, cursor) : { from: cursor, items: [] }),
          },
          historyFile: historyFile(),
        }
      : {}),
    onInterrupt: handlers.onInterrupt,
    onQuit: handlers.onQuit,
    deferPrompt: true,
  });
  const events = new EventLog(options.json, (line) => terminal.errorLine(line));
  const session = new LiveSession(options, root, terminal, events, ignoredFolders);
  await session.addTarget(target, cdp);
  language = commandLanguage(session);
  terminal.showPrompt();
  return { terminal, events, session };
}
