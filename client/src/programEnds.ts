// A program that ends right after an update reached it may have been ended by it: the new code
// threw where nothing catches it, or the process died in a native crash. A crash says nothing at
// all in the Debug Console (js-debug prints no exit by a signal), and the session just goes: the
// user is told which update came just before, unless they stopped the program themselves. js-debug
// sends no `exited` event (no exit code) for a program's child session: the notice cannot say how.
import * as vscode from 'vscode';
import { END_AFTER_UPDATE_MS, updateName } from '../../common/endAfterUpdate';
import type { UpdateReport } from '../../common/protocol';
import { NODE_DEBUG_TYPES } from './launchConfig';
import { notify, showHistoryAction, showLog } from './notify';
import type { TargetTracker } from './targets';

/** Requests by which the user ends a session (or the launch it belongs to). */
const STOPPING = new Set(['disconnect', 'terminate', 'restart']);

export interface EndNotice {
  sessionId: string;
  message: string;
}

export class ProgramEnds implements vscode.Disposable {
  /** The notices shown, oldest first (the hidden command `liveUpdate.programEndNotices`, for the tests). */
  readonly shown: EndNotice[] = [];
  /** Per process target, the last update that reached it. */
  private readonly lastUpdate = new Map<string, { what: string; time: number }>();
  /** Sessions the user asked to stop or restart. */
  private readonly stopping = new Set<string>();
  /** Sessions whose adapter said they terminated (VS Code then sends its `disconnect`: not the user's). */
  private readonly terminated = new Set<string>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly tracker: TargetTracker,
    private readonly log: vscode.LogOutputChannel,
    /** Where else it is said: the Live REPL, when open. */
    private readonly echo: (message: string) => void = () => undefined,
  ) {
    const factory: vscode.DebugAdapterTrackerFactory = {
      createDebugAdapterTracker: (session) => ({
        onWillReceiveMessage: (m: { type?: string; command?: string }) => {
          if (m.type === 'request' && m.command && STOPPING.has(m.command) && !this.terminated.has(session.id)) this.stopping.add(session.id);
        },
        onDidSendMessage: (m: { type?: string; event?: string }) => {
          if (m.type === 'event' && m.event === 'terminated') this.terminated.add(session.id);
        },
      }),
    };
    this.subscriptions = [...NODE_DEBUG_TYPES.map((type) => vscode.debug.registerDebugAdapterTrackerFactory(type, factory)), vscode.debug.onDidTerminateDebugSession((s) => this.ended(s))];
  }

  /** An update report: the targets it reached. A worker thread that ends is no crash of the program. */
  updated(report: UpdateReport): void {
    const what = updateName(report);
    for (const t of report.targets) if (t.outcome === 'applied' && !this.tracker.isThread(t.targetId)) this.lastUpdate.set(t.targetId, { what, time: Date.now() });
  }

  private ended(session: vscode.DebugSession): void {
    const last = this.lastUpdate.get(session.id);
    this.lastUpdate.delete(session.id);
    const lineage: vscode.DebugSession[] = [];
    for (let s: vscode.DebugSession | undefined = session; s; s = s.parentSession) lineage.push(s);
    const stopped = lineage.some((s) => this.stopping.has(s.id));
    // Its children may end after it (a launch stopped by the user ends its process's session too).
    setTimeout(() => (this.stopping.delete(session.id), this.terminated.delete(session.id)), END_AFTER_UPDATE_MS).unref?.();
    if (!last || stopped) return;
    const after = Date.now() - last.time;
    if (after > END_AFTER_UPDATE_MS) return;
    const message = `${session.name} ended ${(after / 1000).toFixed(1)} s after Live Update applied ${last.what}. If the new code ended it, the Debug Console shows what it threw; a crash shows nothing there.`;
    this.log.warn(message);
    this.echo(message);
    this.shown.push({ sessionId: session.id, message });
    void notify('warning', message, { ...showHistoryAction, ...showLog });
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
