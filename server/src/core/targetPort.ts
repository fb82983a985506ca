// How the update engine reaches running programs. The language server implements it with LSP
// requests to the extension (which evaluates in js-debug sessions); tests and the command line
// implement it over a direct inspector connection. The engine never knows which.
import type { CancelRequest, EvaluateRequest, EvaluateResult, HistoryQuery, LiveStack, ModulesState, UpdatePointsState, Patch, PatchReport, PendingQuery, PendingState, ScriptState, ScriptStateQuery, VersionHistory, VersionTexts, VersionTextsQuery } from '../../../common/patch';
import type { RestartFrameRequest, RestartFrameResult, TargetInfo } from '../../../common/reports';

export interface TargetPort {
  targets(): TargetInfo[];
  queryScriptState(targetId: string, query: ScriptStateQuery): Promise<ScriptState | { error: string }>;
  applyPatch(targetId: string, patch: Patch): Promise<PatchReport>;
  /** Evaluates code in one module's scope (runs a top-level statement on the user's request). */
  evaluate(targetId: string, request: EvaluateRequest): Promise<EvaluateResult>;
  pendingState(targetId: string, query: PendingQuery): Promise<PendingState | { error: string }>;
  cancelPending(targetId: string, request: CancelRequest): Promise<PendingState | { error: string }>;
  /** The target's numbered versions. */
  history(targetId: string, query: HistoryQuery): Promise<VersionHistory | { error: string }>;
  /** The running texts the target had at a version (what restoring it applies). */
  versionTexts(targetId: string, query: VersionTextsQuery): Promise<VersionTexts | { error: string }>;
  // The REPL's views of a program (server/src/repl/). Optional, so a port made before them still
  // compiles; the REPL says a view is unavailable where a port lacks it.
  /** The user modules the target runs. */
  modules?(targetId: string): Promise<ModulesState | { error: string }>;
  /** The target's stack below the runtime (frames only while it is paused). */
  liveStack?(targetId: string): Promise<LiveStack | { error: string }>;
  /** The update points the target reached. */
  updatePoints?(targetId: string): Promise<UpdatePointsState | { error: string }>;
  /** Restarts a paused frame into new code (policy `restartFrame`); absent where there is no debugger. */
  restartFrame?(targetId: string, params: RestartFrameRequest): Promise<RestartFrameResult>;
}
