// The update engine: on each save, for every target that runs the file, diff the target's
// baseline with the saved text, build a patch, deliver it, and turn the runtime's report into a
// truthful update report and diagnostics. Knows nothing of LSP.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { hashText, PATCH_FORMAT_VERSION, type IdleCondition, type ModuleStep, type Patch, type PatchReport, type PendingUpdate, type Position, type ScriptReport } from '../../../common/patch';
import { accessorFormOf, blankedPartOf, hasModuleSyntax, isTypeScriptFile, moduleFormat } from '../../../common/runningText';
import { DiagnosticCodes, type RestartFrame, type TargetInfo, type TargetPending, type TargetUpdateResult, type UpdateReport } from '../../../common/protocol';
import { compareCollected, patchFunctions, strandedBy, withStrandedRisk, type FileChanges } from '../analysis/changes';
import { planDeclarations } from '../analysis/declarations';
import { collectFunctions } from '../analysis/functions';
import type { FunctionInfo, SyntaxError } from '../analysis/functions';
import { compareSaved } from '../analysis/compareSaved';
import { spliceFunctions } from '../analysis/splice';
import { definitionSteps, type DefinitionPlan } from '../analysis/definitionSteps';
import { withGapRisk } from '../analysis/gaps';
import { planLiveEdit, withPredictedRisk } from '../analysis/liveEditOrder';
import { esModuleSyntaxErrors } from '../analysis/moduleSyntax';
import { REMADE_REASON, remadeFunctionSteps, remadeNames } from '../analysis/remadeFunctions';
import { BaselineCache } from './baselines';
import { mayChangeState, NO_STATE_STEPS, orderedSteps, reinitialize, reinitStep, stateDiagnostics, stateSteps } from './stateUpdates';
import { builtTopLevelDiagnostics, danglingDiagnostics, kindOnlyDiagnostics, reshapedDiagnostics, esmTopLevelDiagnostic, functionNoteDiagnostics, remadeDiagnostics, topLevelDiagnostics } from './changeDiagnostics';
import type { LiveDiagnostic } from './diagnostics';
import { findBuiltOutput, sourcePosition } from './builtOutput';
import { runningTextOf, type SavedText } from './savedText';
import type { TargetPort } from './targetPort';
import { PendingTracker, type PendingSettlement } from './pendingTracker';
import { DEFAULT_POLICY, type PolicySettings } from './policy';
import { changedFunction, functionIn, pendingDiagnostics, restartedDiagnostic } from './pendingDiagnostics';
import { REASONS, STATE_TEXT, stated } from '../../../common/liveStates';
import { DEFAULT_TYPE_SETTINGS, typeDiagnostics, type TypeGatePort, type TypeProblems, type TypeSettings } from './typeGatePort';

interface TargetOutcome {
  result: TargetUpdateResult;
  diagnostics: LiveDiagnostic[];
  functions: string[];
  changed: boolean;
  /** The analysis, when there was one (type warnings found later are placed with it). */
  changes?: FileChanges;
}

export interface SaveOutcome {
  report: UpdateReport;
  diagnostics: LiveDiagnostic[];
  /**
   * The file's diagnostics again once type warnings that could not hold the update are known
   * (undefined when there are none): publish them if no newer save of the file came since.
   */
  later?: Promise<LiveDiagnostic[] | undefined>;
}

const NO_VERDICT: TypeVerdict = { blocking: false, reason: '', diagnostics: [] };

/** Files longer than this are not type-checked (see typeCheck). */
const TYPECHECK_MAX_CHARS = 1_000_000;

/** Whether a save may go ahead as far as types go, and what to show about them. */
export interface TypeVerdict {
  blocking: boolean;
  reason: string;
  diagnostics: LiveDiagnostic[];
}

export type EngineSettings = TypeSettings & PolicySettings;

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = { ...DEFAULT_TYPE_SETTINGS, ...DEFAULT_POLICY };

/** What became of a pending update, for the file's diagnostics and the status. */
export interface PendingOutcome {
  file: string;
  pendingId: string;
  targetId: string;
  /** Set when the user should hear of it (applied, expired, failed, cancelled). */
  report?: UpdateReport;
  /** Set when it was dropped without being applied: the sentence for the functions it held. */
  dropped?: string;
}

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
}

