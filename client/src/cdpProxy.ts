// js-debug's CDP proxy (`extension.js-debug.requestCDPProxy`): a WebSocket into js-debug's own
// inspector session of a debuggee. Edits made through it are seen by that session, so the
// breakpoints js-debug sets afterwards resolve against the new text (docs/decisions/029, "Breakpoints
// after an update"). Its address goes to the language server, which calls the runtime through it
// itself; the extension keeps one connection per debug session for what needs the debugger
// (restarting a frame, the handshake), opened on first use and dropped when it closes.
import * as vscode from 'vscode';
import { CdpConnection } from '../../common/cdpConnection';

export type CdpProxy = CdpConnection;

const addresses = new Map<string, Promise<string | undefined>>();
const connections = new Map<string, Promise<CdpConnection | undefined>>();

/** The WebSocket URL of `session`'s proxy, or undefined when js-debug offers none. */
export function cdpProxyUrl(session: vscode.DebugSession): Promise<string | undefined> {
  return once(addresses, session.id, () => requestProxy(session));
}

async function requestProxy(session: vscode.DebugSession): Promise<string | undefined> {
  const address = (await vscode.commands.executeCommand('extension.js-debug.requestCDPProxy', session.id)) as { host: string; port: number; path?: string } | undefined;
  return address && `ws://${address.host}:${address.port}${address.path ?? ''}`;
}

/** The proxy connection of `session`, or undefined when js-debug offers none. */
export function cdpProxy(session: vscode.DebugSession): Promise<CdpProxy | undefined> {
  return once(connections, session.id, () => open(session));
}

/** What `make` gives for a session, asked once; asked again after it gave nothing or failed. */
function once<T>(cache: Map<string, Promise<T | undefined>>, sessionId: string, make: () => Promise<T | undefined>): Promise<T | undefined> {
  let value = cache.get(sessionId);
  if (!value) {
    value = make().catch(() => undefined);
    cache.set(sessionId, value);
    void value.then((v) => v ?? cache.delete(sessionId));
  }
  return value;
}

/** Closes the connection of a session that ended. */
export function forgetCdpProxy(sessionId: string): void {
  const connection = connections.get(sessionId);
  connections.delete(sessionId);
  addresses.delete(sessionId);
  void connection?.then((c) => c?.close());
}

async function open(session: vscode.DebugSession): Promise<CdpConnection | undefined> {
  const url = await cdpProxyUrl(session);
  if (!url) return undefined;
  const connection = await CdpConnection.open(url, 'js-debug closed its CDP proxy');
  connection.onClose = () => connections.delete(session.id);
  return connection;
}
