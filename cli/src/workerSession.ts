// A CDP session with a worker thread, carried by its process's connection (the NodeWorker domain:
// `sendMessageToWorker` out, `receivedMessageFromWorker` back). Each worker runs the runtime too
// (preloads run in workers), so it is a target of its own, as in VS Code.
import { CdpMessages, type CdpSession } from '../../common/cdpConnection';

export class WorkerSession extends CdpMessages {
  constructor(private readonly parent: CdpSession, readonly sessionId: string) {
    super();
  }

  /** A message from the worker (the parent's `NodeWorker.receivedMessageFromWorker`). */
  fromWorker(text: string): void {
    this.received(text);
  }

  /** The worker is gone (it exited, or its process did). */
  detached(): void {
    this.ended(new Error('the worker thread ended'));
  }

  protected transmit(text: string, failed: (error: Error) => void): void {
    this.parent.send('NodeWorker.sendMessageToWorker', { sessionId: this.sessionId, message: text }).catch(failed);
  }

  close(): void {
    void this.parent.send('NodeWorker.detach', { sessionId: this.sessionId }).catch(() => undefined);
    this.detached();
  }
}
