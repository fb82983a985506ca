// The planner: what one save means for one target, computed from the text the target runs (its
// baseline) and the saved text alone — no program, no I/O. Either the update is held, with the
// diagnostics that say why (a syntax error, a name removed but still read, a kind change V8 would
// not carry out, a declaration it cannot add, type errors the edit introduces), or it is a patch,
// with the changes the reporter needs to describe it. In two steps, because the type verdict (the
// one slow, asynchronous input) is only asked for a save that got past every other check:
// `analyze` then `assemble`; `plan` runs both for a known verdict (the planner's tests).
import { REASONS, stated } from '../../../common/liveStates';
import { pathToFileURL } from 'node:url';
import { hashText, PATCH_FORMAT_VERSION, type ChangedFunction, type ModuleStep, type Patch, type WhenActive } from '../../../common/patch';
import { blankedPartOf } from '../../../common/runningText';
import { DiagnosticCodes } from '../../../common/reports';
import { compareCollected, patchFunctions, withStrandedRisk, type FileChanges } from '../analysis/changes';
import { compareSaved } from '../analysis/compareSaved';
import { planDeclarations, type DeclarationPlan } from '../analysis/declarations';
import { definitionSteps, type DefinitionPlan } from '../analysis/definitionSteps';
import { forwardedExport, type ForwardedExport } from '../analysis/forwardedExports';
import { loadScopeSteps, withLayoutRisk, type LoadScopePlan } from '../analysis/loadScopeSteps';
import { collectFunctions, hasNestedFunction, type FileFunctions, type SyntaxError } from '../analysis/functions';
import { withGapRisk } from '../analysis/gaps';
import { planLiveEdit, withPredictedRisk } from '../analysis/liveEditOrder';
import { esModuleSyntaxErrors } from '../analysis/moduleSyntax';
import { memberSteps } from '../analysis/classMembers';
import { REMADE_REASON, remadeFunctionSteps } from '../analysis/remadeFunctions';
import { spliceFunctions, type Spliced } from '../analysis/splice';
import type { Baseline } from './baselines';
import { changedLoadTime, danglingDiagnostics, kindOnlyDiagnostics, reshapedDiagnostics } from './changeDiagnostics';
import type { LiveDiagnostic } from './diagnostics';
import type { PolicySettings } from './policy';
import { asNodeLoadedIt, idleConditions, isModule, mapChanges, onlyFunctions, type ScriptView } from './scriptView';
import { mayChangeState, NO_STATE_STEPS, orderedSteps, stateSteps, type StateSteps } from './stateUpdates';
import { NO_VERDICT, type TypeVerdict } from './typeGatePort';

/** What the planner reads: a target's baseline of the running file, and the save seen through its view. */
export interface PlanInput {
  view: ScriptView;
  baseline: Baseline;
  /** Parses a text of the running file whose hash is `hash` (the baseline cache's, which keeps what it parsed). */
  parse?: (hash: string, text: string) => FileFunctions;
}

/** The update is not sent: why, in one phrase for the report, and the diagnostics that say it. */
export interface Held {
  kind: 'held';
  reason: string;
  diagnostics: LiveDiagnostic[];
  /** The changed functions (display names), for the report. */
  functions: string[];
}

/** The target already runs the saved text (a save that reverts an edit that waits). */
export interface Same {
  kind: 'same';
}

/** Nothing to do for this target (`only` named functions that did not change). */
export interface Nothing {
  kind: 'nothing';
}

/** A save that passed the checks of the analysis; `assemble` makes its patch. */
export interface Analysis {
  kind: 'analysis';
  input: PlanInput;
  /** The saved text as the target is to run it (its running text, or as Node loaded it). */
  saved: { code: string; hash: string };
  /** The edit was inside one function's body (the fast path: no top-level work). */
  incremental: boolean;
  /** What changed, as the diagnostics place it (in the saved file). */
  changes: FileChanges;
  /** New or removed top-level declarations: the patch text keeps the running layout. */
  declarations: DeclarationPlan | undefined;
  /** The changed functions of the save as written (display names): a held update names them. */
  savedFunctions: string[];
  /** The text the patch starts from (the saved text, or the declarations' layout of it), and its functions. */
  patchText: string;
  patchAfter: () => FileFunctions;
  /** The saved text's functions (differs from `patchAfter` where new declarations are blanked). */
  savedAfter: () => FileFunctions;
}

