// The host of the update engine, written once for the editor and the command line: it sequences
// saves (the late results of an older save never overwrite a newer one's), keeps what each file
// shows, warms the type gate up, routes what pending updates do, follows the set of targets, and
// answers the command language. What it has to say goes to a sink: the language server
// (server/src/lsp/main.ts) turns it into LSP messages, the command line (cli/src/terminalSink.ts)
// into terminal lines and JSON events. Neither knows how an update is made.
import * as fs from 'node:fs/promises';
import { stated } from '../../../common/liveStates';
import type { ReplResponse } from '../../../common/repl';
import { DiagnosticCodes, type TargetInfo, type TargetPending, type UpdateReport } from '../../../common/reports';
import { ofLiveTargets, type LiveDiagnostic } from '../core/diagnostics';
import { isManifest } from '../core/manifestSave';
import type { RuntimeTargetPort } from '../core/runtimePort';
import { SourceTexts } from '../core/sourceTexts';
import { DEFAULT_ENGINE_SETTINGS, UpdateEngine, type EngineSettings, type PendingOutcome, type SaveOutcome } from '../core/updateEngine';
import { CommandInterpreter } from '../repl/interpreter';
import { typeGatePort } from '../typecheck/enginePort';
import { TypeGate } from '../typecheck/typeGate';

/** Why an update is reported: a file saved, a command (the REPL, a rollback), a pending update that ended. */
export type UpdateCause = 'save' | 'command' | 'pending';

/** Why a file's diagnostics changed without a report of their own. */
export type DiagnosticsCause = UpdateCause | 'types' | 'adopted' | 'ended';

/** Where the service's news goes: the editor, or a terminal. */
export interface UpdateSink {
  /** A file's diagnostics as it should show them now (none: cleared); `fresh` are those it did not show before. */
  diagnostics(file: string, all: LiveDiagnostic[], change: { cause: DiagnosticsCause; fresh: LiveDiagnostic[] }): Promise<void> | void;
  /** An update's report, with the diagnostics published with it (none for a pending update's end). */
  report(report: UpdateReport, cause: UpdateCause, diagnostics: LiveDiagnostic[]): Promise<void> | void;
  /** The set of pending updates changed (one entry per target that has any). */
  pendingChanged(targets: TargetPending[]): void;
  /** Something went wrong that is no update's outcome (a check that failed to run). */
  warn(message: string): void;
  /**
   * A save the programs already run, or that changes nothing they run: whatever the sink shows of
   * an earlier failure of the file (the editor's status bar, CodeLens, view) is stale now.
   */
  superseded?(report: UpdateReport): Promise<void> | void;
  /**
   * The first file's project is type-checked (or cannot be): a save now pays only its own check.
   * The command line says `ready` then, so scripts and tests edit after the cold start.
   */
  warmedUp?(): void;
}

export interface ServiceOptions {
  /** The user's settings, read at each save. */
  settings?: () => EngineSettings;
  /** The folder module paths are shown relative to (the workspace folder, the command line's cwd). */
  root: () => string;
  /**
   * Warm the type gate up with every file opened (the editor: the few a user opens), or only the
   * first (the command line, which opens every file the program loads).
   */
  warm: 'each' | 'first';
  /** The user's display language, for the times the command language writes (the editor's). */
  locale?: () => string | undefined;
  /** Which front end answers the command language (its help speaks of that one). */
  frontEnd: 'editor' | 'terminal';
}

/** How long after a file opens its project is type-checked in the background. */
const WARM_DELAY_MS = 100;
/** What the type gate checks: TypeScript and JavaScript sources. */
const SOURCE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

export class LiveService {
  readonly typeGate = new TypeGate();
  readonly engine: UpdateEngine;
  readonly interpreter: CommandInterpreter;
  /** Saves per file, so late results of an older save never overwrite a newer one's. */
  private readonly saveCounts = new Map<string, number>();
  /** What each file shows, so it can be withdrawn when the programs it describes end. */
  private readonly published = new Map<string, LiveDiagnostic[]>();
  /** The last text of each file opened or saved: what the REPL's `update` applies. */
  private readonly documents = new Map<string, string>();
  /** The editors' unsaved texts sent with the command running now. */
  private unsaved = new Map<string, string>();
  /** The texts of each file as written that the service saw: what a version's diff shows, what a revert restores. */
  readonly sources = new SourceTexts();
  private warmed = false;

