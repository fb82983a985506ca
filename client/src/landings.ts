// The edits of updates that waited and land later, at the program's own turn: while something
// waits in a running program, the extension polls its runtime for them and makes each through
// js-debug's own session (common/debuggerApply.ts `pollLandingEdits`), so breakpoints stay exact
// after such an update too. Not while the program is paused: nothing lands then.
import * as vscode from 'vscode';
import { pollLandingEdits } from '../../common/debuggerApply';
import type { SetScriptSourceResult } from '../../common/patch';
import type { PendingView } from './api';
import { cdpProxy } from './cdpProxy';
import { callRuntime } from './delivery';
import { isPaused } from './pauses';
import type { TargetTracker } from './targets';

export function pollLandings(tracker: TargetTracker, pending: PendingView): vscode.Disposable {
  const polling = new Set<string>();
  const waits = (targetId: string) => pending.all().some((t) => t.targetId === targetId && t.pending.length > 0);
  const start = async (targetId: string) => {
    const session = tracker.session(targetId);
    const proxy = session && (await cdpProxy(session));
    if (!session || !proxy || polling.has(targetId)) return;
    polling.add(targetId);
    try {
      await pollLandingEdits(
        {
          // Short: a poll that hangs (a program stopping) must not hold the next ones back for long.
          call: (method, argument) => callRuntime(session, method, argument, { timeoutMs: 2_000 }),
          edit: (scriptId, scriptSource) => proxy.send<SetScriptSourceResult>('Debugger.setScriptSource', { scriptId, scriptSource }),
        },
        () => waits(targetId) && !!tracker.session(targetId),
        { skip: () => isPaused(targetId) },
      );
    } finally {
      polling.delete(targetId);
    }
  };
  return pending.onDidChange((targets) => {
    for (const t of targets) if (t.pending.length > 0) void start(t.targetId);
  });
}
