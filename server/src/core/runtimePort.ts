// A TargetPort that reaches each target's runtime by calling one of its methods and reading back
// the JSON string the runtime returns: what the extension does through js-debug, done by whoever
// holds a direct inspector connection (the command line, tests). Host-neutral: the host supplies
// how to make the call (over CDP, common/runtimeCall.ts).
import { type CancelRequest, type EvaluateRequest, type EvaluateResult, type HistoryQuery, type LiveStack, type ModulesState, type UpdatePointsState, type Patch, type PatchReport, type PendingQuery, type PendingState, type RuntimeMethod, type ScriptState, type ScriptStateQuery, type VersionHistory, type VersionTexts, type VersionTextsQuery } from '../../../common/patch';
import type { TargetInfo } from '../../../common/reports';
import { RuntimeCaller, type CdpSender } from '../../../common/runtimeCall';
import type { TargetPort } from './targetPort';

/** Calls a runtime method with a JSON argument; resolves with its JSON answer. */
export type RuntimeCall = (method: RuntimeMethod, argJson: string) => Promise<string>;
/** The same, in one of several targets. */
export type CallInTarget = (targetId: string, method: RuntimeMethod, argJson: string) => Promise<string>;

/** Calls one runtime method with a JSON argument and parses its JSON answer. */
export async function callRuntime<T>(call: RuntimeCall, method: RuntimeMethod, argument: unknown): Promise<T> {
  return JSON.parse(await call(method, JSON.stringify(argument))) as T;
}

/** A RuntimeCall over one CDP connection (common/runtimeCall.ts). */
export function cdpRuntimeCall(cdp: CdpSender): RuntimeCall {
  const caller = new RuntimeCaller(cdp);
  return (method, argJson) => caller.call(method, argJson);
}

export class RuntimeTargetPort implements TargetPort {
  private current: TargetInfo[] = [];

  constructor(private readonly callIn: CallInTarget) {}

  setTargets(targets: TargetInfo[]): void {
    this.current = targets;
  }

  targets(): TargetInfo[] {
    return this.current;
  }

  /** Any failure to reach the target becomes `{error}`, as the LSP port's client answers. */
  private async call<T>(targetId: string, method: RuntimeMethod, argument: unknown): Promise<T | { error: string }> {
    try {
      return await callRuntime<T>((m, argJson) => this.callIn(targetId, m, argJson), method, argument);
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