  constructor(
    readonly port: RuntimeTargetPort,
    private readonly sink: UpdateSink,
    private readonly options: ServiceOptions,
  ) {
    const settings = options.settings ?? (() => DEFAULT_ENGINE_SETTINGS);
    this.engine = new UpdateEngine(port, typeGatePort(this.typeGate, (m) => sink.warn(m)), settings);
    this.engine.onPendingOutcome = (outcome) => this.pendingOutcome(outcome);
    this.engine.onPendingChanged = (targets) => sink.pendingChanged(targets);
    // A restarted server found updates waiting: the file says so again (its other diagnostics stay).
    this.engine.onPendingAdopted = (file, pendingIds, diagnostics) => {
      const others = (this.published.get(file) ?? []).filter((d) => !(d.code === DiagnosticCodes.pendingUpdate && pendingIds.includes(String(d.data?.['pendingId']))));
      void this.show(file, [...others, ...diagnostics], 'adopted');
    };
    this.interpreter = new CommandInterpreter({
      engine: this.engine,
      port,
      // Read when a command runs: the editor's workspace folder is known only once it initialized.
      get root() {
        return options.root();
      },
      get locale() {
        return options.locale?.();
      },
      frontEnd: options.frontEnd,
      textOf: (file) => this.textOf(file),
      publish: (file, outcome) => this.publishOutcome(file, outcome, 'command'),
    });
  }

  /** A file's text: the editor's unsaved text for the command running now, else as last opened or saved, else on disk. */
  async textOf(file: string): Promise<string | undefined> {
    return this.unsaved.get(file) ?? this.documents.get(file) ?? (await fs.readFile(file, 'utf8').catch(() => undefined));
  }

  /**
   * A file was opened (the editor) or loaded (the command line): its text is the type gate's
   * "before", and its project is checked soon, in the background, so the first save checks only
   * its own text (the project's cold start costs seconds).
   */
  opened(file: string, text: string): void {
    this.documents.set(file, text);
    // A package.json is kept only as the "before" of its saves (core/manifestSave.ts).
    if (isManifest(file)) return;
    this.sources.remember(file, text);
    this.warmTypeGate(file, text);
  }

  /**
   * A program became a target running `files` (its user modules): when no file was opened yet, the
   * type gate builds the project of the first source file among them now, while the program
   * starts, so that the first save does not pay the project's cold start (issue 22: "warm what can
   * be warmed while the program starts"). Its text on disk is the baseline until the editor opens it.
   */
  async programLoaded(files: string[]): Promise<void> {
    if (this.warmed) return;
    const file = files.find((f) => SOURCE_FILE.test(f) && !/[\\/]node_modules[\\/]/.test(f));
    const text = file === undefined ? undefined : await fs.readFile(file, 'utf8').catch(() => undefined);
    if (file === undefined || text === undefined || this.warmed || this.documents.has(file)) return;
    this.warmTypeGate(file, text);
  }

