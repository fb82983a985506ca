// The reporter: what the user is told of an update. A target's outcome (held by the planner, or
// the runtime's report of the patch) becomes a result with a reason and the diagnostics on the
// right names; a save's outcomes over all targets become one report with one sentence; a pending
// update's end becomes a report of its own. Sentences only: it decides nothing.
import { STATE_TEXT, stated } from '../../../common/liveStates';
import { isScopeAccessorText } from '../../../common/runningText';
import * as path from 'node:path';
import type { PatchReport, PendingEvent, PendingUpdate, ScriptReport } from '../../../common/patch';
import { DiagnosticCodes, type TargetInfo, type TargetUpdateResult, type UpdateReport } from '../../../common/reports';
import type { FileChanges } from '../analysis/changes';
import type { FunctionInfo } from '../analysis/functions';
import { addedMembers } from '../analysis/classMembers';
import { loadDependents } from '../analysis/loadDependence';
import { remadeNames } from '../analysis/remadeFunctions';
import { builtTopLevelDiagnostics, esmTopLevelDiagnostic, functionNoteDiagnostics, dependentDiagnostics, keptLoadTime, keptReason, keptTopLevel, addedMemberDiagnostics, dataModuleWarning, loadTimeDiagnostics, newMemberDiagnostics, remadeDiagnostics, topLevelDiagnostics } from './changeDiagnostics';
import type { LiveDiagnostic } from './diagnostics';
import { changedFunction, pendingDiagnostics, restartedDiagnostic } from './pendingDiagnostics';
import type { Held, PatchPlan } from './planner';
import { stateDiagnostics } from './stateUpdates';

/** What became of one target's update. */
export interface TargetOutcome {
  result: TargetUpdateResult;
  diagnostics: LiveDiagnostic[];
  functions: string[];
  /** Whether the target may run other than the save (false: it already runs it, nothing to do). */
  changed: boolean;
  /** The analysis, when there was one (type warnings found later are placed with it). */
  changes?: FileChanges;
}

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

/** What the runtime did with a patch, beyond its report: a frame restarted, or why not, and what waits. */
export interface Delivery {
  report: PatchReport;
  restartedFrame?: string;
  /** The version the restart made in the program's history (the runtime records it, `CancelRequest.restarted`). */
  restartedVersion?: number;
  restartFailure?: string;
  pending?: PendingUpdate;
}

export function heldOutcome(target: TargetInfo, held: Held): TargetOutcome {
  return { result: { targetId: target.id, targetName: target.name, outcome: 'rejected', reason: held.reason }, diagnostics: held.diagnostics, functions: held.functions, changed: true };
}

export function unreachableOutcome(target: TargetInfo, reason: string): TargetOutcome {
  // It could not be asked what it runs: it may run anything but the save, so not "no change".
  return { result: { targetId: target.id, targetName: target.name, outcome: 'unreachable', reason }, diagnostics: [], functions: [], changed: true };
}

/** It ended before answering (a worker that exited in the update): nothing to say on the file's lines. */
export function endedOutcome(target: TargetInfo, plan: PatchPlan, report: PatchReport): TargetOutcome {
  const reason = report.error ?? `${target.name} ended during the update`;
  return { result: { targetId: target.id, targetName: target.name, outcome: 'ended', reason }, diagnostics: [], functions: plan.changes.changed.map((c) => c.after.displayName), changed: true };
}

