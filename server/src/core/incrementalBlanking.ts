// Type blanking of a TypeScript save without blanking the whole file: when the edit lies inside
// one function's body, only that function's new source is blanked (by amaro, in a wrapper that
// parses the way the function did in the file) and put into the previous running text. Blanking
// is position for position and local to the tokens it blanks, so the result equals what blanking
// the whole file gives (test/server/incrementalBlanking.test.ts checks it on random edits); any
// doubt falls back to the whole file. Stripping a 5,000-line file costs amaro about 35 ms, a
// function well under one.
import { assembleTypeScriptRunningText, blankedPartOf, type TypeStripper } from '../../../common/runningText';
import type { FileFunctions, FunctionInfo } from '../analysis/functions';

export interface PreviousSave {
  /** The source text of the previous save, and the running text it gave. */
  source: string;
  running: string;
  /** The functions of that running text (offsets equal the source's: blanking keeps positions). */
  functions: FileFunctions;
}

export function blankIncrementally(file: string, source: string, previous: PreviousSave, stripper: () => TypeStripper): string | undefined {
  if (/x$/.test(file)) return undefined; // .tsx: `<T>` and casts parse differently out of context.
  const blanked = blankedPartOf(previous.running, file);
  if (blanked === undefined || blanked.length !== previous.source.length) return undefined;
  const before = previous.source;
  let start = 0;
  const shorter = Math.min(before.length, source.length);
  while (start < shorter && before.charCodeAt(start) === source.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < shorter - start && before.charCodeAt(before.length - 1 - tail) === source.charCodeAt(source.length - 1 - tail)) tail++;
  const oldEnd = before.length - tail;
  const delta = source.length - before.length;
  const fn = innermostBodyAround(previous.functions.functions, start, oldEnd);
  if (!fn) return undefined;
  const wrapper = WRAPPERS[fn.kind];
  const text = source.slice(fn.startOffset, fn.endOffset + delta);
  let out: string;
  try {
    out = stripper().transformSync(wrapper[0] + text + wrapper[1], { mode: 'strip-only', filename: file }).code;
  } catch {
    return undefined; // It does not blank alone (a syntax error, say): the whole file decides.
  }
  if (out.length !== wrapper[0].length + text.length + wrapper[1].length || !out.startsWith(wrapper[0]) || !out.endsWith(wrapper[1])) return undefined;
  const part = out.slice(wrapper[0].length, out.length - wrapper[1].length);
  return assembleTypeScriptRunningText(blanked.slice(0, fn.startOffset) + part + blanked.slice(fn.endOffset), file);
}

/** How a function parses alone as it did in the file: as a declaration, an expression, a member. */
const WRAPPERS: Record<FunctionInfo['kind'], [string, string]> = {
  function: ['', ''],
  'function-expression': ['(', ')'],
  arrow: ['(', ')'],
  method: ['class __ {', '}'],
  getter: ['class __ {', '}'],
  setter: ['class __ {', '}'],
  constructor: ['class __ {', '}'],
};

/** The innermost function whose block body holds [start, end) without touching its braces. */
function innermostBodyAround(functions: FunctionInfo[], start: number, end: number): FunctionInfo | undefined {
  let found: FunctionInfo | undefined;
  for (const fn of functions) {
    if (fn.bodyStartOffset < 0 || fn.bodyStartOffset >= start || end > fn.endOffset - 1) continue;
    if (!found || fn.startOffset >= found.startOffset) found = fn;
  }
  return found;
}
