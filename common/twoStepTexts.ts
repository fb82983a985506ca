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

/** The changed functions that are in the new text, by offsets. */
function ranges(oldRunning: string, newRunning: string, functions: readonly ChangedFunction[]): Range[] {
  return functions
    .filter((fn) => fn.newStart && fn.newEnd)
    .map((fn) => ({ oldStart: offsetAt(oldRunning, fn.oldStart), oldEnd: offsetAt(oldRunning, fn.oldEnd), newStart: offsetAt(newRunning, fn.newStart!), newEnd: offsetAt(newRunning, fn.newEnd!) }));
}

/** Each function that goes in under its old head: its old range, and its new text (from the new text, or its `forwardText`). */
function newTexts(oldRunning: string, newRunning: string, functions: readonly ChangedFunction[]): { name: string; oldStart: number; oldEnd: number; text: string }[] {
  return functions
    .filter((fn) => (fn.newStart && fn.newEnd) || fn.forwardText !== undefined)
    .map((fn) => ({
      name: fn.name,
      oldStart: offsetAt(oldRunning, fn.oldStart),
      oldEnd: offsetAt(oldRunning, fn.oldEnd),
      text: fn.forwardText ?? newRunning.slice(offsetAt(newRunning, fn.newStart!), offsetAt(newRunning, fn.newEnd!)),
    }));
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
 * its existing closures take the new code. A function that became an arrow keeps its old head too,
 * with the arrow's parameters and body (see `underOldHead`). One with no `(` of its own before its
 * body otherwise (an arrow's single parameter) goes in whole, as in `functionsOnly`.
 */
export function bodiesOnly(oldRunning: string, newRunning: string, functions: readonly ChangedFunction[]): string {
  return replaced(
    oldRunning,
    '',
    newTexts(oldRunning, newRunning, functions).map((f) => {
      const kept = underOldHead(oldRunning, f.oldStart, f.oldEnd, f.text);
      return { start: kept?.start ?? f.oldStart, end: f.oldEnd, text: kept?.text ?? f.text };
    }),
  );
}

/**
 * Each changed function's text in `bodiesOnly`'s text in between (its old head, its new text from
 * the `(` on): what a closure V8 then leaves apart from the script runs. An undo back to the old
 * text cannot reach such a closure, so the runtime looks for it (transaction.ts).
 */
export function bodiesFirstTexts(oldRunning: string, newRunning: string, functions: readonly ChangedFunction[]): { name: string; text: string }[] {
  return newTexts(oldRunning, newRunning, functions).map((f) => {
    const kept = underOldHead(oldRunning, f.oldStart, f.oldEnd, f.text);
    return { name: f.name, text: kept ? oldRunning.slice(f.oldStart, kept.start) + kept.text : f.text };
  });
}

/**
 * What replaces a changed function's old text (`oldStart`–`oldEnd`) from `start` on, under its old
 * head, given its new text: the new text from its `(` on; or, for a `function` that became an
 * arrow (`function (a) {…}` → `(a, b) => {…}`, `a => a + 1`), its parameters and body as a
 * function's (`(a, b) {…}`, `(a) { return (a + 1); }`). Called, such a function does what the
 * arrow does, unless the arrow reads what only an arrow takes from around it (`this`, `arguments`,
 * `super`, `new.target`): then there is none.
 */
function underOldHead(oldRunning: string, oldStart: number, oldEnd: number, next: string): { start: number; text: string } | undefined {
  const oldOpen = plainOpen(oldRunning, oldStart, oldEnd);
  if (oldOpen === undefined) return undefined;
  const newOpen = plainOpen(next, 0, next.length);
  if (newOpen !== undefined) return { start: oldOpen + 1, text: next.slice(newOpen + 1) };
  const arrow = arrowParts(next);
  if (!arrow || !/^function(\s+[\w$]+)?\s*$/.test(oldRunning.slice(oldStart, oldOpen)) || /\b(this|arguments|super)\b|\bnew\s*\.\s*target\b/.test((arrow.params + arrow.body).replace(WHOLE_LINE_COMMENT, ''))) return undefined;
  return { start: oldOpen, text: `(${arrow.params}) ${arrow.block ? arrow.body : `{ return (${arrow.body}); }`}` };
}

/** A line that is a comment and nothing else (a word in it is no code). */
const WHOLE_LINE_COMMENT = /^[ \t]*\/\/.*$/gm;

/** An arrow function's parameters and body, by its text (not `async`: that changes what a call returns). */
function arrowParts(text: string): { params: string; body: string; block: boolean } | undefined {
  let params: string;
  let rest: string;
  const single = /^([\p{L}$_][\p{L}\p{Nd}$_]*)\s*=>/u.exec(text);
  if (single) {
    params = single[1]!;
    rest = text.slice(single[0].length);
  } else {
    if (!text.startsWith('(')) return undefined;
    let depth = 0;
    let close = -1;
    for (let i = 0; i < text.length && close < 0; i++) {
      if (text[i] === '(') depth++;
      else if (text[i] === ')' && --depth === 0) close = i;
      else if (/['"`/]/.test(text[i]!)) return undefined; // A string or regex among the parameters: not worth the risk.
    }
    const arrowAt = close < 0 ? null : /^\s*=>/.exec(text.slice(close + 1));
    if (!arrowAt) return undefined;
    params = text.slice(1, close);
    rest = text.slice(close + 1 + arrowAt[0].length);
  }
  const body = rest.trim();
  return { params, body, block: body.startsWith('{') };
}

/**
 * `paramsOpen`, for a function that is no arrow: its parameters' `)` is followed by its body's `{`
 * (no `=>` before it). An arrow's `(` is no head to keep: what it has from there on is no body
 * a `function` head can take.
 */
function plainOpen(text: string, start: number, end: number): number | undefined {
  const open = paramsOpen(text, start, end);
  if (open === undefined) return undefined;
  const brace = text.indexOf('{', open);
  const arrow = text.indexOf('=>', open);
  return brace >= 0 && brace < end && (arrow < 0 || arrow >= end || brace < arrow) ? open : undefined;
}

/** The offset of a function's parameters' `(`, when what comes before it is a plain head (keywords, a name). */
function paramsOpen(text: string, start: number, end: number): number | undefined {
  const open = text.indexOf('(', start);
  if (open < 0 || open >= end) return undefined;
  return /^[\w$\s*#]*$/.test(text.slice(start, open)) ? open : undefined;
}

/** `base` with each outermost range replaced by its counterpart in `other` (or by a text of its own). */
function replaced(base: string, other: string, all: ({ start: number; end: number } & ({ withStart: number; withEnd: number } | { text: string }))[]): string {
  const outermost = all.filter((r) => !all.some((o) => o !== r && o.start <= r.start && r.end <= o.end)).sort((a, b) => a.start - b.start);
  let code = '';
  let at = 0;
  for (const r of outermost) {
    code += base.slice(at, r.start) + ('text' in r ? r.text : other.slice(r.withStart, r.withEnd));
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
