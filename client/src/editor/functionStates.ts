// What the editor shows of each function an update touched in this window: its state in each
// running program, from the update reports (DidUpdate) and the updates waiting now (PendingChanged).
// Keyed by file and by the function's display name, the name reports and pending updates use.
import * as vscode from 'vscode';
import type { Activation, PendingUpdate } from '../../../common/patch';
import { supersedesFailure, type LiveState } from '../../../common/liveStates';
import type { TargetInfo, TargetPending, UpdateReport } from '../../../common/protocol';

/** One function in one program, as the newest report that changed it left it. */
export interface TargetFunctionState {
  targetId: string;
  targetName: string;
  /** The newest update of it that this program took. */
  live?: { version?: number; time: number; milliseconds: number; restores?: number; /** Applied in part (stale closures, …). */ note?: string };
  /** Set when the newest update of it was refused (the program runs `live`, or its loaded text). */
  rejected?: { reason: string; time: number };
}

/** An update of the function waiting in one program, with the activations of this function that hold it. */
export interface WaitingState {
  targetName: string;
  pending: PendingUpdate;
  activations: Activation[];
}

export interface FunctionState {
  name: string;
  targets: TargetFunctionState[];
  waiting: WaitingState[];
  /** What to show first: waiting now, else not applied in some program, else live. */
  status: LiveState;
}

export class FunctionStates implements vscode.Disposable {
  /** file → function name → target id → state. */
  private readonly byFile = new Map<string, Map<string, Map<string, TargetFunctionState>>>();
  private waiting: readonly TargetPending[] = [];
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;

  addReport(report: UpdateReport): void {
    const functions = this.byFile.get(report.file) ?? new Map<string, Map<string, TargetFunctionState>>();
    // A newer save the program took (or that had nothing to apply) makes every refusal of the
    // file's functions there stale, not only of the functions it names.
    let cleared = false;
    for (const perTarget of functions.values()) {
      for (const [targetId, state] of perTarget) {
        if (!state.rejected || !supersedesFailure(report, targetId)) continue;
        cleared = true;
        if (state.live) perTarget.set(targetId, { targetId, targetName: state.targetName, live: state.live });
        else perTarget.delete(targetId);
      }
    }
    for (const [name, perTarget] of functions) if (perTarget.size === 0) functions.delete(name);
    if (report.outcome === 'no-change' || report.functions.length === 0) {
      if (functions.size === 0) this.byFile.delete(report.file);
      if (cleared) this.emitter.fire();
      return;
    }
    for (const t of report.targets) {
      if (t.outcome !== 'applied' && t.outcome !== 'rejected') continue; // pending: see `waiting`
      // An applied update may leave some functions waiting; those are not live yet.
      const held = new Set(t.report?.scripts.flatMap((s) => s.pending?.functions ?? []) ?? []);
      for (const name of report.functions) {
        if (t.outcome === 'applied' && held.has(name)) continue;
        const perTarget = functions.get(name) ?? new Map<string, TargetFunctionState>();
        const previous = perTarget.get(t.targetId);
        const state: TargetFunctionState =
          t.outcome === 'applied'
            ? {
                targetId: t.targetId,
                targetName: t.targetName,
                live: { time: report.time, milliseconds: report.milliseconds, ...(t.version !== undefined ? { version: t.version } : {}), ...(report.restores !== undefined ? { restores: report.restores } : {}), ...(t.reason ? { note: t.reason } : {}) },
              }
            : { ...previous, targetId: t.targetId, targetName: t.targetName, rejected: { reason: t.reason ?? report.summary, time: report.time } };
        perTarget.set(t.targetId, state);
        functions.set(name, perTarget);
      }
    }
    if (functions.size === 0) {
      this.byFile.delete(report.file);
      if (cleared) this.emitter.fire();
      return;
    }
    this.byFile.set(report.file, functions);
    this.emitter.fire();
  }

  setPending(targets: readonly TargetPending[]): void {
    this.waiting = targets;
    this.emitter.fire();
  }

  /** Programs that ended take their states with them: what they ran is no longer true of anything. */
  setTargets(targets: readonly TargetInfo[]): void {
    const live = new Set(targets.map((t) => t.id));
    let changed = false;
    for (const [file, functions] of this.byFile) {
      for (const [name, perTarget] of functions) {
        for (const id of perTarget.keys()) if (!live.has(id)) changed = perTarget.delete(id) || changed;
        if (perTarget.size === 0) functions.delete(name);
      }
      if (functions.size === 0) this.byFile.delete(file);
    }
    if (changed) this.emitter.fire();
  }

  /** The states of a file's functions, by display name (empty when no update touched it). */
  ofFile(file: string): Map<string, FunctionState> {
    const out = new Map<string, FunctionState>();
    const state = (name: string): FunctionState => {
      let s = out.get(name);
      if (!s) out.set(name, (s = { name, targets: [], waiting: [], status: 'live' }));
      return s;
    };
    for (const [name, perTarget] of this.byFile.get(file) ?? []) state(name).targets.push(...perTarget.values());
    for (const t of this.waiting) {
      for (const pending of t.pending) {
        if (pending.file !== file) continue;
        for (const name of pending.functions) state(name).waiting.push({ targetName: t.targetName, pending, activations: pending.activations.filter((a) => a.function === name) });
      }
    }
    for (const s of out.values()) s.status = s.waiting.length > 0 ? 'waiting' : s.targets.some((t) => t.rejected) ? 'notApplied' : 'live';
    return out;
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

/** `active in 2 frames`, `suspended at an await`, `until handle is idle`: why one waiting update waits. */
export function whyWaiting(w: WaitingState): string {
  const frames = w.activations.filter((a) => a.kind === 'stack').length;
  const suspended = w.activations.length - frames;
  const parts: string[] = [];
  if (frames > 0) parts.push(`active in ${frames} frame${frames === 1 ? '' : 's'}`);
  if (suspended > 0) parts.push(suspended === 1 ? 'suspended at an await' : `${suspended} suspended activations`);
  if (parts.length === 0 && w.pending.waitingFor?.length) parts.push(`until ${w.pending.waitingFor.join(', ')} ${w.pending.waitingFor.length === 1 ? 'is' : 'are'} idle`);
  if (parts.length === 0) parts.push(`waits with ${[...new Set(w.pending.activations.map((a) => a.function))].join(', ') || 'its group'}`);
  return parts.join(', ');
}
