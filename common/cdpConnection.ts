// A Chrome DevTools Protocol connection over a WebSocket: commands with their answers, and events
// by name. The one CDP client of the house: the command line and the tests reach a program's own
// inspector with it, the language server and the extension reach js-debug's session of a program
// through js-debug's CDP proxy (`extension.js-debug.requestCDPProxy`). Not for the runtime, which
// has no dependencies.
import WebSocket from 'ws';

type Listener = (params: any) => void;

export class CdpConnection {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Map<string, Listener[]>();
  private closedError: Error | undefined;
  /** Called once when the connection ends (the program exited, or `close`). */
  onClose: () => void = () => undefined;

  private constructor(
    private readonly socket: WebSocket,
    closedMessage: string,
  ) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.id !== undefined) {
        const waiter = this.waiting.get(message.id);
        this.waiting.delete(message.id);
        if (message.error) waiter?.reject(new Error(message.error.message));
        else waiter?.resolve(message.result);
      } else {
        for (const listener of this.listeners.get(message.method) ?? []) listener(message.params);
      }
    });
    socket.on('close', () => {
      this.closedError = new Error(closedMessage);
      for (const waiter of this.waiting.values()) waiter.reject(this.closedError);
      this.waiting.clear();
      this.onClose();
    });
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

  get closed(): boolean {
    return this.closedError !== undefined;
  }

  send<T = any>(method: string, params: object = {}): Promise<T> {
    if (this.closedError) return Promise.reject(this.closedError);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.socket.send(JSON.stringify({ id, method, params }), (e) => {
        if (!e) return;
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

  close(): void {
    this.socket.close();
  }
}
