// One update transaction: every script of a patch is applied, or none is. The steps:
//   1. check each script's baseline hash against what V8 runs (stale → nothing applied);
//   2. apply each script with V8 LiveEdit; on a refusal, restore the ones already applied and
//      report why (a check-only patch dry-runs every script instead and changes nothing);
//   3. run the module steps of each script (re-evaluated definitions, new declarations, state
//      transformers, migrations; moduleSteps.ts); if one throws, undo the steps and restore every
//      script, and report the step;
//   4. verify V8 now holds the new text of each applied script, and that existing closures of
//      functions the server marked as risky run it (V8 can answer Ok and leave them on old code).
import type { Activation, ChangedFunction, IdleCondition, Patch, PatchReport, ScriptPatch, ScriptReport, StaleClosure } from '../../common/patch';
import { hashText } from '../../common/patch';
import { findStaleClosures } from './closures';
import { compileUncalledClosures, newTransaction } from './uncalledClosures';
import { InProcessSession, isError } from './inspectorSession';
import { runSteps, type Undo } from './moduleSteps';
import { bodiesFirstTexts, twoStepVia } from '../../common/twoStepTexts';
import type { ModuleScopes } from './scopes';
import { atOrBefore, offsetAt, textBetween } from '../../common/positions';
import { captureLiveStack, LiveFrame } from './stack';
import { debuggerEditor, type DebuggerEditor, type SetScriptSourceResult } from './debuggerEditor';
import { now } from './clock';


interface Prepared {
  patch: ScriptPatch;
  scriptId: string;
  oldRunning: string;
  newRunning: string;
  /**
   * The text in between a `bodiesFirst` patch has reached, its second LiveEdit still to make: it is
   * made last, after every step that can fail, because an undo cannot bring back a closure that
   * edit leaves apart from the script (decision 053); from the text in between, the undo is exact.
   */
  deferred?: string;
}

/**
 * A LiveEdit the transaction makes (never a dry run): `code` is the canonical running text the
 * script is to run. Who makes it is the driver's choice (`runEdits`, or a debugger one call at a
 * time, debuggerEditor.ts `SteppedApply`): the transactions are written as generators that yield
 * each edit and go on with V8's answer, so the same code runs in one synchronous call or across
 * the debugger's calls while the program is paused.
 */
export interface EditRequest {
  file: string;
  scriptId: string;
  code: string;
  /** Keep the scope accessor's spelling as V8 holds it (see `ScriptPatch.accessorAfter`). */
  keepAccessor: boolean;
  /** No function of the script is nested in another (`ScriptPatch.flat`). */
  flat?: boolean;
}

/** A transaction that yields its LiveEdits and returns `T`. */
export type EditSteps<T> = Generator<EditRequest, T, SetScriptSourceResult>;

/** Runs `steps` to the end in one synchronous call, making each edit now (`makeEdit`). */
export function runEdits<T>(session: InProcessSession, steps: EditSteps<T>): T {
  newTransaction();
  let next = steps.next();
  while (!next.done) next = steps.next(makeEdit(session, next.value));
  return next.value;
}

/**
 * `explain: false` skips finding which functions are active when V8 refuses (a dry run per
 * async candidate): a pending update's retries already know, and must stay cheap.
 */
export function applyPatch(session: InProcessSession, patch: Patch, options: { explain?: boolean; scopes?: ModuleScopes } = {}): PatchReport {
  return runEdits(session, applyPatchSteps(session, patch, options));
}

