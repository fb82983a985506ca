// Type blanking of a TypeScript save without blanking the whole file: when the edit lies inside
// one function's body, only that function's new source is blanked (by amaro, in a wrapper that
// parses the way the function did in the file) and put into the previous running text. Blanking
// is position for position and local to the tokens it blanks, so the result equals what blanking
// the whole file gives (test/server/incrementalBlanking.test.ts checks it on random edits); any
// doubt falls back to the whole file. Stripping a 5,000-line file costs amaro about 35 ms, a
// function well under one.
import { assembleTypeScriptRunningText, blankedPartOf, hasModuleSyntax, type TypeStripper } from '../../../common/runningText';
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
  const running = blankedPartOf(previous.running, file);
  if (running === undefined || running.length !== previous.source.length) return undefined;
  // The running text has top-level `const`s as `let \t` (common/runningText, topLevelConstAsLet),
  // a verdict over the whole file that the new file may not share (its scanner can give up on it):
  // put each `const` back from the source at its offset, and let the assembly decide again.
  const blanked = running.replace(/let \t/g, (match, at: number) => (previous.source.startsWith('const', at) ? 'const' : match));
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
  // A module (import/export in the file) is parsed with a module's stricter rules from its first
  // import/export on (a `const` without initializer is an error there, not in a script): the
  // function alone must be too, so it follows an `export {};`.
  const head = (hasModuleSyntax(source) ? 'export {};' : '') + wrapper[0];
  const tail = wrapper[1];
  let out: string;
  try {
    out = stripper().transformSync(head + text + tail, { mode: 'strip-only', filename: file }).code;
  } catch {
    return undefined; // It does not blank alone (a syntax error, say): the whole file decides.
  }
  if (out.length !== head.length + text.length + tail.length || !out.startsWith(head) || !out.endsWith(tail)) return undefined;
  const part = out.slice(head.length, out.length - tail.length);
  return assembleTypeScriptRunningText(blanked.slice(0, fn.startOffset) + part + blanked.slice(fn.endOffset), file);
}
