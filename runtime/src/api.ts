// The runtime's methods (declared in common/runtimeApi.ts), as the debugger reaches them through
// `evaluate` or `Runtime.callFunctionOn`: JSON text in, JSON text out. Nothing here may throw into
// the program: every failure becomes the answer.
import { PATCH_FORMAT_VERSION, hashText, type EvaluateRequest, type EvaluateResult, type Patch, type PatchReport, type RuntimeInfo, type ScriptState, type ScriptStateQuery } from '../../common/patch';
import { RUNTIME_METHODS, type RuntimeError, type RuntimeMethod, type RuntimeMethods, type RuntimeWire } from '../../common/runtimeApi';
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
import { restarterOf } from './restarter';
import { listen } from './signals';
import { inTheMiddleOfAnEvent } from './atTurn';
import { AfterUpdates } from './afterUpdates';
import { StagedArguments } from './stagedArguments';

export function createApi(session: InProcessSession, scopes: ModuleScopes): RuntimeWire {
  scopes.locate = (fn) => session.functionLocation(fn);
  const versions = new Versions(session);
  const landings = new LandingEdits();
  const pending = new PendingUpdates(session, scopes, versions, landings);
  const awaited = new AwaitedEvaluations();
  registerStepRunner('migration', migrationRunner(session));
  const afterUpdates = new AfterUpdates(session);
  /** `apply` as a transaction that yields its LiveEdits (transaction.ts `EditSteps`). */
  function* applySteps(patch: Patch): EditSteps<PatchReport> {
    const id = String(patch.id ?? '');
    try {
      if (patch.format !== PATCH_FORMAT_VERSION) {
        return failure(id, `Patch format ${String(patch.format)} is not the runtime's (${PATCH_FORMAT_VERSION}); update the extension and restart the program.`);
      }
      const report = yield* applyUpdateSteps(session, pending, patch, scopes);
      versions.record(patch, report, 'apply');
      afterUpdates.updated();
      return report;
    } catch (e) {
      return failure(id, `Live Update runtime failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const throughDebugger = new DebuggerApplies(session, applySteps, landings);
  const methods: RuntimeMethods = {
    info: () => runtimeInfo(false),

    applyThroughDebugger: (patch) => throughDebugger.start(patch),

    applyProgress: (request) => throughDebugger.progress(request),

    // Never in the middle of an event: with the program's code on the stack the update waits for
    // the event to end (atTurn.ts) and the answer is a token to ask `applyProgress` with. A dry
    // run changes nothing, and a paused program gives no turn: those are answered now.
    apply(patch: Patch): PatchReport {
      try {
        if (!patch.dryRun && !patch.paused && inTheMiddleOfAnEvent() && !session.isPaused()) {
          return { id: String(patch.id ?? ''), ok: false, scripts: [], blockedMs: 0, queued: throughDebugger.start(patch, { inProcess: true }).token };
        }
        return runEdits(session, applySteps(patch));
      } catch (e) {
        return failure(String(patch.id ?? ''), `Live Update runtime failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    },

    paused() {
      pending.paused();
      return {};
    },

    check: (patch) => methods.apply({ ...patch, dryRun: true }),

    evaluate(request: EvaluateRequest): EvaluateResult {
      try {
        if (request.token !== undefined) return awaited.answer(String(request.token));
        const value = scopes.evaluate(request.file, request.expression);
        return request.await ? awaited.start(value) : { ok: true, value: preview(value) };
      } catch (e) {
        return { ok: false, error: errorLine(e) };
      }
    },

    modules: () => ({ files: scopes.files() }),

    // Only the program's own modules: the runtime's frames (this call) and Node's are not its code.
    stack: () => ({ frames: captureLiveStack().filter((f) => scopes.has(f.file)) }),

    points: () => pending.pointsState(),

    scriptState(query: ScriptStateQuery): ScriptState {
      if (query.refresh) session.refresh();
      const running = session.runningText(query.file);
      if (!running) return { file: query.file, loaded: false };
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
      return state;
    },

    pending: (query) => pending.state(Number(query.since) || 0),

    cancel: (request) => pending.cancel(request),

    history: (query) => versions.history(query),

    versionTexts: (query) => versions.textsAt(Number(query.version)),

    listen: ({ binding }) => listen(String(binding)),
  };
  // Called by the program on its own stack: it must never throw into it.
  const updatePoint = () => {
    try {
      pending.point();
    } catch {
      // An update that fails here is reported through its pending event; nothing to add.
    }
  };
  return wire(methods, updatePoint);
}

/**
 * The methods as the debugger reaches them: JSON text in, JSON text out. Nothing may throw into
 * the program: a failure becomes the answer.
 */
function wire(methods: RuntimeMethods, updatePoint: () => void): RuntimeWire {
  const staged = new StagedArguments();
  const api: Record<string, unknown> = { formatVersion: PATCH_FORMAT_VERSION, updatePoint, piece: (key: string, text: string) => staged.piece(key, text), joined: (key: string, last: string) => staged.joined(key, last) };
  for (const name of Object.keys(RUNTIME_METHODS) as RuntimeMethod[]) {
    const method = methods[name] as (argument: unknown) => unknown;
    api[name] = (argumentJson: string): string => {
      try {
        return JSON.stringify(method(argumentJson ? JSON.parse(argumentJson) : {}));
      } catch (e) {
        return JSON.stringify({ error: `Live Update runtime failed: ${e instanceof Error ? e.message : String(e)}` } satisfies RuntimeError);
      }
    };
  }
  return api as RuntimeWire;
}

function failure(id: string, error: string): PatchReport {
  return { id, ok: false, scripts: [], blockedMs: 0, error };
}

export function runtimeInfo(internal: boolean): RuntimeInfo {
  const restarter = internal ? undefined : restarterOf();
  const inspector = internal ? undefined : ownInspector();
  return { formatVersion: PATCH_FORMAT_VERSION, internal, pid: process.pid, threadId: threadId(), node: process.version, ...(restarter ? { restarter } : {}), ...(inspector ? { inspector } : {}) };
}

/**
 * The process's inspector URL, from its main thread only: a worker's session of its own rides on
 * its parent's connection (NodeWorker), and its runtime must not hand out its parent's address.
 */
function ownInspector(): string | undefined {
  try {
    if (!(require('node:worker_threads') as typeof import('node:worker_threads')).isMainThread) return undefined;
    return (require('node:inspector') as typeof import('node:inspector')).url();
  } catch {
    return undefined;
  }
}

function threadId(): number {
  try {
    return (require('node:worker_threads') as typeof import('node:worker_threads')).threadId;
  } catch {
    return 0;
  }
}

/** The API of a thread Node runs for itself: it answers, so the client can tell, and does nothing. */
export function internalThreadApi(): RuntimeWire {
  const refusal: RuntimeError = { error: 'this is an internal Node.js thread, not part of the program' };
  const methods = Object.fromEntries(Object.keys(RUNTIME_METHODS).map((name) => [name, () => refusal])) as unknown as RuntimeMethods;
  methods.info = () => runtimeInfo(true);
  return wire(methods, () => undefined);
}
