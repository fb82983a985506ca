// One program under Live Update from the command line: the same update engine, type gate and
// policies as the language server, over direct inspector connections instead of LSP — one per
// target (its process, its worker threads, its child processes: programTargets.ts). Files the
// program runs are watched; each change is a save. Outcomes go to the terminal and the event log.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ReplLine } from '../../../common/repl';
import type { TargetInfo } from '../../../common/reports';
import { RuntimeConnection } from '../../../common/runtimeConnection';
import { RuntimeTargetPort } from '../core/runtimePort';
import type { LiveDiagnostic } from '../core/diagnostics';
import { runsOtherText } from '../core/drift';
import { DEFAULT_ENGINE_SETTINGS, UpdateEngine, type EngineSettings, type SaveOutcome } from '../core/updateEngine';
import { typeGatePort } from '../typecheck/enginePort';
import { TypeGate } from '../typecheck/typeGate';
import type { CommonOptions } from './args';
import type { CdpSession } from '../../../common/cdpConnection';
import { updateEvent, type EventLog } from './events';
import { LoadedFileWatcher } from './watcher';

/** The target of the process the command line started or attached to (workers and children have their own ids). */
export const TARGET_ID = 'main';

export interface SessionOutput {
  message(lines: ReplLine[]): void;
}

export class LiveSession {
  readonly port: RuntimeTargetPort;
  readonly engine: UpdateEngine;
  private readonly typeGate = new TypeGate();
  private readonly watcher: LoadedFileWatcher;
  private readonly connections = new Map<string, RuntimeConnection>();
  private readonly targets = new Map<string, TargetInfo>();
  private warmed = false;

  constructor(
    options: CommonOptions,
    readonly root: string,
    private readonly out: SessionOutput,
    private readonly events: EventLog,
    ignoredFolders: readonly string[],
  ) {
    this.port = new RuntimeTargetPort((t) => this.connections.get(t.id));
    const settings: EngineSettings = { ...DEFAULT_ENGINE_SETTINGS, typeCheck: options.typeCheck, whenActive: options.whenActive };
    const log = (message: string) => out.message([{ text: `live-update: ${message}`, style: 'warn' }]);
    this.engine = new UpdateEngine(this.port, typeGatePort(this.typeGate, log), () => settings);
    this.engine.onPendingOutcome = (outcome) => {
      if (!outcome.report) return;
      const diagnostics: LiveDiagnostic[] = [];
      this.out.message(this.lines(outcome.report.file, { report: outcome.report, diagnostics }));
      this.events.write(updateEvent('pending', outcome.report, diagnostics));
    };
    this.watcher = new LoadedFileWatcher(
      ignoredFolders,
      (file, text, targetId) => this.loaded(file, text, targetId),
      (file, text) => void this.saved(file, text),
    );
  }

  /**
   * A target of the program (its process, a worker, a child process) whose runtime answered:
   * its scripts are learnt from V8 (`Debugger.enable` replays the ones already loaded) and its
   * files watched. Pauses are skipped in its session: a `debugger;` statement must not stop a
   * program nobody debugs. No cache of collected scripts: it would keep every collected script's
   * source in the program (common/runtimeCall.ts says why that grows with each update).
   */
  async addTarget(target: TargetInfo, session: CdpSession): Promise<void> {
    this.connections.set(target.id, new RuntimeConnection(session));
    this.targets.set(target.id, target);
    this.port.setTargets([...this.targets.values()]);
    this.engine.adoptTarget(target);
    session.on('Debugger.scriptParsed', (params: { url: string }) => this.watcher.scriptParsed(params.url, target.id));
    await session.send('Debugger.enable', { maxScriptsCacheSize: 0 });
    await session.send('Debugger.setSkipAllPauses', { skip: true });
    // The runtime signals its pending changes to this session (before attach enables the Runtime
    // domain for its own use: listening enables it briefly).
    await this.port.connectAll();
  }

