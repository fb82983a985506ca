// The TargetPort of the language server: targets are what the client reports; reaching one is an
// LSP request to the client, which evaluates in the matching js-debug session.
import type { Connection } from 'vscode-languageserver/node';
import type { CancelRequest, EvaluateRequest, EvaluateResult, HistoryQuery, LiveStack, ModulesState, UpdatePointsState, Patch, PatchReport, PendingQuery, PendingState, ScriptState, ScriptStateQuery, VersionHistory, VersionTexts, VersionTextsQuery } from '../../../common/patch';
import { ApplyPatch, CancelPending, EvaluateInModule, QueryHistory, QueryModules, QueryPending, QueryStack, QueryUpdatePoints, QueryScriptState, QueryVersionTexts, RestartFrame, type TargetInfo } from '../../../common/protocol';
import type { TargetPort } from '../core/targetPort';

export class LspTargetPort implements TargetPort {
  private current: TargetInfo[] = [];

  constructor(private readonly connection: Connection) {}

  setTargets(targets: TargetInfo[]): void {
    this.current = targets;
  }

  targets(): TargetInfo[] {
    return this.current;
  }

  queryScriptState(targetId: string, query: ScriptStateQuery): Promise<ScriptState | { error: string }> {
    return this.connection.sendRequest(QueryScriptState.type, { targetId, query });
  }

  applyPatch(targetId: string, patch: Patch): Promise<PatchReport> {
    return this.connection.sendRequest(ApplyPatch.type, { targetId, patch });
  }

  evaluate(targetId: string, request: EvaluateRequest): Promise<EvaluateResult> {
    return this.connection.sendRequest(EvaluateInModule.type, { targetId, request });
  }

  pendingState(targetId: string, query: PendingQuery): Promise<PendingState | { error: string }> {
    return this.connection.sendRequest(QueryPending.type, { targetId, query });
  }

  cancelPending(targetId: string, request: CancelRequest): Promise<PendingState | { error: string }> {
    return this.connection.sendRequest(CancelPending.type, { targetId, request });
  }

  history(targetId: string, query: HistoryQuery): Promise<VersionHistory | { error: string }> {
    return this.connection.sendRequest(QueryHistory.type, { targetId, query });
  }

  versionTexts(targetId: string, query: VersionTextsQuery): Promise<VersionTexts | { error: string }> {
    return this.connection.sendRequest(QueryVersionTexts.type, { targetId, query });
  }

  modules(targetId: string): Promise<ModulesState | { error: string }> {
    return this.connection.sendRequest(QueryModules.type, { targetId, query: {} });
  }

  liveStack(targetId: string): Promise<LiveStack | { error: string }> {
    return this.connection.sendRequest(QueryStack.type, { targetId, query: {} });
  }

  updatePoints(targetId: string): Promise<UpdatePointsState | { error: string }> {
    return this.connection.sendRequest(QueryUpdatePoints.type, { targetId, query: {} });
  }

  restartFrame(targetId: string, params: Omit<RestartFrame.Params, 'targetId'>): Promise<RestartFrame.Result> {
    return this.connection.sendRequest(RestartFrame.type, { targetId, ...params });
  }
}
