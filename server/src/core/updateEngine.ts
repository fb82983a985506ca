// The update engine: what the server does with a save, as a pipeline. The planner
// (core/planner.ts) decides from a target's baseline and the saved text alone whether the update
// is held or what patch it is; the deliverer (core/deliverer.ts) sequences saves per file, fans
// them out to the targets, sends the patches and tracks what waits; the reporter
// (core/reporter.ts) turns outcomes into a report, sentences and diagnostics. This class holds
// what lasts across saves (last saves, the incremental blanking's previous save) and is what hosts
// call. Knows nothing of LSP.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashText, type ModuleStep, type PendingUpdate } from '../../../common/patch';
import type { TargetInfo, TargetPending, TargetUpdateResult, UpdateReport } from '../../../common/reports';
import { collectFunctions } from '../analysis/functions';
import { BaselineCache } from './baselines';
import { Deliverer } from './deliverer';
import type { LiveDiagnostic } from './diagnostics';
import { functionIn, pendingDiagnostics } from './pendingDiagnostics';
import { PendingTracker, type PendingSettlement } from './pendingTracker';
import { anchorElsewhere } from './planner';
import { isManifest, manifestSave } from './manifestSave';
import { DEFAULT_POLICY, type PolicySettings } from './policy';
import { dedupe, pendingOutcome, restoredReport, summarize, type PendingOutcome } from './reporter';
import { RunningTexts } from './runningTexts';
import { runningTextOf, type SavedText } from './savedText';
import { builtView, type ScriptView } from './scriptView';
import { reinitialize, reinitStep } from './stateUpdates';
import { evaluateInModule, applyPatch, type TargetPort } from './targetPort';
import { DEFAULT_TYPE_SETTINGS, NO_VERDICT, typeCheckMayHold, typeVerdict, type TypeGatePort, type TypeSettings, type TypeVerdict } from './typeGatePort';

export type { PendingOutcome } from './reporter';

export interface SaveOutcome {
  report: UpdateReport;
  diagnostics: LiveDiagnostic[];
  /**
   * The file's diagnostics again once type warnings that could not hold the update are known
   * (undefined when there are none): publish them if no newer save of the file came since.
   */
  later?: Promise<LiveDiagnostic[] | undefined>;
}

export type EngineSettings = TypeSettings & PolicySettings;

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = { ...DEFAULT_TYPE_SETTINGS, ...DEFAULT_POLICY };

export interface SaveOptions {
  /** Apply even when the edit introduces type errors (the user said so). */
  ignoreTypeErrors?: boolean;
  /** Apply only once these functions (display names in the running file) are all inactive. */
  whenIdle?: string[];
  /** Resolves once the outcome is published: work that only informs starts after it. */
  afterPublished?: Promise<void>;
  /**
   * Apply only the changes of these functions (display names or paths), spliced into the text that
   * runs; the rest of the file keeps running as it is (the REPL's `update f, g`).
   */
  only?: string[];
  /**
   * The file's text before this save, when the host knows it (as opened, or as the program's start
   * read it): a package.json save compares its fields with it (core/manifestSave.ts).
   */
  before?: string;
}

export class UpdateEngine {
  private readonly baselines: BaselineCache;
  /** The running texts the programs' versions name by hash (rollbacks, diffs, the REPL's history). */
  readonly texts = new RunningTexts();
  private readonly deliverer: Deliverer;
  /** The last text saved per file, so a held update can be applied on request. */
  private readonly lastSaved = new Map<string, string>();
  /** Per file, the last save that blanked position for position, with its running text. */
  private readonly lastRunning = new Map<string, { source: string; running: SavedText & { ok: true } }>();
  /** Per file, the text an "apply when idle" took, whose save is not an update of its own. */
  private readonly idleSaves = new Map<string, string>();
  readonly pending: PendingTracker;
  /** Set by the host: a pending update ended (applied, expired, cancelled, …). */
  onPendingOutcome: (outcome: PendingOutcome) => void = () => undefined;
  /** Set by the host: the set of pending updates changed. */
  onPendingChanged: (all: TargetPending[]) => void = () => undefined;
  /**
   * Set by the host: an adopted target (a restarted server) has these updates waiting; the
   * diagnostics say so on the saved file, as its save did before the server restarted.
   */
  onPendingAdopted: (file: string, pendingIds: string[], diagnostics: LiveDiagnostic[]) => void = () => undefined;

