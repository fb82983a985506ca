// A TargetPort over direct inspector connections (InspectedProcess): what the command line does,
// and what tests of the engine and the command interpreter use without a language server.
import type { CancelRequest, EvaluateRequest, EvaluateResult, HistoryQuery, LiveStack, ModulesState, Patch, PatchReport, PendingQuery, PendingState, ScriptState, ScriptStateQuery, UpdatePointsState, VersionHistory, VersionTexts, VersionTextsQuery } from '../../common/patch';
import type { TargetInfo } from '../../common/protocol';
import type { TargetPort } from '../../server/src/core/targetPort';
import type { InspectedProcess } from './inspectedProcess';

export interface InspectedTarget extends TargetInfo {
  process: InspectedProcess;
}

export class InspectedPort implements TargetPort {
  constructor(private current: InspectedTarget[]) {}

  setTargets(targets: InspectedTarget[]): void {
    this.current = targets;
  }

  targets(): TargetInfo[] {
    return this.current.map(({ id, name }) => ({ id, name }));
  }

  private process(targetId: string): InspectedProcess {
    const target = this.current.find((t) => t.id === targetId);
    if (!target) throw new Error(`no target ${targetId}`);
    return target.process;
  }

  queryScriptState(targetId: string, query: ScriptStateQuery): Promise<ScriptState | { error: string }> {
    return this.process(targetId).scriptState(query);
  }

  applyPatch(targetId: string, patch: Patch): Promise<PatchReport> {
    return this.process(targetId).apply(patch);
  }

  evaluate(targetId: string, request: EvaluateRequest): Promise<EvaluateResult> {
    return this.process(targetId).evaluateInModule(request);
  }

  pendingState(targetId: string, query: PendingQuery): Promise<PendingState | { error: string }> {
    return this.process(targetId).pending(query.since ?? 0);
  }

  cancelPending(targetId: string, request: CancelRequest): Promise<PendingState | { error: string }> {
    return this.process(targetId).cancel(request);
  }

  history(targetId: string, query: HistoryQuery): Promise<VersionHistory | { error: string }> {
    return this.process(targetId).callRuntime('history', query);
  }

  versionTexts(targetId: string, query: VersionTextsQuery): Promise<VersionTexts | { error: string }> {
    return this.process(targetId).callRuntime('versionTexts', query);
  }

  modules(targetId: string): Promise<ModulesState | { error: string }> {
    return this.process(targetId).callRuntime('modules', {});
  }

  liveStack(targetId: string): Promise<LiveStack | { error: string }> {
    return this.process(targetId).callRuntime('stack', {});
  }

  updatePoints(targetId: string): Promise<UpdatePointsState | { error: string }> {
    return this.process(targetId).callRuntime('points', {});
  }
}
