// What js-debug has been told of each file's breakpoints, per debug session, so that an update's
// LiveEdits wait until it has answered the breakpoints VS Code sends when a file is saved
// (decision 050). When an edit moves a file's breakpoints, VS Code sends their new lines only once
// the file is saved, after its file watcher saw the change: 50–100 ms after the language server
// has the save. An update whose edits reach V8 before js-debug has handled that `setBreakpoints`
// leaves js-debug resolving the new lines in a script that changed under it: it never answered
// that request in the runs traced (the breakpoint stayed unbound). With the runtime's calls on a
// session of their own an update lands about 40 ms after the save, so it must wait for them.
//
// A file's breakpoints are still to be sent to a session when their lines now (VS Code's model,
// which moves them as the text is edited) differ from the lines last sent to it, and sent but not
// yet answered while a `setBreakpoints` of it has no response. A save that moved none waits for
// nothing.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { NODE_DEBUG_TYPES } from './launchConfig';

/** The longest an update waits for a session's breakpoints: VS Code may never send them (they are deactivated). */
export const SETTLE_TIMEOUT_MS = 1_000;

interface SetBreakpointsRequest {
  type?: string;
  command?: string;
  seq?: number;
  arguments?: { source?: { path?: string }; breakpoints?: { line: number }[] };
}

export class BreakpointSends implements vscode.Disposable {
  /** Per session, per file: the lines last sent (sorted, 1-based, joined). */
  private readonly sent = new Map<string, Map<string, string>>();
  /** Per session, the `setBreakpoints` requests not answered yet: seq → file. */
  private readonly unanswered = new Map<string, Map<number, string>>();
  private readonly changes = new vscode.EventEmitter<void>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor() {
    const factory: vscode.DebugAdapterTrackerFactory = {
      createDebugAdapterTracker: (session) => ({
        onWillReceiveMessage: (m: SetBreakpointsRequest) => {
          if (m.type !== 'request' || m.command !== 'setBreakpoints' || typeof m.seq !== 'number' || !m.arguments?.source?.path) return;
          const file = path.normalize(m.arguments.source.path);
          const lines = lineKey((m.arguments.breakpoints ?? []).map((b) => b.line));
          mapOf(this.sent, session.id).set(file, lines);
          mapOf(this.unanswered, session.id).set(m.seq, file);
        },
        onDidSendMessage: (m: { type?: string; request_seq?: number }) => {
          if (m.type === 'response' && typeof m.request_seq === 'number' && this.unanswered.get(session.id)?.delete(m.request_seq)) this.changes.fire();
        },
      }),
    };
    this.subscriptions.push(
      ...NODE_DEBUG_TYPES.map((type) => vscode.debug.registerDebugAdapterTrackerFactory(type, factory)),
      vscode.debug.onDidChangeBreakpoints(() => this.changes.fire()),
      vscode.debug.onDidTerminateDebugSession((s) => {
        this.sent.delete(s.id);
        this.unanswered.delete(s.id);
        this.changes.fire();
      }),
    );
  }

  /**
   * Resolves once the session has answered the breakpoints of `files` as they are now, or after
   * `timeoutMs`: how long it waited. A file whose lines never came (VS Code sends none while
   * breakpoints are deactivated) or never got an answer counts as settled after the timeout, so
   * that only one update waits for it.
   */
  async settled(session: vscode.DebugSession, files: string[], timeoutMs = SETTLE_TIMEOUT_MS): Promise<{ waitedMs: number; timedOut: boolean }> {
    const started = Date.now();
    const normalized = files.map((f) => path.normalize(f));
    // js-debug's sessions of a process and of its launch each get VS Code's requests: wait for all.
    const ids: string[] = [];
    for (let s: vscode.DebugSession | undefined = session; s; s = s.parentSession) ids.push(s.id);
    const waiting = () => ids.some((id) => this.waiting(id, normalized));
    if (!waiting()) return { waitedMs: 0, timedOut: false };
    const timedOut = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => done(true), timeoutMs);
      const subscription = this.changes.event(() => !waiting() && done(false));
      const done = (late: boolean) => {
        clearTimeout(timer);
        subscription.dispose();
        resolve(late);
      };
    });
    if (timedOut) {
      for (const id of ids) {
        for (const file of normalized) mapOf(this.sent, id).set(file, lineKey(linesNow(file)));
        const unanswered = this.unanswered.get(id);
        for (const [seq, file] of unanswered ?? []) if (normalized.includes(file)) unanswered!.delete(seq);
      }
    }
    return { waitedMs: Date.now() - started, timedOut };
  }

  /** Whether some breakpoints of `files` are still to be sent to the session, or to be answered. */
  private waiting(sessionId: string, files: string[]): boolean {
    const unanswered = [...(this.unanswered.get(sessionId)?.values() ?? [])];
    return files.some((file) => {
      if (unanswered.includes(file)) return true;
      const sent = this.sent.get(sessionId)?.get(file);
      const now = lineKey(linesNow(file));
      // Never sent: the session started after them and got them then, or there are none.
      return sent === undefined ? false : sent !== now;
    });
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changes.dispose();
  }
}

/** The lines (1-based) of the file's enabled breakpoints in VS Code's model now: what it sends. */
function linesNow(file: string): number[] {
  return vscode.debug.breakpoints
    .filter((b): b is vscode.SourceBreakpoint => b instanceof vscode.SourceBreakpoint && b.enabled && path.normalize(b.location.uri.fsPath) === file)
    .map((b) => b.location.range.start.line + 1);
}

function lineKey(lines: number[]): string {
  return [...lines].sort((a, b) => a - b).join(',');
}

function mapOf<K, V>(maps: Map<string, Map<K, V>>, key: string): Map<K, V> {
  let map = maps.get(key);
  if (!map) maps.set(key, (map = new Map()));
  return map;
}