  constructor(
    private readonly port: TargetPort,
    private readonly types?: TypeGatePort,
    private readonly settings: () => TypeSettings & Partial<PolicySettings> = () => DEFAULT_ENGINE_SETTINGS,
  ) {
    this.baselines = new BaselineCache(port, this.texts);
    this.pending = new PendingTracker(
      port,
      (s) => this.pendingSettled(s),
      (all) => this.onPendingChanged(all),
      (target, pending) => this.pendingAdopted(target, pending),
    );
    this.deliverer = new Deliverer(port, this.baselines, this.pending, () => this.policy(), this.texts);
  }

  /**
   * Applies `text` (the editor's, else the last save or the file) once the named functions are all
   * inactive ("update … when … idle"). The editor saves that text next: that save is this update.
   */
  applyWhenIdle(file: string, functions: string[], text?: string): Promise<SaveOutcome> | undefined {
    const content = text ?? this.lastSaved.get(file) ?? readFileOrUndefined(file);
    if (content === undefined) return undefined;
    this.idleSaves.set(file, content);
    return this.onSave(file, content, { whenIdle: functions });
  }

  /** Whether a save is the one an "apply when idle" already processed (then it changes nothing). */
  isIdleSave(file: string, text: string): boolean {
    if (this.idleSaves.get(file) !== text) return false;
    this.idleSaves.delete(file);
    return true;
  }

  /** The functions of a file as a program runs it (display names), for choosing idle conditions. */
  async runningFunctions(file: string): Promise<string[]> {
    for (const target of this.port.targets()) {
      const baseline = await this.baselines.get(target.id, file);
      if (baseline && !('error' in baseline)) return [...new Set(baseline.functions.functions.map((f) => f.displayName))];
    }
    return [];
  }

  /** Drops pending updates (all, or those ids) everywhere; how many were dropped. */
  cancelPending(ids?: string[]): Promise<number> {
    return this.pending.cancel(ids, 'cancelled on request');
  }

  /**
   * A target appeared: learn what it has pending (a restarted server, a re-attached program).
   * `unsettled`: the pending ids the user last saw waiting there, whose end is still news.
   */
  adoptTarget(target: TargetInfo, unsettled?: string[]): void {
    this.pending.adopt(target, unsettled);
  }

  /** The "waiting" diagnostics of what an adopted target has pending, on the file as saved. */
  private pendingAdopted(target: TargetInfo, pending: PendingUpdate[]): void {
    for (const update of pending) {
      const text = this.lastSaved.get(update.file) ?? readFileOrUndefined(update.file);
      if (text === undefined) continue;
      const diagnostics = pendingDiagnostics(functionIn(collectFunctions(update.file, text).functions), update, target.id).map((d) => ({ ...d, targets: [target.id] }));
      this.onPendingAdopted(update.file, [update.id], diagnostics);
    }
  }

  private policy(): PolicySettings {
    const settings = this.settings();
    return { whenActive: settings.whenActive ?? DEFAULT_POLICY.whenActive, deferTimeoutMs: settings.deferTimeoutMs ?? DEFAULT_POLICY.deferTimeoutMs };
  }

  /** What a runtime said of a pending update, for the host to show. */
  private pendingSettled({ target, event }: PendingSettlement): void {
    const { pending } = event;
    if (event.outcome === 'applied' || event.outcome === 'failed') this.baselines.forget(target.id, pending.file);
    if (event.outcome === 'cancelled' && this.deliverer.restarted.delete(pending.id)) return this.onPendingOutcome({ file: pending.file, pendingId: pending.id, targetId: target.id });
    this.onPendingOutcome(pendingOutcome(target, event));
  }

  /** Processes the file's last save again, past its type errors. False when there was none. */
  applyIgnoringTypeErrors(file: string): Promise<SaveOutcome> | undefined {
    const text = this.lastSaved.get(file);
    return text === undefined ? undefined : this.onSave(file, text, { ignoreTypeErrors: true });
  }

