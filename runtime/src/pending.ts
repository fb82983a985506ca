// Pending updates: the parts of updates that were deferred because their functions were active,
// applied the moment those activations are gone. They are checked at every event-loop turn (an
// unref'd immediate, scheduled only while something is pending, so an idle or updated-up program
// pays nothing) and at every update point the program reaches (`updatePoint()`).
//
// A check is cheap until it can succeed: the live stack is compared with the pending functions'
// ranges (a stack walk), and an attempt — a real LiveEdit, which costs about as much as an apply
// because V8 scans the heap for activations (about 20 ms in a small server) — is made only when
// none is on the stack. While V8 keeps answering that a suspended async activation blocks it,
// attempts are spaced so that they take at most 2% of the program's time (50 × the last attempt's
// cost, at least 50 ms, at most 5 s): V8 tells nothing cheaper about those activations. (Earlier
// retries land sooner after a short wait, but cost a loaded server a third of its throughput while
// the update waits: measured 0.63–0.69× requests/s against 0.99×.) The budget guards the program's
// busy time only: when the event loop has been mostly idle since the last attempt (its
// utilization at most IDLE_UTILIZATION), an attempt costs the program nothing it was using, so
// one is made at once — the update lands as soon as its activations are done, not up to 5 s later.
import { PATCH_FORMAT_VERSION, type Activation, type CancelRequest, type PatchReport, type IdleCondition, type Patch, type PendingEvent, type PendingState, type PendingUpdate, type ScriptPatch, type UpdatePointsState } from '../../common/patch';
import type { LandingEdits } from './debuggerEditor';
import type { InProcessSession } from './inspectorSession';
import type { ModuleScopes } from './scopes';
import { atOrBefore } from '../../common/positions';
import { captureLiveStack, type LiveFrame } from './stack';
import { applyPatch, probeSuspended } from './transaction';
import type { Versions } from './versions';
import { UpdatePointSites } from './updatePoints';
import * as clock from './clock';
import { signal } from './signals';

/** Attempts blocked by a suspended activation take at most 1/ATTEMPT_BUDGET of the time. */
const ATTEMPT_BUDGET = 50;
const MIN_INTERVAL_MS = 50;
/** …but an update waits at most this long after its activations are gone. */
const MAX_INTERVAL_MS = 5_000;
/** An event loop busy at most this share of the time since the last attempt counts as idle. */
const IDLE_UTILIZATION = 0.5;

/** At an update point, the stack is looked at no more often than this while something waits. */
const POINT_STACK_INTERVAL_MS = 5;
/** Events kept for the server to collect (it asks for those after the last it saw). */
const EVENTS_KEPT = 200;

interface Entry {
  info: PendingUpdate;
  /** The rest of the update: from the text running now to the full new text. */
  script: ScriptPatch;
  whenIdle?: IdleCondition[];
  /** The version the update restores (a rollback), carried to the version it makes when it lands. */
  restores?: number;
  nextAttemptAt: number;
  /** What the last attempt (or the first apply) cost, in ms. */
  costMs: number;
  /** The garbage collection asked for before the next attempt (see `collectFirst`). */
  gc?: 'requested' | 'done';
  /** What that collection cost, in ms: it counts in the attempt's cost (and so its spacing). */
  gcMs?: number;
  /** The event loop's utilization counters at the last back-off (see `idleSinceBackOff`). */
  loopAtBackOff?: clock.EventLoopUtilization;
  backedOffAt?: number;
}

export class PendingUpdates {
  private readonly byFile = new Map<string, Entry>();
  private readonly events: PendingEvent[] = [];
  private seq = 0;
  private immediate: NodeJS.Immediate | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The deadline the timer is set for. */
  private timerAt = Infinity;
  private checking = false;
  private points = 0;
  private nextPointCheck = 0;
  /** Where update points are called from (sampled). */
  readonly sites: UpdatePointSites;
  /** When the debugger said the program paused, until it runs again (`paused`). */
  private pausedSince: number | undefined;
  /**
   * The count at which `point()` leaves its fast path: 0 while something is pending (every call
   * checks), else the next sample of the call sites.
   */
  private attention = 1;

  constructor(
    private readonly session: InProcessSession,
    private readonly scopes?: ModuleScopes,
    private readonly versions?: Versions,
    private readonly landings?: LandingEdits,
  ) {
    this.sites = new UpdatePointSites(scopes);
  }

  get size(): number {
    return this.byFile.size;
  }

