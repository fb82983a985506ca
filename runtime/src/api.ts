// The runtime's API, as the debugger reaches it through `evaluate`: JSON text in, JSON text out.
// Nothing here may throw into the program: every failure becomes part of the answer.
import {
  PATCH_FORMAT_VERSION,
  hashText,
  type Patch,
  type EvaluateRequest,
  type EvaluateResult,
  type PatchReport,
  type RuntimeInfo,
  type RuntimeApi,
  type ScriptState,
  type ScriptStateQuery,
  type CancelRequest,
  type PendingQuery,
  type PendingState,
  type HistoryQuery,
  type VersionHistory,
  type VersionTextsQuery,
  type ModulesState,
  type LiveStack,
  type UpdatePointsState,
} from '../../common/patch';
import { applyUpdateSteps } from './defer';
import { runEdits, type EditSteps } from './transaction';
// The step kinds the runtime carries out itself register with moduleSteps when loaded.
import './declarations';
import { InProcessSession } from './inspectorSession';
import { ModuleScopes, preview } from './scopes';
import { PendingUpdates } from './pending';
import { Versions } from './versions';
import { registerStepRunner } from './moduleSteps';
import { migrationRunner } from './migration';
import { AwaitedEvaluations, errorLine } from './evaluations';
import { captureLiveStack } from './stack';
import { DebuggerApplies, LandingEdits } from './debuggerEditor';

