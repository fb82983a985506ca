// Node 24's V8 (13.6) kills the program after a LiveEdit when two closures of one function that
// had never run are called (docs/decisions/052, reproduced without Live Update). LiveEdit gives
// every closure of an unchanged function the isolate's shared "many closures" feedback cell, and a
// cell of its own only to a closure that is compiled; once one closure compiles the function, the
// next takes a fast path that writes into the shared cell, in read-only memory: SIGSEGV.
//
// So before a LiveEdit of a script, on such a V8, every closure of that script that has not run
// is compiled (without running it) and given its feedback vector, as calling it would have. The
// closures are found by a walk of the heap (`InProcessSession.heapObjects`) and compiled with two
// of V8's test intrinsics, made available for one `new Function` at its first use.
import * as v8 from 'node:v8';
import { isError, type InProcessSession } from './inspectorSession';

/** V8 13 (Node 24) and later; Node 22's V8 12.4 keeps that cell writable and survives. */
const affected = Number(process.versions.v8.split('.')[0]) >= 13;

type Compiler = (functions: unknown[], scriptIds: string[]) => number;

let compiler: Compiler | null | undefined;

/** The compiling function, made once; null when this Node does not offer the intrinsics. */
function compilerOf(): Compiler | null {
  if (compiler !== undefined) return compiler;
  compiler = null;
  try {
    v8.setFlagsFromString('--allow-natives-syntax');
    compiler = new Function(
      'functions',
      'scriptIds',
      `let compiled = 0;
      const toText = Function.prototype.toString;
      for (let i = 0; i < functions.length; i++) {
        const f = functions[i];
        let id;
        try { id = String(%FunctionGetScriptId(f)); } catch { continue; }
        if (!scriptIds.includes(id)) continue;
        let text;
        try { text = toText.call(f); } catch { continue; }
        if (text.includes('eval')) continue;
        try { %EnsureFeedbackVectorForFunction(f); compiled++; } catch {}
      }
      return compiled;`,
    ) as Compiler;
  } catch {
    compiler = null;
  } finally {
    try {
      v8.setFlagsFromString('--no-allow-natives-syntax');
    } catch {
      // The flag stays: nothing the program does depends on it.
    }
  }
  return compiler;
}

/**
 * Scripts walked in the transaction under way. Its LiveEdits follow each other with no code of
 * the program in between (one synchronous call, or a paused program's calls), so the closures a
 * walk compiled stay compiled and a second LiveEdit of the script (two steps, the accessor's own)
 * needs no second walk.
 */
const walked = new Set<string>();

/** A transaction begins (transaction.ts `runEdits`, a paused program's `SteppedApply`). */
export function newTransaction(): void {
  walked.clear();
}

/**
 * Compiles the closures of `scriptIds` that have not run, where V8 needs it (above); how many
 * closures of those scripts there are, or undefined when nothing was done.
 */
export function compileUncalledClosures(session: InProcessSession, ids: string[]): number | undefined {
  const scriptIds = ids.filter((id) => !walked.has(id));
  if (!affected || scriptIds.length === 0) return undefined;
  const compile = compilerOf();
  if (!compile) return undefined;
  const functions = session.heapObjects(Function.prototype);
  if (isError(functions)) return undefined;
  const compiled = compile(functions, scriptIds);
  for (const id of scriptIds) walked.add(id);
  return compiled;
}