export class UpdateEngine {
  private readonly baselines: BaselineCache;
  private patchCounter = 0;
  /** Saves of one file are processed one after another, in order. */
  private readonly queues = new Map<string, Promise<unknown>>();
  /** The last text saved per file, so a held update can be applied on request. */
  private readonly lastSaved = new Map<string, string>();
  /** Per file, the last save that blanked position for position, with its running text. */
  private readonly lastRunning = new Map<string, { source: string; running: SavedText & { ok: true } }>();
  /** Pending updates the client took over by restarting a frame: their cancellation is no news. */
  private readonly restarted = new Set<string>();
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
    this.baselines = new BaselineCache(port);
    this.pending = new PendingTracker(
      port,
      (s) => this.pendingSettled(s),
      (all) => this.onPendingChanged(all),
      (target, pending) => this.pendingAdopted(target, pending),
    );
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
    if (event.outcome === 'cancelled' && this.restarted.delete(pending.id)) return this.onPendingOutcome({ file: pending.file, pendingId: pending.id, targetId: target.id });
    const what = pending.functions.join(', ');
    const waited = `${Math.round((event.at - pending.since) / 100) / 10} s`;
    const base = { file: pending.file, functions: pending.functions, milliseconds: event.at - pending.since, time: event.at };
    const result = (outcome: TargetUpdateResult['outcome'], reason?: string): TargetUpdateResult => ({ targetId: target.id, targetName: target.name, outcome, ...(reason ? { reason } : {}), ...(event.version ? { version: event.version } : {}) });
    let outcome: PendingOutcome = { file: pending.file, pendingId: pending.id, targetId: target.id };
    switch (event.outcome) {
      case 'applied': {
        const where = event.where === 'update point' ? 'at an update point' : `once ${pending.functions.length === 1 ? 'it was' : 'they were'} inactive`;
        outcome.report = { ...base, outcome: 'applied', targets: [result('applied')], summary: stated('live', `${what} in ${target.name}, ${where} (after waiting ${waited})`) };
        break;
      }
      case 'expired':
      case 'failed':
      case 'cancelled': {
        const reason = event.reason ?? 'dropped';
        outcome = { ...outcome, report: { ...base, outcome: 'rejected', targets: [result('rejected', reason)], summary: stated('notApplied', reason) } };
        if (event.outcome !== 'cancelled') outcome.dropped = reason;
        break;
      }
      case 'replaced':
        break;
    }
    this.onPendingOutcome(outcome);
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
      const result = await this.port.evaluate(target.id, { file, expression: code });
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
    return reinitialize(file, step, this.port.targets(), baselineOf, (id, patch) => this.port.applyPatch(id, patch), () => `p${++this.patchCounter}`);
  }

  forgetTarget(targetId: string): void {
    this.baselines.forgetTarget(targetId);
    this.pending.forgetTarget(targetId);
  }

  onSave(file: string, text: string, options: SaveOptions = {}): Promise<SaveOutcome> {
    if (!options.whenIdle && this.idleSaves.get(file) !== text) this.idleSaves.delete(file);
    this.lastSaved.set(file, text);
    return this.enqueue(file, () => this.process(file, text, options));
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
    return this.enqueue(file, async () => {
      const started = performance.now();
      const saved: SavedText = { ok: true, code, hash: hashText(code), positionExact: true };
      const view: ScriptView = { running: file, saved, splice: false, restores: version, ...(steps?.length ? { steps } : {}) };
      const outcome = await this.updateTarget(target, file, view, () => Promise.resolve(NO_VERDICT), () => null);
      const results = outcome ? [outcome.result] : [];
      const report = summarize(file, outcome?.functions ?? [], results, outcome?.changed ?? false, performance.now() - started);
      const what = report.functions.length ? report.functions.join(', ') : path.basename(file);
      const summary = report.outcome === 'applied' ? `Rolled back to version ${version}: ${what} in ${target.name} (${Math.round(report.milliseconds)} ms)` : `Rollback to version ${version}: ${report.summary}`;
      return { report: { ...report, summary, restores: version }, diagnostics: dedupe((outcome?.diagnostics ?? []).map((d) => ({ ...d, targets: [target.id] }))) };
    });
  }

  private enqueue(file: string, work: () => Promise<SaveOutcome>): Promise<SaveOutcome> {
    const previous = this.queues.get(file) ?? Promise.resolve();
    const next = previous.then(work);
    // The next save of the file waits for this one's type warnings too (they compare with the
    // text this save leaves accepted), but whoever awaits this save does not.
    const settled = next.then((o) => o.later).catch(() => undefined);
    this.queues.set(file, settled);
    void settled.then(() => {
      if (this.queues.get(file) === settled) this.queues.delete(file);
    });
    return next;
  }

  private async process(file: string, text: string, options: SaveOptions): Promise<SaveOutcome> {
    const started = performance.now();
    const saved = this.runningText(file, text);
    // Type-checked once per save, and only when some target runs the file and it changed. When the
    // check cannot hold the update (JavaScript, or `warn`), it runs after the update is live and
    // its warnings follow (`later`): the save is not made slower by something that only informs.
    const deferred = !this.typeCheckMayHold(file, options);
    let verdict: Promise<TypeVerdict> | undefined;
    const gate = () => (deferred ? Promise.resolve(NO_VERDICT) : (verdict ??= this.typeCheck(file, text, options)));
    // A tsc-built program runs the compiled file: compiled once per save, when a target needs it.
    let compiled: BuiltView | null | undefined;
    const built = () => (compiled === undefined ? (compiled = builtView(file, text)) : compiled);
    const view: ScriptView = { running: file, saved, splice: false, source: text, ...(options.whenIdle ? { whenIdle: options.whenIdle } : {}), ...(options.only ? { only: options.only } : {}) };
    const outcomes = await Promise.all(this.port.targets().map((target) => this.updateTarget(target, file, view, gate, built)));
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

  /** Whether a type error could hold this save (else the check runs after it is applied). */
  private typeCheckMayHold(file: string, options: SaveOptions): boolean {
    const settings = this.settings();
    if (!this.types || settings.typeCheck !== 'block' || options.ignoreTypeErrors) return false;
    return isTypeScriptFile(file) || settings.blockOnJavaScriptErrors;
  }

  /** Brings one target to the saved text; undefined when it does not run the file at all. */
  private async updateTarget(
    target: TargetInfo,
    file: string,
    view: ScriptView,
    gate: () => Promise<TypeVerdict>,
    built: () => BuiltView | null,
    fresh = false,
  ): Promise<TargetOutcome | undefined> {
    const unreachable = (reason: string): TargetOutcome => ({
      result: { targetId: target.id, targetName: target.name, outcome: 'unreachable', reason },
      diagnostics: [],
      functions: [],
      changed: false,
    });
    let baseline = await this.baselines.get(target.id, view.running, { fresh });
    if (baseline === undefined && view.running === file) {
      // Not loaded as saved: a tsc-built program may run the file's compiled JavaScript instead.
      const other = built();
      if (!other) return undefined;
      view = { ...other, ...(view.whenIdle ? { whenIdle: view.whenIdle } : {}) };
      baseline = await this.baselines.get(target.id, view.running, { fresh });
    }
    if (baseline === undefined) return undefined; // The target has not loaded this file.
    if ('error' in baseline) return unreachable(baseline.error);
    const written = view.saved;
    if (!written.ok) return this.syntaxErrorOutcome(target, written.syntaxErrors);
    const saved = asNodeLoadedIt(view, baseline.text) ?? written;
    if (baseline.hash === saved.hash) {
      // The save is what runs (it reverts an edit that waits): no update, but the waiting one of
      // an earlier save must not land after it. Issue 9: it did, and the program ran the reverted text.
      const waiting = this.pending.all().find((t) => t.targetId === target.id)?.pending.filter((p) => p.file === view.running).map((p) => p.id) ?? [];
      if (waiting.length) await this.pending.cancel(waiting, `a newer save of ${path.basename(file)} replaced it`);
      return undefined;
    }
    const running = view.running;
    // An edit inside one function's body is compared by reparsing that function alone; its new
    // FileFunctions are derived after the patch is applied, when the baseline is remembered.
    const analysis = compareSaved(running, baseline.functions, baseline.text, saved.code, (text) => this.baselines.parse(running, saved.hash, text));
    // The incremental path only sees edits inside one function's body: nothing above it changed.
    const analyzed = analysis.incremental ? analysis.changes : withGapRisk(analysis.changes, baseline.functions, baseline.text, analysis.after(), saved.code);
    const allChanges = mapChanges(withStrandedRisk(analyzed, baseline.stranded), view.toSource);
    const savedChanges = view.only ? onlyFunctions(allChanges, view.only) : allChanges;
    if (view.only && savedChanges.changed.length === 0 && savedChanges.syntaxErrors.length === 0) return undefined;
    if (savedChanges.syntaxErrors.length > 0) return this.syntaxErrorOutcome(target, savedChanges.syntaxErrors.map((e) => withinOwnCode(e, saved.code, running)));
    // Only a change of the top level can add a top-level `return`.
    if (savedChanges.rawTopLevelChanged && this.isModule(running, saved.code)) {
      const moduleErrors = esModuleSyntaxErrors(running, saved.code);
      if (moduleErrors.length > 0) return this.syntaxErrorOutcome(target, moduleErrors.map((e) => withinOwnCode(e, saved.code, running)));
    }
    const held = (reason: string, diagnostics: LiveDiagnostic[]): TargetOutcome => ({
      result: { targetId: target.id, targetName: target.name, outcome: 'rejected', reason },
      diagnostics,
      functions: savedChanges.changed.map((c) => c.after.displayName),
      changed: true,
    });
    const dangling = danglingDiagnostics(savedChanges);
    if (dangling.length > 0) return held(`\`${savedChanges.dangling[0]!.name}\` was removed but is still used`, dangling);
    const kindOnly = kindOnlyDiagnostics(savedChanges);
    if (kindOnly.length > 0) return held(`V8 cannot change the kind of \`${savedChanges.changed.find((c) => c.kindOnly)!.after.displayName}\` alone`, kindOnly);
    const reshaped = reshapedDiagnostics(savedChanges);
    if (reshaped.length > 0) {
      const first = savedChanges.reshaped![0]!;
      return held(`\`${first.name}\` changed from a ${first.before} to a ${first.after}, which the running program cannot follow`, reshaped);
    }

    // New or removed top-level declarations: the patch text keeps the running module's layout
    // (analysis/declarations.ts); the update is then what changes from the running text to it.
    const keepsTopLevel = view.splice || view.only !== undefined || this.isModule(running, saved.code);
    const declarations = analysis.incremental || view.only ? undefined : planDeclarations(pathToFileURL(running).href, baseline.functions, saved.code, analysis.after(), { blankNew: !keepsTopLevel });
    if (declarations && 'refused' in declarations) {
      const at = view.toSource ? view.toSource(declarations.at) : declarations.at;
      const message = `Not applied: this statement ${declarations.refused}. The program keeps the previous version.`;
      return held(`a new top-level declaration ${declarations.refused}`, [{ severity: 'error', code: DiagnosticCodes.newDeclarationRefused, message, start: at, end: { line: at.line, column: at.column + 1 } }]);
    }
    let patchText = saved.code;
    let patchAfter = analysis.after;
    let changes = savedChanges;
    if (declarations && !keepsTopLevel) {
      patchText = declarations.code;
      const afterPatch = collectFunctions(running, patchText);
      patchAfter = () => afterPatch;
      const kept = new Set(declarations.kept);
      const patchChanges = withGapRisk(compareCollected(baseline.functions, afterPatch), baseline.functions, baseline.text, afterPatch, patchText);
      // The declarations kept for the layout are no statements of the user's: nothing to say of them.
      patchChanges.topLevel = patchChanges.topLevel.filter((t) => !(t.statement.names.length > 0 && t.statement.names.every((n) => kept.has(n))));
      changes = mapChanges(withStrandedRisk(patchChanges, baseline.stranded), view.toSource);
    }
    const verdict = await gate();
    if (verdict.blocking) return held(verdict.reason, anchorElsewhere(verdict.diagnostics, changes));

    // An ES module's top level cannot change while it runs (V8 refuses the whole script): keep it
    // exactly as it runs and take only the changed functions from the saved text. Compiled
    // JavaScript is always spliced: only what the edit changed is replaced.
    const esModule = this.isModule(running, saved.code);
    const esm = esModule && changes.rawTopLevelChanged;
    const spliced = esm || view.splice || view.only ? spliceFunctions(baseline.text, saved.code, changes) : undefined;
    const code = spliced?.code ?? patchText;
    const hash = spliced || patchText !== saved.code ? hashText(code) : saved.hash;
    // Changed definitions run again in the module's scope, inside the update's transaction. Not in
    // compiled JavaScript, whose top level is the compiler's, not the file's.
    const definitions: DefinitionPlan | undefined =
      !view.splice && changes.topLevel.length > 0 && !analysis.incremental ? definitionSteps(baseline.functions, patchAfter(), changes, { esModule }) : undefined;
    // State transformers and instance migrations (issue 6): core/stateUpdates.ts.
    const state = view.toSource || view.only || !mayChangeState(changes) ? NO_STATE_STEPS : stateSteps(running, baseline.text, saved.code, code);
    const policy = this.policy();
    const whenIdle = view.whenIdle ? idleConditions(running, baseline.functions.functions, view.whenIdle) : undefined;
    const changedFunctions = patchFunctions(changes);
    // How V8 is to get the new text: in the LiveEdits its function matching is predicted to
    // map every function in (analysis/liveEditOrder.ts).
    const plan = planLiveEdit(running, changes, baseline.text, code, changedFunctions, baseline.functions, patchAfter, code !== patchText);
    // What V8 still leaves on old code, and what an earlier update re-made (a LiveEdit no longer
    // reaches it), is re-made where only calls use it (analysis/remadeFunctions.ts).
    const stranded = baseline.stranded && 'paths' in baseline.stranded ? [...baseline.stranded.paths].filter(([, why]) => why === REMADE_REASON).map(([p]) => p) : [];
    const remade = spliced ? [] : remadeFunctionSteps(running, pathToFileURL(running).href, baseline.text, code, patchAfter(), new Set(changes.changed.map((c) => c.after.path)), [...plan.unmatched, ...changes.moved, ...stranded]);
    const steps = orderedSteps(declarations?.steps ?? [], [...remade, ...(definitions?.steps ?? [])], state.steps, view.steps);
    const patch: Patch = {
      format: PATCH_FORMAT_VERSION,
      id: `p${++this.patchCounter}`,
      scripts: [
        {
          file: running,
          baseHash: baseline.hash,
          code,
          functions: withPredictedRisk(changedFunctions, plan, patchAfter),
          ...(steps.length ? { steps } : {}),
          ...(plan.twoStep ? { twoStep: plan.twoStep } : {}),
          ...(plan.accessorAfter ? { accessorAfter: true } : {}),
        },
      ],
      whenActive: policy.whenActive,
      deferTimeoutMs: policy.deferTimeoutMs,
      ...(whenIdle?.length ? { whenIdle } : {}),
      ...(view.restores !== undefined ? { restores: view.restores } : {}),
    };
    const report = spliced && spliced.code === baseline.text && steps.length === 0 ? unchangedReport(patch) : await this.port.applyPatch(target.id, patch);
    if (report.ended) {
      // It ended before answering (a worker that exited in the update): nothing to say on the
      // file's lines, since no program runs what they would describe.
      this.baselines.forget(target.id, running);
      return { result: { targetId: target.id, targetName: target.name, outcome: 'ended', reason: report.error ?? `${target.name} ended during the update` }, diagnostics: [], functions: changes.changed.map((c) => c.after.displayName), changed: true };
    }
    const script = report.scripts[0];
    if (!fresh && script && (script.outcome === 'not-loaded' || (script.outcome === 'rejected' && script.currentHash && script.currentHash !== baseline.hash))) {
      // The cached baseline was not what runs (the program reloaded the file?): ask, and redo once.
      this.baselines.forget(target.id, running);
      return this.updateTarget(target, file, view, gate, built, true);
    }
    let pendingInfo = script?.pending;
    let restartedFrame: string | undefined;
    let restartedVersion: number | undefined;
    let restartFailure: string | undefined;
    // Only a frame the program is paused in is restarted; a running program's active functions,
    // and suspended activations, wait as with `defer`, and nothing is said of restarting them.
    if (pendingInfo && policy.whenActive === 'restartFrame' && pendingInfo.activations.some((a) => a.kind === 'stack')) {
      const attempt = await this.restartFrame(target, view, changes, code, script!, pendingInfo);
      if (attempt.ok) {
        restartedFrame = attempt.restarted;
        restartedVersion = attempt.version;
        pendingInfo = undefined;
      } else if (!attempt.running) restartFailure = attempt.reason;
    }
    if (restartedFrame) this.baselines.forget(target.id, running);
    else if (pendingInfo) {
      // Part or none of it runs: the runtime holds the rest. What runs is asked again next time.
      this.baselines.forget(target.id, running);
      this.pending.track(target, pendingInfo);
    } else if (report.ok) this.baselines.remember(target.id, running, hash, code, spliced ? undefined : patchAfter, strandedBy(changes, baseline.stranded, remadeNames(remade, script?.steps)));
    const diagnostics = diagnosticsFor(file, changes, report);
    if (report.ok) diagnostics.push(...remadeDiagnostics(changes, remadeNames(remade, script?.steps)));
    if (pendingInfo) diagnostics.push(...pendingDiagnostics(changedFunction(changes), pendingInfo, target.id, restartFailure));
    if (restartedFrame) diagnostics.push(...restartedDiagnostic(changes, restartedFrame));
    if (report.ok || restartedFrame) {
      diagnostics.push(...anchorElsewhere(verdict.diagnostics, changes), ...functionNoteDiagnostics(changes));
      if (esm && spliced) diagnostics.push(esmTopLevelDiagnostic(changes, changes.changed.map((c) => c.after.displayName), spliced.complete, spliced.lineDrift, definitions, declarations && !('refused' in declarations) && report.ok ? declarations.declared : []));
      else if (spliced && !view.only) diagnostics.push(...builtTopLevelDiagnostics(changes, spliced.complete));
      else diagnostics.push(...topLevelDiagnostics(changes, definitions));
    }
    const stated = stateDiagnostics(diagnostics, state, script);
    return {
      result: restartedFrame
        ? { targetId: target.id, targetName: target.name, outcome: 'applied', report: restartedReport(report), ...(restartedVersion !== undefined ? { version: restartedVersion } : {}) }
        : this.targetResult(target.id, target.name, report, restartFailure),
      diagnostics: stated,
      functions: changes.changed.map((c) => c.after.displayName),
      changed: true,
      changes,
    };
  }

  /**
   * Policy `restartFrame`: the program is paused inside a changed function, so the client restarts
   * that frame into the new code through the debugger. Never for async functions or generators
   * (V8 cannot restart their frames) nor for a program that is running: those wait instead.
   */
  private async restartFrame(
    target: TargetInfo,
    view: ScriptView,
    changes: FileChanges,
    code: string,
    script: ScriptReport,
    pending: PendingUpdate,
  ): Promise<RestartFrame.Result> {
    if (!this.port.restartFrame) return { ok: false, reason: 'no debugger can restart frames here', running: true };
    if (view.splice || view.toSource) return { ok: false, reason: 'frames are restarted only in files that run as written' };
    if (pending.waitingFor?.length) return { ok: false, reason: 'the update waits for idle functions, as asked' };
    if (pending.activations.some((a) => a.kind === 'suspended')) return { ok: false, reason: 'a suspended async function or generator cannot be restarted' };
    const deepest = pending.activations.filter((a) => a.kind === 'stack').at(-1);
    if (!deepest || deepest.line === undefined || !script.currentHash) return { ok: false, reason: 'no frame of it was found' };
    const fn = changes.changed.find((c) => c.after.displayName === deepest.function)?.before;
    if (fn && (fn.isAsync || fn.isGenerator)) return { ok: false, reason: `\`${deepest.function}\` is ${fn.isAsync ? 'an async function' : 'a generator'}, whose frame V8 cannot restart` };
    this.restarted.add(pending.id);
    const result = await this.port
      .restartFrame(target.id, { file: view.running, functionName: deepest.function, line: deepest.line, code, baseHash: script.currentHash, pendingId: pending.id })
      .catch((e: unknown) => ({ ok: false as const, reason: e instanceof Error ? e.message : String(e) }));
    if (!result.ok) this.restarted.delete(pending.id);
    return result;
  }

  /** Whether the program runs `file` as an ES module, decided as the runtime's loader decides. */
  private isModule(file: string, code: string): boolean {
    const format = moduleFormat(file, code);
    // A typeless .js file with module syntax: Node 22+ detects it as a module.
    return format === 'module' || (format === undefined && hasModuleSyntax(code));
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

  /** The type gate's verdict on a save: problems the edit introduces, blocking or not by settings. */
  private async typeCheck(file: string, text: string, options: SaveOptions): Promise<TypeVerdict> {
    const settings = this.settings();
    const pass: TypeVerdict = { blocking: false, reason: '', diagnostics: [] };
    if (!this.types || settings.typeCheck === 'off') return pass;
    // A generated or vendored file of megabytes (a bundle, typescript.js) takes the checker tens of
    // seconds and is nobody's source: not checked.
    if (text.length > TYPECHECK_MAX_CHARS) return pass;
    let result: TypeProblems;
    try {
      result = await this.types.check(file, text);
    } catch (e) {
      // A broken checker must not stop updates: say so once in the log, apply unchecked.
      this.types.log?.(`type check of ${file} failed: ${e instanceof Error ? e.stack : String(e)}`);
      return pass;
    }
    if (result.problems.length === 0) return pass;
    const blocks = settings.typeCheck === 'block' && !options.ignoreTypeErrors && (!result.javaScript || settings.blockOnJavaScriptErrors);
    return {
      blocking: blocks,
      reason: REASONS.typeErrors(result.problems.length),
      diagnostics: typeDiagnostics(file, result, blocks),
    };
  }

  private syntaxErrorOutcome(target: TargetInfo, errors: SyntaxError[]): TargetOutcome {
    const first = errors[0]!;
    return {
      result: { targetId: target.id, targetName: target.name, outcome: 'rejected', reason: REASONS.syntaxError },
      diagnostics: [
        {
          // The parser's error itself is the editor's to show (TypeScript's diagnostics): this one
          // says what it means for the update.
          severity: 'warning',
          code: DiagnosticCodes.syntaxError,
          message: `${stated('notApplied', `the saved file does not parse (line ${first.start.line + 1}: ${first.message.replace(/\.$/, '')}).`)} The program keeps running the previous version.`,
          start: first.start,
          end: first.end,
        },
      ],
      functions: [],
      changed: true,
    };
  }

  private targetResult(targetId: string, targetName: string, report: PatchReport, restartFailure?: string): TargetUpdateResult {
    const result = this.targetOutcome(targetId, targetName, report, restartFailure);
    return report.version !== undefined ? { ...result, version: report.version } : result;
  }

  private targetOutcome(targetId: string, targetName: string, report: PatchReport, restartFailure?: string): TargetUpdateResult {
    if (report.error) return { targetId, targetName, outcome: 'rejected', reason: report.error, report };
    const waiting = report.scripts.find((s) => s.pending);
    if (waiting?.pending) {
      const who = waitingFor(waiting.pending);
      const tail = restartFailure ? ` (the frame could not be restarted: ${restartFailure})` : '';
      if (waiting.outcome === 'pending') return { targetId, targetName, outcome: 'pending', reason: `until ${who} ${waiting.pending.functions.length === 1 && !waiting.pending.waitingFor ? 'is' : 'are'} inactive${tail}`, report };
      return { targetId, targetName, outcome: 'applied', reason: `${who} will follow when inactive${tail}`, report };
    }
    const rejected = report.scripts.find((s) => s.outcome === 'rejected');
    if (!report.ok || rejected) {
      return { targetId, targetName, outcome: 'rejected', reason: rejected?.reason ?? 'not applied', report };
    }
    const stale = report.scripts.flatMap((s) => s.staleClosures ?? []);
    if (stale.length > 0) {
      const names = stale.map((c) => `\`${c.function}\``).join(', ');
      return { targetId, targetName, outcome: 'applied', reason: `existing closures of ${names} still run the previous code`, report };
    }
    return { targetId, targetName, outcome: 'applied', report };
  }
}

/** Who a pending update waits for, for a sentence. */
function waitingFor(pending: PendingUpdate): string {
  const names = pending.waitingFor?.length ? pending.waitingFor : pending.functions;
  return names.map((n) => `\`${n}\``).join(', ');
}

/** The functions named by an `update … when … idle`, where the running file has them. */
function idleConditions(file: string, functions: FunctionInfo[], names: string[]): IdleCondition[] {
  return functions
    .filter((f) => names.includes(f.displayName) || names.includes(f.path))
    .map((f) => ({ name: f.displayName, file, start: f.start, end: f.end, isAsync: f.isAsync, isGenerator: f.isGenerator }));
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

/** Which script of a target a save updates, and how positions in it map to the saved file. */
interface ScriptView {
  /** The file the target runs: the saved file, or the JavaScript tsc built from it. */
  running: string;
  saved: SavedText;
  /** Take only changed functions into the running text (compiled output), never the whole text. */
  splice: boolean;
  /** Maps a position in the running file to the saved file; absent when they are the same. */
  toSource?: (p: Position) => Position;
  /** Apply only once these functions of the running file are inactive. */
  whenIdle?: string[];
  /** A rollback: the version whose text `saved` is (the patch says so to the runtime). */
  restores?: number;
  /** Module steps to run with the update (a rollback's reverse transformers). */
  steps?: ModuleStep[];
  /** The saved source itself, when the target runs the saved file (see asNodeLoadedIt). */
  source?: string;
  /** Only these functions' changes (`SaveOptions.only`). */
  only?: string[];
}

/**
 * A JavaScript module Node loaded before the runtime was (`live-update attach`) runs its file as
 * written: no scope accessor, no const-as-let. Its save is compared and sent as written too, so
 * that an edit of a function is only that (against the running text's form, every top-level
 * `const` would look changed, and re-evaluating it needs the accessor the module lacks).
 * Undefined when the target runs the running-text form, as every module the runtime loaded does.
 */
function asNodeLoadedIt(view: ScriptView, baselineText: string): (SavedText & { ok: true }) | undefined {
  if (view.source === undefined || isTypeScriptFile(view.running) || accessorFormOf(baselineText, view.running) !== undefined) return undefined;
  return { ok: true, code: view.source, hash: hashText(view.source), positionExact: true };
}

/**
 * The changes of the named functions alone (display names or paths), nested ones with their
 * parent: no top-level change, nothing added or removed, since the text that runs keeps its top level.
 */
function onlyFunctions(changes: FileChanges, names: string[]): FileChanges {
  const wanted = new Set(names);
  return {
    ...changes,
    changed: changes.changed.filter((c) => wanted.has(c.after.displayName) || wanted.has(c.after.path)),
    added: [],
    removed: [],
    topLevelChanged: false,
    rawTopLevelChanged: false,
    topLevel: [],
    dangling: [],
    moved: changes.moved.filter((p) => changes.changed.some((c) => c.after.path === p && (wanted.has(c.after.displayName) || wanted.has(p)))),
  };
}

type BuiltView = ScriptView;

/** The view of a saved TypeScript file of a tsc project with an outDir; null when it is not one. */
function builtView(file: string, text: string): BuiltView | null {
  const output = findBuiltOutput(file);
  if (!output) return null;
  const compiled = output.compile(text);
  if ('errors' in compiled) {
    return { running: output.jsFile, saved: { ok: false, syntaxErrors: compiled.errors }, splice: true };
  }
  const running = runningTextOf(output.jsFile, compiled.code);
  return {
    running: output.jsFile,
    saved: running,
    splice: true,
    // The appended scope accessor comes after the code, so positions in the code map as compiled.
    toSource: (p) => sourcePosition(compiled.code, compiled.map, p) ?? { line: 0, column: 0 },
  };
}

/** The changes with every position a diagnostic may use mapped to the saved file. */
function mapChanges(changes: FileChanges, toSource: ((p: Position) => Position) | undefined): FileChanges {
  if (!toSource) return changes;
  const fn = (f: FunctionInfo): FunctionInfo => ({ ...f, nameStart: toSource(f.nameStart), nameEnd: toSource(f.nameEnd) });
  return {
    ...changes,
    changed: changes.changed.map((c) => ({ ...c, before: c.before, after: fn(c.after) })),
    added: changes.added.map(fn),
    topLevel: changes.topLevel.map((t) => ({ ...t, statement: { ...t.statement, anchorStart: toSource(t.statement.anchorStart), anchorEnd: toSource(t.statement.anchorEnd) } })),
    dangling: changes.dangling.map((d) => ({ ...d, at: toSource(d.at) })),
  };
}

/**
 * A problem in another file (a caller that no longer type-checks) goes on the changed function
 * whose signature changed, or the first changed one: that edit is what broke the caller.
 */
function anchorElsewhere(diagnostics: LiveDiagnostic[], changes: FileChanges): LiveDiagnostic[] {
  const culprit = changes.changed.find((c) => c.signature) ?? changes.changed[0];
  if (!culprit) return diagnostics;
  return diagnostics.map((d) => (d.data?.['elsewhere'] ? { ...d, start: culprit.after.nameStart, end: culprit.after.nameEnd } : d));
}

/** A report for a patch that changes nothing V8 would see: the running text is already this. */
function unchangedReport(patch: Patch): PatchReport {
  return {
    id: patch.id,
    ok: true,
    blockedMs: 0,
    scripts: patch.scripts.map((s) => ({ file: s.file, outcome: 'unchanged', verified: true })),
  };
}

function diagnosticsFor(file: string, changes: FileChanges, report: PatchReport): LiveDiagnostic[] {
  if (report.error) return [atFirstChange(changes, DiagnosticCodes.updateRejected, `Not applied: ${report.error}`)];
  const out: LiveDiagnostic[] = [];
  for (const script of report.scripts) {
    if (script.outcome === 'rejected') out.push(...rejectionDiagnostics(file, changes, script));
    for (const stale of script.staleClosures ?? []) {
      const fn = changes.changed.find((c) => c.after.displayName === stale.function)?.after;
      if (!fn) continue;
      const closures = stale.count === 1 ? 'its existing closure' : `${stale.count} existing closures`;
      out.push({
        severity: 'warning',
        code: DiagnosticCodes.staleClosures,
        message: `\`${fn.displayName}\` still runs its previous code in ${closures}: ${stale.reason}${whyStale(stale.reason)}. Only closures created from now on run the new code; restart the program to run it everywhere.`,
        start: fn.nameStart,
        end: fn.nameEnd,
      });
    }
  }
  return out;
}

/** The V8 rule behind a stale-closure reason, for the message. */
function whyStale(reason: string): string {
  if (reason.startsWith('it now reads')) return ', and V8 cannot give a variable to a closure that did not capture it';
  if (reason.includes('moved')) return ', and V8 takes a moved function for a new one';
  if (reason.includes('top-level declarations')) return ', and V8 cannot move existing closures into a module scope laid out differently';
  if (reason.includes('first or last token')) return ', which V8 takes for a new function';
  if (reason.includes('right above it')) return ', and V8 took the changed region across its first line for a new function';
  return '';
}

function rejectionDiagnostics(file: string, changes: FileChanges, script: ScriptReport): LiveDiagnostic[] {
  const byName = new Map<string, FunctionInfo>(changes.changed.map((c) => [c.after.displayName, c.after]));
  const out: LiveDiagnostic[] = [];
  for (const activation of script.activations ?? []) {
    const fn = byName.get(activation.function);
    if (!fn) continue;
    if (activation.kind === 'stack') {
      const where = `${path.basename(activation.file ?? file)}:${(activation.line ?? 0) + 1}`;
      out.push({
        severity: 'error',
        code: DiagnosticCodes.activeFunction,
        message: `\`${fn.displayName}\` is running (on the call stack at ${where}), so this update was not applied; the program keeps the previous version. Save again once it has returned.`,
        start: fn.nameStart,
        end: fn.nameEnd,
      });
    } else {
      out.push({
        severity: 'error',
        code: DiagnosticCodes.suspendedActivation,
        message: `\`${fn.displayName}\` has a suspended ${fn.isGenerator ? 'generator' : 'async'} activation (waiting at ${fn.isGenerator ? 'a yield' : 'an await'}), so this update was not applied; the program keeps the previous version.`,
        start: fn.nameStart,
        end: fn.nameEnd,
      });
    }
  }
  if (out.length === 0 && script.stepFailure) {
    // A step of the update threw (a new declaration, a re-evaluated definition, a state
    // transformer, …): the runtime undid everything; the error goes on the step's statement.
    const failure = script.stepFailure;
    const statement = changes.topLevel.find((t) => t.statement.key === failure.label)?.statement;
    out.push({
      severity: 'error',
      code: DiagnosticCodes.updateRejected,
      message: `Not applied: ${script.reason ?? `\`${failure.label}\` threw ${failure.error}`}`,
      start: statement?.anchorStart ?? { line: failure.line, column: 0 },
      end: statement?.anchorEnd ?? { line: failure.line, column: 1_000 },
    });
  }
  if (out.length === 0) {
    const code = script.reason?.includes('stale baseline') ? DiagnosticCodes.staleBaseline : DiagnosticCodes.updateRejected;
    out.push(atFirstChange(changes, code, `Not applied: ${script.reason ?? 'the runtime refused the update'}`));
  }
  return out;
}

function atFirstChange(changes: FileChanges, code: string, message: string): LiveDiagnostic {
  const fn = changes.changed[0]?.after ?? changes.added[0];
  const start = fn?.nameStart ?? { line: 0, column: 0 };
  const end = fn?.nameEnd ?? { line: 0, column: 0 };
  return { severity: 'error', code, message, start, end };
}

/** The runtime's report of an update whose waiting part the debugger applied by restarting a frame: nothing waits. */
function restartedReport(report: PatchReport): PatchReport {
  return { ...report, scripts: report.scripts.map(({ pending: _pending, ...s }) => ({ ...s, outcome: s.outcome === 'pending' ? 'applied' : s.outcome })) };
}

/** One diagnostic per place and message; the targets it came from are merged. */
function dedupe(diagnostics: LiveDiagnostic[]): LiveDiagnostic[] {
  const seen = new Map<string, LiveDiagnostic>();
  const out: LiveDiagnostic[] = [];
  for (const d of diagnostics) {
    const key = `${d.code}|${d.start.line}:${d.start.column}|${d.message}`;
    const first = seen.get(key);
    if (!first) {
      const copy = { ...d, ...(d.targets ? { targets: [...d.targets] } : {}) };
      seen.set(key, copy);
      out.push(copy);
    } else if (first.targets && d.targets) {
      for (const t of d.targets) if (!first.targets.includes(t)) first.targets.push(t);
    } else {
      delete first.targets; // One of them describes no single target: it stays.
    }
  }
  return out;
}

function summarize(file: string, functions: string[], results: TargetUpdateResult[], anyChange: boolean, ms: number): UpdateReport {
  // A target that ended during the update runs nothing: the outcome is that of the others, and
  // the summary says it ended.
  const ended = results.filter((t) => t.outcome === 'ended');
  const targets = results.filter((t) => t.outcome !== 'ended');
  const applied = targets.filter((t) => t.outcome === 'applied');
  const waiting = targets.filter((t) => t.outcome === 'pending');
  // A target where existing closures still run old code, or part waits, took the update in part.
  const fully = applied.filter((t) => !t.reason);
  const outcome: UpdateReport['outcome'] =
    results.length === 0 || !anyChange
      ? 'no-change'
      : targets.length > 0 && fully.length === targets.length
        ? 'applied'
        : applied.length === 0
          ? waiting.length > 0 && waiting.length + targets.filter((t) => t.outcome === 'unreachable').length === targets.length
            ? 'pending'
            : 'rejected'
          : 'partial';
  const name = path.basename(file);
  const what = functions.length ? functions.join(', ') : name;
  const count = (n: number) => `${n} program${n === 1 ? '' : 's'}`;
  const endedNote = ended.length ? `${ended.map((t) => t.targetName).join(', ')} ended during the update` : '';
  const summary =
    (outcome === 'applied'
      ? functions.length === 0
        ? stated('live', `${name} in ${count(applied.length)}, no function changed (${Math.round(ms)} ms)`)
        : stated('live', `${what} in ${count(applied.length)} (${Math.round(ms)} ms)`)
      : outcome === 'partial'
        ? applied.length === targets.length
          ? `Partly ${STATE_TEXT.live.word}: ${applied.find((t) => t.reason)!.reason}`
          : `Partly ${STATE_TEXT.live.word}: ${what} in ${applied.length} of ${count(targets.length)}`
        : outcome === 'rejected'
          ? stated('notApplied', targets.length === 0 ? endedNote : (targets.find((t) => t.reason && t.outcome !== 'pending')?.reason ?? targets.find((t) => t.reason)?.reason ?? 'refused'))
          : outcome === 'pending'
            ? stated('waiting', `${what}, ${waiting[0]!.reason}`)
            : `No change to apply in ${name}`) + (endedNote && targets.length > 0 ? `; ${endedNote}` : '');
  return { file, outcome, functions, targets: results, summary, milliseconds: ms, time: Date.now() };
}

/**
 * A syntax error the parser finds past the end of the file's own code is put at the file's end.
 * An unclosed brace or comment is reported at the end of the running text, inside the lines the
 * runtime appends (scope accessor, source map): issue 9's goldens showed column 3657 of a line the
 * saved file does not have.
 */
function withinOwnCode(error: SyntaxError, runningCode: string, file: string): SyntaxError {
  const own = blankedPartOf(runningCode, file);
  if (own === undefined) return error;
  const lastLine = own.lastIndexOf('\n');
  const end = { line: own.split('\n').length - 1, column: own.length - lastLine - 1 };
  const clamp = (p: SyntaxError['start']): SyntaxError['start'] => (p.line > end.line || (p.line === end.line && p.column > end.column) ? end : p);
  return { ...error, start: clamp(error.start), end: clamp(error.end) };
}
