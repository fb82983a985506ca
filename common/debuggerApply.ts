// The debugger's side of the runtime's `applyThroughDebugger` (runtime/src/debuggerEditor.ts): starts
// the update, then polls its progress, making each LiveEdit the runtime asks for on the debugger's
// own inspector session, until the report comes. The extension runs it over js-debug (DAP
// `evaluate` for the calls, js-debug's CDP proxy for the edits); the tests over their own CDP
// connection.
import type { Patch, PatchReport, SetScriptSourceResult } from './patch';
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
  for (;;) {
    const progress = await port.call('applyProgress', { token: started.token, ...(answer ? { answer } : {}) });
    answer = undefined;
    if ('error' in progress) throw new Error(progress.error);
    if (progress.state === 'done') return progress.report;
    if (progress.state === 'edit') {
      const result = await port.edit(progress.scriptId, progress.scriptSource).catch((e: Error): SetScriptSourceResult => ({ status: 'InternalError', exceptionDetails: { text: e.message } }));
      answer = { seq: progress.seq, result };
      continue;
    }
    if (Date.now() > deadline) throw new Error(`the update did not finish within ${TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