  /**
   * Runs one top-level statement of the file's last save in every target that runs the file, in
   * the module's scope: the user's "run it anyway" for an effect or state the update kept. A
   * `let`/`var` declaration runs as an assignment to the existing binding (a declaration in eval
   * would make a new one the module never sees). A top-level `const` runs as `let` (see
   * topLevelConstAsLet), so it is assigned too; one the running text kept as `const` is refused.
   */
  async runStatement(file: string, key: string): Promise<{ ok: boolean; message: string }> {
    const text = this.lastSaved.get(file);
    const saved = text === undefined ? undefined : runningTextOf(file, text);
    if (!saved?.ok) return { ok: false, message: `Live Update has no saved version of ${path.basename(file)} to run from.` };
    const statement = this.baselines.parse(file, saved.hash, saved.code).topLevel.find((s) => s.key === key);
    if (!statement) return { ok: false, message: `The statement is no longer in ${path.basename(file)}.` };
    const code = statement.immutable ? undefined : runnableCode(saved.code.slice(statement.startOffset, statement.endOffset));
    if (code === undefined) return { ok: false, message: `\`${statement.names.join(', ')}\` is a const: the running program's binding cannot be assigned; restart to use the new value.` };
    const results: string[] = [];
    let ok = true;
    for (const target of this.port.targets()) {
      const baseline = await this.baselines.get(target.id, file);
      if (!baseline || 'error' in baseline) continue;
      const result = await evaluateInModule(this.port, target.id, { file, expression: code });
      ok &&= result.ok;
      results.push(result.ok ? `${target.name}: ran (${result.value})` : `${target.name}: failed: ${result.error}`);
    }
    if (results.length === 0) return { ok: false, message: `No running program has loaded ${path.basename(file)}.` };
    return { ok, message: `Ran the statement at ${path.basename(file)}:${statement.anchorStart.line + 1}. ${results.join('; ')}` };
  }

  /** The LU009 Quick Fix "Re-initialize": core/stateUpdates.ts `reinitialize`. */
  async reinitialize(file: string, key: string): Promise<{ ok: boolean; message: string }> {
    const text = this.lastSaved.get(file);
    const saved = text === undefined ? undefined : runningTextOf(file, text);
    if (!saved?.ok) return { ok: false, message: `Live Update has no saved version of ${path.basename(file)} to take the initializer from.` };
    const statement = this.baselines.parse(file, saved.hash, saved.code).topLevel.find((s) => s.key === key);
    const step = statement ? reinitStep(statement) : `The statement is no longer in ${path.basename(file)}.`;
    if (typeof step === 'string') return { ok: false, message: step };
    const baselineOf = async (targetId: string) => {
      const baseline = await this.baselines.get(targetId, file);
      return baseline && !('error' in baseline) ? baseline : undefined;
    };
    return reinitialize(file, step, this.port.targets(), baselineOf, (id, patch) => applyPatch(this.port, id, patch), () => this.deliverer.nextPatchId());
  }

  forgetTarget(targetId: string): void {
    this.baselines.forgetTarget(targetId);
    this.pending.forgetTarget(targetId);
  }

  onSave(file: string, text: string, options: SaveOptions = {}): Promise<SaveOutcome> {
    if (!options.whenIdle && this.idleSaves.get(file) !== text) this.idleSaves.delete(file);
    const before = options.before ?? this.lastSaved.get(file);
    this.lastSaved.set(file, text);
    if (isManifest(file)) return this.deliverer.enqueue(file, () => manifestSave(this.port, file, text, before, performance.now()), () => Promise.resolve());
    return this.deliverer.enqueue(file, () => this.process(file, text, options), (o) => o.later ?? Promise.resolve());
  }

  /**
   * Restores `code`, the running text `target` had for `file` at `version` (runtime
   * `versionTexts`), as an update of its own: same analysis, checks that hold an update, policies
   * and diagnostics as a save, in the file's queue of saves. Not type-checked: that text ran
   * before, and the type gate checks source files, not running texts. `steps` are module steps to
   * run with it (reverse state transformers, see rollback.ts). The report's outcome is
   * `no-change` when the target does not run the file or already runs that text.
   */
  restore(target: TargetInfo, file: string, code: string, version: number, steps?: ModuleStep[]): Promise<SaveOutcome> {
    return this.deliverer.enqueue(file, async () => {
      const started = performance.now();
      const saved: SavedText = { ok: true, code, hash: hashText(code), positionExact: true };
      const view: ScriptView = { running: file, saved, splice: false, restores: version, ...(steps?.length ? { steps } : {}) };
      const outcome = await this.deliverer.updateTarget(target, file, view, { gate: () => Promise.resolve(NO_VERDICT), built: () => null });
      const results = outcome ? [outcome.result] : [];
      const report = summarize(file, outcome?.functions ?? [], results, outcome?.changed ?? false, performance.now() - started);
      return { report: restoredReport(report, target, file, version), diagnostics: dedupe((outcome?.diagnostics ?? []).map((d) => ({ ...d, targets: [target.id] }))) };
    });
  }

