// The update policies for active code (`Patch.whenActive`, `Patch.whenIdle`) around the all-or-
// nothing transaction: `reject` is the transaction alone; `defer` (and `restartFrame`, which the
// extension completes through the debugger) applies what is not active now and leaves the rest
// pending (pending.ts), and `when … idle` waits whole until the named functions are inactive.
import * as path from 'node:path';
import { hashText, type Activation, type Patch, type PatchReport, type ScriptReport } from '../../common/patch';
import type { InProcessSession } from './inspectorSession';
import type { ModuleScopes } from './scopes';
import { splitUpdate } from './partial';
import { atOrBefore } from '../../common/positions';
import type { PendingUpdates } from './pending';
import { captureLiveStack } from './stack';
import { applyPatch, applyPatchSteps, probeSuspended, runEdits, type EditSteps } from './transaction';
import { now } from './clock';

/** Rounds of "apply the rest, find what else is active" before the whole update waits. */
const SPLIT_ROUNDS = 4;

export function applyUpdate(session: InProcessSession, pending: PendingUpdates, patch: Patch, scopes?: ModuleScopes): PatchReport {
  return runEdits(session, applyUpdateSteps(session, pending, patch, scopes));
}

/** `applyUpdate` as a transaction that yields its LiveEdits (transaction.ts `EditSteps`). */
export function* applyUpdateSteps(session: InProcessSession, pending: PendingUpdates, patch: Patch, scopes?: ModuleScopes): EditSteps<PatchReport> {
  if (patch.dryRun) return applyPatch(session, patch, { scopes });
  // The newest update of a file decides: what waited for that file is dropped, never applied later.
  for (const script of patch.scripts) pending.replace(script.file, `a newer update of ${path.basename(script.file)} replaced it`);
  const deferring = patch.whenActive === 'defer' || patch.whenActive === 'restartFrame';
  if (patch.whenIdle?.length && patch.scripts.length === 1) {
    const busy = busyIdleFunctions(session, patch);
    if (busy.length > 0) return waitWhole(session, pending, patch, busy, busy.map((a) => a.function));
  }
  const report = yield* applyPatchSteps(session, patch, { scopes });
  const script = report.scripts[0];
  if (report.ok || !deferring || patch.scripts.length !== 1 || !script || !blockedByActivity(script)) return report;
  // Module steps (transformers, migrations, re-evaluated definitions) change state that the
  // deferred functions would read in its old form: such an update is never split, it waits whole.
  if (patch.scripts[0]!.steps?.length) return waitWhole(session, pending, patch, script.activations ?? [], undefined, report.blockedMs);
  return yield* deferActive(session, pending, patch, script, report.blockedMs, scopes);
}

function blockedByActivity(script: ScriptReport): boolean {
  return script.outcome === 'rejected' && (script.v8Status === 'BlockedByActiveFunction' || script.v8Status === 'BlockedByActiveGenerator');
}

/** Applies the groups that are not active, keeps the rest pending; all of it waits if it must. */
function* deferActive(session: InProcessSession, pending: PendingUpdates, patch: Patch, refused: ScriptReport, costMs: number, scopes?: ModuleScopes): EditSteps<PatchReport> {
  const whole = patch.scripts[0]!;
  const running = session.runningText(whole.file);
  const activations: Activation[] = [...(refused.activations ?? [])];
  const blocked = new Set<number>();
  const block = (list: Activation[] | undefined) => {
    for (const a of list ?? []) whole.functions.forEach((f, i) => f.name === a.function && blocked.add(i));
  };
  block(refused.activations);
  for (let round = 0; running && blocked.size > 0 && round < SPLIT_ROUNDS; round++) {
    const split = splitUpdate(running.code, whole.code, whole.functions, blocked);
    if (!split) break;
    const now = yield* applyPatchSteps(session, { ...patch, scripts: [{ ...whole, code: split.code, functions: split.applied }] }, { scopes });
    const script = now.scripts[0];
    if (now.ok && script) {
      script.pending = pending.add(patch, { file: whole.file, baseHash: hashText(split.code), code: whole.code, functions: split.deferred }, activations, undefined, costMs);
      script.reason = `Applied except ${list(script.pending.functions)}, which ${script.pending.functions.length === 1 ? 'is' : 'are'} active and will follow when ${script.pending.functions.length === 1 ? 'it is' : 'they are'} not.`;
      return now;
    }
    if (!script || !blockedByActivity(script)) break;
    const before = blocked.size;
    block(script.activations);
    activations.push(...(script.activations ?? []));
    if (blocked.size === before) break;
  }
  return waitWhole(session, pending, patch, activations, undefined, costMs);
}

/** Nothing is applied now; the whole update is pending. The baseline is checked first. */
function waitWhole(session: InProcessSession, pending: PendingUpdates, patch: Patch, activations: Activation[], waitingFor?: string[], costMs = 0): PatchReport {
  const whole = patch.scripts[0]!;
  const running = session.runningText(whole.file);
  const started = now();
  if (!running || hashText(running.code) !== whole.baseHash) {
    // Not loaded or stale: the transaction says so precisely (and changes nothing).
    return applyPatch(session, { ...patch, dryRun: true });
  }
  const info = pending.add(patch, whole, activations, waitingFor, costMs);
  const who = waitingFor?.length ? waitingFor : [...new Set(activations.map((a) => a.function))];
  const report: ScriptReport = {
    file: whole.file,
    outcome: 'pending',
    reason: `Waiting: ${who.length ? list(who) : 'a changed function'} ${who.length === 1 ? 'is' : 'are'} active; the update applies when ${who.length === 1 ? 'it is' : 'they are'} not.`,
    activations,
    currentHash: whole.baseHash,
    pending: info,
  };
  return { id: patch.id, ok: false, scripts: [report], blockedMs: now() - started };
}

/** The `when … idle` functions that are active now: on the stack, or suspended (asked of V8). */
function busyIdleFunctions(session: InProcessSession, patch: Patch): Activation[] {
  const stack = captureLiveStack();
  const busy: Activation[] = [];
  for (const c of patch.whenIdle ?? []) {
    const frame = stack.find((f) => f.file === c.file && atOrBefore(c.start, f) && atOrBefore(f, c.end));
    if (frame) busy.push({ function: c.name, kind: 'stack', file: frame.file, line: frame.line, column: frame.column });
    else if ((c.isAsync || c.isGenerator) && probeSuspended(session, c)) busy.push({ function: c.name, kind: 'suspended' });
  }
  return busy;
}

function list(names: string[]): string {
  return names.map((n) => `\`${n}\``).join(', ');
}