/** A patch to send, and what the reporter needs to describe its outcome. */
export interface PatchPlan {
  kind: 'patch';
  patch: Patch;
  changes: FileChanges;
  /** The text the target runs once applied, and its hash. */
  code: string;
  hash: string;
  patchAfter: () => FileFunctions;
  /** The patch changes nothing V8 would see (a splice that left the running text as it is). */
  unchanged: boolean;
  /** An ES module's top level kept as it runs, only its changed functions taken (or compiled output). */
  spliced: Spliced | undefined;
  esm: boolean;
  /** Only some functions' changes were taken (`ScriptView.only`). */
  only: boolean;
  declarations: DeclarationPlan | undefined;
  definitions: DefinitionPlan | undefined;
  /** Changed definitions of load-time wrappers, run again in their scopes (analysis/loadScopeSteps.ts). */
  loadScopes: LoadScopePlan | undefined;
  state: StateSteps;
  /** Functions the update re-makes by a `definition` step (analysis/remadeFunctions.ts). */
  remade: ModuleStep[];
  /** Paths of functions whose existing closures the LiveEdits leave apart from the script (`LiveEditPlan.apart`). */
  apart: string[];
  /** The type verdict's diagnostics (warnings that did not hold it). */
  typeDiagnostics: LiveDiagnostic[];
}

export type Plan = Held | Same | Nothing | PatchPlan;

/** The user's policy for active code, and where a patch's id comes from: what the planner does not decide. */
export interface PatchSettings extends PolicySettings {
  /** Asked once per patch made (a held update takes none). */
  newPatchId: () => string;
}

/** The checks a save must pass before its type verdict is asked. */
export function analyze(input: PlanInput): Held | Same | Nothing | Analysis {
  const { view, baseline } = input;
  const written = view.saved;
  if (!written.ok) return syntaxErrorHeld(written.syntaxErrors);
  const saved = asNodeLoadedIt(view, baseline.text) ?? written;
  if (baseline.hash === saved.hash) return { kind: 'same' };
  const running = view.running;
  const parse = (text: string) => (input.parse ? input.parse(saved.hash, text) : collectFunctions(running, text));
  // An edit inside one function's body is compared by reparsing that function alone; its new
  // FileFunctions are derived after the patch is applied, when the baseline is remembered.
  const analysis = compareSaved(running, baseline.functions, baseline.text, saved.code, parse);
  // The incremental path only sees edits inside one function's body: nothing above it changed.
  const analyzed = analysis.incremental ? analysis.changes : withGapRisk(analysis.changes, baseline.functions, baseline.text, analysis.after(), saved.code);
  // Positions in the running text back to the file's: compiled output's map, or a transform's.
  const toSource = view.toSource ?? saved.toSource;
  const allChanges = mapChanges(withStrandedRisk(analyzed, baseline.stranded), toSource);
  const savedChanges = view.only ? onlyFunctions(allChanges, view.only) : allChanges;
  if (view.only && savedChanges.changed.length === 0 && savedChanges.syntaxErrors.length === 0) return { kind: 'nothing' };
  if (savedChanges.syntaxErrors.length > 0) return syntaxErrorHeld(savedChanges.syntaxErrors.map((e) => withinOwnCode(e, saved.code, running)));
  // Only a change of the top level can add a top-level `return`.
  if (savedChanges.rawTopLevelChanged && isModule(running, saved.code)) {
    const moduleErrors = esModuleSyntaxErrors(running, saved.code);
    if (moduleErrors.length > 0) return syntaxErrorHeld(moduleErrors.map((e) => withinOwnCode(e, saved.code, running)));
  }
  const held = (reason: string, diagnostics: LiveDiagnostic[]): Held => ({ kind: 'held', reason, diagnostics, functions: savedChanges.changed.map((c) => c.after.displayName) });
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
  const keepsTopLevel = view.splice || view.only !== undefined || isModule(running, saved.code);
  const declarations = analysis.incremental || view.only ? undefined : planDeclarations(pathToFileURL(running).href, baseline.functions, saved.code, analysis.after(), { blankNew: !keepsTopLevel });
  if (declarations && 'refused' in declarations) {
    const at = toSource ? toSource(declarations.at) : declarations.at;
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
    changes = mapChanges(withStrandedRisk(patchChanges, baseline.stranded), toSource);
  }
  return { kind: 'analysis', input, saved, incremental: analysis.incremental, changes, savedFunctions: savedChanges.changed.map((c) => c.after.displayName), declarations, patchText, patchAfter, savedAfter: analysis.after };
}

