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

/**
 * `oldRunning` with every changed function's new text from its parameters' `(` on (`bodiesFirst`):
 * the old text up to the `(`, where V8 starts a function, is kept, so V8 matches each function and
 * its existing closures take the new code. A function with no `(` of its own before its body (an
 * arrow's single parameter) goes in whole, as in `functionsOnly`.
 */
export function bodiesOnly(oldRunning: string, newRunning: string, functions: readonly ChangedFunction[]): string {
  return replaced(
    oldRunning,
    newRunning,
    ranges(oldRunning, newRunning, functions).map((r) => {
      const oldOpen = paramsOpen(oldRunning, r.oldStart, r.oldEnd);
      const newOpen = paramsOpen(newRunning, r.newStart, r.newEnd);
      return oldOpen === undefined || newOpen === undefined
        ? { start: r.oldStart, end: r.oldEnd, withStart: r.newStart, withEnd: r.newEnd }
        : { start: oldOpen + 1, end: r.oldEnd, withStart: newOpen + 1, withEnd: r.newEnd };
    }),
  );
}

/**
 * Each changed function's text in `bodiesOnly`'s text in between (its old head, its new text from
 * the `(` on): what a closure V8 then leaves apart from the script runs. An undo back to the old
 * text cannot reach such a closure, so the runtime looks for it (transaction.ts).
 */
export function bodiesFirstTexts(oldRunning: string, newRunning: string, functions: readonly ChangedFunction[]): { name: string; text: string }[] {
  return functions
    .filter((fn) => fn.newStart && fn.newEnd)
    .map((fn) => {
      const [r] = ranges(oldRunning, newRunning, [fn]);
      const oldOpen = paramsOpen(oldRunning, r!.oldStart, r!.oldEnd);
      const newOpen = paramsOpen(newRunning, r!.newStart, r!.newEnd);
      const text = oldOpen === undefined || newOpen === undefined ? newRunning.slice(r!.newStart, r!.newEnd) : oldRunning.slice(r!.oldStart, oldOpen + 1) + newRunning.slice(newOpen + 1, r!.newEnd);
      return { name: fn.name, text };
    });
}

/** The offset of a function's parameters' `(`, when what comes before it is a plain head (keywords, a name). */
function paramsOpen(text: string, start: number, end: number): number | undefined {
  const open = text.indexOf('(', start);
  if (open < 0 || open >= end) return undefined;
  return /^[\w$\s*#]*$/.test(text.slice(start, open)) ? open : undefined;
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
  const via = order === 'topLevelFirst' ? topLevelOnly(oldRunning, newRunning, functions) : order === 'bodiesFirst' ? bodiesOnly(oldRunning, newRunning, functions) : functionsOnly(oldRunning, newRunning, functions);
  return via === oldRunning || via === newRunning ? undefined : via;
}
