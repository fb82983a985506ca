// Compares two versions of one file declaration by declaration: which functions changed, appeared
// or disappeared, and whether top-level code changed. This is the editor-agnostic core that the
// language server, the tests and (later) the command line share.
import type { ChangedFunction } from '../../../common/patch';
import { collectFunctions, type FileFunctions, type FunctionInfo, type SyntaxError } from './functions';

export interface FunctionChange {
  before: FunctionInfo;
  after: FunctionInfo;
  /** Sentences for changes in kind that matter to the user (sync→async, arrow→function, …). */
  notes: string[];
}

export interface FileChanges {
  changed: FunctionChange[];
  added: FunctionInfo[];
  removed: FunctionInfo[];
  topLevelChanged: boolean;
  syntaxErrors: SyntaxError[];
}

export function compareVersions(file: string, before: string, after: string): FileChanges {
  return compareCollected(collectFunctions(file, before), collectFunctions(file, after));
}

export function compareCollected(before: FileFunctions, after: FileFunctions): FileChanges {
  const oldByPath = new Map(before.functions.map((f) => [f.path, f]));
  const newPaths = new Set(after.functions.map((f) => f.path));
  const changed: FunctionChange[] = [];
  const added: FunctionInfo[] = [];
  for (const fn of after.functions) {
    const old = oldByPath.get(fn.path);
    if (!old) added.push(fn);
    else if (old.ownText !== fn.ownText) changed.push({ before: old, after: fn, notes: kindNotes(old, fn) });
  }
  return {
    changed,
    added,
    removed: before.functions.filter((f) => !newPaths.has(f.path)),
    topLevelChanged: before.topLevelText !== after.topLevelText,
    syntaxErrors: after.syntaxErrors,
  };
}

function kindNotes(before: FunctionInfo, after: FunctionInfo): string[] {
  const notes: string[] = [];
  if (before.isAsync !== after.isAsync) notes.push(after.isAsync ? 'became async' : 'is no longer async');
  if (before.isGenerator !== after.isGenerator) notes.push(after.isGenerator ? 'became a generator' : 'is no longer a generator');
  if (before.kind !== after.kind) notes.push(`changed from ${before.kind} to ${after.kind}`);
  return notes;
}

/** The functions whose old activations V8 will refuse to replace: changed and removed ones. */
export function patchFunctions(changes: FileChanges): ChangedFunction[] {
  const fromOld = (fn: FunctionInfo, name: string): ChangedFunction => ({
    name,
    oldStart: fn.start,
    oldEnd: fn.end,
    isAsync: fn.isAsync,
    isGenerator: fn.isGenerator,
  });
  return [
    ...changes.changed.map((c) => fromOld(c.before, c.after.displayName)),
    ...changes.removed.map((fn) => fromOld(fn, fn.displayName)),
  ];
}