  /**
   * The debugger paused the program (a call made while paused, `RuntimeApi.paused`). Paused time
   * does not count toward the timeouts: the first check once the program runs again (a turn, an
   * update point, the deadline timer, all overdue then) moves every deadline by the time paused,
   * and what is reported meanwhile says the deadline as it will be. Nothing is lost to a pause.
   */
  paused(): void {
    this.pausedSince ??= clock.wallNow();
  }

  /**
   * How long `entry` has been waiting while paused: since the pause, or since it began waiting if
   * that came later (saved while paused). A pause that ended while nothing waited (no check ran to
   * clear it) thus costs no entry anything.
   */
  private pausedFor(entry: Entry, now: number): number {
    return this.pausedSince === undefined ? 0 : Math.max(0, now - Math.max(this.pausedSince, entry.info.since));
  }

  /** Moves the deadlines by the time the program was paused, once it runs again. */
  private resumed(now: number): void {
    if (this.pausedSince === undefined) return;
    for (const entry of this.byFile.values()) entry.info.deadline += this.pausedFor(entry, now);
    this.pausedSince = undefined;
    // The debugger that said so polls for landing edits again now that the program runs (it does
    // not while paused): the first check after Continue must not find it silent and edit here.
    this.landings?.expectPolls();
  }

  /** Called by `updatePoint()`: cheap unless something is pending. */
  point(): void {
    if (++this.points < this.attention) return;
    if (this.points >= this.sites.next) this.sites.sample(this.points);
    this.attention = this.byFile.size === 0 ? this.sites.next : 0;
    if (this.byFile.size === 0) return;
    const now = clock.wallNow();
    if (now < this.nextPointCheck) return;
    this.nextPointCheck = now + POINT_STACK_INTERVAL_MS;
    this.check('update point');
  }

  /** Keeps the rest of an update for later; a pending update of the same file is replaced. */
  add(patch: Patch, script: ScriptPatch, activations: Activation[], waitingFor?: string[], costMs = 0): PendingUpdate {
    const now = clock.wallNow();
    const info: PendingUpdate = {
      id: `${patch.id}:${script.file}`,
      patchId: patch.id,
      file: script.file,
      functions: script.functions.map((f) => f.name),
      activations,
      ...(waitingFor?.length ? { waitingFor } : {}),
      since: now,
      deadline: now + Math.max(0, patch.deferTimeoutMs ?? 60_000),
      attempts: 0,
    };
    this.replace(script.file, `a newer update of ${script.file} replaced it`);
    this.attention = 0;
    this.byFile.set(script.file, {
      info,
      script,
      ...(patch.whenIdle?.length ? { whenIdle: patch.whenIdle } : {}),
      ...(patch.restores !== undefined ? { restores: patch.restores } : {}),
      // A frame on the stack is gone at the next turn (the stack check sees it); a suspended
      // activation was just found active: the next attempt waits its share of time.
      nextAttemptAt: activations.some((a) => a.kind === 'suspended') ? now + interval(costMs) : 0,
      costMs,
      loopAtBackOff: clock.eventLoopUtilization(),
      backedOffAt: now,
    });
    this.schedule();
    return info;
  }

  /** A newer update of the file arrived: the one waiting is dropped, never applied after it. */
  replace(file: string, reason: string): void {
    const entry = this.byFile.get(file);
    if (!entry) return;
    this.byFile.delete(file);
    this.settle(entry, 'replaced', { reason });
  }

  cancel(request: CancelRequest): PendingState {
    for (const entry of [...this.byFile.values()]) {
      if (request.ids && !request.ids.includes(entry.info.id)) continue;
      this.byFile.delete(entry.info.file);
      const version = request.restarted ? this.recordRestarted(entry) : undefined;
      this.settle(entry, 'cancelled', { reason: request.reason ?? 'cancelled on request', where: 'request', ...(version ? { version } : {}) });
    }
    this.schedule();
    return this.state(0);
  }

  /**
   * The debugger ran the entry's text by restarting a frame into it: a version of its own. This
   * session still sees the script as it was (the debugger's session made the edit), which is the
   * text before; it reads the script again, and records what V8 runs now.
   */
  private recordRestarted(entry: Entry): number | undefined {
    const patch: Patch = { format: PATCH_FORMAT_VERSION, id: entry.info.patchId, scripts: [entry.script] };
    this.session.refresh();
    const verified = this.session.runningText(entry.script.file)?.code === entry.script.code;
    if (!verified) return undefined;
    const report: PatchReport = { id: patch.id, ok: true, scripts: [{ file: entry.script.file, outcome: 'applied', verified }], blockedMs: 0 };
    return this.versions?.record(patch, report, 'request')?.version;
  }

