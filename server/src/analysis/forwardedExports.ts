// `module.exports` given another function (npm bytes 1.0.0 → 2.1.0: `module.exports = function
// (size) {…}` became `module.exports = bytes;` with `function bytes(value, options)` below;
// path-to-regexp 0.1.9 → 0.1.10: `function pathtoRegexp` renamed `pathToRegexp`). Every importer
// holds the function `module.exports` was; a fresh start would give them the new one. The new
// function is a new top-level declaration (declarations.ts: a binding in the program's global
// scope), and the old one is gone from the text, so no LiveEdit reaches it. So the old function
// first takes, under its old head, a body that forwards each call to the new binding (a
// `bodiesFirst` update, decision 053): whoever holds it calls the new function from then on, and
// a later save that changes the new function reaches them too, through the same binding.
import type { FileFunctions, FunctionInfo } from './functions';
import type { TopLevelStatement } from './topLevel';

export interface ForwardedExport {
  /** The function `module.exports` held (in the running text). */
  old: FunctionInfo;
  /** The name of the function the new text gives it, declared by the update. */
  next: string;
  /** The old function's new text: its new parameters, a body that calls `next`. */
  text: string;
}

/**
 * The forwarding `running → saved` needs, when the running text's `module.exports = …` gives it a
 * function the patch no longer has (`goneFromPatch`), and the saved text's gives it a function
 * declared anew (`declared`) of the same kind (not async, not a generator: a call's result would
 * differ).
 */
export function forwardedExport(running: FileFunctions, saved: FileFunctions, goneFromPatch: readonly FunctionInfo[], declared: readonly string[]): ForwardedExport | undefined {
  const before = exportsStatement(running.topLevel);
  const after = exportsStatement(saved.topLevel);
  if (!before || !after || before.source === after.source) return undefined;
  const next = /^module\.exports\s*=\s*([\p{L}$_][\p{L}\p{Nd}$_]*)\s*;?\s*$/u.exec(after.source)?.[1];
  if (!next || !declared.includes(next)) return undefined;
  const target = saved.functions.find((f) => f.path === next && f.kind === 'function' && !f.isAsync && !f.isGenerator);
  const old = heldFunction(running, before);
  if (!target || !old || old.isAsync || old.isGenerator || !goneFromPatch.some((f) => f.path === old.path) || (old.kind !== 'function' && old.kind !== 'function-expression')) return undefined;
  // Its plain parameters, so that its `length` is the new one's; any other list (defaults,
  // patterns, types) is not evaluated twice: none.
  const params = /^[\p{L}$_][\p{L}\p{Nd}$_]*(\s*,\s*[\p{L}$_][\p{L}\p{Nd}$_]*)*$/u.test(target.signature) ? target.signature : '';
  // Its closing brace stays on the old one's last line: V8's line diff then pairs that line up,
  // and maps the function's end (a body ending lines earlier put it inside a changed chunk: V8
  // took the function for a new one, whose existing closures kept the old code).
  const lines = '\n'.repeat(Math.max(0, old.end.line - old.start.line));
  return {
    old,
    next,
    text: `function (${params}) { return new.target ? Reflect.construct(${next}, arguments, new.target) : ${next}.apply(this, arguments);${lines}}`,
  };
}

/** The one `module.exports = …` statement of a text. */
function exportsStatement(statements: readonly TopLevelStatement[]): TopLevelStatement | undefined {
  const all = statements.filter((s) => s.key === 'module.exports =');
  return all.length === 1 ? all[0] : undefined;
}

/** The function a `module.exports = …` statement gives: a function declared by the name, or the function expression it is. */
function heldFunction(running: FileFunctions, statement: TopLevelStatement): FunctionInfo | undefined {
  const name = /^module\.exports\s*=\s*([\p{L}$_][\p{L}\p{Nd}$_]*)\s*;?\s*$/u.exec(statement.source)?.[1];
  if (name) return running.functions.find((f) => f.path === name && f.kind === 'function');
  if (!/^module\.exports\s*=\s*function\b/.test(statement.source)) return undefined;
  const inside = running.functions.filter((f) => f.startOffset >= statement.startOffset && f.endOffset <= statement.endOffset);
  return inside.find((f) => !inside.some((o) => o !== f && o.startOffset <= f.startOffset && f.endOffset <= o.endOffset));
}