export function* applyPatchSteps(session: InProcessSession, patch: Patch, { explain = true, scopes }: { explain?: boolean; scopes?: ModuleScopes } = {}): EditSteps<PatchReport> {
  const reports: ScriptReport[] = [];
  const prepared: Prepared[] = [];
  const started = now();
  const finish = (ok: boolean): PatchReport => ({
    id: patch.id,
    ok,
    scripts: reports,
    blockedMs: now() - started,
  });

  // 1. Baselines: V8's own copy of each script is what runs, so it is what the patch must match.
  for (const script of patch.scripts) {
    const running = session.runningText(script.file);
    if (!running) {
      reports.push({ file: script.file, outcome: 'not-loaded', reason: 'The program has not loaded this file.' });
      continue;
    }
    const currentHash = hashText(running.code);
    if (currentHash !== script.baseHash) {
      reports.push({
        file: script.file,
        outcome: 'rejected',
        reason: 'The running code is not the version this update was computed from (stale baseline); nothing was applied.',
        currentHash,
      });
      continue;
    }
    if (running.code === script.code && !script.steps?.length) {
      reports.push({ file: script.file, outcome: 'unchanged', currentHash });
      continue;
    }
    prepared.push({ patch: script, scriptId: running.scriptId, oldRunning: running.code, newRunning: script.code });
    reports.push({ file: script.file, outcome: 'applied', currentHash });
  }
  const notLoaded = reports.filter((r) => r.outcome === 'not-loaded').length;
  if (reports.some((r) => r.outcome === 'rejected') || notLoaded === reports.length) {
    return abandon(reports, finish);
  }

  const stack = captureLiveStack();
  const done: Prepared[] = [];
  const refuse = function* (p: Prepared, result: SetScriptSourceResult): EditSteps<PatchReport> {
    const report = reportFor(reports, p.patch.file);
    report.v8Status = result.status;
    report.outcome = 'rejected';
    report.reason = explainRefusal(result);
    if (explain) report.activations = findActivations(session, p, stack, result.status);
    return (yield* undoApplied(done, reports, finish, { when: 'another file of the update was refused', what: `The update was refused for ${p.patch.file}` })).failed;
  };

  // 2a. Only a check: V8 tries every script without changing anything (compile errors, activeness).
  if (patch.dryRun) {
    let refused = false;
    for (const p of prepared) {
      const result = dryRun(session, p.patch.file, p.scriptId, p.newRunning);
      const report = reportFor(reports, p.patch.file);
      report.v8Status = result.status;
      if (result.status !== 'Ok') {
        refused = true;
        report.outcome = 'rejected';
        report.reason = explainRefusal(result);
        report.activations = findActivations(session, p, stack, result.status);
      }
    }
    if (refused) return abandon(reports, finish);
    for (const r of reports) if (r.outcome === 'applied') r.outcome = 'applicable';
    return finish(true);
  }

  // 2b. Apply. V8 applies one script entirely or not at all, and a LiveEdit of a large script is
  // slow (it grows faster than the script), so there is no separate dry run: on a refusal the
  // scripts already applied are restored. Nothing else runs in between (this is one synchronous
  // evaluate), so a restore meets the program exactly as the patch found it.
  for (const p of prepared) {
    if (p.oldRunning === p.newRunning) continue; // only steps to run (a re-initialization)
    // Two LiveEdits when the server says so (`ScriptPatch.twoStep`). If V8 refuses the first
    // step, the whole text goes in one, as without it. The accessor's spelling changes in the last
    // LiveEdit, or in one of its own after the others (`ScriptPatch.accessorAfter`).
    const keepAccessor = p.patch.accessorAfter === true;
    const via = twoStepVia(p.patch.twoStep, p.oldRunning, p.newRunning, p.patch.functions);
    const halfway = via !== undefined && (yield* edit(p, via, keepAccessor)).status === 'Ok';
    if (halfway && p.patch.twoStep === 'bodiesFirst') {
      p.deferred = via;
      done.push(p);
      continue;
    }
    const failure = yield* finishEdit(p, keepAccessor);
    if (!failure) {
      reportFor(reports, p.patch.file).v8Status = 'Ok';
      done.push(p);
      continue;
    }
    // A script left halfway (its first step, or all but the accessor, applied) is restored with the others.
    if (halfway || failure.applied) done.push(p);
    return yield* refuse(p, failure.result);
  }

  // 3. Module steps, in the order of the patch's scripts. A throw undoes everything.
  const undos: Undo[] = [];
  for (const p of prepared) {
    if (!p.patch.steps?.length) continue;
    const report = reportFor(reports, p.patch.file);
    const result = scopes
      ? runSteps(scopes, p.patch.file, p.patch.steps, { code: p.deferred ?? p.newRunning, scriptId: p.scriptId })
      : ({ ok: false, failure: { ...p.patch.steps[0]!, error: 'the runtime cannot reach module scopes here' } } as const);
    if (result.ok) {
      undos.push(result.undo);
      report.steps = result.ran;
      if (result.migrated.length) report.migrated = result.migrated;
      continue;
    }
    for (const undo of undos.reverse()) undo();
    const { kind, label, line, error } = result.failure;
    report.stepFailure = { kind, label, line, error };
    report.outcome = 'rejected';
    report.reason = `${stepNoun(kind, label)} threw ${error}; the update was undone and the program runs the version it ran before.`;
    const { failed, restoredAll } = yield* undoApplied(done, reports, finish, { when: 'a step of the update threw', what: 'A step of the update threw' });
    if (restoredAll) {
      // V8 matches functions through a text diff in the restore too, and may take a changed
      // function for a new one there (seen: a method added above another one): its existing
      // closures then keep the new code. Say so rather than claim the old version runs.
      const kept = restoredButStale(session, done);
      if (kept.length > 0) failed.error = `A step of the update threw and the update was undone, but V8 left ${kept.join(', ')} on the new code in existing closures: the program now runs a mix of versions; restart it.`;
    }
    return failed;
  }

  // 3b. The second LiveEdit of each `bodiesFirst` script, last (see `Prepared.deferred`).
  for (const p of done) {
    if (p.deferred === undefined) continue;
    const failure = yield* finishEdit(p, p.patch.accessorAfter === true);
    if (!failure) {
      reportFor(reports, p.patch.file).v8Status = 'Ok';
      p.deferred = undefined;
      continue;
    }
    for (const undo of undos.reverse()) undo();
    if (failure.applied) p.deferred = undefined; // all but the accessor: restored from the new text
    return yield* refuse(p, failure.result);
  }

  // 4. Verify: V8 holds the new text, and the existing closures of risky functions run it.
  for (const p of prepared) {
    const report = reportFor(reports, p.patch.file);
    report.verified = session.runningText(p.patch.file)?.code === p.newRunning;
    report.currentHash = hashText(p.newRunning);
    // A function a step re-made holds a new closure; its old one stays reachable only through
    // the step's undo record until the transaction ends, so it is not looked for.
    const remade = new Set(p.patch.steps?.filter((s) => s.remakes !== undefined && report.steps?.includes(s.label)).map((s) => s.remakes));
    // Closures an earlier update left apart from the script run the texts it left them on.
    const checks = p.patch.functions
      .filter((fn) => fn.closureRisk && !remade.has(fn.name))
      .flatMap((fn) => [textBetween(p.oldRunning, fn.oldStart, fn.oldEnd), ...(fn.apartTexts ?? [])].map((oldText) => ({ function: fn.name, reason: fn.closureRisk!, oldText, scriptId: p.scriptId })));
    const stale = mergedByFunction(findStaleClosures(session, checks));
    if (stale.length > 0) report.staleClosures = stale;
  }
  return finish(reports.every((r) => r.outcome === 'applied' || r.outcome === 'unchanged' || r.outcome === 'not-loaded'));
}

