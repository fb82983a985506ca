// The server's view of updates the runtimes keep pending (see runtime/src/pending.ts): which wait
// where, and how each one ended. The runtimes apply them on their own (at an event-loop turn or an
// update point); the server learns of it by asking a target when its runtime signals a change
// (runtime/src/signals.ts), or, where the port hears no signals, by asking each target that has
// something pending every POLL_MS until nothing is. A target that appears is asked once, so a restarted
// server finds what its predecessor left pending (`adopt`): what it finds waiting is announced
// (`adopted`), and of the events the target kept only those settling an update the user last saw
// waiting are news (the predecessor reported the others).
import type { PendingEvent, PendingUpdate } from '../../../common/patch';
import type { TargetInfo, TargetPending } from '../../../common/reports';
import type { TargetPort } from './targetPort';

const POLL_MS = 100;

export interface PendingSettlement {
  target: TargetInfo;
  event: PendingEvent;
}

interface Watch {
  target: TargetInfo;
  /** The last event sequence number handled. */
  seen: number;
  pending: PendingUpdate[];
  /** Adopted and not asked yet: the pending ids whose settlement is news in the first answer. */
  adopting?: Set<string>;
  /** A signal came while a query was under way: ask again once it is answered. */
  again?: boolean;
}

export class PendingTracker {
  private readonly watches = new Map<string, Watch>();
  private timer: NodeJS.Timeout | undefined;
  /** Per target, the query under way: a slow or ended target never holds up the others. */
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Targets not to be asked now (a frame being restarted: see `quietWhile`). */
  private readonly quiet = new Set<string>();

  constructor(
    private readonly port: TargetPort,
    private readonly settled: (s: PendingSettlement) => void,
    private readonly changed: (all: TargetPending[]) => void,
    /** What an adopted target has waiting, once its first answer came. */
    private readonly adopted: (target: TargetInfo, pending: PendingUpdate[]) => void = () => undefined,
  ) {
    port.onSignal?.((targetId) => {
      const watch = this.watches.get(targetId);
      if (watch) this.askSoon(watch);
    });
  }

  /** A report said something now waits in this target. */
  track(target: TargetInfo, pending: PendingUpdate): void {
    const watch = this.watch(target);
    watch.pending = [...watch.pending.filter((p) => p.file !== pending.file), pending];
    this.changed(this.all());
    // A target that signals may have done so before this report was read: it is asked once now.
    if (this.port.listens?.(target.id)) this.askSoon(watch);
    else this.schedule();
  }

  /**
   * A target appeared: ask it once what it has pending. `unsettled`: the ids the user last saw
   * waiting there (a restarted server), whose settlement meanwhile is still to be reported.
   */
  adopt(target: TargetInfo, unsettled: string[] = []): void {
    const known = this.watches.has(target.id);
    const watch = this.watch(target);
    if (!known) watch.adopting = new Set(unsettled);
    this.schedule(0);
  }

  forgetTarget(targetId: string): void {
    if (this.watches.delete(targetId)) this.changed(this.all());
  }

  all(): TargetPending[] {
    return [...this.watches.values()].filter((w) => w.pending.length > 0).map((w) => ({ targetId: w.target.id, targetName: w.target.name, pending: w.pending }));
  }

  /** Drops pending updates (all, or those ids) in every target; resolves once they are gone. */
  async cancel(ids: string[] | undefined, reason: string): Promise<number> {
    let count = 0;
    await Promise.all(
      [...this.watches.values()].map(async (w) => {
        const mine = w.pending.filter((p) => !ids || ids.includes(p.id)).map((p) => p.id);
        if (mine.length === 0) return;
        const state = await this.port.call(w.target.id, 'cancel', { ids: mine, reason });
        if (!('error' in state)) count += mine.length;
      }),
    );
    await this.poll();
    return count;
  }

  /**
   * Runs `work` with no query of the target under way or started meanwhile; those asked for are
   * made after. A frame restarted through the debugger resumes the program with a step-in armed,
   * and a runtime call sent before it pauses again is never answered (client/src/restartFrame.ts).
   */
  async quietWhile<T>(targetId: string, work: () => Promise<T>): Promise<T> {
    this.quiet.add(targetId);
    try {
      await this.inFlight.get(targetId);
      return await work();
    } finally {
      this.quiet.delete(targetId);
      const watch = this.watches.get(targetId);
      if (watch?.again) {
        watch.again = false;
        void this.pollOne(watch);
      }
    }
  }

  private watch(target: TargetInfo): Watch {
    let watch = this.watches.get(target.id);
    if (!watch) this.watches.set(target.id, (watch = { target, seen: 0, pending: [] }));
    return watch;
  }

  /** Asks the target now, or again once the query under way is answered (it may predate the news). */
  private askSoon(watch: Watch): void {
    if (this.inFlight.has(watch.target.id) || this.quiet.has(watch.target.id)) watch.again = true;
    else void this.pollOne(watch);
  }

  /** Whether a watch needs polling: something waits there, and its target does not signal. */
  private polled(watch: Watch): boolean {
    return watch.pending.length > 0 && !this.port.listens?.(watch.target.id);
  }

  /** Polls soon: every watched target (an adopted one, a cancel) at `delay` 0, else the polled ones. */
  private schedule(delay = POLL_MS): void {
    if (this.timer) return;
    const all = delay === 0;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.poll(all);
      if ([...this.watches.values()].some((w) => this.polled(w))) this.schedule();
    }, delay);
  }

  /** Asks every watched target, or only those that must be polled (each at most once at a time). */
  private async poll(all = true): Promise<void> {
    await Promise.all([...this.watches.values()].filter((w) => all || this.polled(w)).map((w) => this.pollOne(w)));
  }

  private pollOne(watch: Watch): Promise<void> {
    const id = watch.target.id;
    if (this.quiet.has(id)) {
      watch.again = true;
      return Promise.resolve();
    }
    let query = this.inFlight.get(id);
    if (!query) {
      query = this.ask(watch).finally(() => {
        this.inFlight.delete(id);
        if (watch.again && this.watches.get(id) === watch) {
          watch.again = false;
          void this.pollOne(watch);
        }
      });
      this.inFlight.set(id, query);
    }
    return query;
  }

  private async ask(watch: Watch): Promise<void> {
    const state = await this.port.call(watch.target.id, 'pending', { since: watch.seen });
    if ('error' in state || this.watches.get(watch.target.id) !== watch) return;
    const { adopting } = watch;
    delete watch.adopting;
    const before = JSON.stringify(watch.pending.map((p) => p.id));
    watch.pending = state.pending;
    for (const event of state.events) {
      if (event.seq > watch.seen && (!adopting || adopting.has(event.pending.id))) this.settled({ target: watch.target, event });
    }
    watch.seen = Math.max(watch.seen, state.seq);
    if (adopting) this.adopted(watch.target, state.pending);
    // An adopted target's answer always goes out: the client may still show what a dead server said.
    if (adopting || JSON.stringify(watch.pending.map((p) => p.id)) !== before) this.changed(this.all());
    if (this.polled(watch)) this.schedule();
  }
}
