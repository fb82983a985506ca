// The server's view of updates the runtimes keep pending (see runtime/src/pending.ts): which wait
// where, and how each one ended. The runtimes apply them on their own (at an event-loop turn or an
// update point); the server learns of it by asking each target that has something pending, every
// POLL_MS, and stops asking once nothing is. A target that appears is asked once, so a restarted
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
}

export class PendingTracker {
  private readonly watches = new Map<string, Watch>();
  private timer: NodeJS.Timeout | undefined;
  /** Per target, the query under way: a slow or ended target never holds up the others. */
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly port: TargetPort,
    private readonly settled: (s: PendingSettlement) => void,
    private readonly changed: (all: TargetPending[]) => void,
    /** What an adopted target has waiting, once its first answer came. */
    private readonly adopted: (target: TargetInfo, pending: PendingUpdate[]) => void = () => undefined,
  ) {}

  /** A report said something now waits in this target. */
  track(target: TargetInfo, pending: PendingUpdate): void {
    const watch = this.watch(target);
    watch.pending = [...watch.pending.filter((p) => p.file !== pending.file), pending];
    this.changed(this.all());
    this.schedule();
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

  private watch(target: TargetInfo): Watch {
    let watch = this.watches.get(target.id);
    if (!watch) this.watches.set(target.id, (watch = { target, seen: 0, pending: [] }));
    return watch;
  }

  private schedule(delay = POLL_MS): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.poll();
      if ([...this.watches.values()].some((w) => w.pending.length > 0)) this.schedule();
    }, delay);
  }

  /** Asks every watched target (each at most once at a time); resolves when all have answered. */
  private async poll(): Promise<void> {
    await Promise.all([...this.watches.values()].map((w) => this.pollOne(w)));
  }

  private pollOne(watch: Watch): Promise<void> {
    const id = watch.target.id;
    let query = this.inFlight.get(id);
    if (!query) {
      query = this.ask(watch).finally(() => this.inFlight.delete(id));
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
    if (watch.pending.length > 0) this.schedule();
  }
}
