// V8 matches old and new functions through a text diff. When the text right above a changed
// function changed too (new lines, a block of comments), the changed region can run across the
// function's first line, and V8 takes it for a new function: it answers Ok and keeps existing
// closures on the old code (found by the bad-input goldens: 8 or more new lines, or a change of
// over 800 characters, right above an edited function). Such functions are marked as a closure
// risk, so the runtime checks their live closures after applying and the report tells the truth.
import type { FileChanges } from './changes';
import type { FileFunctions, FunctionInfo } from './functions';

/** The closure risk's reason; a patch with such a function is applied top level first (`ScriptPatch.topLevelFirst`). */
export const GAP_RISK = 'the text right above it changed too';

export function withGapRisk(changes: FileChanges, before: FileFunctions, beforeText: string, after: FileFunctions, afterText: string): FileChanges {
  if (!changes.changed.some((c) => !c.closureRisk)) return changes;
  return {
    ...changes,
    changed: changes.changed.map((c) =>
      c.closureRisk || gapAbove(before.functions, beforeText, c.before) === gapAbove(after.functions, afterText, c.after) ? c : { ...c, closureRisk: GAP_RISK },
    ),
  };
}

/** The text between the end of the nearest function that ends before `fn` and `fn`'s start. */
function gapAbove(functions: FunctionInfo[], text: string, fn: FunctionInfo): string {
  let start = 0;
  for (const f of functions) if (f.endOffset <= fn.startOffset && f.endOffset > start) start = f.endOffset;
  return text.slice(start, fn.startOffset);
}

/**
 * Whether an update goes in two LiveEdits, top level first (`ScriptPatch.topLevelFirst`): when its
 * top level changed as well as functions. One diff over both has left functions on old code with
 * no sign V8 could give: below changed text (the gap risk above), and after a removed top-level
 * declaration (bytes 2.5.0 → 3.0.0 among the npm releases: `format` kept its old code, verified and
 * "Ok"). In two steps the second diff changes function bodies only, which V8 maps reliably.
 */
export function topLevelFirst(changes: FileChanges): boolean {
  return changes.changed.length > 0 && (changes.rawTopLevelChanged || changes.changed.some((c) => c.closureRisk === GAP_RISK));
}
