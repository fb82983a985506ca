// Updates made through the debugger's own inspector session (docs/decisions/029, "Breakpoints
// after an update"). V8's inspector keeps each session's view of a script, and a LiveEdit announces
// nothing to the other sessions: after an edit made in the runtime's in-process session, js-debug
// resolves breakpoints against the text it knew, and they land on other statements. So while a
// debugger that can edit is attached, the runtime runs the update's transaction in a turn of its
// own and hands each LiveEdit to the debugger: it publishes the edit, waits for the answer in
// short `Atomics.wait` slices (V8 still dispatches inspector messages to this thread while it
// waits: the debugger's poll of `applyProgress`, then its `Debugger.setScriptSource`), and goes
// on when the debugger answered. Nothing else of the program runs meanwhile, so the transaction
// stays atomic; afterwards the runtime's own session reads the scripts again.
//
// Only in a turn of its own: inspector messages are not dispatched while another is being
// handled, so an edit asked from inside the debugger's `evaluate` would never come. A program
// that gives the runtime no turn (paused, or busy in a loop: atTurn.ts `EVENT_LIMIT_MS`, the same
// wait as an update sent by `apply`) gets the update the in-process way when the debugger next asks.
import { LANDINGS_TOKEN, type EditProgress, type Patch, type PatchReport, type SetScriptSourceResult } from '../../common/patch';
import type { ProgressRequest } from '../../common/runtimeApi';
import { clearTimeout, setImmediate, setTimeout, wallNow } from './clock';
import { isError, type InProcessSession } from './inspectorSession';
import { EVENT_LIMIT_MS } from './atTurn';
import { compileUncalledClosures, newTransaction } from './uncalledClosures';
import { editHere, makeEdit, runEdits, type EditRequest, type EditSteps } from './transaction';

export type { SetScriptSourceResult };

/** How long an edit may wait for the debugger before the runtime stops waiting. */
const EDIT_TIMEOUT_MS = 10_000;

const slice = new Int32Array(new SharedArrayBuffer(4));

let active: DebuggerEditor | undefined;

/** The editor of the transaction running now, if the debugger makes its edits. */
export function debuggerEditor(): DebuggerEditor | undefined {
  return active;
}

export class DebuggerEditor {
  constructor(private readonly timeoutMs = EDIT_TIMEOUT_MS) {}

  private seq = 0;
  private request: { seq: number; scriptId: string; scriptSource: string } | undefined;
  private answer: { seq: number; result: SetScriptSourceResult } | undefined;

  /** Runs `body` with this editor making the LiveEdits of the transaction inside it. */
  run<T>(body: () => T): T {
    active = this;
    try {
      return body();
    } finally {
      active = undefined;
    }
  }

  /**
   * Has the debugger set `scriptSource` and returns V8's answer, or undefined when the debugger
   * did not answer in time (the caller then reads what the script runs to know what happened).
   */
  edit(scriptId: string, scriptSource: string): SetScriptSourceResult | undefined {
    const seq = ++this.seq;
    this.request = { seq, scriptId, scriptSource };
    const deadline = wallNow() + this.timeoutMs;
    try {
      while (this.answer?.seq !== seq && wallNow() < deadline) Atomics.wait(slice, 0, 0, 1);
      return this.answer?.seq === seq ? this.answer.result : undefined;
    } finally {
      this.request = undefined;
    }
  }

  /** The edit waiting for the debugger, if any (not once answered, though not yet picked up). */
  pendingEdit(): { seq: number; scriptId: string; scriptSource: string } | undefined {
    return this.request && this.answer?.seq !== this.request.seq ? this.request : undefined;
  }

  /** The debugger's answer to edit `seq` (ignored unless that edit still waits). */
  answered(seq: number, result: SetScriptSourceResult): void {
    if (this.request?.seq === seq) this.answer = { seq, result };
  }
}

/**
 * The edits of pending updates that land later (pending.ts), at a turn or an update point of the
 * program's own: made by the debugger while it polls for them (`applyProgress` with the token
 * `LANDINGS_TOKEN`, every few milliseconds while something waits in the program), so its
 * breakpoints stay exact after an update that waited too. A debugger that does not poll, or stops
 * answering, leaves them to the runtime's own session, as before.
 */