  state(since: number): PendingState {
    // While paused the clock of the timeouts stands still: the deadline as it will be on Continue.
    const now = clock.wallNow();
    return {
      pending: [...this.byFile.values()].map((e) => ({ ...e.info, deadline: e.info.deadline + this.pausedFor(e, now) })),
      events: this.events.filter((e) => e.seq > since),
      seq: this.seq,
      updatePoints: this.points,
    };
  }

  /** The update points reached: the exact total and the sampled call sites. */
  pointsState(): UpdatePointsState {
    return this.sites.state(this.points);
  }

  /** One round of checks: expire what waited too long, apply what is no longer active. */
  check(where: 'turn' | 'update point'): void {
    if (this.checking) return;
    this.checking = true;
    try {
      const now = clock.wallNow();
      this.resumed(now);
      let stack: LiveFrame[] | undefined;
      for (const entry of [...this.byFile.values()]) {
        // Past its deadline, an update still gets its last chance now: it expires only if its
        // functions are still active (a program that ran on after a long pause is not too late).
        const late = now >= entry.info.deadline;
        if (!late && now < entry.nextAttemptAt && !idleSinceBackOff(entry, now)) continue;
        stack ??= captureLiveStack();
        const onStack = activeOnStack(entry, stack);
        if (onStack.length > 0) {
          entry.info.activations = onStack;
          if (late) this.expire(entry);
          continue;
        }
        if (entry.whenIdle && this.suspendedIdle(entry)) {
          this.backOff(entry, now);
          if (late) this.expire(entry);
          continue;
        }
        if (where === 'turn' && !late && this.collectFirst(entry)) continue;
        this.attempt(entry, where, now);
        if (late && this.byFile.get(entry.info.file) === entry) this.expire(entry);
      }
    } finally {
      this.checking = false;
      this.schedule();
    }
  }

  private attempt(entry: Entry, where: 'turn' | 'update point', now: number): void {
    entry.info.attempts++;
    const started = clock.now();
    const patch: Patch = { format: PATCH_FORMAT_VERSION, id: entry.info.patchId, scripts: [entry.script], ...(entry.restores !== undefined ? { restores: entry.restores } : {}) };
    // Through the debugger while it polls for the edits (its breakpoints stay exact), else here.
    const apply = () => applyPatch(this.session, patch, { explain: false, scopes: this.scopes });
    const report = this.landings?.polling() ? this.landings.editor.run(apply) : apply();
    const script = report.scripts[0];
    entry.costMs = clock.now() - started + (entry.gcMs ?? 0);
    entry.gcMs = undefined;
    if (report.ok) {
      this.byFile.delete(entry.info.file);
      const version = this.versions?.record(patch, report, where)?.version;
      this.settle(entry, 'applied', { where, ...(script ? { report: script } : {}), blockedMs: report.blockedMs, ...(version ? { version } : {}) });
      return;
    }
    if (script?.v8Status === 'BlockedByActiveFunction' || script?.v8Status === 'BlockedByActiveGenerator') {
      // Still active: what was said of the activations stands (naming them again costs dry runs).
      this.backOff(entry, now);
      return;
    }
    this.byFile.delete(entry.info.file);
    this.settle(entry, 'failed', {
      reason: report.error ?? script?.reason ?? 'the runtime refused it',
      ...(script ? { report: script } : {}),
    });
  }

  /**
   * Async activations that have finished can still block LiveEdit (BlockedByActiveGenerator)
   * until V8 collects them, while a debugger session has the Debugger domain on (as js-debug
   * has): in test/runtime/load.test.ts the update of a handler whose suspended requests had all
   * finished was refused until a GC, and so waited a second back-off (5 s more). So before an
   * attempt at an update a suspended activation held back, a full GC is asked for; V8 runs it
   * after the current task (never synchronously here), and the attempt is made at the first turn
   * after it. Not at update points: a loop that never yields would never let it run.
   * Returns whether the attempt must wait for the collection.
   */
  private collectFirst(entry: Entry): boolean {
    if (!entry.info.activations.some((a) => a.kind === 'suspended')) return false;
    if (entry.gc === 'done') {
      entry.gc = undefined;
      return false;
    }
    if (entry.gc !== 'requested') {
      entry.gc = 'requested';
      const asked = clock.now();
      this.session.postLater('HeapProfiler.collectGarbage', () => {
        entry.gc = 'done';
        entry.gcMs = clock.now() - asked;
        this.schedule();
      });
    }
    return true;
  }

