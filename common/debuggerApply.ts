// The debugger's side of the runtime's `applyThroughDebugger` (runtime/src/debuggerEditor.ts): starts
// the update, then polls its progress, making each LiveEdit the runtime asks for on the debugger's
// own inspector session, until the report comes. The extension runs it over js-debug (DAP
// `evaluate` for the calls, js-debug's CDP proxy for the edits); the tests over their own CDP
// connection.
import { LANDINGS_TOKEN, type Patch, type PatchReport, type SetScriptSourceResult } from './patch';
import type { RuntimeCall } from './runtimeApi';

export interface DebuggerApplyPort {
  /** Calls a runtime method through the debugger (its `evaluate`, or its CDP connection). */
  call: RuntimeCall;
  /** `Debugger.setScriptSource` on the debugger's own session. */
  edit(scriptId: string, scriptSource: string): Promise<SetScriptSourceResult>;
}

/** Between polls while the runtime waits for its turn or works. */
const POLL_MS = 4;
/** The whole update, edits included: beyond it the debugger stops asking. */
const TIMEOUT_MS = 60_000;

/**
 * Applies `patch` with the debugger making its edits. Resolves with the report, or with
 * `{ unsupported }` when the runtime cannot (an older runtime, or none): the caller then sends
 * the patch with `apply`.
 */
export async function applyThroughDebugger(port: DebuggerApplyPort, patch: Patch): Promise<PatchReport | { unsupported: string }> {
  const started = await port.call('applyThroughDebugger', patch).catch((e: Error) => ({ error: e.message }));
  if (!('token' in started)) return { unsupported: started.error };
  const deadline = Date.now() + TIMEOUT_MS;
  let answer: { seq: number; result: SetScriptSourceResult } | undefined;
  const editsMs: number[] = [];
  for (;;) {
    const progress = await port.call('applyProgress', { token: started.token, ...(answer ? { answer } : {}) });
    answer = undefined;
    if ('error' in progress) throw new Error(progress.error);
    if (progress.state === 'done') return editsMs.length ? { ...progress.report, debuggerEditsMs: editsMs } : progress.report;
    if (progress.state === 'edit') {
      const editStarted = performance.now();
      const result = await port.edit(progress.scriptId, progress.scriptSource).catch((e: Error): SetScriptSourceResult => ({ status: 'InternalError', exceptionDetails: { text: e.message } }));
      editsMs.push(Math.round((performance.now() - editStarted) * 10) / 10);
      answer = { seq: progress.seq, result };
      continue;
    }
    if (Date.now() > deadline) throw new Error(`the update did not finish within ${TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * While `wanted()` (something waits in the program), unless `skip()` (it is paused), polls for the edits of pending
 * updates that land at the program's own turn (runtime/src/debuggerEditor.ts `LandingEdits`) and
 * makes each on the debugger's session, so its breakpoints see the text an update that waited
 * left. Every `intervalMs`; at once after an edit (the runtime waits for its answer).
 */
export async function pollLandingEdits(port: DebuggerApplyPort, wanted: () => boolean, { intervalMs = 20, skip = () => false }: { intervalMs?: number; skip?: () => boolean } = {}): Promise<void> {
  let answer: { seq: number; result: SetScriptSourceResult } | undefined;
  while (wanted() || answer) {
    if (skip() && !answer) {
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
      continue;
    }
    const progress = await port.call('applyProgress', { token: LANDINGS_TOKEN, ...(answer ? { answer } : {}) }).catch((e: Error) => ({ error: e.message }));
    answer = undefined;
    if ('error' in progress) return;
    if (progress.state === 'edit') {
      const result = await port.edit(progress.scriptId, progress.scriptSource).catch((e: Error): SetScriptSourceResult => ({ status: 'InternalError', exceptionDetails: { text: e.message } }));
      answer = { seq: progress.seq, result };
      continue;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
