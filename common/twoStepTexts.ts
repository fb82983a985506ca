// The text in between of an update applied in two LiveEdits (`ScriptPatch.twoStep`). V8 matches
// old and new functions through a text diff, and one diff over top-level and function changes
// together can make it take a changed function for a new one (leaving its existing closures on
// old code). Two diffs, each over one kind of change, avoid that; which one goes first depends on
// where the diffs' chunks fall, which the server predicts (server/src/analysis/liveEditOrder.ts).
// Shared so that the server predicts on the very texts the runtime applies.
import type { ChangedFunction, ScriptPatch } from './patch';

/** The order of a two-step update (`ScriptPatch.twoStep`). */
export type TwoStepOrder = NonNullable<ScriptPatch['twoStep']>;
import { offsetAt } from './positions';

interface Range {
  oldStart: number;
  oldEnd: number;
  newStart: number;
  newEnd: number;
}

function ranges(oldRunning: string, newRunning: string, functions: readonly ChangedFunction[]): Range[] {
  return functions
    .filter((fn) => fn.newStart && fn.newEnd)
    .map((fn) => ({ oldStart: offsetAt(oldRunning, fn.oldStart), oldEnd: offsetAt(oldRunning, fn.oldEnd), newStart: offsetAt(newRunning, fn.newStart!), newEnd: offsetAt(newRunning, fn.newEnd!) }));
}

/**
 * `newRunning` with the old text of every changed function that is in it put back: the update's
 * top-level change alone (the first step when the top level goes first).
 */
export function topLevelOnly(oldRunning: string, newRunning: string, functions: readonly ChangedFunction[]): string {
  return replaced(newRunning, oldRunning, ranges(oldRunning, newRunning, functions).map((r) => ({ start: r.newStart, end: r.newEnd, withStart: r.oldStart, withEnd: r.oldEnd })));
}

/**
 * `oldRunning` with the new text of every changed function put in: the update's function changes
 * alone (the first step when the functions go first). Functions the update adds or removes come
 * with the top level, in the second step.
 */
export function functionsOnly(oldRunning: string, newRunning: string, functions: readonly ChangedFunction[]): string {
  return replaced(oldRunning, newRunning, ranges(oldRunning, newRunning, functions).map((r) => ({ start: r.oldStart, end: r.oldEnd, withStart: r.newStart, withEnd: r.newEnd })));
}

/** `base` with each outermost range replaced by its counterpart in `other`. */
function replaced(base: string, other: string, all: { start: number; end: number; withStart: number; withEnd: number }[]): string {
  const outermost = all.filter((r) => !all.some((o) => o !== r && o.start <= r.start && r.end <= o.end)).sort((a, b) => a.start - b.start);
  let code = '';
  let at = 0;
  for (const r of outermost) {
    code += base.slice(at, r.start) + other.slice(r.withStart, r.withEnd);
    at = r.end;
  }
  return code + base.slice(at);
}

/** The text in between for a two-step patch (undefined: one step). */
export function twoStepVia(order: TwoStepOrder | undefined, oldRunning: string, newRunning: string, functions: readonly ChangedFunction[]): string | undefined {
  if (!order) return undefined;
  const via = order === 'topLevelFirst' ? topLevelOnly(oldRunning, newRunning, functions) : functionsOnly(oldRunning, newRunning, functions);
  return via === oldRunning || via === newRunning ? undefined : via;
}
