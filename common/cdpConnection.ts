// A Chrome DevTools Protocol connection over a WebSocket: commands with their answers, and events
// by name. The one CDP client of the house: the command line and the tests reach a program's own
// inspector with it, the language server and the extension reach js-debug's session of a program
// through js-debug's CDP proxy (`extension.js-debug.requestCDPProxy`), and a worker thread's session
// rides on its process's connection (server/src/cli/workerSession.ts). Not for the runtime, which
// has no dependencies.
import WebSocket from 'ws';

type Listener = (params: any) => void;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Whether an inspector's URL is on this machine: only those are connected to (an inspector runs any code it is sent). */
export function isLoopbackUrl(url: string): boolean {
  try {
    return LOOPBACK.has(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** A CDP session: a process's own connection, or a worker's carried by it. */
export interface CdpSession {
  send<T = any>(method: string, params?: object): Promise<T>;
  on(event: string, listener: Listener): void;
  readonly closed: boolean;
  onClose: () => void;
  close(): void;
}

/** Commands matched with their answers and events handed to listeners, whatever carries the messages. */
export abstract class CdpMessages implements CdpSession {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Map<string, Listener[]>();
  private closedError: Error | undefined;
  /** Called once when the session ends (the program or thread exited, or `close`). */
  onClose: () => void = () => undefined;

  /** Carries one command (its JSON text) to the other side; `failed` if it cannot. */
  protected abstract transmit(text: string, failed: (error: Error) => void): void;
  abstract close(): void;

  /** A message from the other side. */
  protected received(text: string): void {
    const message = JSON.parse(text);
    if (message.id !== undefined) {
      const waiter = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (message.error) waiter?.reject(new Error(message.error.message));
      else waiter?.resolve(message.result);
    } else {
      for (const listener of this.listeners.get(message.method) ?? []) listener(message.params);
    }
  }

  /** The session is over: what waits fails with `error`. */
  protected ended(error: Error): void {
    if (this.closedError) return;
    this.closedError = error;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
    this.onClose();
  }

  get closed(): boolean {
    return this.closedError !== undefined;
  }

  send<T = any>(method: string, params: object = {}): Promise<T> {
    if (this.closedError) return Promise.reject(this.closedError);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.transmit(JSON.stringify({ id, method, params }), (e) => {
        this.waiting.delete(id);
        reject(e);
      });
    });
  }

  on(event: string, listener: Listener): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
  }

  /** `Runtime.evaluate` by value; throws the program's exception as an Error. */
  async evaluate<T = unknown>(expression: string, options: { awaitPromise?: boolean } = {}): Promise<T> {
    const result = await this.send('Runtime.evaluate', { expression, returnByValue: true, ...options });
    if (result.exceptionDetails) throw new Error(result.exceptionDetails.exception?.description ?? result.exceptionDetails.text);
    return result.result.value as T;
  }
}

export class CdpConnection extends CdpMessages {
  private constructor(
    private readonly socket: WebSocket,
    closedMessage: string,
  ) {
    super();
    socket.on('message', (data) => this.received(String(data)));
    socket.on('close', () => this.ended(new Error(closedMessage)));
    // An error always precedes 'close', which settles what waits.
    socket.on('error', () => undefined);
  }

  /** `closedMessage`: what a command still waiting when the connection ends is rejected with. */
  static open(url: string, closedMessage = 'the program closed its inspector connection'): Promise<CdpConnection> {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new CdpConnection(socket, closedMessage)));
      socket.once('error', (e) => reject(new Error(`cannot connect to ${url}: ${e.message}`)));
    });
  }

  protected transmit(text: string, failed: (error: Error) => void): void {
    this.socket.send(text, (e) => e && failed(e));
  }

  close(): void {
    this.socket.close();
  }
}
