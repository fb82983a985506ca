// The targets of one program under the command line, as js-debug finds them in VS Code: its
// process, each worker thread (NodeWorker, on every process's connection), and each child process
// (`run` only: the runtime in NODE_OPTIONS announces its inspector in the command line's folder,
// runtime/src/announce.ts). A thread Node runs for itself (the module-hooks thread of Node < 22.15)
// is never a target.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AnnouncedInspector } from '../../common/nodeOptions';
import type { RuntimeInfo } from '../../common/patch';
import type { TargetInfo } from '../../common/reports';
import { cdpRuntimeCall } from '../../common/runtimeCall';
import { CdpConnection, type CdpSession } from '../../common/cdpConnection';
import { isLoopbackUrl } from './inspectorUrl';
import { WorkerSession } from './workerSession';

/** How long a new process or thread has to load the runtime. */
const HANDSHAKE_TIMEOUT_MS = 10_000;

export interface ProgramTargetEvents {
  added(target: TargetInfo, session: CdpSession): void;
  removed(targetId: string): void;
}

export class ProgramTargets {
  private readonly known = new Set<string>();
  private watcher: fs.FSWatcher | undefined;
  private closed = false;

  constructor(private readonly events: ProgramTargetEvents) {}

  /** A process's connection (its runtime answered already): its workers become targets as they start. */
  async watchWorkers(session: CdpSession, pid: number, processName: string): Promise<void> {
    const workers = new Map<string, WorkerSession>();
    session.on('NodeWorker.attachedToWorker', (params: { sessionId: string; workerInfo: { workerId: string; url: string } }) => {
      const worker = new WorkerSession(session, params.sessionId);
      workers.set(params.sessionId, worker);
      const id = `${pid}:worker:${params.workerInfo.workerId}`;
      const name = `${workerName(params.workerInfo.url)} [${pid} worker ${params.workerInfo.workerId}]`;
      void this.adopt(id, name, worker, () => this.watchWorkers(worker, pid, processName));
    });
    session.on('NodeWorker.receivedMessageFromWorker', (params: { sessionId: string; message: string }) => workers.get(params.sessionId)?.fromWorker(params.message));
    session.on('NodeWorker.detachedFromWorker', (params: { sessionId: string }) => {
      workers.get(params.sessionId)?.detached();
      workers.delete(params.sessionId);
    });
    const previous = session.onClose;
    session.onClose = () => {
      previous();
      for (const worker of workers.values()) worker.detached();
    };
    await session.send('NodeWorker.enable', { waitForDebuggerOnStart: false }).catch(() => undefined);
  }

  /** `run`: child processes announce themselves in `dir` (every process but `mainPid`). */
  watchChildren(dir: string, mainPid: number): void {
    const look = () => {
      if (this.closed) return;
      let names: string[];
      try {
        names = fs.readdirSync(dir);
      } catch {
        return;
      }
      for (const name of names) {
        if (!/^\d+\.json$/.test(name) || this.known.has(`pid:${name}`)) continue;
        this.known.add(`pid:${name}`);
        let announced: AnnouncedInspector;
        try {
          announced = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as AnnouncedInspector;
        } catch {
          this.known.delete(`pid:${name}`);
          continue;
        }
        // Only an inspector on this machine: it runs any code it is sent.
        if (announced.pid === mainPid || !isLoopbackUrl(announced.url)) continue;
        void this.connectChild(announced);
      }
    };
    try {
      this.watcher = fs.watch(dir, look);
      this.watcher.on('error', () => undefined);
    } catch {
      return; // The program has ended (the folder goes with it).
    }
    look();
  }

  private async connectChild(announced: AnnouncedInspector): Promise<void> {
    let connection: CdpConnection;
    try {
      connection = await CdpConnection.open(announced.url);
    } catch {
      return; // It ended before we got there.
    }
    // A process that is done waits for its debugger to leave: leave.
    connection.on('NodeRuntime.waitingForDisconnect', () => connection.close());
    await connection.send('NodeRuntime.enable').catch(() => undefined);
    const script = announced.argv.find((a) => !a.startsWith('-')) ?? 'node';
    const name = `${path.basename(script)} [${announced.pid}]`;
    await this.adopt(`pid:${announced.pid}`, name, connection, () => this.watchWorkers(connection, announced.pid, name));
  }

  /** Adds a target once its runtime answers (an internal thread's never is one). */
  private async adopt(id: string, name: string, session: CdpSession, then: () => Promise<void>): Promise<void> {
    const info = await handshake(session, HANDSHAKE_TIMEOUT_MS);
    if ('error' in info || info.internal || session.closed || this.closed) return;
    this.known.add(id);
    const previous = session.onClose;
    session.onClose = () => {
      previous();
      this.events.removed(id);
    };
    this.events.added({ id, name }, session);
    await then();
  }

  close(): void {
    this.closed = true;
    this.watcher?.close();
  }
}

/**
 * The runtime's info once it answers: the inspector opens before the preloads run, so the first
 * questions may come too early (the extension's client asks the same way, up to 10 s).
 */
export async function handshake(session: CdpSession, timeoutMs: number, ended: () => boolean = () => session.closed): Promise<RuntimeInfo | { error: string }> {
  const deadline = Date.now() + timeoutMs;
  const call = cdpRuntimeCall(session);
  for (;;) {
    const info: RuntimeInfo | { error: string } = await call('info', {}).catch((e: Error) => ({ error: e.message }));
    if (!('error' in info) || ended() || Date.now() > deadline) return info;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function workerName(url: string): string {
  try {
    return path.basename(url.startsWith('file:') ? new URL(url).pathname : url) || 'worker';
  } catch {
    return 'worker';
  }
}
