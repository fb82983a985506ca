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
// that gives the runtime no turn (paused, or busy in a loop) gets the update the in-process way
// when the debugger next asks (`QUEUE_LIMIT_MS`), as before.
import type { EditProgress, Patch, PatchReport, SetScriptSourceResult } from '../../common/patch';
import type { ProgressRequest } from '../../common/runtimeApi';
import { setImmediate, wallNow } from './clock';

export type { SetScriptSourceResult };

/** How long an edit may wait for the debugger before the runtime stops waiting. */
const EDIT_TIMEOUT_MS = 10_000;
/** How long an update may wait for its own turn before the next poll applies it in-process. */
export const QUEUE_LIMIT_MS = 100;

const slice = new Int32Array(new SharedArrayBuffer(4));

let active: DebuggerEditor | undefined;

/** The editor of the transaction running now, if the debugger makes its edits. */
export function debuggerEditor(): DebuggerEditor | undefined {
  return active;
}

export class DebuggerEditor {
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
    const deadline = wallNow() + EDIT_TIMEOUT_MS;
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

interface QueuedApply {
  patch: Patch;
  queuedAt: number;
  editor: DebuggerEditor;
  state: 'queued' | 'running' | 'done';
  report?: PatchReport;
}

/**
 * The updates a debugger sent to be applied through its own session: each waits for a turn of
 * its own (`setImmediate`), and answers the debugger's polls (`applyProgress`) with the edit to
 * make, or with the report once done.
 */
export class DebuggerApplies {
  private readonly queue = new Map<string, QueuedApply>();
  private next = 0;

  constructor(private readonly applyNow: (patch: Patch) => PatchReport) {}

  start(patch: Patch): { token: string } {
    const token = `u${++this.next}`;
    const entry: QueuedApply = { patch, queuedAt: wallNow(), editor: new DebuggerEditor(), state: 'queued' };
    this.queue.set(token, entry);
    setImmediate(() => this.execute(entry, true));
    return { token };
  }

  progress({ token, answer }: ProgressRequest): EditProgress {
    const entry = this.queue.get(token);
    if (!entry) return { error: `no update ${token} is being applied` };
    if (answer) entry.editor.answered(answer.seq, answer.result);
    // No turn came (paused, or a loop that never yields): apply it here, the in-process way.
    if (entry.state === 'queued' && wallNow() - entry.queuedAt > QUEUE_LIMIT_MS) this.execute(entry, false);
    if (entry.state === 'done') {
      this.queue.delete(token);
      return { state: 'done', report: entry.report! };
    }
    const edit = entry.editor.pendingEdit();
    return edit ? { state: 'edit', ...edit } : { state: entry.state };
  }

  private execute(entry: QueuedApply, throughDebugger: boolean): void {
    if (entry.state !== 'queued') return;
    entry.state = 'running';
    entry.report = throughDebugger ? entry.editor.run(() => this.applyNow(entry.patch)) : this.applyNow(entry.patch);
    entry.state = 'done';
  }
}
