// Type blanking of a TypeScript save without blanking the whole file: when the edit lies inside
// one function's body, only that function's new source is blanked (by amaro, in a wrapper that
// parses the way the function did in the file) and put into the previous running text. Blanking
// is position for position and local to the tokens it blanks, so the result equals what blanking
// the whole file gives (test/server/incrementalBlanking.test.ts checks it on random edits); any
// doubt falls back to the whole file. Stripping a 5,000-line file costs amaro about 35 ms, a
// function well under one.
import { assembleTypeScriptRunningText, blankedPartOf, type TypeStripper } from '../../../common/runningText';
import type { FileFunctions } from '../analysis/functions';
import { changedRegion, enclosingBodies, WRAPPERS } from '../analysis/incremental';

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
  const region = changedRegion(previous.source, source);
  if (!region) return undefined;
  const delta = source.length - previous.source.length;
  // The innermost function whose body holds the edit; blanking it in its first wrapper suffices
  // (a wrapper only makes the function parse as the kind it is).
  const index = enclosingBodies(previous.functions.functions, region)[0];
  if (index === undefined) return undefined;
  const fn = previous.functions.functions[index]!;
  const wrapper = WRAPPERS[fn.kind][0]!;
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
