// A TargetPort that reaches each target's runtime by evaluating `runtimeCallExpression` in it and
// reading back the JSON string the runtime returns: what js-debug's `evaluate` does for the
// extension, done by whoever holds a direct inspector connection (the command line, tests).
// Host-neutral: the host supplies how to evaluate an expression in a target.
import { runtimeCallExpression, type CancelRequest, type EvaluateRequest, type EvaluateResult, type HistoryQuery, type LiveStack, type ModulesState, type UpdatePointsState, type Patch, type PatchReport, type PendingQuery, type PendingState, type RuntimeMethod, type ScriptState, type ScriptStateQuery, type VersionHistory, type VersionTexts, type VersionTextsQuery } from '../../../common/patch';
import type { TargetInfo } from '../../../common/protocol';
import type { TargetPort } from './targetPort';

/** Evaluates `expression` in the target's default context and returns its string value. */
export type EvaluateInTarget = (targetId: string, expression: string) => Promise<string>;

/** Calls one runtime method with a JSON argument and parses its JSON answer. */
export async function callRuntime<T>(evaluate: (expression: string) => Promise<string>, method: RuntimeMethod, argument: unknown): Promise<T> {
  return JSON.parse(await evaluate(runtimeCallExpression(method, JSON.stringify(argument)))) as T;
}

export class RuntimeTargetPort implements TargetPort {
  private current: TargetInfo[] = [];

  constructor(private readonly evaluateIn: EvaluateInTarget) {}

  setTargets(targets: TargetInfo[]): void {
    this.current = targets;
  }

  targets(): TargetInfo[] {
    return this.current;
  }

  /** Any failure to reach the target becomes `{error}`, as the LSP port's client answers. */
  private async call<T>(targetId: string, method: RuntimeMethod, argument: unknown): Promise<T | { error: string }> {
    try {
      return await callRuntime<T>((expression) => this.evaluateIn(targetId, expression), method, argument);
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  }

  queryScriptState(targetId: string, query: ScriptStateQuery): Promise<ScriptState | { error: string }> {
    return this.call(targetId, 'scriptState', query);
  }

  async applyPatch(targetId: string, patch: Patch): Promise<PatchReport> {
    const report = await this.call<PatchReport>(targetId, 'apply', patch);
    return 'ok' in report ? report : { id: patch.id, ok: false, scripts: [], blockedMs: 0, error: report.error };
  }

  async evaluate(targetId: string, request: EvaluateRequest): Promise<EvaluateResult> {
    const result = await this.call<EvaluateResult>(targetId, 'evaluate', request);
    return 'ok' in result ? result : { ok: false, error: result.error };
  }

  pendingState(targetId: string, query: PendingQuery): Promise<PendingState | { error: string }> {
    return this.call(targetId, 'pending', query);
  }

  cancelPending(targetId: string, request: CancelRequest): Promise<PendingState | { error: string }> {
    return this.call(targetId, 'cancel', request);
  }

  history(targetId: string, query: HistoryQuery): Promise<VersionHistory | { error: string }> {
    return this.call(targetId, 'history', query);
  }

  versionTexts(targetId: string, query: VersionTextsQuery): Promise<VersionTexts | { error: string }> {
    return this.call(targetId, 'versionTexts', query);
  }

  modules(targetId: string): Promise<ModulesState | { error: string }> {
    return this.call(targetId, 'modules', {});
  }

  liveStack(targetId: string): Promise<LiveStack | { error: string }> {
    return this.call(targetId, 'stack', {});
  }

  updatePoints(targetId: string): Promise<UpdatePointsState | { error: string }> {
    return this.call(targetId, 'points', {});
  }
}
