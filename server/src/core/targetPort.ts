// How the update engine reaches running programs. The language server implements it with LSP
// requests to the extension (which evaluates in js-debug sessions); tests and the command line
// implement it over a direct inspector connection. The engine never knows which.
import type { Patch, PatchReport, ScriptState, ScriptStateQuery } from '../../../common/patch';
import type { TargetInfo } from '../../../common/protocol';

export interface TargetPort {
  targets(): TargetInfo[];
  queryScriptState(targetId: string, query: ScriptStateQuery): Promise<ScriptState | { error: string }>;
  applyPatch(targetId: string, patch: Patch): Promise<PatchReport>;
}