export class LandingEdits {
  /** Short: the program is blocked while it waits, and a debugger that polls answers within a poll. */
  readonly editor = new DebuggerEditor(LANDING_EDIT_TIMEOUT_MS);
  private lastPoll = -Infinity;

  /** Whether a debugger polled lately (then it will pick the edits up). */
  polling(): boolean {
    return wallNow() - this.lastPoll < POLLING_MS;
  }

  /** A debugger that paused the program polls again right after it runs (`PendingUpdates.resumed`). */
  expectPolls(): void {
    this.lastPoll = wallNow();
  }

  poll(answer?: { seq: number; result: SetScriptSourceResult }): EditProgress {
    this.lastPoll = wallNow();
    if (answer) this.editor.answered(answer.seq, answer.result);
    const edit = this.editor.pendingEdit();
    return edit ? { state: 'edit', ...edit } : { state: 'queued' };
  }
}

const LANDING_EDIT_TIMEOUT_MS = 2_000;
/** A debugger that polled within this long is polling. */
const POLLING_MS = 500;

interface QueuedApply {
  patch: Patch;
  queuedAt: number;
  editor: DebuggerEditor;
  state: 'queued' | 'running' | 'done';
  report?: PatchReport;
  /** A paused program's update, made one debugger call at a time. */
  stepped?: SteppedApply;
  /** Sent by `apply` in the middle of an event (atTurn.ts): it waits for its turn the same way, and makes its edits in the runtime's own session. */
  inProcess?: true;
}

/**
 * The updates a debugger sent to be applied through its own session: each waits for a turn of
 * its own (`setImmediate`), and answers the debugger's polls (`applyProgress`) with the edit to
 * make, or with the report once done. The update of a paused program (`Patch.paused`) gets no
 * turn until Continue: it runs in the debugger's calls instead, an edit per call (`SteppedApply`).
 */
export class DebuggerApplies {
  private readonly queue = new Map<string, QueuedApply>();
  private next = 0;

  constructor(
    private readonly session: InProcessSession,
    private readonly steps: (patch: Patch) => EditSteps<PatchReport>,
    private readonly landings?: LandingEdits,
  ) {}

  start(patch: Patch, { inProcess = false }: { inProcess?: boolean } = {}): { token: string } {
    const token = `u${++this.next}`;
    const entry: QueuedApply = { patch, queuedAt: wallNow(), editor: new DebuggerEditor(), state: 'queued', ...(inProcess ? { inProcess: true as const } : {}) };
    this.queue.set(token, entry);
    if (patch.paused) {
      entry.state = 'running';
      entry.stepped = new SteppedApply(this.session, this.steps(patch));
      entry.stepped.advance();
      this.settleStepped(entry);
    } else setImmediate(() => this.execute(entry, !entry.inProcess));
    return { token };
  }

  progress({ token, answer }: ProgressRequest): EditProgress {
    if (token === LANDINGS_TOKEN && this.landings) return this.landings.poll(answer);
    const entry = this.queue.get(token);
    if (!entry) return { error: `no update ${token} is being applied` };
    if (entry.stepped) {
      if (answer) entry.stepped.advance(answer);
      this.settleStepped(entry);
    } else if (answer) entry.editor.answered(answer.seq, answer.result);
    // No turn came (paused, or a loop that never yields): apply it here, the in-process way.
    if (entry.state === 'queued' && (wallNow() - entry.queuedAt > EVENT_LIMIT_MS || this.session.isPaused())) this.execute(entry, false);
    if (entry.state === 'done') {
      this.queue.delete(token);
      return { state: 'done', report: entry.report! };
    }
    const edit = entry.stepped ? entry.stepped.request : entry.editor.pendingEdit();
    return edit ? { state: 'edit', ...edit } : { state: entry.state };
  }

  private settleStepped(entry: QueuedApply): void {
    if (entry.stepped?.report === undefined) return;
    entry.report = entry.stepped.report;
    entry.state = 'done';
  }

  private execute(entry: QueuedApply, throughDebugger: boolean): void {
    if (entry.state !== 'queued') return;
    entry.state = 'running';
    const apply = () => runEdits(this.session, this.steps(entry.patch));
    try {
      entry.report = throughDebugger ? entry.editor.run(apply) : apply();
    } catch (e) {
      // At a turn of its own nothing may throw into the program: the failure is the report.
      entry.report = { id: String(entry.patch.id ?? ''), ok: false, scripts: [], blockedMs: 0, error: `Live Update runtime failed: ${e instanceof Error ? e.message : String(e)}` };
    }
    entry.state = 'done';
  }
}

