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

const GROUP = 'live-update-closure-check';

/** Returns, for each check, how many live closures still run the old text. */
export function findStaleClosures(session: InProcessSession, checks: ClosureCheck[]): StaleClosure[] {
  if (checks.length === 0) return [];
  try {
    const proto = session.post<{ result: { objectId?: string } }>('Runtime.evaluate', { expression: 'Function.prototype', objectGroup: GROUP });
    if (isError(proto) || !proto.result.objectId) return [];
    const all = session.post<{ objects: { objectId?: string } }>('Runtime.queryObjects', { prototypeObjectId: proto.result.objectId, objectGroup: GROUP });
    if (isError(all) || !all.objects.objectId) return [];
    // Variants: V8's text of a class member leaves out `static`.
    const texts = checks.map((c) => [c.oldText, c.oldText.replace(/^static\s+/, '')]);
    const matches = session.post<{ result: { value?: [number, number][] } }>('Runtime.callFunctionOn', {
      objectId: all.objects.objectId,
      functionDeclaration: MATCH.toString(),
      arguments: [{ value: texts }],
      returnByValue: true,
      objectGroup: GROUP,
    });
    if (isError(matches)) return [];
    const stale = new Map<number, number>();
    for (const [check, index] of matches.result.value ?? []) {
      const fn = session.post<{ result: { objectId?: string } }>('Runtime.callFunctionOn', {
        objectId: all.objects.objectId,
        functionDeclaration: 'function (i) { return this[i]; }',
        arguments: [{ value: index }],
        objectGroup: GROUP,
      });
      if (isError(fn) || !fn.result.objectId) continue;
      const props = session.post<{ internalProperties?: { name: string; value?: { value?: { scriptId?: string } } }[] }>('Runtime.getProperties', { objectId: fn.result.objectId, ownProperties: true });
      if (isError(props)) continue;
      const location = props.internalProperties?.find((p) => p.name === '[[FunctionLocation]]')?.value?.value;
      if (location?.scriptId && location.scriptId !== checks[check]!.scriptId) stale.set(check, (stale.get(check) ?? 0) + 1);
    }
    return [...stale].map(([i, count]) => ({ function: checks[i]!.function, count, reason: checks[i]!.reason }));
  } finally {
    session.post('Runtime.releaseObjectGroup', { objectGroup: GROUP });
  }
}

/** Runs in the program on the array of all functions: which ones have one of the old texts. */
function MATCH(this: unknown[], texts: string[][]): [number, number][] {
  const found: [number, number][] = [];
  const toText = Function.prototype.toString;
  for (let i = 0; i < this.length; i++) {
    let text: string;
    try {
      text = toText.call(this[i]);
    } catch {
      continue;
    }
    for (let c = 0; c < texts.length; c++) if (texts[c]!.includes(text)) found.push([c, i]);
  }
  return found;
}
