// Closures V8 keeps apart from a script: when a LiveEdit takes a changed function for a new one,
// its existing closures stay on the code they had and no later LiveEdit of the script reaches
// them. Two updates leave such closures: one whose runtime check found closures on old code
// (LU006), and a `bodiesFirst` one, whose unmatched closures keep the new body (decision 053).
// What they run is remembered per function, so each later change of it has the runtime look for
// them again (changes.ts `strandedBy`, `ChangedFunction.apartTexts`) instead of saying "applied"
// while they still run what they ran.
import type { ChangedFunction, ScriptPatch, StaleClosure } from '../../../common/patch';
import { textBetween } from '../../../common/positions';
import { bodiesFirstTexts } from '../../../common/twoStepTexts';
import type { FileChanges } from './changes';

/** Per function path, the text its closures left apart by this update run. */
export function apartAfter(changes: FileChanges, running: string, script: ScriptPatch, apartPaths: readonly string[], stale: readonly StaleClosure[]): Map<string, string> {
  const out = new Map<string, string>();
  const byName = (name: string): string | undefined => changes.changed.find((c) => c.after.displayName === name)?.after.path;
  for (const s of stale) {
    const fn = script.functions.find((f) => f.name === s.function);
    const path = byName(s.function);
    if (fn && path) out.set(path, textBetween(running, fn.oldStart, fn.oldEnd));
  }
  if (apartPaths.length > 0 && script.twoStep === 'bodiesFirst') {
    const apart = new Set(apartPaths);
    const functions = script.functions.filter((f: ChangedFunction) => apart.has(byName(f.name) ?? ''));
    for (const t of bodiesFirstTexts(running, script.code, functions)) {
      const path = byName(t.name);
      if (path) out.set(path, t.text);
    }
  }
  return out;
}