/** The removed function `module.exports` held, given the text that forwards it (checked after applying). */
function withForwarding(functions: ChangedFunction[], forwarded: ForwardedExport | undefined): ChangedFunction[] {
  if (!forwarded) return functions;
  const { old } = forwarded;
  return functions.map((fn) =>
    !fn.newStart && fn.oldStart.line === old.start.line && fn.oldStart.column === old.start.column ? { ...fn, forwardText: forwarded.text, closureRisk: `\`module.exports\` is now \`${forwarded.next}\`: the function importers hold forwards to it` } : fn,
  );
}

/** The patch of an analysed save, unless its type verdict holds it. */
export function assemble(analysis: Analysis, verdict: TypeVerdict, settings: PatchSettings): Held | PatchPlan {
  const { input, saved, changes, declarations, patchText, patchAfter } = analysis;
  const { view, baseline } = input;
  const running = view.running;
  if (verdict.blocking) return { kind: 'held', reason: verdict.reason, diagnostics: anchorElsewhere(verdict.diagnostics, changes), functions: analysis.savedFunctions };

  // An ES module's top level cannot change while it runs (V8 refuses the whole script): keep it
  // exactly as it runs and take only the changed functions from the saved text. Compiled
  // JavaScript is always spliced: only what the edit changed is replaced.
  const esModule = isModule(running, saved.code);
  const esm = esModule && changes.rawTopLevelChanged;
  const spliced = esm || view.splice || view.only ? spliceFunctions(baseline.text, saved.code, changes) : undefined;
  const code = spliced?.code ?? patchText;
  const hash = spliced || patchText !== saved.code ? hashText(code) : saved.hash;
  // Changed definitions run again in the module's scope, inside the update's transaction. Not in
  // compiled JavaScript, whose top level is the compiler's, not the file's.
  // A function's edit alone runs again the definitions that call it at load (definitionSteps.ts).
  // `module.exports` given a function the update declares: the one importers hold forwards to it.
  const forwarded = declarations && !('refused' in declarations) && !spliced && !view.toSource ? forwardedExport(baseline.functions, analysis.savedAfter(), changes.removed, declarations.declared) : undefined;
  const callsAtLoad = changes.changed.length > 0 && baseline.functions.topLevel.some((s) => s.calledCode !== undefined);
  const definitions: DefinitionPlan | undefined =
    !view.splice && ((changes.topLevel.length > 0 && !analysis.incremental) || callsAtLoad) ? definitionSteps(baseline.functions, patchAfter(), changes, { esModule, newNamesDeclared: true, ...(forwarded ? { forwardedExports: true } : {}), ...(patchText !== saved.code ? { saved: analysis.savedAfter() } : {}) }) : undefined;
  // A load-time wrapper's body is a top level too: its changed definitions run again in its scope.
  const wrappers = spliced || view.toSource ? [] : changedLoadTime(changes);
  const loadScopes = wrappers.length > 0 ? loadScopeSteps(running, baseline.text, code, wrappers, changes, patchAfter().functions) : undefined;
  // State transformers and instance migrations (issue 6): core/stateUpdates.ts.
  const state = view.toSource || view.only || !mayChangeState(changes) ? NO_STATE_STEPS : stateSteps(running, baseline.text, saved.code, code);
  const whenIdle = view.whenIdle ? idleConditions(running, baseline.functions.functions, view.whenIdle) : undefined;
  // A wrapper whose declarations changed: V8 may leave the functions changed inside it on old code.
  const changedFunctions = withForwarding(patchFunctions(withLayoutRisk(changes, loadScopes)), forwarded);
  // How V8 is to get the new text: in the LiveEdits its function matching is predicted to
  // map every function in (analysis/liveEditOrder.ts).
  const liveEdit = planLiveEdit(running, changes, baseline.text, code, changedFunctions, baseline.functions, patchAfter, code !== patchText);
  // What V8 still leaves on old code, and what an earlier update re-made (a LiveEdit no longer
  // reaches it), is re-made where only calls use it (analysis/remadeFunctions.ts).
  const stranded = baseline.stranded && 'paths' in baseline.stranded ? [...baseline.stranded.paths].filter(([, why]) => why === REMADE_REASON).map(([p]) => p) : [];
  const remade = spliced
    ? []
    : [
        ...remadeFunctionSteps(running, pathToFileURL(running).href, baseline.text, code, patchAfter(), new Set(changes.changed.map((c) => c.after.path)), [...liveEdit.unmatched, ...changes.moved, ...stranded]),
        // Members a class gains are added to the running class (analysis/classMembers.ts).
        ...memberSteps(running, pathToFileURL(running).href, code, patchAfter(), changes, stranded),
      ];
  const steps = orderedSteps(declarations?.steps ?? [], [...remade, ...(definitions?.steps ?? []), ...(loadScopes?.steps ?? [])], state.steps, view.steps);
  const patch: Patch = {
    format: PATCH_FORMAT_VERSION,
    id: settings.newPatchId(),
    scripts: [
      {
        file: running,
        baseHash: baseline.hash,
        code,
        functions: withPredictedRisk(changedFunctions, liveEdit, patchAfter),
        ...(steps.length ? { steps } : {}),
        ...(liveEdit.twoStep ? { twoStep: liveEdit.twoStep } : {}),
        ...(liveEdit.accessorAfter ? { accessorAfter: true } : {}),
        ...(!hasNestedFunction(baseline.functions.functions) && !hasNestedFunction(patchAfter().functions) ? { flat: true } : {}),
      },
    ],
    whenActive: settings.whenActive satisfies WhenActive,
    deferTimeoutMs: settings.deferTimeoutMs,
    ...(whenIdle?.length ? { whenIdle } : {}),
    ...(view.restores !== undefined ? { restores: view.restores } : {}),
  };
  return {
    kind: 'patch',
    patch,
    changes,
    code,
    hash,
    patchAfter,
    unchanged: spliced !== undefined && spliced.code === baseline.text && steps.length === 0,
    spliced,
    esm,
    only: view.only !== undefined,
    declarations,
    definitions,
    loadScopes,
    state,
    remade,
    apart: liveEdit.apart ?? [],
    typeDiagnostics: anchorElsewhere(verdict.diagnostics, changes),
  };
}

/** Both steps, for a verdict known beforehand (none: the type gate is not asked). */
export function plan(input: PlanInput, settings: PatchSettings, verdict: TypeVerdict = NO_VERDICT): Plan {
  const analysis = analyze(input);
  return analysis.kind === 'analysis' ? assemble(analysis, verdict, settings) : analysis;
}

function syntaxErrorHeld(errors: SyntaxError[]): Held {
  const first = errors[0]!;
  return {
    kind: 'held',
    reason: REASONS.syntaxError,
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
  };
}

/**
 * A problem in another file (a caller that no longer type-checks) goes on the changed function
 * whose signature changed, or the first changed one: that edit is what broke the caller.
 */
export function anchorElsewhere(diagnostics: LiveDiagnostic[], changes: FileChanges): LiveDiagnostic[] {
  const culprit = changes.changed.find((c) => c.signature) ?? changes.changed[0];
  if (!culprit) return diagnostics;
  return diagnostics.map((d) => (d.data?.['elsewhere'] ? { ...d, start: culprit.after.nameStart, end: culprit.after.nameEnd } : d));
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