  /** Whether a function named in `when … idle` has a suspended activation (asked of V8). */
  private suspendedIdle(entry: Entry): boolean {
    const still = entry.whenIdle!.filter((c) => (c.isAsync || c.isGenerator) && probeSuspended(this.session, c));
    entry.info.waitingFor = still.map((c) => c.name);
    return still.length > 0;
  }

  private expire(entry: Entry): void {
    this.byFile.delete(entry.info.file);
    this.settle(entry, 'expired', { reason: expiredReason(entry) });
  }

  private backOff(entry: Entry, now: number): void {
    entry.nextAttemptAt = now + interval(entry.costMs);
    entry.loopAtBackOff = clock.eventLoopUtilization();
    entry.backedOffAt = now;
  }

  private settle(entry: Entry, outcome: PendingEvent['outcome'], details: Partial<PendingEvent>): void {
    this.events.push({ seq: ++this.seq, pending: { ...entry.info }, outcome, at: clock.wallNow(), ...details });
    if (this.events.length > EVENTS_KEPT) this.events.splice(0, this.events.length - EVENTS_KEPT);
    signal('pending');
  }

  /**
   * While something is pending: a check at the next event-loop turn, and a timer for the nearest
   * deadline (a program that does nothing still learns its pending update expired). Both unref'd:
   * they never keep a program alive.
   */
  private schedule(): void {
    if (this.byFile.size === 0) {
      if (this.immediate) clock.clearImmediate(this.immediate);
      if (this.timer) clock.clearTimeout(this.timer);
      this.immediate = this.timer = undefined;
      this.timerAt = Infinity;
      return;
    }
    if (!this.immediate) {
      this.immediate = clock.setImmediate(() => {
        this.immediate = undefined;
        this.check('turn');
      });
      this.immediate.unref();
    }
    // The deadline timer is set again only when the nearest deadline changed (not at every turn).
    let nearest = Infinity;
    for (const e of this.byFile.values()) nearest = Math.min(nearest, e.info.deadline);
    if (this.timer && nearest === this.timerAt) return;
    if (this.timer) clock.clearTimeout(this.timer);
    this.timerAt = nearest;
    this.timer = clock.setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.check('turn');
    }, Math.max(0, nearest - clock.wallNow()) + 1);
    this.timer.unref();
  }
}

/**
 * Whether the program was mostly idle since the entry's last back-off (and at least twice the
 * attempt's cost has passed, so attempts never take more than a third of an idle program's time).
 */
function idleSinceBackOff(entry: Entry, now: number): boolean {
  if (!entry.loopAtBackOff || entry.backedOffAt === undefined) return false;
  if (now - entry.backedOffAt < Math.max(MIN_INTERVAL_MS, 2 * entry.costMs)) return false;
  return clock.eventLoopUtilization(entry.loopAtBackOff).utilization <= IDLE_UTILIZATION;
}

function interval(costMs: number): number {
  return Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, costMs * ATTEMPT_BUDGET));
}

/** The pending functions (and `when … idle` functions) that have a frame on the live stack. */
function activeOnStack(entry: Entry, stack: LiveFrame[]): Activation[] {
  const out: Activation[] = [];
  const ranges = [
    ...entry.script.functions.map((f) => ({ name: f.name, file: entry.script.file, start: f.oldStart, end: f.oldEnd })),
    ...(entry.whenIdle ?? []),
  ];
  for (const frame of stack) {
    for (const r of ranges) {
      if (r.file !== frame.file) continue;
      if (atOrBefore(r.start, frame) && atOrBefore(frame, r.end)) out.push({ function: r.name, kind: 'stack', file: frame.file, line: frame.line, column: frame.column });
    }
  }
  return out;
}

function expiredReason(entry: Entry): string {
  const seconds = Math.round((entry.info.deadline - entry.info.since) / 100) / 10;
  const who = entry.info.waitingFor?.length ? entry.info.waitingFor : [...new Set(entry.info.activations.map((a) => a.function))];
  const what = entry.info.functions.map((f) => `\`${f}\``).join(', ');
  const still = who.length ? `${who.map((f) => `\`${f}\``).join(', ')} ${who.length === 1 ? 'was' : 'were'} still active` : 'its functions stayed active';
  return `The update of ${what} waited ${seconds} s and was dropped: ${still}. The program keeps the previous version of ${entry.info.functions.length === 1 ? 'it' : 'them'}; save again to retry.`;
}