/** One entry per function, its counts added (a function may be checked for several texts). */
function mergedByFunction(stale: StaleClosure[]): StaleClosure[] {
  const out = new Map<string, StaleClosure>();
  for (const s of stale) {
    const known = out.get(s.function);
    out.set(s.function, known ? { ...known, count: known.count + s.count } : s);
  }
  return [...out.values()];
}

/** After restoring `restored`, the changed functions whose existing closures still run their new text. */
function restoredButStale(session: InProcessSession, restored: Prepared[]): string[] {
  const out: string[] = [];
  for (const p of restored) {
    const checks = p.patch.functions
      .filter((fn) => fn.newStart && fn.newEnd)
      .map((fn) => ({ function: fn.name, reason: 'restore', oldText: textBetween(p.newRunning, fn.newStart!, fn.newEnd!), scriptId: p.scriptId }))
      // A closure V8 left apart in the second step of `bodiesFirst` runs the text in between.
      .concat(p.patch.twoStep === 'bodiesFirst' ? bodiesFirstTexts(p.oldRunning, p.newRunning, p.patch.functions).map((t) => ({ function: t.name, reason: 'restore', oldText: t.text, scriptId: p.scriptId })) : [])
      .filter((c, i, all) => !p.oldRunning.includes(c.oldText) && all.findIndex((o) => o.oldText === c.oldText) === i);
    for (const stale of findStaleClosures(session, checks)) out.push(`\`${stale.function}\` (${stale.count})`);
  }
  return out;
}

function stepNoun(kind: string, label: string): string {
  switch (kind) {
    case 'transformer':
      return `The state transformer ${label}`;
    case 'migration':
      return `The migration of ${label}`;
    case 'declaration':
      return `The new declaration ${label}`;
    case 'reinit':
      return `Re-initializing ${label}`;
    default:
      return `Re-evaluating ${label}`;
  }
}

/** Marks every script that would have been applied as not applied, because another one failed. */
function abandon(reports: ScriptReport[], finish: (ok: boolean) => PatchReport): PatchReport {
  for (const r of reports) {
    if (r.outcome === 'applied') {
      r.outcome = 'rejected';
      r.reason ??= 'Not applied: another file of the same update was refused, and updates are all or nothing.';
    }
  }
  return finish(false);
}