  private warmTypeGate(file: string, text: string): void {
    try {
      this.typeGate.didOpen(file, text);
    } catch (e) {
      // A file the type gate cannot take is still updated; its check says why at the save.
      this.sink.warn(`type check of ${file} cannot start: ${e instanceof Error ? e.message : String(e)}`);
      if (!this.warmed) {
        this.warmed = true;
        this.sink.warmedUp?.();
      }
      return;
    }
    if (this.options.warm === 'first' && this.warmed) return;
    const first = !this.warmed;
    this.warmed = true;
    setTimeout(() => {
      try {
        this.typeGate.warm(file);
      } catch (e) {
        this.sink.warn(`type check warm-up of ${file} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (first) this.sink.warmedUp?.();
    }, WARM_DELAY_MS).unref();
  }

  closed(file: string): void {
    this.documents.delete(file);
  }

  /** A file was saved: its update, published, then its type warnings unless a newer save came since. */
  async saved(file: string, text: string): Promise<void> {
    const before = this.documents.get(file);
    this.documents.set(file, text);
    if (!isManifest(file)) this.sources.remember(file, text);
    if (this.engine.isIdleSave(file, text)) return;
    try {
      const save = this.nextSave(file);
      let published!: () => void;
      const afterPublished = new Promise<void>((resolve) => (published = resolve));
      const outcome = await this.engine.onSave(file, text, { afterPublished, ...(before === undefined ? {} : { before }) });
      // The report goes out before any work that only informs (deferred type warnings) takes the
      // event loop: that work waits until it is published.
      await this.publishNow(file, outcome, 'save').finally(published);
      await this.publishLater(file, outcome, save);
    } catch (e) {
      this.sink.warn(`update of ${file} failed: ${e instanceof Error ? e.stack : String(e)}`);
    }
  }

  /** An update's outcome that did not come from a save (a command, a rollback), published as a save's is. */
  async publishOutcome(file: string, outcome: SaveOutcome, cause: UpdateCause = 'command'): Promise<void> {
    const save = this.nextSave(file);
    await this.publishNow(file, outcome, cause);
    void this.publishLater(file, outcome, save).catch((e: unknown) => this.sink.warn(`type warnings of ${file} failed: ${e instanceof Error ? e.message : String(e)}`));
  }

  /** Runs a line of the command language; `unsaved`: the editors' texts it applies. */
  async command(line: string, activeFile?: string, unsaved: { file: string; text: string }[] = []): Promise<ReplResponse> {
    this.unsaved = new Map(unsaved.map((t) => [t.file, t.text]));
    try {
      return await this.interpreter.run(line, activeFile ? { activeFile } : {});
    } finally {
      this.unsaved = new Map();
    }
  }

  /**
   * The programs under Live Update now. Those that ended are forgotten and what only they showed
   * withdrawn; those that appeared are adopted (`unsettled`: per target, the pending ids the user
   * last saw waiting there). Answers the targets that appeared.
   */
  setTargets(targets: TargetInfo[], unsettled?: { targetId: string; pendingIds: string[] }[]): TargetInfo[] {
    const live = new Set(targets.map((t) => t.id));
    const gone = new Set(this.port.targets().filter((t) => !live.has(t.id)).map((t) => t.id));
    for (const id of gone) this.engine.forgetTarget(id);
    const known = new Set(this.port.targets().map((t) => t.id));
    this.port.setTargets(targets);
    const appeared = targets.filter((t) => !known.has(t.id));
    for (const target of appeared) this.engine.adoptTarget(target, unsettled?.find((u) => u.targetId === target.id)?.pendingIds);
    // Diagnostics describe running programs: what only ended ones showed is no longer true.
    if (gone.size > 0) {
      for (const [file, diagnostics] of this.published) {
        const still = targets.length === 0 ? [] : ofLiveTargets(diagnostics, live);
        if (still.length !== diagnostics.length) void this.show(file, still, 'ended');
      }
    }
    return appeared;
  }

  private nextSave(file: string): number {
    const save = (this.saveCounts.get(file) ?? 0) + 1;
    this.saveCounts.set(file, save);
    return save;
  }

  /** The outcome's report and diagnostics (nothing for a save that changed nothing anywhere, but what it clears). */
  private async publishNow(file: string, outcome: SaveOutcome, cause: UpdateCause): Promise<void> {
    const { report } = outcome;
    const diagnostics = ofLiveTargets(outcome.diagnostics, this.liveTargets());
    if (report.outcome === 'no-change' && diagnostics.length === 0 && report.targets.length === 0) {
      await Promise.all([this.published.has(file) ? this.show(file, [], cause) : undefined, this.sink.superseded?.(report)]);
      return;
    }
    await Promise.all([this.show(file, diagnostics, cause), this.sink.report(report, cause, diagnostics)]);
  }

  /** Type warnings that could not hold the update follow it, unless a newer update of the file came since. */
  private async publishLater(file: string, outcome: SaveOutcome, save: number): Promise<void> {
    const later = await outcome.later;
    if (later && this.saveCounts.get(file) === save) await this.show(file, later, 'types');
  }

  /** A pending update ended: its "waiting" diagnostics go (replaced by the reason when it was dropped), and the user hears how. */
  private pendingOutcome(outcome: PendingOutcome): void {
    const current = this.published.get(outcome.file) ?? [];
    const mine = (d: LiveDiagnostic) => d.code === DiagnosticCodes.pendingUpdate && d.data?.['pendingId'] === outcome.pendingId;
    const next = current.flatMap((d) =>
      !mine(d) ? [d] : outcome.dropped ? [{ ...d, severity: 'warning' as const, code: DiagnosticCodes.pendingDropped, message: stated('notApplied', outcome.dropped), data: {} }] : [],
    );
    if (next.length !== current.length || current.some(mine)) void this.show(outcome.file, next, 'pending');
    if (outcome.report) void this.sink.report(outcome.report, 'pending', []);
  }

  private liveTargets(): Set<string> {
    return new Set(this.port.targets().map((t) => t.id));
  }

  /** Shows a file's diagnostics: only those of live targets (a program that ended during its update is no target now). */
  private async show(file: string, all: LiveDiagnostic[], cause: DiagnosticsCause): Promise<void> {
    const diagnostics = ofLiveTargets(all, this.liveTargets());
    const before = new Set((this.published.get(file) ?? []).map(diagnosticKey));
    if (diagnostics.length) this.published.set(file, diagnostics);
    else this.published.delete(file);
    await this.sink.diagnostics(file, diagnostics, { cause, fresh: diagnostics.filter((d) => !before.has(diagnosticKey(d))) });
  }
}

function diagnosticKey(d: LiveDiagnostic): string {
  return `${d.code}|${d.start.line}:${d.start.column}|${d.message}`;
}
