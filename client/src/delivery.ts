// Calls the runtime inside a debuggee through js-debug: one DAP `evaluate` per call, which
// js-debug turns into `Runtime.evaluate` in the target's default context (also while paused).
// The `clipboard` context returns the full, unquoted string result (other contexts truncate it).
import * as vscode from 'vscode';
import { runtimeCallExpression, type RuntimeMethod } from '../../common/patch';

/** How long a target may take to answer before the call counts as failed. */
const EVALUATE_TIMEOUT_MS = 15_000;

export async function callRuntime<T>(
  session: vscode.DebugSession,
  method: RuntimeMethod,
  argument: unknown,
  { timeoutMs = EVALUATE_TIMEOUT_MS }: { timeoutMs?: number } = {},
): Promise<T> {
  const expression = runtimeCallExpression(method, JSON.stringify(argument));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    if (timeoutMs > 0) timer = setTimeout(() => reject(new Error(`${session.name} did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    const response = (await Promise.race([
      session.customRequest('evaluate', { expression, context: 'clipboard' }),
      timeout,
    ])) as { result: string };
    // The clipboard context serializes a string result as a JSON string literal; unwrap it.
    let parsed = JSON.parse(response.result) as T | { error: string } | string;
    if (typeof parsed === 'string') parsed = JSON.parse(parsed) as T | { error: string };
    if (parsed && typeof parsed === 'object' && 'error' in parsed && parsed.error === 'runtime-missing') {
      throw new RuntimeMissingError(session.name);
    }
    return parsed as T;
  } finally {
    clearTimeout(timer);
  }
}

export class RuntimeMissingError extends Error {
  constructor(target: string) {
    super(`the Live Update runtime is not loaded in ${target} (was it started before the extension, or with liveUpdate.enabled off?)`);
  }
}