function reportFor(reports: ScriptReport[], file: string): ScriptReport {
  return reports.find((r) => r.file === file)!;
}

/**
 * Makes `p`'s script run its new text from where it is (the old text, or the text in between),
 * the accessor's spelling in an edit of its own when the patch says so. Undefined when V8 took it;
 * else V8's answer, and whether all but the accessor went in (the script is then not as it was).
 */
function* finishEdit(p: Prepared, keepAccessor: boolean): EditSteps<{ result: SetScriptSourceResult; applied: boolean } | undefined> {
  let result = yield* edit(p, p.newRunning, keepAccessor);
  const applied = result.status === 'Ok';
  if (applied && keepAccessor) result = yield* edit(p, p.newRunning);
  return result.status === 'Ok' ? undefined : { result, applied };
}

/**
 * Puts back every script already applied (newest first) and reports the update as not applied;
 * a script that could not be put back is reported as applied, never as unchanged.
 */
function* undoApplied(
  done: Prepared[],
  reports: ScriptReport[],
  finish: (ok: boolean) => PatchReport,
  cause: { when: string; what: string },
): EditSteps<{ failed: PatchReport; restoredAll: boolean }> {
  const unrestored: Prepared[] = [];
  for (const undo of [...done].reverse()) if (!(yield* restore(undo))) unrestored.push(undo);
  const failed = abandon(reports, finish);
  for (const u of unrestored) {
    const r = reportFor(reports, u.patch.file);
    r.outcome = 'applied';
    r.reason = `Applied, and could not be restored after ${cause.when}.`;
    r.currentHash = hashText(u.newRunning);
  }
  if (unrestored.length > 0) failed.error = `${cause.what}, and ${unrestored.map((u) => u.patch.file).join(', ')} could not be restored: the program now runs a mix of versions.`;
  return { failed, restoredAll: unrestored.length === 0 };
}

/**
 * Puts a script back to the text it ran before the patch. A two-step patch goes back the way it
 * came, through the same text in between: the single diff from the new text to the old has the
 * same flaw as the other way (in the e2e test, a transformer's lines above `login` made V8 leave
 * `login`'s closures on the new code when the transformer threw and the update was undone).
 */
function* restore(p: Prepared): EditSteps<boolean> {
  const via = p.deferred === undefined ? twoStepVia(p.patch.twoStep, p.oldRunning, p.newRunning, p.patch.functions) : undefined;
  if (via !== undefined) yield* edit(p, via);
  return (yield* edit(p, p.oldRunning)).status === 'Ok';
}

/** Makes the script of `p` run `code` (a canonical running text): an edit the driver makes. */
function* edit(p: Prepared, code: string, keepAccessor = false): EditSteps<SetScriptSourceResult> {
  return yield { file: p.patch.file, scriptId: p.scriptId, code, keepAccessor, flat: p.patch.flat === true };
}

/** Whether V8 would make `file`'s script run `code`; changes nothing, so this session asks. */
function dryRun(session: InProcessSession, file: string, scriptId: string, code: string): SetScriptSourceResult {
  return post(session, scriptId, session.liveEditText(scriptId, file, code), true);
}

/**
 * Makes an edit now: through the debugger making this transaction's edits (debuggerEditor.ts),
 * else in this session. A script this session changed before is stale in the debugger's session
 * (an edit there would start from the text the debugger knew): it goes on being edited here.
 */
export function makeEdit(session: InProcessSession, request: EditRequest): SetScriptSourceResult {
  if (!request.flat) compileUncalledClosures(session, [request.scriptId]);
  const scriptSource = session.liveEditText(request.scriptId, request.file, request.code, { keepAccessor: request.keepAccessor });
  const editor = session.changedHere.has(request.scriptId) ? undefined : debuggerEditor();
  if (editor) return editThroughDebugger(session, editor, request.file, request.scriptId, scriptSource);
  return editHere(session, request.scriptId, scriptSource);
}

/** The edit made by this session (the debugger's then sees the script as it was: `changedHere`). */
export function editHere(session: InProcessSession, scriptId: string, scriptSource: string): SetScriptSourceResult {
  const result = post(session, scriptId, scriptSource, false);
  if (result.status === 'Ok') session.changedHere.add(scriptId);
  return result;
}

function post(session: InProcessSession, scriptId: string, scriptSource: string, dryRun: boolean): SetScriptSourceResult {
  const result = session.post<SetScriptSourceResult>('Debugger.setScriptSource', { scriptId, scriptSource, dryRun });
  return isError(result) ? { status: 'InternalError', exceptionDetails: { text: result.error } } : result;
}

