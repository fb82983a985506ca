// Policy `restartFrame`: the program is paused inside a changed function. V8 can edit that
// function only when its frame is the sole top frame, restarting it, and only from the inspector
// session that paused the program — js-debug's, reached through its CDP proxy (the runtime's own
// session cannot: its evaluate frames sit on top of the paused ones; checked by experiment).
//   1. find the function's frame in the paused thread (DAP stackTrace);
//   2. if it is not the top frame, restart it (DAP restartFrame), so it becomes the top frame;
//   3. check the script still runs the text the update was computed from (runtime scriptState);
//   4. set the new text with `allowTopFrameEditing` through the CDP proxy: V8 restarts the frame
//      into the new code and pauses at its start;
//   5. drop the runtime's pending copy of the same update.
// Any failure leaves the update pending in the runtime, as `defer` would.
import * as vscode from 'vscode';
import { hashText, type ScriptState } from '../../common/patch';
import type { RestartFrame } from '../../common/protocol';
import { withAccessorForm } from '../../common/runningText';
import { cdpProxy } from './cdpProxy';
import { askRuntime, holdRuntimeCalls } from './delivery';
import { isPaused, nextStop } from './pauses';

interface DapFrame {
  id: number;
  name: string;
  line: number;
  source?: { path?: string };
}

export async function restartFrameInto(session: vscode.DebugSession, params: RestartFrame.Params): Promise<RestartFrame.Result> {
  // js-debug's session resolves positions in a script the runtime changed against the text it
  // knew; an edit through it would then start from that text. Only a script the runtime has not
  // changed can be restarted into new code this way.
  const before = await scriptState(session, params.file);
  if (before.changedByRuntime) return { ok: false, reason: 'the debugger no longer sees this file as it runs (it was updated in the program before), so its frames cannot be restarted safely' };
  const paused = isPaused(session.id) ? await pausedFrames(session) : undefined;
  if (!paused) return { ok: false, reason: 'the program is not paused', running: true };
  const index = paused.frames.findIndex((f) => framePath(f) === params.file && f.line - 1 === params.line);
  if (index < 0) {
    const seen = paused.frames.slice(0, 5).map((f) => `${f.name} ${framePath(f) ?? '?'}:${f.line}`).join(', ');
    return { ok: false, reason: `no frame of \`${params.functionName}\` at ${params.file}:${params.line + 1} on the paused stack (${seen})` };
  }
  if (index > 0) {
    await session.customRequest('restartFrame', { frameId: paused.frames[index]!.id });
    const top = await waitForTop(session, paused.threadId, params.file);
    if (!top) return { ok: false, reason: `the frame of \`${params.functionName}\` did not restart` };
  }
  const state = await scriptState(session, params.file);
  if (!state.loaded || !state.scriptId || state.hash !== params.baseHash) return { ok: false, reason: 'the program no longer runs the text this update was computed from' };
  // Nothing of the extension's enters the program until it stopped in the restarted frame
  // (delivery.ts, holdRuntimeCalls); the restart's own calls below go through `evaluate` after it.
  const stopped = nextStop(session.id, 3_000);
  holdRuntimeCalls(session.id, stopped);
  // The accessor in the other spelling than V8 holds, as the runtime itself edits (common/runningText).
  const status = await setScriptSource(session, state.scriptId, withAccessorForm(params.code, params.file, state.accessorForm === 1 ? 0 : 1));
  if (status !== 'Ok') return { ok: false, reason: `V8 refused to restart it (${status})` };
  // V8 now resumes with a step-in armed and pauses at the frame's start. A `callFunctionOn` sent
  // here never answered (e2e, busy.test.ts, checked both ways), probably because its function is
  // the first one entered and the step stops in it; js-debug's `evaluate` answers, so these two
  // small calls go that way.
  const afterEdit = { viaEvaluate: true };
  await stopped;
  // The waiting copy goes, and the update becomes a version of the program's history.
  const cancelled = params.pendingId
    ? await askRuntime(session, 'cancel', { ids: [params.pendingId], reason: 'applied by restarting the frame', restarted: true }, afterEdit)
    : undefined;
  const version = cancelled?.events?.find((e) => e.pending.id === params.pendingId && e.outcome === 'cancelled')?.version;
  // The runtime's session still sees the text it knew: it must read the script from V8 again.
  const after = await askRuntime(session, 'scriptState', { file: params.file, knownHash: hashText(params.code), refresh: true }, afterEdit);
  if (after.hash !== hashText(params.code)) {
    const now = after.code ?? '';
    let at = 0;
    while (at < now.length && now[at] === params.code[at]) at++;
    return { ok: false, reason: `V8 answered Ok but does not run the new text (differs at ${at}: ${JSON.stringify(now.slice(at, at + 40))} vs ${JSON.stringify(params.code.slice(at, at + 40))})` };
  }
  // Said where the user steps, as Java's Hot Code Replace does when it drops a frame.
  vscode.debug.activeDebugConsole.appendLine(
    `Live Update: ${params.functionName} was paused in code you changed: its frame restarted from its beginning in the new code (what it did before the pause stays done). Step on in it, or set liveUpdate.whenActive to "defer" to let paused frames finish on their old code.`,
  );
  return { ok: true, restarted: params.functionName, ...(version ? { version } : {}) };
}

