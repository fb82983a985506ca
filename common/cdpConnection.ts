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

/**
 * How many bytes of commands may be on their way to a program's inspector at once. Node's
 * inspector server reads 64 KiB at a time and mis-parses a frame its read cuts within the frame's
 * last few bytes: it reads past its data, erases past its buffer's end, and the program dies of a
 * corrupted heap (nodejs/node#64618; seen here as `munmap_chunk(): invalid pointer` when a 64 KB
 * patch and the next small command arrived together). While less than a read is unread, every
 * frame is read whole. A command counts until it is answered or, if it waits long for its answer
 * (an awaited evaluation), until `READ_WITHIN_MS` has passed: by then the server has read it.
 */
const UNREAD_BUDGET_BYTES = 60 * 1024;
const READ_WITHIN_MS = 250;

/** Commands matched with their answers and events handed to listeners, whatever carries the messages. */
export abstract class CdpMessages implements CdpSession {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  /** Commands not sent yet, in order, while those on their way fill the budget. */
  private readonly outbox: { id: number; text: string; bytes: number; failed: (error: Error) => void }[] = [];
  /** Commands on their way: id → bytes, and the timer that stops counting them. */
  private readonly unread = new Map<number, { bytes: number; timer: ReturnType<typeof setTimeout> }>();
  private unreadBytes = 0;
  private readonly listeners = new Map<string, Listener[]>();
  private closedError: Error | undefined;
  /** Called once when the session ends (the program or thread exited, or `close`). */
  onClose: () => void = () => undefined;

  /** Carries one command (its JSON text) to the other side; `failed` if it cannot. */
  protected abstract transmit(text: string, failed: (error: Error) => void): void;
  abstract close(): void;

  /** Whether commands wait for earlier ones to be read (a socket into a program's inspector). */
  protected readonly budgeted: boolean = false;

  /** A message from the other side. */
  protected received(text: string): void {
    const message = JSON.parse(text);
    if (message.id !== undefined) {
      this.read(message.id);
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
    for (const { failed } of this.outbox.splice(0)) failed(error);
    for (const { timer } of this.unread.values()) clearTimeout(timer);
    this.unread.clear();
    this.unreadBytes = 0;
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
      const text = JSON.stringify({ id, method, params });
      const failed = (e: Error) => {
        this.read(id);
        this.waiting.delete(id);
        reject(e);
      };
      if (!this.budgeted) return this.transmit(text, failed);
      this.outbox.push({ id, text, bytes: Buffer.byteLength(text), failed });
      this.sendWhatFits();
    });
  }

  /** Sends the waiting commands, in order, while what is unread stays within the budget (one at least). */
  private sendWhatFits(): void {
    while (this.outbox.length && (this.unreadBytes === 0 || this.unreadBytes + this.outbox[0]!.bytes <= UNREAD_BUDGET_BYTES)) {
      const { id, text, bytes, failed } = this.outbox.shift()!;
      const timer = setTimeout(() => this.read(id), READ_WITHIN_MS);
      timer.unref?.();
      this.unread.set(id, { bytes, timer });
      this.unreadBytes += bytes;
      this.transmit(text, failed);
    }
  }

  /** Command `id` has been read (answered, failed, or long on its way): it no longer counts. */
  private read(id: number): void {
    const entry = this.unread.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.unread.delete(id);
    this.unreadBytes -= entry.bytes;
    this.sendWhatFits();
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
  protected override readonly budgeted = true;

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
    this.socket.send(clearOfReadEdges(text), (e) => e && failed(e));
  }

  close(): void {
    this.socket.close();
  }
}

/**
 * A command longer than one of the inspector server's 64 KiB reads (a LiveEdit of a large file)
 * is read in several, and one that ends within its frame header's length after a read's end is
 * mis-parsed (UNREAD_BUDGET_BYTES). Sent alone, its reads end at multiples of 64 KiB from its
 * start: whitespace inside the JSON moves its end away from them.
 */
export function clearOfReadEdges(text: string): string {
  const READ = 64 * 1024;
  const HEADER = 14; // a client frame over 64 KiB: 2 bytes, 8 of length, 4 of mask
  const frame = Buffer.byteLength(text) + HEADER;
  if (frame <= READ || frame % READ > HEADER) return text;
  return `${text.slice(0, -1)}${' '.repeat(2 * HEADER)}}`;
}
