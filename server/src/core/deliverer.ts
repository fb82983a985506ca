// The deliverer: brings every target that runs a file to its saved text. Saves of one file go one
// after another (a queue per file); each is fanned out to the targets, each target's baseline is
// asked (cached by hash), the planner says what to send, the patch goes to the runtime, a stale
// baseline is asked again and the update planned once more, a paused frame is restarted when the
// policy says so, and what waits is handed to the pending tracker. The reporter words the outcome.
import * as path from 'node:path';
import type { PatchReport, PendingUpdate, ScriptReport } from '../../../common/patch';
import type { RestartFrameResult, TargetInfo } from '../../../common/reports';
import { strandedBy, type FileChanges } from '../analysis/changes';
import { remadeNames } from '../analysis/remadeFunctions';
import { apartAfter } from '../analysis/apartClosures';
import type { BaselineCache } from './baselines';
import type { PendingTracker } from './pendingTracker';
import type { RunningTexts } from './runningTexts';
import { analyze, assemble, type PatchPlan } from './planner';
import type { PolicySettings } from './policy';
import { deliveredOutcome, endedOutcome, heldOutcome, unreachableOutcome, type TargetOutcome } from './reporter';
import type { ScriptView } from './scriptView';
import { applyPatch, type TargetPort } from './targetPort';
import type { TypeVerdict } from './typeGatePort';

/** What one save needs, asked at most once however many targets run the file. */
export interface SaveInputs {
  /** The type verdict (asked only when some target's update got past every other check). */
  gate: () => Promise<TypeVerdict>;
  /** The view of the tsc-built JavaScript of the file, for a target that runs that instead. */
  built: () => ScriptView | null;
}

export class Deliverer {
  /** Saves of one file are processed one after another, in order. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private patchCounter = 0;
  /** Pending updates the client took over by restarting a frame: their cancellation is no news. */
  readonly restarted = new Set<string>();

  constructor(
    private readonly port: TargetPort,
    private readonly baselines: BaselineCache,
    private readonly pending: PendingTracker,
    private readonly policy: () => PolicySettings,
    private readonly texts: RunningTexts,
  ) {}

  /** A new patch id, unique in this server. */
  nextPatchId(): string {
    return `p${++this.patchCounter}`;
  }

  /**
   * Runs `work` after the file's earlier saves. The next save of the file also waits for what
   * `settled` of this one resolves (its type warnings, which compare with the text it leaves
   * accepted), but whoever awaits this save does not.
   */
  enqueue<T>(file: string, work: () => Promise<T>, settled: (outcome: T) => Promise<unknown> = async () => undefined): Promise<T> {
    const previous = this.queues.get(file) ?? Promise.resolve();
    const next = previous.then(work);
    const done = next.then(settled).catch(() => undefined);
    this.queues.set(file, done);
    void done.then(() => {
      if (this.queues.get(file) === done) this.queues.delete(file);
    });
    return next;
  }

  /** Every target brought to the saved text; undefined for a target that does not run the file. */
  deliver(file: string, view: ScriptView, inputs: SaveInputs): Promise<(TargetOutcome | undefined)[]> {
    return Promise.all(this.port.targets().map((target) => this.updateTarget(target, file, view, inputs)));
  }

