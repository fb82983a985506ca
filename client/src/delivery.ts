// Calls the runtime inside a debuggee through js-debug. Through its CDP proxy when it offers one:
// `Runtime.callFunctionOn` on the runtime's object with the argument as a value, which leaves no
// text behind in the program (common/runtimeCall.ts says why that matters). Otherwise one DAP
// `evaluate` per call, which js-debug turns into `Runtime.evaluate` in the target's default
// context (also while paused); its `clipboard` context returns the full, unquoted string result
// (other contexts truncate it).
import * as vscode from 'vscode';
import { callTimeoutMs, isRuntimeError, runtimeCallExpressions, type AnswerOf, type ArgumentOf, type RuntimeError, type RuntimeMethod } from '../../common/runtimeApi';
import { RuntimeCaller } from '../../common/runtimeCall';
import { cdpProxy, type CdpProxy } from './cdpProxy';

/** Per session: the extension's calls through the proxy wait for this (`holdRuntimeCalls`). */
const held = new Map<string, Promise<unknown>>();

/**
 * Holds the session's calls through the proxy until `until` settles. After a top-frame edit V8
 * resumes with a step-in armed: a `callFunctionOn` sent then (any call of the runtime) is the first
 * function entered, the step stops in it, and the program answers nothing (restartFrame.ts).
 * Calls through `evaluate` are not held: those are the restart's own.
 */
export function holdRuntimeCalls(sessionId: string, until: Promise<unknown>): void {
  const gate: Promise<unknown> = until.catch(() => undefined).finally(() => held.get(sessionId) === gate && held.delete(sessionId));
  held.set(sessionId, gate);
}

/**
 * Calls a runtime method in a debug session: its answer, or the runtime's error. Rejects when the
 * session could not be asked (a timeout, js-debug's error) and with `RuntimeMissingError` when the
 * program has no runtime.
 */
export async function callRuntime<M extends RuntimeMethod>(
  session: vscode.DebugSession,
  method: M,
  argument: ArgumentOf<M>,
  { timeoutMs = callTimeoutMs(method), viaEvaluate = false }: { timeoutMs?: number; viaEvaluate?: boolean } = {},
): Promise<AnswerOf<M> | RuntimeError> {
  const argJson = JSON.stringify(argument);
  if (!viaEvaluate) await held.get(session.id);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    if (timeoutMs > 0) timer = setTimeout(() => reject(new Error(`${session.name} did not answer within ${timeoutMs / 1000} s (${method}${viaEvaluate ? ', through evaluate' : ''})`)), timeoutMs);
  });
  let answer: string;
  try {
    answer = await Promise.race([answerOf(session, method, argJson, viaEvaluate), timeout]);
  } finally {
    clearTimeout(timer);
  }
  const parsed = JSON.parse(answer) as AnswerOf<M> | RuntimeError;
  if (parsed && typeof parsed === 'object' && 'error' in parsed && parsed.error === 'runtime-missing') {
    throw new RuntimeMissingError(session.name);
  }
  return parsed;
}

/** `callRuntime`, for callers that want the answer: the runtime's error rejects as an Error. */
export async function askRuntime<M extends RuntimeMethod>(session: vscode.DebugSession, method: M, argument: ArgumentOf<M>, options?: { timeoutMs?: number; viaEvaluate?: boolean }): Promise<AnswerOf<M>> {
  const answer = await callRuntime(session, method, argument, options);
  if (isRuntimeError(answer)) throw new Error(answer.error);
  return answer;
}

const callers = new WeakMap<CdpProxy, RuntimeCaller>();
/** Names the pieces of each call made through `evaluate`. */
let evaluateCalls = 0;

/** The runtime's JSON answer, through the CDP proxy when there is one, else through `evaluate`. */
async function answerOf(session: vscode.DebugSession, method: RuntimeMethod, argJson: string, viaEvaluate: boolean): Promise<string> {
  const proxy = viaEvaluate ? undefined : await cdpProxy(session);
  if (proxy) {
    let caller = callers.get(proxy);
    if (!caller) callers.set(proxy, (caller = new RuntimeCaller(proxy)));
    return caller.call(method, argJson);
  }
  // A long argument goes first in pieces, one evaluate at a time (ARGUMENT_PIECE_CHARS).
  const expressions = runtimeCallExpressions(method, argJson, `${process.pid}.${++evaluateCalls}`);
  const expression = expressions.pop()!;
  for (const piece of expressions) await session.customRequest('evaluate', { expression: piece, context: 'clipboard' });
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