  /** A worker or child process that ended. */
  removeTarget(targetId: string): void {
    if (!this.targets.delete(targetId)) return;
    this.connections.delete(targetId);
    this.port.setTargets([...this.targets.values()]);
    this.engine.forgetTarget(targetId);
  }

  watchedFiles(): string[] {
    return this.watcher.watched();
  }

  private loaded(file: string, text: string, targetId: string): void {
    // The type gate's "before" text, as an editor's didOpen gives it; the first file also builds
    // the project in the background, so the first save does not pay for it.
    try {
      this.typeGate.didOpen(file, text);
      if (!this.warmed) {
        this.warmed = true;
        setTimeout(() => {
          try {
            this.typeGate.warm(file);
          } catch {
            // The first save builds the project instead.
          }
          this.events.write({ event: 'ready' });
        }, 200).unref();
      }
    } catch {
      // A file the type gate cannot take is still updated; its check says why at the save.
    }
    void this.savedWhileLoading(file, text, targetId);
  }

  /**
   * The text on disk is read when V8's notice of the script arrives, which can be after an edit
   * saved while the program was starting (its output and the inspector's notices travel apart).
   * The watcher would take that edit as the file's starting point and the program would keep
   * running the text before it: what the program runs is asked, and a difference is a save.
   */
  private async savedWhileLoading(file: string, text: string, targetId: string): Promise<void> {
    const differs = await runsOtherText(this.port, targetId, file, text).catch(() => false);
    if (differs) await this.saved(file, text);
  }

  private async saved(file: string, text: string): Promise<void> {
    try {
      const outcome = await this.engine.onSave(file, text);
      await this.publish(file, outcome, 'save');
      const later = await outcome.later;
      if (later?.length) this.out.message(this.diagnosticLines(file, later));
    } catch (e) {
      this.out.message([{ text: `live-update: update of ${this.display(file)} failed: ${e instanceof Error ? e.message : String(e)}`, style: 'error' }]);
    }
  }

  /** Shows an update's outcome (a save, or a REPL command such as rollback) and logs its event. */
  async publish(file: string, outcome: SaveOutcome, cause: 'save' | 'command' = 'command'): Promise<void> {
    const { report, diagnostics } = outcome;
    if (report.outcome === 'no-change' && diagnostics.length === 0 && report.targets.length === 0) return;
    this.out.message(this.lines(file, outcome));
    this.events.write(updateEvent(cause, report, diagnostics));
  }

  private lines(file: string, { report, diagnostics }: SaveOutcome): ReplLine[] {
    const style = report.outcome === 'applied' ? 'ok' : report.outcome === 'rejected' ? 'error' : report.outcome === 'no-change' ? 'dim' : 'warn';
    return [{ text: `${this.display(file)}: ${report.summary}`, style }, ...this.diagnosticLines(file, diagnostics)];
  }

  /** `file:line:col: severity message [code]`, the form terminals and editors link. */
  private diagnosticLines(file: string, diagnostics: readonly LiveDiagnostic[]): ReplLine[] {
    // With no editor to show them, the errors a diagnostic links (the type errors of LU007) follow it as notes.
    return diagnostics.flatMap((d) => [
      {
        text: `${this.display(file)}:${d.start.line + 1}:${d.start.column + 1}: ${d.severity}: ${d.message} [${d.code}]`,
        style: d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warn' : 'dim',
      } satisfies ReplLine,
      ...(d.related ?? []).map((r): ReplLine => ({ text: `${this.display(r.file)}:${r.start.line + 1}:${r.start.column + 1}: note: ${r.message}`, style: 'dim' })),
    ]);
  }

  private display(file: string): string {
    const relative = path.relative(process.cwd(), file);
    return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
  }

  /** The text of a file the REPL asks about: on disk (the command line has no editor buffers). */
  textOf(file: string): Promise<string | undefined> {
    return fs.promises.readFile(file, 'utf8').catch(() => undefined);
  }

  close(): void {
    this.watcher.close();
  }
}
