// Builds a script that keeps the running top level exactly and takes only the changed functions
// from the new version. Used where the top level must not change: an ES module (V8 refuses any
// change to a module's top-level text) and tsc-built JavaScript (only what the edit touched may be
// replaced; the rest stays byte for byte what runs, so the program's source map stays right).
import type { FileChanges } from './changes';

export interface Spliced {
  code: string;
  /** Whether every function of the new version got in (an added top-level function cannot). */
  complete: boolean;
  /**
   * How far the running script's lines are from the saved file's, at most (0: every function is on
   * the same line in both, so breakpoints bind right).
   */
  lineDrift: number;
}

export function spliceFunctions(runningText: string, newText: string, changes: FileChanges): Spliced {
  // Outermost changed functions only: a nested change travels inside its parent's new text.
  const changed = changes.changed
    .filter((c) => !changes.changed.some((o) => o !== c && o.before.startOffset <= c.before.startOffset && c.before.endOffset <= o.before.endOffset))
    .sort((a, b) => a.before.startOffset - b.before.startOffset);
  let code = '';
  let cursor = 0;
  let lineShift = 0;
  let lineDrift = 0;
  for (const { before, after } of changed) {
    const replacement = newText.slice(after.startOffset, after.endOffset);
    lineDrift = Math.max(lineDrift, Math.abs(after.start.line - (before.start.line + lineShift)));
    code += runningText.slice(cursor, before.startOffset) + replacement;
    lineShift += lineCount(replacement) - lineCount(runningText.slice(before.startOffset, before.endOffset));
    cursor = before.endOffset;
  }
  code += runningText.slice(cursor);
  // Past the last splice, what the top level added or removed shows in the total line count.
  lineDrift = Math.max(lineDrift, Math.abs(lineCount(newText) - lineCount(code)));
  const inside = (offset: number) => changed.some((c) => c.after.startOffset <= offset && offset < c.after.endOffset);
  const complete = changes.added.every((fn) => inside(fn.startOffset)) && changes.removed.every((fn) => changed.some((c) => c.before.startOffset <= fn.startOffset && fn.endOffset <= c.before.endOffset));
  return { code, complete, lineDrift };
}

function lineCount(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
