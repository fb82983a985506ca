// Calls the runtime inside a debuggee through js-debug. Through its CDP proxy when it offers one:
// `Runtime.callFunctionOn` on the runtime's object with the argument as a value, which leaves no
// text behind in the program (common/runtimeCall.ts says why that matters). Otherwise one DAP
// `evaluate` per call, which js-debug turns into `Runtime.evaluate` in the target's default
// context (also while paused); its `clipboard` context returns the full, unquoted string result
// (other contexts truncate it).
import * as vscode from 'vscode';
import { runtimeCallExpression, type RuntimeMethod } from '../../common/patch';
import { RuntimeCaller } from '../../common/runtimeCall';
import { cdpProxy, type CdpProxy } from './cdpProxy';

/** How long a target may take to answer before the call counts as failed. */
const EVALUATE_TIMEOUT_MS = 15_000;
/**
 * How long a failed call waits to learn whether its session is ending: VS Code cancels the
 * requests of a session that ends (a worker that exited) before it reports the session ended.
 */
const END_GRACE_MS = 1_000;

export async function callRuntime<T>(
  session: vscode.DebugSession,
  method: RuntimeMethod,
  argument: unknown,
  { timeoutMs = EVALUATE_TIMEOUT_MS, viaEvaluate = false }: { timeoutMs?: number; viaEvaluate?: boolean } = {},
): Promise<T> {
  const argJson = JSON.stringify(argument);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    if (timeoutMs > 0) timer = setTimeout(() => reject(new Error(`${session.name} did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  const end = whenEnded(session);
  let answer: string;
  try {
    const gone = end.promise.then((): never => {
      throw new SessionEndedError(session.name);
    });
    answer = await Promise.race([answerOf(session, method, argJson, viaEvaluate), timeout, gone]);
  } catch (e) {
    if (!(e instanceof SessionEndedError) && (await endsWithin(session, END_GRACE_MS))) throw new SessionEndedError(session.name);
    throw e;
  } finally {
    clearTimeout(timer);
    end.dispose();
  }
  const parsed = JSON.parse(answer) as T | { error: string };
  if (parsed && typeof parsed === 'object' && 'error' in parsed && parsed.error === 'runtime-missing') {
    throw new RuntimeMissingError(session.name);
  }
  return parsed as T;
}

const callers = new WeakMap<CdpProxy, RuntimeCaller>();

/** The runtime's JSON answer, through the CDP proxy when there is one, else through `evaluate`. */
async function answerOf(session: vscode.DebugSession, method: RuntimeMethod, argJson: string, viaEvaluate: boolean): Promise<string> {
  const proxy = viaEvaluate ? undefined : await cdpProxy(session);
  if (proxy) {
    let caller = callers.get(proxy);
    if (!caller) callers.set(proxy, (caller = new RuntimeCaller(proxy)));
    return caller.call(method, argJson);
  }
  const expression = runtimeCallExpression(method, argJson);
  const response = (await session.customRequest('evaluate', { expression, context: 'clipboard' })) as { result: string };
  // The clipboard context serializes a string result as a JSON string literal; unwrap it.
  const result = JSON.parse(response.result) as string;
  return typeof result === 'string' ? result : JSON.stringify(result);
}

export class RuntimeMissingError extends Error {
  constructor(target: string) {
    super(`the Live Update runtime is not loaded in ${target} (was it started before the extension, or with liveUpdate.enabled off?)`);
  }
}

/** The session of a call ended before it answered: the program or thread is gone, not slow. */
export class SessionEndedError extends Error {
  constructor(target: string) {
    super(`${target} ended`);
  }
}

/** Debug sessions that have ended (ids), and the calls waiting on the ones that have not. */
const ended = new Set<string>();
const endWaiters = new Map<string, Set<() => void>>();
let watching: vscode.Disposable | undefined;

function watchEnds(): void {
  watching ??= vscode.debug.onDidTerminateDebugSession((s) => {
    ended.add(s.id);
    for (const wake of endWaiters.get(s.id) ?? []) wake();
    endWaiters.delete(s.id);
  });
}

/**
 * Resolves once `session` has ended (at once when it already has). Disposed when no longer
 * awaited: a session answers thousands of calls, and each would otherwise leave a waiter behind.
 */
function whenEnded(session: vscode.DebugSession): { promise: Promise<void>; dispose(): void } {
  watchEnds();
  if (ended.has(session.id)) return { promise: Promise.resolve(), dispose: () => undefined };
  let wake!: () => void;
  const promise = new Promise<void>((resolve) => (wake = resolve));
  const waiters = endWaiters.get(session.id) ?? new Set();
  waiters.add(wake);
  endWaiters.set(session.id, waiters);
  return {
    promise,
    dispose: () => {
      waiters.delete(wake);
      if (waiters.size === 0 && endWaiters.get(session.id) === waiters) endWaiters.delete(session.id);
    },
  };
}

async function endsWithin(session: vscode.DebugSession, ms: number): Promise<boolean> {
  const end = whenEnded(session);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([end.promise.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
  } finally {
    clearTimeout(timer);
    end.dispose();
  }
}
