// Compares two versions of one file declaration by declaration: which functions changed, appeared
// or disappeared, and whether top-level code changed. This is the editor-agnostic core that the
// language server, the tests and (later) the command line share.
import type { ChangedFunction } from '../../../common/patch';
import { collectFunctions, type FileFunctions, type FunctionInfo, type SyntaxError } from './functions';

export interface FunctionChange {
  before: FunctionInfo;
  after: FunctionInfo;
  /** Set when existing closures may keep the old code, see `closureRisk`. */
  closureRisk?: string;
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
  const layout = contextLayoutChange(before, after);
  const newPaths = new Set(after.functions.map((f) => f.path));
  const changed: FunctionChange[] = [];
  const added: FunctionInfo[] = [];
  for (const fn of after.functions) {
    const old = oldByPath.get(fn.path);
    if (!old) added.push(fn);
    else if (old.ownText !== fn.ownText) {
      const risk = layout ?? closureRisk(old, fn, before);
      changed.push({ before: old, after: fn, notes: kindNotes(old, fn), ...(risk ? { closureRisk: risk } : {}) });
    }
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

/**
 * The functions of a patch: changed and removed ones (V8 refuses to replace their activations), with
 * the changed ones whose existing closures V8 may leave on old code marked for the runtime to check.
 */
export function patchFunctions(changes: FileChanges): ChangedFunction[] {
  const fromOld = (fn: FunctionInfo, name: string, after?: FunctionInfo, closureRisk?: string): ChangedFunction => ({
    name,
    oldStart: fn.start,
    oldEnd: fn.end,
    ...(after ? { newStart: after.start, newEnd: after.end } : {}),
    isAsync: fn.isAsync,
    isGenerator: fn.isGenerator,
    ...(closureRisk ? { closureRisk } : {}),
  });
  return [
    ...changes.changed.map((c) => fromOld(c.before, c.after.displayName, c.after, c.closureRisk)),
    ...changes.removed.map((fn) => fromOld(fn, fn.displayName)),
  ];
}

/**
 * Top-level bindings added or removed change the layout of the module's context (every top-level
 * binding lives there, see common/runningText). V8 then cannot move any changed function's
 * existing closures to the new code.
 */
function contextLayoutChange(before: FileFunctions, after: FileFunctions): string | undefined {
  const added = [...after.topLevelNames].filter((n) => !before.topLevelNames.has(n));
  const removed = [...before.topLevelNames].filter((n) => !after.topLevelNames.has(n));
  if (added.length === 0 && removed.length === 0) return undefined;
  const names = (list: string[]) => list.map((n) => `\`${n}\``).join(', ');
  const parts = [added.length ? `${names(added)} added` : '', removed.length ? `${names(removed)} removed` : ''].filter(Boolean);
  return `the module's top-level declarations changed (${parts.join('; ')})`;
}

/** Why V8 may keep existing closures of `before` on old code after the edit to `after`, if it may. */
function closureRisk(before: FunctionInfo, after: FunctionInfo, oldFile: FileFunctions): string | undefined {
  const capturedBefore = new Set<string>();
  for (const fn of oldFile.functions) for (const name of fn.freeNames) capturedBefore.add(name);
  // Top-level bindings of a user module are all in a context already (its scope accessor reads
  // them through eval, see common/runningText): only a function's locals can be newly captured.
  const newlyCaptured = [...after.freeNames].filter(
    (n) => !before.freeNames.has(n) && !capturedBefore.has(n) && oldFile.declaredNames.has(n) && !oldFile.topLevelNames.has(n),
  );
  if (newlyCaptured.length > 0) {
    return `it now reads ${newlyCaptured.map((n) => `\`${n}\``).join(', ')}, which no function read before`;
  }
  if (firstToken(before.text) !== firstToken(after.text) || lastToken(before.text) !== lastToken(after.text)) {
    return 'the edit touches its first or last token';
  }
  return undefined;
}

const firstToken = (text: string): string => /^\s*([\w$]+|\S)/.exec(text)?.[1] ?? '';
const lastToken = (text: string): string => /([\w$]+|\S)\s*$/.exec(text)?.[1] ?? '';
