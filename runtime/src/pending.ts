// Pending updates: the parts of updates that were deferred because their functions were active,
// applied the moment those activations are gone. They are checked at every event-loop turn (an
// unref'd immediate, scheduled only while something is pending, so an idle or updated-up program
// pays nothing) and at every update point the program reaches (`updatePoint()`).
//
// A check is cheap until it can succeed: the live stack is compared with the pending functions'
// ranges (a stack walk), and an attempt — a real LiveEdit, which costs about as much as an apply
// because V8 scans the heap for activations — is made only when none is on the stack, at most
// once per back-off interval while V8 keeps answering that a suspended async activation blocks it
// (50 ms doubling to 1 s; V8 tells nothing cheaper about those).
import { PATCH_FORMAT_VERSION, type Activation, type CancelRequest, type IdleCondition, type Patch, type PendingEvent, type PendingState, type PendingUpdate, type ScriptPatch } from '../../common/patch';
import type { InProcessSession } from './inspectorSession';
import { atOrBefore } from './positions';
import { captureLiveStack, type LiveFrame } from './stack';
import { applyPatch, probeSuspended } from './transaction';

const FIRST_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 1_000;
/** At an update point, the stack is looked at no more often than this while something waits. */
const POINT_STACK_INTERVAL_MS = 5;
/** Events kept for the server to collect (it asks for those after the last it saw). */
const EVENTS_KEPT = 200;

interface Entry {
  info: PendingUpdate;
  /** The rest of the update: from the text running now to the full new text. */
  script: ScriptPatch;
  whenIdle?: IdleCondition[];
  nextAttemptAt: number;
  backoffMs: number;
}

export class PendingUpdates {
  private readonly byFile = new Map<string, Entry>();
  private readonly events: PendingEvent[] = [];
  private seq = 0;
  private immediate: NodeJS.Immediate | undefined;
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  private points = 0;
  private nextPointCheck = 0;

  constructor(private readonly session: InProcessSession) {}

  get size(): number {
    return this.byFile.size;
  }

  /** Called by `updatePoint()`: cheap unless something is pending. */
  point(): void {
    this.points++;
    if (this.byFile.size === 0) return;
    const now = Date.now();
    if (now < this.nextPointCheck) return;
    this.nextPointCheck = now + POINT_STACK_INTERVAL_MS;
    this.check('update point');
  }

  /** Keeps the rest of an update for later; a pending update of the same file is replaced. */
  add(patch: Patch, script: ScriptPatch, activations: Activation[], waitingFor?: string[]): PendingUpdate {
    const now = Date.now();
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
    this.byFile.set(script.file, {
      info,
      script,
      ...(patch.whenIdle?.length ? { whenIdle: patch.whenIdle } : {}),
      nextAttemptAt: 0,
      backoffMs: FIRST_BACKOFF_MS,
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
      this.settle(entry, 'cancelled', { reason: request.reason ?? 'cancelled on request', where: 'request' });
    }
    this.schedule();
    return this.state(0);
  }

  state(since: number): PendingState {
    return {
      pending: [...this.byFile.values()].map((e) => ({ ...e.info })),
      events: this.events.filter((e) => e.seq > since),
      seq: this.seq,
      updatePoints: this.points,
    };
  }

  /** One round of checks: expire what waited too long, apply what is no longer active. */
  check(where: 'turn' | 'update point'): void {
    if (this.checking) return;
    this.checking = true;
    try {
      const now = Date.now();
      let stack: LiveFrame[] | undefined;
      for (const entry of [...this.byFile.values()]) {
        if (now >= entry.info.deadline) {
          this.byFile.delete(entry.info.file);
          this.settle(entry, 'expired', { reason: expiredReason(entry) });
          continue;
        }
        if (now < entry.nextAttemptAt) continue;
        stack ??= captureLiveStack();
        const onStack = activeOnStack(entry, stack);
        if (onStack.length > 0) {
          entry.info.activations = onStack;
          continue;
        }
        if (entry.whenIdle && this.suspendedIdle(entry)) {
          this.backOff(entry, now);
          continue;
        }
        this.attempt(entry, where, now);
      }
    } finally {
      this.checking = false;
      this.schedule();
    }
  }

  private attempt(entry: Entry, where: 'turn' | 'update point', now: number): void {
    entry.info.attempts++;
    const report = applyPatch(this.session, { format: PATCH_FORMAT_VERSION, id: entry.info.patchId, scripts: [entry.script] });
    const script = report.scripts[0];
    if (report.ok) {
      this.byFile.delete(entry.info.file);
      this.settle(entry, 'applied', { where, ...(script ? { report: script } : {}), blockedMs: report.blockedMs });
      return;
    }
    if (script?.v8Status === 'BlockedByActiveFunction' || script?.v8Status === 'BlockedByActiveGenerator') {
      entry.info.activations = script.activations ?? [];
      this.backOff(entry, now);
      return;
    }
    this.byFile.delete(entry.info.file);
    this.settle(entry, 'failed', {
      reason: report.error ?? script?.reason ?? 'the runtime refused it',
      ...(script ? { report: script } : {}),
    });
  }

  /** Whether a function named in `when … idle` has a suspended activation (asked of V8). */
  private suspendedIdle(entry: Entry): boolean {
    const still = entry.whenIdle!.filter((c) => (c.isAsync || c.isGenerator) && probeSuspended(this.session, c));
    entry.info.waitingFor = still.map((c) => c.name);
    return still.length > 0;
  }

  private backOff(entry: Entry, now: number): void {
    entry.nextAttemptAt = now + entry.backoffMs;
    entry.backoffMs = Math.min(MAX_BACKOFF_MS, entry.backoffMs * 2);
  }

  private settle(entry: Entry, outcome: PendingEvent['outcome'], details: Partial<PendingEvent>): void {
    this.events.push({ seq: ++this.seq, pending: { ...entry.info }, outcome, at: Date.now(), ...details });
    if (this.events.length > EVENTS_KEPT) this.events.splice(0, this.events.length - EVENTS_KEPT);
  }

  /**
   * While something is pending: a check at the next event-loop turn, and a timer for the nearest
   * deadline (a program that does nothing still learns its pending update expired). Both unref'd:
   * they never keep a program alive.
   */
  private schedule(): void {
    if (this.byFile.size === 0) {
      if (this.immediate) clearImmediate(this.immediate);
      if (this.timer) clearTimeout(this.timer);
      this.immediate = this.timer = undefined;
      return;
    }
    if (!this.immediate) {
      this.immediate = setImmediate(() => {
        this.immediate = undefined;
        this.check('turn');
      });
      this.immediate.unref();
    }
    const nearest = Math.min(...[...this.byFile.values()].map((e) => e.info.deadline));
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.check('turn');
    }, Math.max(0, nearest - Date.now()) + 1);
    this.timer.unref();
  }
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
