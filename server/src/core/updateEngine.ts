// The update engine: on each save, for every target that runs the file, diff the target's
// baseline with the saved text, build a patch, deliver it, and turn the runtime's report into a
// truthful update report and diagnostics. Knows nothing of LSP.
import * as path from 'node:path';
import { PATCH_FORMAT_VERSION, type Patch, type PatchReport, type ScriptReport } from '../../../common/patch';
import { DiagnosticCodes, type TargetInfo, type TargetUpdateResult, type UpdateReport } from '../../../common/protocol';
import { compareCollected, patchFunctions, type FileChanges } from '../analysis/changes';
import type { FunctionInfo, SyntaxError } from '../analysis/functions';
import { BaselineCache } from './baselines';
import type { LiveDiagnostic } from './diagnostics';
import { runningTextOf, type SavedText } from './savedText';
import type { TargetPort } from './targetPort';

interface TargetOutcome {
  result: TargetUpdateResult;
  diagnostics: LiveDiagnostic[];
  functions: string[];
  changed: boolean;
}

export interface SaveOutcome {
  report: UpdateReport;
  diagnostics: LiveDiagnostic[];
}

export class UpdateEngine {
  private readonly baselines: BaselineCache;
  private patchCounter = 0;
  /** Saves of one file are processed one after another, in order. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly port: TargetPort) {
    this.baselines = new BaselineCache(port);
  }

  forgetTarget(targetId: string): void {
    this.baselines.forgetTarget(targetId);
  }

  onSave(file: string, text: string): Promise<SaveOutcome> {
    const previous = this.queues.get(file) ?? Promise.resolve();
    const next = previous.then(() => this.process(file, text));
    const settled = next.catch(() => undefined);
    this.queues.set(file, settled);
    void settled.then(() => {
      if (this.queues.get(file) === settled) this.queues.delete(file);
    });
    return next;
  }

  private async process(file: string, text: string): Promise<SaveOutcome> {
    const started = performance.now();
    const saved = runningTextOf(file, text);
    const outcomes = await Promise.all(this.port.targets().map((target) => this.updateTarget(target, file, saved)));
    const results: TargetUpdateResult[] = [];
    const diagnostics: LiveDiagnostic[] = [];
    const functionNames = new Set<string>();
    for (const outcome of outcomes) {
      if (!outcome) continue;
      results.push(outcome.result);
      diagnostics.push(...outcome.diagnostics);
      for (const name of outcome.functions) functionNames.add(name);
    }
    const anyChange = outcomes.some((o) => o?.changed);
    const report = summarize(file, [...functionNames], results, anyChange, performance.now() - started);
    return { report, diagnostics: dedupe(diagnostics) };
  }

  /** Brings one target to the saved text; undefined when it does not run the file at all. */
  private async updateTarget(target: TargetInfo, file: string, saved: SavedText, fresh = false): Promise<TargetOutcome | undefined> {
    const unreachable = (reason: string): TargetOutcome => ({
      result: { targetId: target.id, targetName: target.name, outcome: 'unreachable', reason },
      diagnostics: [],
      functions: [],
      changed: false,
    });
    const baseline = await this.baselines.get(target.id, file, { fresh });
    if (baseline === undefined) return undefined; // The target has not loaded this file.
    if ('error' in baseline) return unreachable(baseline.error);
    if (!saved.ok) return this.syntaxErrorOutcome(target, saved.syntaxErrors);
    if (baseline.hash === saved.hash) return undefined;
    const changes = compareCollected(baseline.functions, this.baselines.parse(file, saved.hash, saved.code));
    if (changes.syntaxErrors.length > 0) return this.syntaxErrorOutcome(target, changes.syntaxErrors);

    const patch: Patch = {
      format: PATCH_FORMAT_VERSION,
      id: `p${++this.patchCounter}`,
      scripts: [{ file, baseHash: baseline.hash, code: saved.code, functions: patchFunctions(changes) }],
    };
    const report = await this.port.applyPatch(target.id, patch);
    const script = report.scripts[0];
    if (!fresh && script && (script.outcome === 'not-loaded' || (script.outcome === 'rejected' && script.currentHash && script.currentHash !== baseline.hash))) {
      // The cached baseline was not what runs (the program reloaded the file?): ask, and redo once.
      this.baselines.forget(target.id, file);
      return this.updateTarget(target, file, saved, true);
    }
    if (report.ok) this.baselines.remember(target.id, file, saved.hash, saved.code);
    return {
      result: this.targetResult(target.id, target.name, report),
      diagnostics: diagnosticsFor(file, changes, report),
      functions: changes.changed.map((c) => c.after.displayName),
      changed: true,
    };
  }

  private syntaxErrorOutcome(target: TargetInfo, errors: SyntaxError[]): TargetOutcome {
    const first = errors[0]!;
    return {
      result: { targetId: target.id, targetName: target.name, outcome: 'rejected', reason: 'syntax error' },
      diagnostics: [
        {
          severity: 'error',
          code: DiagnosticCodes.syntaxError,
          message: `Not applied: the file does not parse (${first.message}). The program keeps running the previous version.`,
          start: first.start,
          end: first.end,
        },
      ],
      functions: [],
      changed: true,
    };
  }

  private targetResult(targetId: string, targetName: string, report: PatchReport): TargetUpdateResult {
    if (report.error) return { targetId, targetName, outcome: 'rejected', reason: report.error, report };
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
        message: `\`${fn.displayName}\` still runs its previous code in ${closures}: ${stale.reason}, and V8 cannot give a variable to a closure that did not capture it. Only closures created from now on run the new code; restart the program to run it everywhere.`,
        start: fn.nameStart,
        end: fn.nameEnd,
      });
    }
  }
  return out;
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

function dedupe(diagnostics: LiveDiagnostic[]): LiveDiagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.code}|${d.start.line}:${d.start.column}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function summarize(file: string, functions: string[], targets: TargetUpdateResult[], anyChange: boolean, ms: number): UpdateReport {
  const applied = targets.filter((t) => t.outcome === 'applied');
  // A target where existing closures still run old code took the update only in part.
  const fully = applied.filter((t) => !t.reason);
  const outcome: UpdateReport['outcome'] =
    targets.length === 0 || !anyChange ? 'no-change' : fully.length === targets.length ? 'applied' : applied.length === 0 ? 'rejected' : 'partial';
  const name = path.basename(file);
  const what = functions.length ? functions.join(', ') : name;
  const count = (n: number) => `${n} target${n === 1 ? '' : 's'}`;
  const summary =
    outcome === 'applied'
      ? `Live: ${what} in ${count(applied.length)} (${Math.round(ms)} ms)`
      : outcome === 'partial'
        ? applied.length === targets.length
          ? `Partly live: ${applied.find((t) => t.reason)!.reason}`
          : `Partly live: ${what} in ${applied.length} of ${count(targets.length)}`
        : outcome === 'rejected'
          ? `Not applied: ${targets.find((t) => t.reason)?.reason ?? 'refused'}`
          : `No change to apply in ${name}`;
  return { file, outcome, functions, targets, summary, milliseconds: ms, time: Date.now() };
}
