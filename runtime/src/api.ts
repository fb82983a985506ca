// The runtime's API, as the debugger reaches it through `evaluate`: JSON text in, JSON text out.
// Nothing here may throw into the program: every failure becomes part of the answer.
import {
  PATCH_FORMAT_VERSION,
  hashText,
  type Patch,
  type PatchReport,
  type RuntimeApi,
  type ScriptState,
  type ScriptStateQuery,
} from '../../common/patch';
import { InProcessSession } from './inspectorSession';
import { SourceRegistry } from './sources';
import { applyPatch } from './transaction';

export function createApi(session: InProcessSession, registry: SourceRegistry): RuntimeApi {
  return {
    formatVersion: PATCH_FORMAT_VERSION,

    apply(patchJson: string): string {
      let id = '';
      try {
        const patch = JSON.parse(patchJson) as Patch;
        id = String(patch.id ?? '');
        if (patch.format !== PATCH_FORMAT_VERSION) {
          return failure(id, `Patch format ${String(patch.format)} is not the runtime's (${PATCH_FORMAT_VERSION}); update the extension and restart the program.`);
        }
        return JSON.stringify(applyPatch(session, registry, patch));
      } catch (e) {
        return failure(id, `Live Update runtime failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    },

    scriptState(queryJson: string): string {
      try {
        const query = JSON.parse(queryJson) as ScriptStateQuery;
        const source = registry.current(query.file);
        if (source === undefined) return JSON.stringify({ file: query.file, loaded: false } satisfies ScriptState);
        const hash = hashText(source);
        const state: ScriptState = { file: query.file, loaded: true, hash };
        if (query.knownHash !== hash) state.source = source;
        return JSON.stringify(state);
      } catch (e) {
        return JSON.stringify({ error: e instanceof Error ? e.message : String(e) });
      }
    },
  };
}

function failure(id: string, error: string): string {
  const report: PatchReport = { id, ok: false, scripts: [], blockedMs: 0, error };
  return JSON.stringify(report);
}
