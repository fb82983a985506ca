// One program under Live Update from the command line: the update service of the language server
// (server/src/host/service.ts) over a direct inspector connection, with a terminal as its sink.
// The files the program runs are watched; each change on disk is a save.
import type { TargetInfo } from '../../common/reports';
import { RuntimeConnection } from '../../common/runtimeConnection';
import type { CdpConnection } from '../../common/cdpConnection';
import { RuntimeTargetPort } from '../../server/src/core/runtimePort';
import { runsOtherText } from '../../server/src/core/drift';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from '../../server/src/core/updateEngine';
import { LiveService } from '../../server/src/host/service';
import type { CommonOptions } from './args';
import type { EventLog } from './events';
import { terminalSink, type TerminalOutput } from './terminalSink';
import { LoadedFileWatcher } from './watcher';

/** The one target of a command-line session (the service handles several; here there is one program). */
export const TARGET_ID = 'main';

export class LiveSession {
  readonly service: LiveService;
  private readonly watcher: LoadedFileWatcher;

  constructor(
    private readonly cdp: CdpConnection,
    readonly target: TargetInfo,
    options: CommonOptions,
    readonly root: string,
    out: TerminalOutput,
    events: EventLog,
    ignoredFolders: readonly string[],
  ) {
    const connection = new RuntimeConnection(cdp);
    const port = new RuntimeTargetPort((t) => (t.id === target.id ? connection : undefined));
    const settings: EngineSettings = { ...DEFAULT_ENGINE_SETTINGS, typeCheck: options.typeCheck, whenActive: options.whenActive };
    this.service = new LiveService(port, terminalSink(out, events), { settings: () => settings, root: () => root, warm: 'first' });
    this.service.setTargets([target]);
    this.watcher = new LoadedFileWatcher(
      ignoredFolders,
      (file, text) => this.loaded(file, text),
      (file, text) => void this.service.saved(file, text),
    );
  }

  /**
   * Learns the program's scripts from V8 (`Debugger.enable` replays the ones already loaded). Pauses
   * are skipped in this session: a `debugger;` statement must not stop a program nobody debugs.
   * No cache of collected scripts: it would keep every collected script's source in the program
   * (common/runtimeCall.ts says why that grows with each update).
   */
  async start(): Promise<void> {
    this.cdp.on('Debugger.scriptParsed', (params: { url: string }) => this.watcher.scriptParsed(params.url));
    await this.cdp.send('Debugger.enable', { maxScriptsCacheSize: 0 });
    await this.cdp.send('Debugger.setSkipAllPauses', { skip: true });
    // The runtime signals its pending changes to this session (before attach enables the Runtime
    // domain for its own use: listening enables it briefly).
    await this.service.port.connectAll();
  }

  watchedFiles(): string[] {
    return this.watcher.watched();
  }

  /**
   * A file the program loaded, with its text on disk: the type gate's "before". That text is read
   * when V8's notice of the script arrives, which can be after an edit saved while the program was
   * starting (its output and the inspector's notices travel apart): the watcher would take that
   * edit as the file's starting point and the program would keep running the text before it. So
   * what the program runs is asked, and a difference is a save.
   */
  private loaded(file: string, text: string): void {
    this.service.opened(file, text);
    void runsOtherText(this.service.port, this.target.id, file, text)
      .catch(() => false)
      .then((differs) => (differs ? this.service.saved(file, text) : undefined));
  }

  close(): void {
    this.watcher.close();
  }
}
