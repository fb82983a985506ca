// js-debug's CDP proxy (`extension.js-debug.requestCDPProxy`): a WebSocket into js-debug's own
// inspector session of a debuggee. Edits made through it are seen by that session, so the
// breakpoints js-debug sets afterwards resolve against the new text (ARCHITECTURE.md,
// "Breakpoints after an update"). One connection per debug session, opened on first use and
// dropped when it closes.
import * as vscode from 'vscode';
import WebSocket from 'ws';

export interface CdpProxy {
  send<T>(method: string, params: object): Promise<T>;
}

const connections = new Map<string, Promise<CdpProxy | undefined>>();

/** The proxy connection of `session`, or undefined when js-debug offers none. */
export function cdpProxy(session: vscode.DebugSession): Promise<CdpProxy | undefined> {
  let connection = connections.get(session.id);
  if (!connection) {
    connection = open(session).catch(() => undefined);
    connections.set(session.id, connection);
    void connection.then((c) => c ?? connections.delete(session.id));
  }
  return connection;
}

/** Closes the connection of a session that ended. */
export function forgetCdpProxy(sessionId: string): void {
  const connection = connections.get(sessionId);
  connections.delete(sessionId);
  void connection?.then((c) => (c as Connection | undefined)?.close());
}

async function open(session: vscode.DebugSession): Promise<CdpProxy | undefined> {
  const address = (await vscode.commands.executeCommand('extension.js-debug.requestCDPProxy', session.id)) as { host: string; port: number; path?: string } | undefined;
  if (!address) return undefined;
  const socket = new WebSocket(`ws://${address.host}:${address.port}${address.path ?? ''}`);
  await new Promise<void>((resolve, reject) => socket.once('open', () => resolve()).once('error', reject));
  const connection = new Connection(socket);
  socket.once('close', () => {
    connection.failAll('js-debug closed its CDP proxy');
    connections.delete(session.id);
  });
  return connection;
}

class Connection implements CdpProxy {
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (value: any) => void; reject: (e: Error) => void }>();

  constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
      const waiter = message.id === undefined ? undefined : this.waiting.get(message.id);
      if (!waiter) return;
      this.waiting.delete(message.id!);
      if (message.error) waiter.reject(new Error(message.error.message));
      else waiter.resolve(message.result);
    });
  }

  send<T>(method: string, params: object): Promise<T> {
    const id = ++this.next;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.socket.send(JSON.stringify({ id, method, params }), (e) => {
        if (e) {
          this.waiting.delete(id);
          reject(e);
        }
      });
    });
  }

  failAll(reason: string): void {
    for (const waiter of this.waiting.values()) waiter.reject(new Error(reason));
    this.waiting.clear();
  }

  close(): void {
    this.socket.close();
  }
}
