// After V8 answered "Ok", checks that the existing closures of risky functions really run the new
// code. V8 leaves a closure on its old code when it cannot map the old function to the new one
// (see ChangedFunction.closureRisk); such a closure's location then points at a script V8 made
// for the old text, not at the patched script. This walks the heap (`Runtime.queryObjects`), so it
// runs only for functions the server marked as risky.
import type { StaleClosure } from '../../common/patch';
import { InProcessSession, isError } from './inspectorSession';

export interface ClosureCheck {
  function: string;
  reason: string;
  /** The function's text before the patch, as `Function.prototype.toString` returned it. */
  oldText: string;
  /** The patched script: a closure located anywhere else is stale. */
  scriptId: string;
}

/** Returns, for each check, how many live closures still run the old text. */
export function findStaleClosures(session: InProcessSession, checks: ClosureCheck[]): StaleClosure[] {
  if (checks.length === 0) return [];
  const functions = session.heapObjects(Function.prototype);
  if (isError(functions)) return [];
  // Variants: V8's text of a class member leaves out `static`.
  const texts = checks.map((c) => [c.oldText, c.oldText.replace(/^static\s+/, '')]);
  const toText = Function.prototype.toString;
  const stale = new Map<number, number>();
  for (const fn of functions) {
    let text: string;
    try {
      text = toText.call(fn);
    } catch {
      continue;
    }
    for (let c = 0; c < checks.length; c++) {
      if (!texts[c]!.includes(text)) continue;
      const location = session.functionLocation(fn);
      if (location && location.scriptId !== checks[c]!.scriptId) stale.set(c, (stale.get(c) ?? 0) + 1);
    }
  }
  return [...stale].map(([i, count]) => ({ function: checks[i]!.function, count, reason: checks[i]!.reason }));
}
