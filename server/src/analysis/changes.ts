// Compares two versions of one file declaration by declaration: which functions changed, appeared
// or disappeared, and whether top-level code changed. This is the editor-agnostic core that the
// language server, the tests and (later) the command line share.
import type { ChangedFunction } from '../../../common/patch';
import type { Position } from '../../../common/patch';
import { collectFunctions, type FileFunctions, type FunctionInfo, type SyntaxError } from './functions';
import type { TopLevelStatement } from './topLevel';

export interface FunctionChange {
  before: FunctionInfo;
  after: FunctionInfo;
  /** Set when existing closures may keep the old code, see `closureRisk`. */
  closureRisk?: string;
  /** Sentences for changes in kind that matter to the user (sync→async, arrow→function, …). */
  notes: string[];
  /** Set when its parameter list changed: `(a, b)` → `(a, b, c)`. */
  signature?: { before: string; after: string };
}

export interface TopLevelChange {
  change: 'changed' | 'added' | 'removed';
  /** The statement as it is now (as it was, when removed). */
  statement: TopLevelStatement;
}

/** A top-level name the new version no longer declares but still reads. */
export interface DanglingReference {
  name: string;
  /** Where the new version reads it. */
  at: Position;
  /** The function that declared it before, when it was one. */
  removed?: FunctionInfo;
}

export interface FileChanges {
  changed: FunctionChange[];
  added: FunctionInfo[];
  removed: FunctionInfo[];
  /** The top-level code changed in tokens (comments and layout do not count). */
  topLevelChanged: boolean;
  /** The top-level code changed at all: what decides an ES module update (V8 compares exactly). */
  rawTopLevelChanged: boolean;
  /** Top-level statements changed, added or removed, in source order. */
  topLevel: TopLevelChange[];
  dangling: DanglingReference[];
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
    else if (old.ownText !== fn.ownText) changed.push(functionChange(old, fn, before, layout));
  }
  const removed = before.functions.filter((f) => !newPaths.has(f.path));
  return {
    changed,
    added,
    removed,
    topLevelChanged: before.topLevelText !== after.topLevelText,
    rawTopLevelChanged: before.rawTopLevelText !== after.rawTopLevelText,
    topLevel: compareTopLevel(before.topLevel, after.topLevel),
    dangling: danglingReferences(before, after, removed),
    syntaxErrors: after.syntaxErrors,
  };
}

/** A function whose own text changed, as the comparison reports it (`layout`: see contextLayoutChange). */
export function functionChange(old: FunctionInfo, fn: FunctionInfo, before: FileFunctions, layout: string | undefined): FunctionChange {
  const risk = layout ?? closureRisk(old, fn, before);
  return {
    before: old,
    after: fn,
    notes: kindNotes(old, fn),
    ...(risk ? { closureRisk: risk } : {}),
    ...(old.signature !== fn.signature ? { signature: { before: old.signature, after: fn.signature } } : {}),
  };
}

function compareTopLevel(before: TopLevelStatement[], after: TopLevelStatement[]): TopLevelChange[] {
  const oldByKey = new Map(before.map((s) => [s.key, s]));
  const newKeys = new Set(after.map((s) => s.key));
  const out: TopLevelChange[] = [];
  for (const statement of after) {
    const old = oldByKey.get(statement.key);
    if (!old) out.push({ change: 'added', statement });
    else if (old.text !== statement.text) out.push({ change: 'changed', statement });
  }
  for (const statement of before) if (!newKeys.has(statement.key)) out.push({ change: 'removed', statement });
  return out;
}

/** Top-level names the new version removed but still reads: calling them would throw. */
function danglingReferences(before: FileFunctions, after: FileFunctions, removed: FunctionInfo[]): DanglingReference[] {
  const out: DanglingReference[] = [];
  for (const name of before.topLevelNames) {
    if (after.topLevelNames.has(name) || after.declaredNames.has(name)) continue;
    const at = after.references.get(name);
    if (!at) continue;
    const fn = removed.find((f) => f.path === name);
    out.push({ name, at, ...(fn ? { removed: fn } : {}) });
  }
  return out;
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
  // Top-level bindings of a user module are all in a context already (its scope accessor reads
  // them through eval, see common/runningText): only a function's locals can be newly captured.
  const candidates = [...after.freeNames].filter((n) => !before.freeNames.has(n) && oldFile.declaredNames.has(n) && !oldFile.topLevelNames.has(n));
  const capturedBefore = candidates.length > 0 ? capturedNames(oldFile) : undefined;
  const newlyCaptured = candidates.filter((n) => !capturedBefore!.has(n));
  if (newlyCaptured.length > 0) {
    return `it now reads ${newlyCaptured.map((n) => `\`${n}\``).join(', ')}, which no function read before`;
  }
  if (firstToken(before.text) !== firstToken(after.text) || lastToken(before.text) !== lastToken(after.text)) {
    return 'the edit touches its first or last token';
  }
  return undefined;
}

const captured = new WeakMap<FileFunctions, Set<string>>();

/** Every name some function of the file reads from outside itself (built once per version: a 9 MB file has 20,000 functions). */
function capturedNames(file: FileFunctions): Set<string> {
  let names = captured.get(file);
  if (!names) {
    names = new Set<string>();
    for (const fn of file.functions) for (const name of fn.freeNames) names.add(name);
    captured.set(file, names);
  }
  return names;
}

const firstToken = (text: string): string => /^\s*([\w$]+|\S)/.exec(text)?.[1] ?? '';
/** As `/([\w$]+|\S)\s*$/`, read from the end: the regex tries every offset of a long function. */
const lastToken = (text: string): string => {
  let end = text.length;
  while (end > 0 && /\s/.test(text[end - 1]!)) end--;
  if (end === 0) return '';
  let start = end;
  while (start > 0 && /[\w$]/.test(text[start - 1]!)) start--;
  return text.slice(start === end ? end - 1 : start, end);
};
