// How the update engine reaches running programs. The language server implements it with LSP
// requests to the extension (which evaluates in js-debug sessions); tests and the command line
// implement it over a direct inspector connection. The engine never knows which.
import type { EvaluateRequest, EvaluateResult, Patch, PatchReport, ScriptState, ScriptStateQuery } from '../../../common/patch';
import type { TargetInfo } from '../../../common/protocol';

export interface TargetPort {
  targets(): TargetInfo[];
  queryScriptState(targetId: string, query: ScriptStateQuery): Promise<ScriptState | { error: string }>;
  applyPatch(targetId: string, patch: Patch): Promise<PatchReport>;
  /** Evaluates code in one module's scope (runs a top-level statement on the user's request). */
  evaluate(targetId: string, request: EvaluateRequest): Promise<EvaluateResult>;
}
