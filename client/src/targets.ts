// Tracks the debuggees Live Update can update: js-debug's *child* sessions, one per process or
// worker thread. The top-level launch session has no thread and never answers `evaluate`, so only
// sessions that carry js-debug's `__pendingTargetId` count.
import * as vscode from 'vscode';
import type { TargetInfo } from '../../common/protocol';

export class TargetTracker implements vscode.Disposable {
  private readonly sessions = new Map<string, vscode.DebugSession>();
  private readonly emitter = new vscode.EventEmitter<TargetInfo[]>();
  private readonly subscriptions: vscode.Disposable[] = [];
  readonly onDidChange = this.emitter.event;

  constructor() {
    this.subscriptions.push(
      vscode.debug.onDidStartDebugSession((s) => {
        if (!isTargetSession(s)) return;
        this.sessions.set(s.id, s);
        this.emitter.fire(this.targets());
      }),
      vscode.debug.onDidTerminateDebugSession((s) => {
        if (this.sessions.delete(s.id)) this.emitter.fire(this.targets());
      }),
    );
  }

  targets(): TargetInfo[] {
    return [...this.sessions.values()].map((s) => ({ id: s.id, name: s.name }));
  }

  session(id: string): vscode.DebugSession | undefined {
    return this.sessions.get(id);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
  }
}

function isTargetSession(session: vscode.DebugSession): boolean {
  return session.type === 'pwa-node' && typeof session.configuration.__pendingTargetId === 'string';
}
