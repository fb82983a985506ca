// How the server reaches running programs: one typed call of a runtime method (common/runtimeApi.ts)
// in one target. The language server relays it to the extension, or calls the runtime over the
// debugger's CDP connection itself; the command line and the tests call over their own inspector
// connection. The engine never knows which.
import type { EditProgress, EvaluateRequest, EvaluateResult, Patch, PatchReport } from '../../../common/patch';
import type { RestartFrameRequest, RestartFrameResult, TargetInfo } from '../../../common/reports';
import { isRuntimeError, type AnswerOf, type ArgumentOf, type RuntimeError, type RuntimeMethod } from '../../../common/runtimeApi';

export interface TargetPort {
  targets(): TargetInfo[];
  /**
   * Calls a runtime method in one target. Never rejects: a target that cannot be reached answers a
   * `RuntimeError` (`ended` when it ended before answering).
   */
  call<M extends RuntimeMethod>(targetId: string, method: M, argument: ArgumentOf<M>): Promise<AnswerOf<M> | RuntimeError>;
  /** Restarts a paused frame into new code (policy `restartFrame`); absent where there is no debugger. */
  restartFrame?(targetId: string, request: RestartFrameRequest): Promise<RestartFrameResult>;
  /** Whether the target signals changes of its pending updates itself (then nobody polls it). */
  listens?(targetId: string): boolean;
  /** Who hears those signals: a target's pending updates changed. */
  onSignal?(listener: (targetId: string) => void): void;
}

/** Why a patch has no report of the runtime's when its target ended first. */
const ENDED_DURING_UPDATE = 'the program ended during the update (it exited or was killed)';

/** Between asks while an update waits for the program's running event to end. */
const QUEUED_POLL_MS = 2;
/** How long a queued update is asked after (the runtime applies it within a second or so). */
const QUEUED_TIMEOUT_MS = 60_000;

/**
 * Delivers a patch: the runtime's report, or a report saying why it could not be delivered. An
 * update that came while the program ran its own code waits for that event to end
 * (runtime/src/atTurn.ts): its report is asked for until it comes.
 */
export async function applyPatch(port: TargetPort, targetId: string, patch: Patch): Promise<PatchReport> {
  const answer = await untilLanded(await port.call(targetId, 'apply', patch), (token) => port.call(targetId, 'applyProgress', { token }));
  if (!isRuntimeError(answer)) return answer;
  // Ended while the update was under way (a program killed, a worker that exited in it): it runs
  // no version now. Otherwise the call failed or timed out, and the runtime may or may not have
  // applied it: the report says what is known.
  return { id: patch.id, ok: false, scripts: [], blockedMs: 0, error: answer.ended ? ENDED_DURING_UPDATE : answer.error, ...(answer.ended ? { ended: true } : {}) };
}

/** The report of an `apply` answer, asked for with `progress` while the update is queued. */
export async function untilLanded(first: PatchReport | RuntimeError, progress: (token: string) => Promise<EditProgress | RuntimeError>): Promise<PatchReport | RuntimeError> {
  let answer = first;
  const deadline = Date.now() + QUEUED_TIMEOUT_MS;
  while (!isRuntimeError(answer) && answer.queued !== undefined) {
    await new Promise((resolve) => setTimeout(resolve, QUEUED_POLL_MS));
    const next = await progress(answer.queued);
    if (isRuntimeError(next) || 'error' in next) answer = { error: next.error };
    else if (next.state === 'done') answer = next.report;
    else if (Date.now() > deadline) answer = { error: `the update did not land within ${QUEUED_TIMEOUT_MS / 1000} s` };
  }
  return answer;
}

/** Evaluates in one module's scope in one target; a target that cannot be reached is a failed evaluation. */
export async function evaluateInModule(port: TargetPort, targetId: string, request: EvaluateRequest): Promise<EvaluateResult> {
  const answer = await port.call(targetId, 'evaluate', request);
  return isRuntimeError(answer) ? { ok: false, error: answer.error } : answer;
}