/**
 * What the runtime says of the file, asked while paused. Through the CDP proxy first; a call that
 * does not answer soon is asked again through js-debug's `evaluate` (a `callFunctionOn` into a
 * paused program went unanswered for 15 s, rarely, in the e2e runs on a loaded machine).
 */
async function scriptState(session: vscode.DebugSession, file: string): Promise<ScriptState> {
  try {
    return await askRuntime(session, 'scriptState', { file }, { timeoutMs: 3_000 });
  } catch {
    return askRuntime(session, 'scriptState', { file }, { viaEvaluate: true });
  }
}

/** A frame's file: js-debug gives a path, or a URI in a remote window (code-server). */
export function framePath(frame: { source?: { path?: string } }): string | undefined {
  const p = frame.source?.path;
  return p && /^[a-z][\w+.-]*:\/\//i.test(p) ? vscode.Uri.parse(p).fsPath : p;
}

async function pausedFrames(session: vscode.DebugSession): Promise<{ threadId: number; frames: DapFrame[] } | undefined> {
  const { threads } = (await session.customRequest('threads')) as { threads: { id: number }[] };
  for (const thread of threads) {
    try {
      const { stackFrames } = (await session.customRequest('stackTrace', { threadId: thread.id, startFrame: 0, levels: 100 })) as { stackFrames: DapFrame[] };
      if (stackFrames.length > 0) return { threadId: thread.id, frames: stackFrames };
    } catch {
      // "Thread is not paused": try the next one.
    }
  }
  return undefined;
}

/** After a restart js-debug steps into the frame and pauses again: wait until it is the top one. */
async function waitForTop(session: vscode.DebugSession, threadId: number, file: string): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    try {
      const { stackFrames } = (await session.customRequest('stackTrace', { threadId, startFrame: 0, levels: 1 })) as { stackFrames: DapFrame[] };
      if (stackFrames[0] && framePath(stackFrames[0]) === file) return true;
    } catch {
      // Not paused yet.
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** `Debugger.setScriptSource` with top-frame editing, on js-debug's own CDP session. */
async function setScriptSource(session: vscode.DebugSession, scriptId: string, scriptSource: string): Promise<string> {
  const proxy = await cdpProxy(session);
  if (!proxy) return 'no CDP proxy';
  try {
    const result = await proxy.send<{ status?: string }>('Debugger.setScriptSource', { scriptId, scriptSource, allowTopFrameEditing: true });
    return result.status ?? 'no status';
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
