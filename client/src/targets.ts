// Tracks the debuggees Live Update can update: js-debug's *child* sessions, one per process or
// worker thread (the top-level launch session has no thread and never answers `evaluate`), that
// answer the runtime's handshake. A session without the runtime, or a thread Node runs for itself
// (its module-hooks thread, from which the debugger is detached), is never a target.
import * as vscode from 'vscode';
import type { RuntimeInfo } from '../../common/patch';
import type { TargetInfo } from '../../common/protocol';
import { cdpProxy, cdpProxyUrl, forgetCdpProxy } from './cdpProxy';
import { askRuntime, RuntimeMissingError } from './delivery';
import { warnRestarter } from './launchAdvice';
import { warnNotLive } from './restrictedMode';

/** How long a new session may take to load the runtime: 100 × 100 ms. */
const HANDSHAKE_ATTEMPTS = 100;
const HANDSHAKE_INTERVAL_MS = 100;

const TARGET_SESSION_TYPES = new Set(['pwa-node', 'node-terminal']);

export class TargetTracker implements vscode.Disposable {
  private readonly sessions = new Map<string, vscode.DebugSession>();
  /** The address of each target's CDP proxy, for the language server. */
  private readonly proxies = new Map<string, string>();
  /** The program's own inspector, where the runtime answers (decision 050), when it gave one. */
  private readonly inspectors = new Map<string, string>();
  /** Targets that are worker threads, not processes. */
  private readonly threads = new Set<string>();
  /** Sessions that terminated before their handshake answered. */
  private readonly ended = new Set<string>();
  private readonly ends = new vscode.EventEmitter<string>();
  private readonly emitter = new vscode.EventEmitter<TargetInfo[]>();
  private readonly subscriptions: vscode.Disposable[] = [];
  readonly onDidChange = this.emitter.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.subscriptions.push(
      vscode.debug.onDidStartDebugSession((s) => void this.handshake(s)),
      vscode.debug.onDidTerminateDebugSession((s) => {
        this.ended.add(s.id);
        forgetCdpProxy(s.id);
        this.ends.fire(s.id);
        this.proxies.delete(s.id);
        this.inspectors.delete(s.id);
        this.threads.delete(s.id);
        if (this.sessions.delete(s.id)) this.emitter.fire(this.targets());
      }),
    );
  }

  targets(): TargetInfo[] {
    return [...this.sessions.values()].map((s) => {
      const cdp = this.proxies.get(s.id);
      const inspector = this.inspectors.get(s.id);
      return { id: s.id, name: s.name, ...(cdp ? { cdp, ...(inspector ? { inspector } : {}) } : {}) };
    });
  }

  /** Whether the target is a worker thread of a program rather than its process. */
  isThread(id: string): boolean {
    return this.threads.has(id);
  }

  session(id: string): vscode.DebugSession | undefined {
    return this.sessions.get(id);
  }

  /**
   * What `call` answers, unless the target's session terminates first: then `ended()`. A call into
   * a program that exited or was killed would otherwise wait for its timeout.
   */
  async unlessEnded<T>(id: string, call: Promise<T>, ended: () => T): Promise<T> {
    if (!this.sessions.has(id)) return ended();
    let subscription: vscode.Disposable | undefined;
    const end = new Promise<T>((resolve) => (subscription = this.ends.event((endedId) => endedId === id && resolve(ended()))));
    try {
      return await Promise.race([call, end]);
    } finally {
      subscription?.dispose();
    }
  }

  /** Whether the target's session terminates within `ms` (or already has). */
  endsWithin(id: string, ms: number): Promise<boolean> {
    return this.unlessEnded(id, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms)), () => true);
  }

  private async handshake(session: vscode.DebugSession): Promise<void> {
    // A process or worker js-debug attached to: a child session with a target id, of type pwa-node
    // (launch and attach configurations) or node-terminal (the JavaScript Debug Terminal's).
    if (!TARGET_SESSION_TYPES.has(session.type) || typeof session.configuration.__pendingTargetId !== 'string') return;
    // In Restricted Mode nothing is evaluated in the program, not even the handshake.
    if (!vscode.workspace.isTrusted) {
      this.log.info(`${session.name}: not a Live Update target (Restricted Mode)`);
      warnNotLive(session.name);
      return;
    }
    let info: RuntimeInfo | undefined;
    // js-debug attaches to a new process or worker before its preloads run, so the runtime may
    // not be there yet: ask again for a while. No timeout on each call: a thread blocked in
    // Atomics.wait answers when it wakes, or never (then it never becomes a target).
    for (let attempt = 0; !info; attempt++) {
      try {
        info = await askRuntime(session, 'info', {}, { timeoutMs: 0 });
      } catch (e) {
        if (this.ended.has(session.id)) return;
        if (!(e instanceof RuntimeMissingError) || attempt >= HANDSHAKE_ATTEMPTS) {
          this.log.info(`${session.name}: not a Live Update target (${e instanceof Error ? e.message : String(e)})`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, HANDSHAKE_INTERVAL_MS));
      }
    }
    // A file watcher that restarts the program at each change is not the program: say what to do.
    if (info.restarter) {
      this.log.info(`${session.name}: ${info.restarter}, which restarts the program at each change: not a Live Update target`);
      warnRestarter(info.restarter);
      return;
    }
    if (info.internal) {
      void this.detachInternal(session);
      return;
    }
    const proxy = await cdpProxyUrl(session);
    // A session that ended while the handshake was under way must not become a target.
    if (this.ended.delete(session.id)) return;
    if (proxy) this.proxies.set(session.id, proxy);
    // The language server calls it only on a loopback address (common/runtimeConnection.ts).
    if (info.inspector) this.inspectors.set(session.id, info.inspector);
    if (info.threadId) this.threads.add(session.id);
    this.sessions.set(session.id, session);
    const route = proxy ? (this.inspectors.has(session.id) ? '' : ', called through js-debug\'s CDP proxy') : ', no CDP proxy: called through the debug session';
    this.log.info(`${session.name}: live (Node ${info.node}, pid ${info.pid}${info.threadId ? `, thread ${info.threadId}` : ''}${route})`);
    this.emitter.fire(this.targets());
  }

  /**
   * Node's own module-hooks thread (Node < 22.15) is no thread of the user's program, yet js-debug
   * lists it in the Call Stack (`[worker 1]`). The process's inspector connection, which js-debug's
   * CDP proxy of the parent session shares, detaches from that worker (NodeWorker.detach with the
   * worker's session id, the end of js-debug's target id); js-debug then ends the session as for a
   * worker that exited. The thread runs on. (js-debug's own detach of a worker session sends
   * NodeWorker.detach to the worker itself, which does not end it.)
   */
  private async detachInternal(session: vscode.DebugSession): Promise<void> {
    const workerSession = /-([^-]+)$/.exec(String(session.configuration.__pendingTargetId))?.[1];
    const proxy = session.parentSession && workerSession ? await cdpProxy(session.parentSession) : undefined;
    if (!proxy) return;
    try {
      await proxy.send('NodeWorker.detach', { sessionId: workerSession });
      this.log.info(`${session.name}: Node's module-hooks thread, not the program's: the debugger detached from it`);
    } catch (e) {
      this.log.info(`${session.name}: Node's module-hooks thread could not be detached (${e instanceof Error ? e.message : String(e)})`);
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
    this.ends.dispose();
  }
}

