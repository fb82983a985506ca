// `eval` and the front ends' Evaluate Selection: an expression in one module's scope, in every
// target that runs the module (or one), a promise awaited. The runtime cannot wait inside a
// debugger's `evaluate`, so a promise comes back as a token the interpreter asks about again.
import * as path from 'node:path';
import type { EvaluateResult } from '../../../common/patch';
import type { ReplEvaluation, ReplLine, TargetEvaluation } from '../../../common/repl';
import { evaluateInModule } from '../core/targetPort';
import type { ReplHost } from './host';
import { displayPath, errorLine, line, textLines } from './format';
import { looksLikePath } from './modules';

/** How often and how long a promise is waited for. */
export const AWAIT_POLL_MS = 20;
export const AWAIT_LIMIT_MS = 10_000;

export async function evaluateIn(host: ReplHost, file: string, expression: string, modules: Map<string, string[]>, targetId?: string): Promise<ReplEvaluation> {
  const targets = host.port.targets().filter((t) => targetId === undefined || t.id === targetId);
  // A port that cannot list modules: every target is asked, and those without the module are left out.
  const runs = (id: string) => modules.get(id)?.includes(file) ?? true;
  const results = (
    await Promise.all(
      targets.filter((t) => runs(t.id)).map(async (t): Promise<TargetEvaluation | undefined> => {
        const result = await awaited(host, t.id, file, expression);
        if (!result.ok && !modules.has(t.id) && result.error.includes('is not a loaded module')) return undefined;
        return { targetId: t.id, targetName: t.name, ok: result.ok, text: result.ok ? result.value : result.error };
      }),
    )
  ).filter((r): r is TargetEvaluation => r !== undefined);
  const lines: ReplLine[] = [];
  if (targets.length === 0) lines.push(errorLine(targetId === undefined ? 'No program is running.' : `No running program is ${targetId}.`));
  else if (results.length === 0) lines.push(errorLine(`No running program has loaded ${displayPath(host.root, file)}.`));
  for (const r of results) {
    const indent = results.length > 1 ? '  ' : '';
    if (results.length > 1) lines.push(line(`${r.targetName}:`, 'heading'));
    lines.push(...(r.ok ? textLines(r.text, 'result', indent) : [errorLine(indent + r.text.split('\n')[0]!)]));
  }
  return { results, lines };
}

/** Evaluates, then asks again until a promise settles (or the limit passes). */
async function awaited(host: ReplHost, targetId: string, file: string, expression: string): Promise<EvaluateResult> {
  const deadline = Date.now() + AWAIT_LIMIT_MS;
  try {
    let result = await evaluateInModule(host.port, targetId, { file, expression, await: true });
    while (result.ok && result.pending !== undefined) {
      if (Date.now() >= deadline) return { ok: false, error: `still pending after ${AWAIT_LIMIT_MS / 1000} s: ${result.value}` };
      await new Promise((resolve) => setTimeout(resolve, AWAIT_POLL_MS));
      result = await evaluateInModule(host.port, targetId, { file, expression: '', token: result.pending });
    }
    return result;
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/** `eval [<module>] <expression>`: the module is the first word when it names one. */
export function evalTarget(rest: string, resolve: (word: string) => { file: string } | { error: string }, activeFile: string | undefined): { file: string; expression: string } | { error: string } {
  const match = /^(\S+)\s+([\s\S]+)$/.exec(rest);
  if (match) {
    const named = resolve(match[1]!);
    if ('file' in named) return { file: named.file, expression: match[2]! };
    // A word that can only be a path names a module that does not run: say so, not a SyntaxError.
    if (looksLikePath(match[1]!) && !/[()[\]{}'"`=+*;]/.test(match[1]!)) return named;
  }
  if (!rest) return { error: 'Usage: eval [<module>] <expression>' };
  if (activeFile) return { file: path.resolve(activeFile), expression: rest };
  return { error: 'Which module? Name it first: eval <module> <expression>' };
}