/**
 * The debugger's session makes the edit (runtime/src/debuggerEditor.ts); this session then reads
 * the scripts again, and what the script runs now decides when the debugger gave no answer.
 */
function editThroughDebugger(session: InProcessSession, editor: DebuggerEditor, file: string, scriptId: string, scriptSource: string): SetScriptSourceResult {
  const answer = editor.edit(scriptId, scriptSource);
  session.refresh();
  if (answer) return answer;
  // No answer in time: made, or not made at all (then this session makes it, as without a debugger).
  const now = session.post<{ scriptSource: string }>('Debugger.getScriptSource', { scriptId });
  if (isError(now)) return { status: 'InternalError', exceptionDetails: { text: `the debugger did not make the edit of ${file} in time` } };
  return now.scriptSource === scriptSource ? { status: 'Ok' } : editHere(session, scriptId, scriptSource);
}



function explainRefusal(result: SetScriptSourceResult): string {
  switch (result.status) {
    case 'BlockedByActiveFunction':
      return 'A changed function is running (on the call stack); the program keeps the old version.';
    case 'BlockedByActiveGenerator':
      return 'A changed async function or generator has a suspended activation; the program keeps the old version.';
    case 'BlockedByTopLevelEsModuleChange':
      return 'The top level of an ES module changed; V8 cannot patch that.';
    case 'CompileError': {
      const d = result.exceptionDetails;
      const where = d?.lineNumber !== undefined ? ` (line ${d.lineNumber + 1})` : '';
      return `The new code does not compile${where}: ${d?.exception?.description ?? d?.text ?? 'syntax error'}`;
    }
    default:
      return `V8 refused the update (${result.status ?? 'no status'}${result.exceptionDetails?.text ? `: ${result.exceptionDetails.text}` : ''}).`;
  }
}

/** Which changed functions are active, and where. */
function findActivations(session: InProcessSession, p: Prepared, stack: LiveFrame[], status: string | undefined): Activation[] {
  const script = p.patch;
  const activations: Activation[] = [];
  for (const frame of stack) {
    if (frame.file !== script.file) continue;
    const fn = innermostContaining(script.functions, frame);
    if (fn) activations.push({ function: fn.name, kind: 'stack', file: frame.file, line: frame.line, column: frame.column });
  }
  if (status === 'BlockedByActiveGenerator') {
    // V8 does not say which function is suspended: ask it once per candidate, with a text that
    // changes that function alone. Without new positions, every candidate is reported.
    for (const fn of script.functions) {
      if (!(fn.isAsync || fn.isGenerator) || activations.some((a) => a.function === fn.name)) continue;
      if (fn.newStart && fn.newEnd) {
        const alone =
          p.oldRunning.slice(0, offsetAt(p.oldRunning, fn.oldStart)) +
          textBetween(p.newRunning, fn.newStart, fn.newEnd) +
          p.oldRunning.slice(offsetAt(p.oldRunning, fn.oldEnd));
        if (dryRun(session, p.patch.file, p.scriptId, alone).status !== 'BlockedByActiveGenerator') continue;
      }
      activations.push({ function: fn.name, kind: 'suspended' });
    }
  }
  return activations;
}

function innermostContaining(functions: ChangedFunction[], frame: LiveFrame): ChangedFunction | undefined {
  let best: ChangedFunction | undefined;
  for (const fn of functions) {
    if (atOrBefore(fn.oldStart, frame) && atOrBefore(frame, fn.oldEnd) && (!best || atOrBefore(best.oldStart, fn.oldStart))) best = fn;
  }
  return best;
}


/**
 * Whether an async function or generator has an unfinished activation. V8 says so only when asked
 * to change that function: this dry-runs a text where it alone gains a space.
 */
export function probeSuspended(session: InProcessSession, fn: IdleCondition): boolean {
  const running = session.runningText(fn.file);
  if (!running) return false;
  const start = offsetAt(running.code, fn.start);
  const end = offsetAt(running.code, fn.end);
  const own = running.code.slice(start, end);
  // Before the closing brace of a block body; after the arrow of an expression body.
  const at = own.endsWith('}') ? end - 1 : own.includes('=>') ? start + own.indexOf('=>') + 2 : -1;
  if (at < 0) return false;
  const probe = running.code.slice(0, at) + ' ' + running.code.slice(at);
  return dryRun(session, fn.file, running.scriptId, probe).status === 'BlockedByActiveGenerator';
}
