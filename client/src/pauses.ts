// Which programs are paused in the debugger now (DAP `stopped` until the program runs again), for
// three things: the language server hears it (`onDidChangePause`, sent as `TargetPaused`), so an
// update of a paused program has js-debug's session make its LiveEdits one call at a time
// (`Patch.paused`, runtime/src/debuggerEditor.ts) and breakpoints stay exact; a frame is restarted
// only in a paused program (restartFrame.ts); and the runtime is told at each pause, so time spent
// paused never counts toward a waiting update's timeout.
import * as vscode from 'vscode';
import { callRuntime } from './delivery';
import { NODE_DEBUG_TYPES } from './launchConfig';
import type { TargetTracker } from './targets';

/** Requests after which the program runs (or moves on). */
const RESUMING = new Set(['continue', 'next', 'stepIn', 'stepOut', 'stepBack', 'reverseContinue', 'restartFrame', 'goto', 'restart', 'disconnect', 'terminate']);

const paused = new Set<string>();
const stopWaiters = new Map<string, (() => void)[]>();

/** Resolves at the session's next `stopped` event, or after `timeoutMs`. */
export function nextStop(sessionId: string, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    const list = stopWaiters.get(sessionId) ?? [];
    list.push(() => {
      clearTimeout(timer);
      resolve();
    });
    stopWaiters.set(sessionId, list);
  });
}
const changes = new vscode.EventEmitter<{ sessionId: string; paused: boolean }>();
/** A session paused, or runs again. */
export const onDidChangePause = changes.event;

/** The sessions paused now. */
export function pausedSessions(): string[] {
  return [...paused];
}

/** Whether the target's session is paused now. */
export function isPaused(sessionId: string): boolean {
  return paused.has(sessionId);
}

export function trackPauses(tracker: TargetTracker, log: vscode.LogOutputChannel): vscode.Disposable {
  const resumed = (session: vscode.DebugSession) => {
    if (paused.delete(session.id)) changes.fire({ sessionId: session.id, paused: false });
  };
  const factory: vscode.DebugAdapterTrackerFactory = {
    createDebugAdapterTracker: (session) => ({
      onDidSendMessage: (m: { type?: string; event?: string }) => {
        if (m.type !== 'event') return;
        if (m.event === 'stopped') {
          for (const wake of stopWaiters.get(session.id) ?? []) wake();
          stopWaiters.delete(session.id);
          if (!paused.has(session.id)) {
            paused.add(session.id);
            changes.fire({ sessionId: session.id, paused: true });
          }
          const target = tracker.session(session.id);
          // Said at once, while paused: the runtime answers on top of the paused frames.
          if (target) void callRuntime(target, 'paused', {}, { timeoutMs: 5_000 }).catch((e: unknown) => log.trace(`${session.name}: paused: ${e instanceof Error ? e.message : String(e)}`));
        } else if (m.event === 'continued' || m.event === 'terminated' || m.event === 'exited') resumed(session);
      },
      onWillReceiveMessage: (m: { type?: string; command?: string }) => {
        if (m.type === 'request' && m.command && RESUMING.has(m.command)) resumed(session);
      },
      onWillStopSession: () => resumed(session),
    }),
  };
  return vscode.Disposable.from(...NODE_DEBUG_TYPES.map((type) => vscode.debug.registerDebugAdapterTrackerFactory(type, factory)), vscode.debug.onDidTerminateDebugSession(resumed));
}