  /** Brings one target to the saved text; undefined when it does not run the file at all. */
  async updateTarget(target: TargetInfo, file: string, view: ScriptView, inputs: SaveInputs, fresh = false): Promise<TargetOutcome | undefined> {
    let baseline = await this.baselines.get(target.id, view.running, { fresh });
    if (baseline === undefined && view.running === file) {
      // Not loaded as saved: a tsc-built program may run the file's compiled JavaScript instead.
      const other = inputs.built();
      if (!other) return undefined;
      view = { ...other, ...(view.whenIdle ? { whenIdle: view.whenIdle } : {}) };
      baseline = await this.baselines.get(target.id, view.running, { fresh });
    }
    if (baseline === undefined) return undefined; // The target has not loaded this file.
    if ('error' in baseline) return unreachableOutcome(target, baseline.error);
    const running = view.running;
    const analysis = analyze({ view, baseline, parse: (hash, text) => this.baselines.parse(running, hash, text) });
    if (analysis.kind === 'same') {
      // The save is what runs (it reverts an edit that waits): no update, but the waiting one of
      // an earlier save must not land after it. Issue 9: it did, and the program ran the reverted text.
      const waiting = this.pending.all().find((t) => t.targetId === target.id)?.pending.filter((p) => p.file === running).map((p) => p.id) ?? [];
      if (waiting.length) await this.pending.cancel(waiting, `a newer save of ${path.basename(file)} replaced it`);
      return undefined;
    }
    if (analysis.kind === 'nothing') return undefined;
    if (analysis.kind === 'held') return heldOutcome(target, analysis);
    const plan = assemble(analysis, await inputs.gate(), { ...this.policy(), newPatchId: () => this.nextPatchId() });
    if (plan.kind === 'held') return heldOutcome(target, plan);

    // The runtime records versions by hash: the texts they name are the server's to keep (decision 048).
    if (!plan.unchanged) for (const s of plan.patch.scripts) this.texts.put(s.code);
    const report = plan.unchanged ? unchangedReport(plan) : await applyPatch(this.port, target.id, plan.patch);
    if (report.ended) {
      this.baselines.forget(target.id, running);
      return endedOutcome(target, plan, report);
    }
    const script = report.scripts[0];
    if (!fresh && script && (script.outcome === 'not-loaded' || (script.outcome === 'rejected' && script.currentHash && script.currentHash !== baseline.hash))) {
      // The cached baseline was not what runs (the program reloaded the file?): ask, and redo once.
      this.baselines.forget(target.id, running);
      return this.updateTarget(target, file, view, inputs, true);
    }
    let pending = script?.pending;
    let restartedFrame: string | undefined;
    let restartedVersion: number | undefined;
    let restartFailure: string | undefined;
    // Only a frame the program is paused in is restarted; a running program's active functions,
    // and suspended activations, wait as with `defer`, and nothing is said of restarting them.
    if (pending && this.policy().whenActive === 'restartFrame' && pending.activations.some((a) => a.kind === 'stack')) {
      const attempt = await this.restartFrame(target, view, plan.changes, plan.code, script!, pending);
      if (attempt.ok) {
        restartedFrame = attempt.restarted;
        restartedVersion = attempt.version;
        pending = undefined;
      } else if (!attempt.running) restartFailure = attempt.reason;
    }
    if (restartedFrame) this.baselines.forget(target.id, running);
    else if (pending) {
      // Part or none of it runs: the runtime holds the rest. What runs is asked again next time,
      // and now when part of it ran: a text no one sent, which the version names.
      this.baselines.forget(target.id, running);
      if (script?.outcome === 'applied') await this.baselines.get(target.id, running, { fresh: true });
      this.pending.track(target, pending);
    } else if (report.ok) {
      const apart = script ? apartAfter(plan.changes, baseline.text, plan.patch.scripts[0]!, plan.apart, script.staleClosures ?? []) : undefined;
      this.baselines.remember(target.id, running, plan.hash, plan.code, plan.spliced ? undefined : plan.patchAfter, strandedBy(plan.changes, baseline.stranded, remadeNames(plan.remade, script?.steps), apart));
    }
    return deliveredOutcome(file, target, plan, { report, ...(restartedFrame ? { restartedFrame } : {}), ...(restartedVersion !== undefined ? { restartedVersion } : {}), ...(restartFailure ? { restartFailure } : {}), ...(pending ? { pending } : {}) });
  }

  /**
   * Policy `restartFrame`: the program is paused inside a changed function, so the client restarts
   * that frame into the new code through the debugger. Never for async functions or generators
   * (V8 cannot restart their frames) nor for a program that is running: those wait instead.
   */
  private async restartFrame(target: TargetInfo, view: ScriptView, changes: FileChanges, code: string, script: ScriptReport, pending: PendingUpdate): Promise<RestartFrameResult> {
    if (!this.port.restartFrame) return { ok: false, reason: 'no debugger can restart frames here', running: true };
    if (view.splice || view.toSource) return { ok: false, reason: 'frames are restarted only in files that run as written' };
    if (pending.waitingFor?.length) return { ok: false, reason: 'the update waits for idle functions, as asked' };
    if (pending.activations.some((a) => a.kind === 'suspended')) return { ok: false, reason: 'a suspended async function or generator cannot be restarted' };
    const deepest = pending.activations.filter((a) => a.kind === 'stack').at(-1);
    if (!deepest || deepest.line === undefined || !script.currentHash) return { ok: false, reason: 'no frame of it was found' };
    const fn = changes.changed.find((c) => c.after.displayName === deepest.function)?.before;
    if (fn && (fn.isAsync || fn.isGenerator)) return { ok: false, reason: `\`${deepest.function}\` is ${fn.isAsync ? 'an async function' : 'a generator'}, whose frame V8 cannot restart` };
    this.restarted.add(pending.id);
    const restart = this.port.restartFrame.bind(this.port);
    const request = { file: view.running, functionName: deepest.function, line: deepest.line, code, baseHash: script.currentHash, pendingId: pending.id };
    // No query of its pending updates meanwhile: it would never be answered (PendingTracker.quietWhile).
    const result = await this.pending
      .quietWhile(target.id, () => restart(target.id, request))
      .catch((e: unknown) => ({ ok: false as const, reason: e instanceof Error ? e.message : String(e) }));
    if (!result.ok) this.restarted.delete(pending.id);
    return result;
  }
}

/** A report for a patch that changes nothing V8 would see: the running text is already this. */
function unchangedReport(plan: PatchPlan): PatchReport {
  const { patch } = plan;
  return {
    id: patch.id,
    ok: true,
    blockedMs: 0,
    scripts: patch.scripts.map((s) => ({ file: s.file, outcome: 'unchanged', verified: true })),
  };
}