/**
 * A transaction run across the debugger's calls while the program is paused: each call runs it up
 * to the next LiveEdit the debugger must make (`request`), and the next call, with V8's answer,
 * goes on from there. Nothing of the program runs in between (it is paused), so the update stays
 * all or nothing as in one call. A debugger that stops answering (its session ended) leaves it
 * half done: the first turn after `ABANDONED_MS` without a call finishes it in this session.
 */
export class SteppedApply {
  private seq = 0;
  private started = false;
  private lastCall = wallNow();
  private watchdog: NodeJS.Timeout | undefined;
  /** The edit the debugger is to make now. */
  request: { seq: number; scriptId: string; scriptSource: string } | undefined;
  private asked: EditRequest | undefined;
  /** The update's report, once it ran to the end. */
  report: PatchReport | undefined;

  constructor(
    private readonly session: InProcessSession,
    private readonly steps: EditSteps<PatchReport>,
  ) {}

  /** Runs to the next edit the debugger must make, or to the end; `answer` is V8's to the edit asked. */
  advance(answer?: { seq: number; result: SetScriptSourceResult }): void {
    this.lastCall = wallNow();
    let next: IteratorResult<EditRequest, PatchReport>;
    if (!this.started) {
      this.started = true;
      newTransaction();
      next = this.steps.next();
    } else if (answer && this.request && this.asked && answer.seq === this.request.seq) {
      const result = this.checked(answer.result, this.request);
      this.request = this.asked = undefined;
      next = this.steps.next(result);
    } else return;
    this.runTo(next);
  }

  private runTo(first: IteratorResult<EditRequest, PatchReport>): void {
    let next = first;
    while (!next.done) {
      const asked = next.value;
      // A script this session changed before goes on being edited here (transaction.ts `makeEdit`).
      if (this.session.changedHere.has(asked.scriptId)) {
        next = this.steps.next(makeEdit(this.session, asked));
        continue;
      }
      const scriptSource = this.session.liveEditText(asked.scriptId, asked.file, asked.code, { keepAccessor: asked.keepAccessor });
      this.asked = asked;
      if (!asked.flat) compileUncalledClosures(this.session, [asked.scriptId]);
      this.request = { seq: ++this.seq, scriptId: asked.scriptId, scriptSource };
      this.armWatchdog();
      return;
    }
    if (this.watchdog) clearTimeout(this.watchdog);
    this.report = next.value;
  }

  /**
   * V8's answer through the debugger, read again here: this session now sees the script as V8
   * runs it. An answer that is not V8's own (the debugger could not make the edit) is checked
   * against what the script runs, and the edit made here when it was not made.
   */
  private checked(result: SetScriptSourceResult, request: { scriptId: string; scriptSource: string }): SetScriptSourceResult {
    this.session.refresh();
    if (result.status !== 'InternalError') return result;
    const now = this.session.post<{ scriptSource: string }>('Debugger.getScriptSource', { scriptId: request.scriptId });
    if (!isError(now) && now.scriptSource === request.scriptSource) return { status: 'Ok' };
    return editHere(this.session, request.scriptId, request.scriptSource);
  }

  private armWatchdog(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => {
      this.watchdog = undefined;
      if (this.report !== undefined || !this.asked) return;
      if (wallNow() - this.lastCall < ABANDONED_MS) return this.armWatchdog();
      // Abandoned: finish here, in one go (the program runs again, so this is its own turn).
      const asked = this.asked;
      this.request = this.asked = undefined;
      this.report = runEdits(this.session, resumed(this.steps, makeEdit(this.session, asked)));
    }, ABANDONED_MS);
    this.watchdog.unref();
  }
}

/** How long a paused update's debugger may stay silent before the runtime finishes it itself. */
const ABANDONED_MS = 5_000;

/** `steps` resumed with `answer`, as a generator to run on. */
function* resumed<T>(steps: EditSteps<T>, answer: SetScriptSourceResult): EditSteps<T> {
  let next = steps.next(answer);
  while (!next.done) next = steps.next(yield next.value);
  return next.value;
}