  private async process(file: string, text: string, options: SaveOptions): Promise<SaveOutcome> {
    const started = performance.now();
    const saved = this.runningText(file, text);
    // Type-checked once per save, and only when some target runs the file and it changed. When the
    // check cannot hold the update (JavaScript, or `warn`), it runs after the update is live and
    // its warnings follow (`later`): the save is not made slower by something that only informs.
    const deferred = !typeCheckMayHold(this.types, this.settings(), file, options.ignoreTypeErrors === true);
    let verdict: Promise<TypeVerdict> | undefined;
    const gate = () => (deferred ? Promise.resolve(NO_VERDICT) : (verdict ??= this.typeCheck(file, text, options)));
    // A tsc-built program runs the compiled file: compiled once per save, when a target needs it.
    let compiled: ScriptView | null | undefined;
    const built = () => (compiled === undefined ? (compiled = builtView(file, text)) : compiled);
    const view: ScriptView = { running: file, saved, splice: false, source: text, ...(options.whenIdle ? { whenIdle: options.whenIdle } : {}), ...(options.only ? { only: options.only } : {}) };
    const outcomes = await this.deliverer.deliver(file, view, { gate, built });
    const results: TargetUpdateResult[] = [];
    const diagnostics: LiveDiagnostic[] = [];
    const functionNames = new Set<string>();
    for (const outcome of outcomes) {
      if (!outcome) continue;
      results.push(outcome.result);
      diagnostics.push(...outcome.diagnostics.map((d) => ({ ...d, targets: [outcome.result.targetId] })));
      for (const name of outcome.functions) functionNames.add(name);
    }
    const anyChange = outcomes.some((o) => o?.changed);
    const applied = outcomes.some((o) => o?.result.outcome === 'applied');
    const report = summarize(file, [...functionNames], results, anyChange, performance.now() - started);
    const now = dedupe(diagnostics);
    // A held update needs no warnings about code that does not run.
    if (!deferred || !applied || !this.types || this.settings().typeCheck === 'off') {
      // Part of a text applied is not the text the program runs: the gate keeps its baseline.
      if (applied && !options.only) this.types?.accept?.(file, text);
      return { report, diagnostics: now };
    }
    const changes = outcomes.find((o) => o?.changes)?.changes;
    const later = (options.afterPublished ?? new Promise<void>((resolve) => setImmediate(resolve))).then(async () => {
      const verdict = await this.typeCheck(file, text, options);
      // Part of a text applied is not the text the program runs: the gate keeps its baseline.
      if (applied && !options.only) this.types?.accept?.(file, text);
      const appliedTo = results.filter((r) => r.outcome === 'applied').map((r) => r.targetId);
      const warnings = (changes ? anchorElsewhere(verdict.diagnostics, changes) : verdict.diagnostics).map((d) => ({ ...d, targets: appliedTo }));
      return warnings.length ? dedupe([...now, ...warnings]) : undefined;
    });
    return { report, diagnostics: now, later };
  }

  /** The type gate's verdict on a save (core/typeGatePort.ts). */
  private typeCheck(file: string, text: string, options: SaveOptions): Promise<TypeVerdict> {
    return typeVerdict(this.types, this.settings(), file, text, options.ignoreTypeErrors === true);
  }

  /** The saved text's running text, blanked incrementally from the previous save when it can be. */
  private runningText(file: string, text: string): SavedText {
    const last = this.lastRunning.get(file);
    const functions = last && this.baselines.parsedAlready(last.running.hash);
    const saved = runningTextOf(file, text, last && functions ? { source: last.source, running: last.running.code, functions } : undefined);
    if (saved.ok && saved.positionExact) this.lastRunning.set(file, { source: text, running: saved });
    else this.lastRunning.delete(file);
    return saved;
  }
}

function readFileOrUndefined(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The code that runs a statement against the module's existing bindings; undefined for a const. */
function runnableCode(source: string): string {
  const declaration = /^(?:let|var)\s+/.exec(source);
  if (!declaration) return source;
  const rest = source.slice(declaration[0].length).replace(/;\s*$/, '');
  // `{ a } = x` alone would parse as a block: a destructuring assignment needs parentheses.
  return /^[[{]/.test(rest) ? `(${rest});` : `${rest};`;
}