/** A patch the runtime answered: its result, and every diagnostic of what it did and did not do. */
export function deliveredOutcome(file: string, target: TargetInfo, plan: PatchPlan, { report, restartedFrame, restartedVersion, restartFailure, pending }: Delivery): TargetOutcome {
  const { changes, spliced, definitions, declarations } = plan;
  const script = report.scripts[0];
  const diagnostics = diagnosticsFor(file, changes, report);
  if (report.ok) diagnostics.push(...remadeDiagnostics(changes, remadeNames(plan.remade, script?.steps)));
  if (pending) diagnostics.push(...pendingDiagnostics(changedFunction(changes), pending, target.id, restartFailure));
  if (restartedFrame) diagnostics.push(...restartedDiagnostic(changes, restartedFrame));
  const declared = declarations && !('refused' in declarations) && report.ok ? declarations.declared : [];
  let kept: string | undefined;
  if (report.ok || restartedFrame) {
    diagnostics.push(...plan.typeDiagnostics, ...functionNoteDiagnostics(changes));
    if (plan.esm && spliced) diagnostics.push(esmTopLevelDiagnostic(changes, changes.changed.map((c) => c.after.displayName), spliced.complete, spliced.lineDrift, definitions, declared));
    else if (spliced && !plan.only) diagnostics.push(...builtTopLevelDiagnostics(changes, spliced.complete));
    else diagnostics.push(...topLevelDiagnostics(changes, definitions, declared));
    // "Applied" only when the program now runs as a fresh start of the saved text would (issue 20).
    const wrappers = keptLoadTime(changes, plan.loadScopes?.scopes);
    const after = spliced && !plan.esm ? undefined : plan.patchAfter();
    const converted = { bindings: new Set(plan.state.transformed.values()), classes: new Set(plan.state.plans.filter((p) => script?.migrated?.some((m) => m.label === `class ${p.className}`)).map((p) => p.className)) };
    const dependents = after ? loadDependents(after.topLevel, after.functions, changes, definitions?.reevaluated ?? new Set(), converted, definitions?.inPlace) : [];
    const made = new Set(remadeNames(plan.remade, script?.steps));
    const members = after ? addedMembers(changes, new Set(after.topLevel.filter((t) => t.key.startsWith('class ')).flatMap((t) => t.names))).filter((fn) => !made.has(fn.path)) : [];
    diagnostics.push(...addedMemberDiagnostics(changes.added.filter((fn) => made.has(fn.path))));
    diagnostics.push(...loadTimeDiagnostics(wrappers, plan.loadScopes?.scopes), ...dependentDiagnostics(dependents), ...newMemberDiagnostics(members));
    // The running text's scope accessor (common/runningText.ts) is no function of the user's.
    // Functions the update declares anew are blanked in the patch text: they count too.
    const declaredFunctions = declarations && !('refused' in declarations) ? declarations.steps.filter((s) => s.label.startsWith('function ')).length : 0;
    const data = after ? dataModuleWarning(changes, definitions, after.functions.filter((f) => !isScopeAccessorText(f.text)).length + declaredFunctions) : undefined;
    if (data) diagnostics.push(data);
    kept = keptReason(keptTopLevel(changes, definitions, declared).filter((c) => !plan.state.transformerLines.includes(c.statement.anchorStart.line)), wrappers, dependents, members);
    if (data) kept = kept ? `${kept}; modules that read its data while loading keep their copies` : 'modules that read its data while loading keep what they copied then (restart to get it)';
    // The one sentence of an ES module's or a compiled file's top level is then a warning too.
    if (kept && spliced) for (const d of diagnostics) if (d.code === DiagnosticCodes.topLevelKept && d.severity === 'information') d.severity = 'warning';
  }
  const result: TargetUpdateResult = restartedFrame
    ? { targetId: target.id, targetName: target.name, outcome: 'applied', report: restartedReport(report), ...(restartedVersion !== undefined ? { version: restartedVersion } : {}) }
    : targetResult(target, report, restartFailure);
  if (kept && result.outcome === 'applied') result.reason = result.reason ? `${result.reason}; ${kept}` : kept;
  return {
    result,
    diagnostics: stateDiagnostics(diagnostics, plan.state, script),
    functions: changes.changed.map((c) => c.after.displayName),
    changed: true,
    changes,
  };
}

/** The runtime's report of an update whose waiting part the debugger applied by restarting a frame: nothing waits. */
function restartedReport(report: PatchReport): PatchReport {
  return { ...report, scripts: report.scripts.map(({ pending: _pending, ...s }) => ({ ...s, outcome: s.outcome === 'pending' ? 'applied' : s.outcome })) };
}

function targetResult(target: TargetInfo, report: PatchReport, restartFailure?: string): TargetUpdateResult {
  const result = targetOutcome(target.id, target.name, report, restartFailure);
  return report.version !== undefined ? { ...result, version: report.version } : result;
}

function targetOutcome(targetId: string, targetName: string, report: PatchReport, restartFailure?: string): TargetUpdateResult {
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

/** Who a pending update waits for, for a sentence. */
function waitingFor(pending: PendingUpdate): string {
  const names = pending.waitingFor?.length ? pending.waitingFor : pending.functions;
  return names.map((n) => `\`${n}\``).join(', ');
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

/** One diagnostic per place and message; the targets it came from are merged. */
export function dedupe(diagnostics: LiveDiagnostic[]): LiveDiagnostic[] {
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

/** One save's report over all targets, with its one sentence. */
export function summarize(file: string, functions: string[], results: TargetUpdateResult[], anyChange: boolean, ms: number): UpdateReport {
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

/** A rollback's report: said as what it restores. */
export function restoredReport(report: UpdateReport, target: TargetInfo, file: string, version: number): UpdateReport {
  const what = report.functions.length ? report.functions.join(', ') : path.basename(file);
  const summary = report.outcome === 'applied' ? `Rolled back to version ${version}: ${what} in ${target.name} (${Math.round(report.milliseconds)} ms)` : `Rollback to version ${version}: ${report.summary}`;
  return { ...report, summary, restores: version };
}

/** How a pending update ended, as the user hears it (nothing for one a newer update replaced). */
export function pendingOutcome(target: TargetInfo, event: PendingEvent): PendingOutcome {
  const { pending } = event;
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
  return outcome;
}