export function createApi(session: InProcessSession, scopes: ModuleScopes): RuntimeApi {
  const versions = new Versions(session);
  const landings = new LandingEdits();
  const pending = new PendingUpdates(session, scopes, versions, landings);
  const awaited = new AwaitedEvaluations();
  registerStepRunner('migration', migrationRunner(session));
  /** `apply` as a transaction that yields its LiveEdits (transaction.ts `EditSteps`). */
  function* applySteps(patchJson: string): EditSteps<string> {
    let id = '';
    try {
      const patch = JSON.parse(patchJson) as Patch;
      id = String(patch.id ?? '');
      if (patch.format !== PATCH_FORMAT_VERSION) {
        return failure(id, `Patch format ${String(patch.format)} is not the runtime's (${PATCH_FORMAT_VERSION}); update the extension and restart the program.`);
      }
      const before = versions.prepare(patch);
      const report = yield* applyUpdateSteps(session, pending, patch, scopes);
      versions.record(patch, report, 'apply', before);
      return JSON.stringify(report);
    } catch (e) {
      return failure(id, `Live Update runtime failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const throughDebugger = new DebuggerApplies(session, applySteps, landings);
  const api: RuntimeApi = {
    formatVersion: PATCH_FORMAT_VERSION,

    info(): string {
      return JSON.stringify(runtimeInfo(false));
    },

    applyThroughDebugger(patchJson: string): string {
      try {
        return throughDebugger.start(patchJson);
      } catch (e) {
        return JSON.stringify({ error: `Live Update runtime failed: ${e instanceof Error ? e.message : String(e)}` });
      }
    },

    applyProgress(requestJson: string): string {
      try {
        return throughDebugger.progress(requestJson);
      } catch (e) {
        return JSON.stringify({ error: `Live Update runtime failed: ${e instanceof Error ? e.message : String(e)}` });
      }
    },

    apply(patchJson: string): string {
      try {
        return runEdits(session, applySteps(patchJson));
      } catch (e) {
        return failure(patchIdOf(patchJson), `Live Update runtime failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    },

    paused(): string {
      try {
        pending.paused();
        return '{}';
      } catch (e) {
        return JSON.stringify({ error: errorLine(e) });
      }
    },

    check(patchJson: string): string {
      let patch: Patch;
      try {
        patch = JSON.parse(patchJson) as Patch;
      } catch (e) {
        return failure('', `Live Update runtime failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      return this.apply(JSON.stringify({ ...patch, dryRun: true }));
    },

    evaluate(requestJson: string): string {
      try {
        const request = JSON.parse(requestJson) as EvaluateRequest;
        if (request.token !== undefined) return JSON.stringify(awaited.answer(String(request.token)) satisfies EvaluateResult);
        const value = scopes.evaluate(request.file, request.expression);
        return JSON.stringify((request.await ? awaited.start(value) : { ok: true, value: preview(value) }) satisfies EvaluateResult);
      } catch (e) {
        return JSON.stringify({ ok: false, error: errorLine(e) } satisfies EvaluateResult);
      }
    },

    modules(): string {
      try {
        return JSON.stringify({ files: scopes.files() } satisfies ModulesState);
      } catch (e) {
        return JSON.stringify({ error: errorLine(e) });
      }
    },

    stack(): string {
      try {
        // Only the program's own modules: the runtime's frames (this call) and Node's are not its code.
        const frames = captureLiveStack().filter((f) => scopes.has(f.file));
        return JSON.stringify({ frames } satisfies LiveStack);
      } catch (e) {
        return JSON.stringify({ error: errorLine(e) });
      }
    },

    points(): string {
      try {
        return JSON.stringify(pending.pointsState() satisfies UpdatePointsState);
      } catch (e) {
        return JSON.stringify({ error: errorLine(e) });
      }
    },

    scriptState(queryJson: string): string {
      try {
        const query = JSON.parse(queryJson) as ScriptStateQuery;
        if (query.refresh) session.refresh();
        const running = session.runningText(query.file);
        if (!running) return JSON.stringify({ file: query.file, loaded: false } satisfies ScriptState);
        const hash = hashText(running.code);
        const state: ScriptState = {
          file: query.file,
          loaded: true,
          hash,
          scriptId: running.scriptId,
          ...(session.changedHere.has(running.scriptId) ? { changedByRuntime: true } : {}),
          ...(running.accessorForm !== undefined ? { accessorForm: running.accessorForm } : {}),
        };
        if (query.knownHash !== hash) state.code = running.code;
        return JSON.stringify(state);
      } catch (e) {
        return JSON.stringify({ error: e instanceof Error ? e.message : String(e) });
      }
    },

    pending(queryJson: string): string {
      try {
        const query = JSON.parse(queryJson || '{}') as PendingQuery;
        return JSON.stringify(pending.state(Number(query.since) || 0));
      } catch (e) {
        return JSON.stringify({ error: e instanceof Error ? e.message : String(e) });
      }
    },

    cancel(requestJson: string): string {
      try {
        return JSON.stringify(pending.cancel(JSON.parse(requestJson || '{}') as CancelRequest) satisfies PendingState);
      } catch (e) {
        return JSON.stringify({ error: e instanceof Error ? e.message : String(e) });
      }
    },

    history(queryJson: string): string {
      try {
        return JSON.stringify(versions.history(JSON.parse(queryJson || '{}') as HistoryQuery) satisfies VersionHistory);
      } catch (e) {
        return JSON.stringify({ error: e instanceof Error ? e.message : String(e) });
      }
    },

    versionTexts(queryJson: string): string {
      try {
        return JSON.stringify(versions.textsAt(Number((JSON.parse(queryJson || '{}') as VersionTextsQuery).version)));
      } catch (e) {
        return JSON.stringify({ error: e instanceof Error ? e.message : String(e) });
      }
    },

    // Called by the program on its own stack: it must never throw into it.
    updatePoint(): void {
      try {
        pending.point();
      } catch {
        // An update that fails here is reported through its pending event; nothing to add.
      }
    },
  };
  return api;
}

function failure(id: string, error: string): string {
  const report: PatchReport = { id, ok: false, scripts: [], blockedMs: 0, error };
  return JSON.stringify(report);
}

export function runtimeInfo(internal: boolean): RuntimeInfo {
  return { formatVersion: PATCH_FORMAT_VERSION, internal, pid: process.pid, threadId: threadId(), node: process.version };
}

function threadId(): number {
  try {
    return (require('node:worker_threads') as typeof import('node:worker_threads')).threadId;
  } catch {
    return 0;
  }
}

/** The API of a thread Node runs for itself: it answers, so the client can tell, and does nothing. */
export function internalThreadApi(): RuntimeApi {
  const refusal = 'this is an internal Node.js thread, not part of the program';
  return {
    formatVersion: PATCH_FORMAT_VERSION,
    info: () => JSON.stringify(runtimeInfo(true)),
    apply: (patchJson) => failure(patchIdOf(patchJson), refusal),
    applyThroughDebugger: () => JSON.stringify({ error: refusal }),
    applyProgress: () => JSON.stringify({ error: refusal }),
    paused: () => '{}',
    check: (patchJson) => failure(patchIdOf(patchJson), refusal),
    evaluate: () => JSON.stringify({ ok: false, error: refusal } satisfies EvaluateResult),
    scriptState: (queryJson) => JSON.stringify({ file: fieldOf(queryJson, 'file'), loaded: false } satisfies ScriptState),
    pending: () => JSON.stringify({ pending: [], events: [], seq: 0, updatePoints: 0 } satisfies PendingState),
    cancel: () => JSON.stringify({ pending: [], events: [], seq: 0, updatePoints: 0 } satisfies PendingState),
    history: () => JSON.stringify({ versions: [], current: 0, oldestRestorable: 0, limits: { versionsWithTexts: 0, textBytes: 0, records: 0 } } satisfies VersionHistory),
    versionTexts: () => JSON.stringify({ error: refusal }),
    modules: () => JSON.stringify({ files: [] } satisfies ModulesState),
    stack: () => JSON.stringify({ frames: [] } satisfies LiveStack),
    points: () => JSON.stringify({ total: 0, sites: [] } satisfies UpdatePointsState),
    updatePoint: () => undefined,
  };
}

/** The id of a patch given as JSON, or '' when the text is not one: never throws. */
function patchIdOf(patchJson: string): string {
  return fieldOf(patchJson, 'id');
}

function fieldOf(json: string, field: string): string {
  try {
    return String((JSON.parse(json) as Record<string, unknown>)[field] ?? '');
  } catch {
    return '';
  }
}
