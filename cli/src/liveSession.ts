// One program under Live Update from the command line: the update service of the language server
// (server/src/host/service.ts) over direct inspector connections — one per target: its process,
// its worker threads, its child processes (programTargets.ts) — with a terminal as its sink. The
// files the program runs are watched; each change on disk is a save.
import type { CdpSession } from '../../common/cdpConnection';
import { updateName } from '../../common/endAfterUpdate';
import type { TargetInfo } from '../../common/reports';
import { RuntimeConnection } from '../../common/runtimeConnection';
import { runsOtherText } from '../../server/src/core/drift';
import { isManifest } from '../../server/src/core/manifestSave';
import { RuntimeTargetPort } from '../../server/src/core/runtimePort';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from '../../server/src/core/updateEngine';
import { LiveService } from '../../server/src/host/service';
import type { CommonOptions } from './args';
import type { EventLog } from './events';
import { terminalSink, type TerminalOutput } from './terminalSink';
import { LoadedFileWatcher } from './watcher';

/** The target of the process the command line started or attached to (workers and children have their own ids). */
export const TARGET_ID = 'main';

export class LiveSession {
  readonly service: LiveService;
  private readonly watcher: LoadedFileWatcher;
  private readonly connections = new Map<string, RuntimeConnection>();
  private readonly targets = new Map<string, TargetInfo>();
  /** The last update that went live (wholly or in part), for what is said if the program then dies. */
  lastApplied: { what: string; time: number } | undefined;

  constructor(
    options: CommonOptions,
    readonly root: string,
    out: TerminalOutput,
    events: EventLog,
    ignoredFolders: readonly string[],
  ) {
    const port = new RuntimeTargetPort((t) => this.connections.get(t.id));
    const settings: EngineSettings = { ...DEFAULT_ENGINE_SETTINGS, typeCheck: options.typeCheck, whenActive: options.whenActive };
    const sink = terminalSink(out, events);
    const report: typeof sink.report = (r, cause, diagnostics) => {
      if (r.outcome === 'applied' || r.outcome === 'partial') this.lastApplied = { what: updateName(r), time: Date.now() };
      return sink.report(r, cause, diagnostics);
    };
    this.service = new LiveService(port, { ...sink, report }, { settings: () => settings, root: () => root, warm: 'first', frontEnd: 'terminal' });
    this.watcher = new LoadedFileWatcher(
      ignoredFolders,
      (file, text, targetId) => this.loaded(file, text, targetId),
      (file, text) => void this.service.saved(file, text),
    );
  }

  /**
   * A target of the program whose runtime answered: its scripts are learnt from V8
   * (`Debugger.enable` replays the ones already loaded) and its files watched. Pauses are skipped in
   * its session: a `debugger;` statement must not stop a program nobody debugs. No cache of
   * collected scripts: it would keep every collected script's source in the program
   * (common/runtimeCall.ts says why that grows with each update).
   */
  async addTarget(target: TargetInfo, session: CdpSession): Promise<void> {
    this.connections.set(target.id, new RuntimeConnection(session));
    this.targets.set(target.id, target);
    this.service.setTargets([...this.targets.values()]);
    session.on('Debugger.scriptParsed', (params: { url: string }) => this.watcher.scriptParsed(params.url, target.id));
    await session.send('Debugger.enable', { maxScriptsCacheSize: 0 });
    await session.send('Debugger.setSkipAllPauses', { skip: true });
    // The runtime signals its pending changes to this session (before attach enables the Runtime
    // domain for its own use: listening enables it briefly).
    await this.service.port.connectAll();
  }

  /** A worker or child process that ended. */
  removeTarget(targetId: string): void {
    if (!this.targets.delete(targetId)) return;
    this.connections.delete(targetId);
    this.service.setTargets([...this.targets.values()]);
  }

  watchedFiles(): string[] {
    return this.watcher.watched();
  }

  /**
   * A file a target loaded, with its text on disk: the type gate's "before". That text is read
   * when V8's notice of the script arrives, which can be after an edit saved while the program was
   * starting (its output and the inspector's notices travel apart): the watcher would take that
   * edit as the file's starting point and the program would keep running the text before it. So
   * what the program runs is asked, and a difference is a save.
   */
  private loaded(file: string, text: string, targetId: string): void {
    this.service.opened(file, text);
    if (isManifest(file)) return; // not a module: nothing of it runs
    void runsOtherText(this.service.port, targetId, file, text)
      .catch(() => false)
      .then((differs) => (differs ? this.service.saved(file, text) : undefined));
  }

  close(): void {
    this.watcher.close();
  }
}
