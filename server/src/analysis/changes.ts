// Compares two versions of one file declaration by declaration: which functions changed, appeared
// or disappeared, and whether top-level code changed. This is the editor-agnostic core that the
// language server, the tests and (later) the command line share.
import { changeGroups } from './groups';
import type { ChangedFunction } from '../../../common/patch';
import type { Position } from '../../../common/patch';
import { collectFunctions, type FileFunctions, type FunctionInfo, type SyntaxError } from './functions';
import type { TopLevelStatement } from './topLevel';
import { REMADE_REASON } from './remadeFunctions';

export interface FunctionChange {
  before: FunctionInfo;
  after: FunctionInfo;
  /** Set when existing closures may keep the old code, see `closureRisk`. */
  closureRisk?: string;
  /** Texts closures an earlier update left apart from the script run (`ChangedFunction.apartTexts`). */
  apartTexts?: string[];
  /** Sentences for changes in kind that matter to the user (sync→async, arrow→function, …). */
  notes: string[];
  /** Set when its parameter list changed: `(a, b)` → `(a, b, c)`. */
  signature?: { before: string; after: string };
  /**
   * Its kind changed (async, generator) but its body did not: V8 then keeps the compiled function
   * as it was (it sees no change inside it), so the running program would keep the old kind.
   */
  kindOnly?: boolean;
}

/**
 * A declaration whose kind changed in a way the running program cannot follow: a top-level name
 * between function and class (the module keeps the binding it made when it ran), or a class member
 * between method, getter and setter (the class defined its prototype's property when it ran).
 */
export interface ReshapedBinding {
  name: string;
  before: string;
  after: string;
  member: boolean;
  /** The new declaration's name. */
  start: Position;
  end: Position;
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
  /** Paths of functions that moved relative to the others (V8 sees them as new functions). */
  moved: string[];
  /** Set when the module's top-level declarations changed (why, for a message). */
  layoutChanged?: string | undefined;
  syntaxErrors: SyntaxError[];
  /** Top-level names that changed between function and class (never in an incremental comparison). */
  reshaped?: ReshapedBinding[];
}

export function compareVersions(file: string, before: string, after: string): FileChanges {
  return compareCollected(collectFunctions(file, before), collectFunctions(file, after));
}

/**
 * Functions whose existing closures V8 stopped tracking in an earlier update of the running
 * program (see `strandedBy`): 'all' after the module's top-level declarations changed.
 */
export type Stranded = ({ all: string } | { paths: Map<string, string> }) & {
  /** Per path, the texts existing closures V8 left apart from the script run (`ChangedFunction.apartTexts`). */
  apart?: Map<string, string[]>;
};

/** Why a function with closures apart from the script is checked at each later change. */
export const APART_REASON = 'an earlier update left existing closures of it apart from the script (V8 took it for a new function): no update reaches them';

export function compareCollected(before: FileFunctions, after: FileFunctions): FileChanges {
  const moved = movedFunctions(before, after);
  const layout = contextLayoutChange(before, after);
  const knownRisk = (path: string): string | undefined => layout ?? (moved.has(path) ? MOVED_RISK : undefined);
  const matched = matchFunctions(before.functions, after.functions, before, knownRisk);
  const { changed, added, removed } = pairedBySlot(matched, before, after, knownRisk);
  return {
    moved: [...moved],
    ...(layout ? { layoutChanged: layout } : {}),
    changed,
    added,
    removed,
    topLevelChanged: before.topLevelText !== after.topLevelText,
    rawTopLevelChanged: before.rawTopLevelText !== after.rawTopLevelText,
    topLevel: compareTopLevel(before.topLevel, after.topLevel),
    dangling: danglingReferences(before, after, removed),
    syntaxErrors: after.syntaxErrors,
    ...reshapedOf(before, after, removed, added),
  };
}

/** Present only when something was reshaped: the incremental path's answer (no field) stays equal. */
function reshapedOf(before: FileFunctions, after: FileFunctions, removed: FunctionInfo[], added: FunctionInfo[]): { reshaped?: ReshapedBinding[] } {
  const reshaped = [...reshapedBindings(before.topLevel, after.topLevel), ...reshapedMembers(removed, added)];
  return reshaped.length > 0 ? { reshaped } : {};
}

/** A member removed in one kind and added in another under the same name (`size()` → `get size()`). */
export function reshapedMembers(removed: FunctionInfo[], added: FunctionInfo[]): ReshapedBinding[] {
  const base = (fn: FunctionInfo) => fn.path.replace(/(^|\/)(get|set) /g, '$1');
  const out: ReshapedBinding[] = [];
  for (const fn of added) {
    if (!MEMBER_KINDS.has(fn.kind)) continue;
    const old = removed.find((r) => MEMBER_KINDS.has(r.kind) && r.kind !== fn.kind && base(r) === base(fn) && !added.some((a) => a !== fn && a.path === r.path));
    if (old) out.push({ name: fn.displayName.replace(/^(get|set) /, ''), before: old.kind, after: fn.kind, member: true, start: fn.nameStart, end: fn.nameEnd });
  }
  return out;
}

function reshapedBindings(before: TopLevelStatement[], after: TopLevelStatement[]): ReshapedBinding[] {
  const kindOf = (s: TopLevelStatement): 'function' | 'class' | undefined => (s.key.startsWith('function ') ? 'function' : s.key.startsWith('class ') ? 'class' : undefined);
  const was = new Map<string, 'function' | 'class'>();
  for (const s of before) {
    const kind = kindOf(s);
    if (kind) for (const name of s.names) was.set(name, kind);
  }
  const out: ReshapedBinding[] = [];
  for (const s of after) {
    const kind = kindOf(s);
    if (!kind) continue;
    for (const name of s.names) {
      const old = was.get(name);
      if (old && old !== kind) out.push({ name, before: old, after: kind, member: false, start: s.anchorStart, end: s.anchorEnd });
    }
  }
  return out;
}

/**
 * Old and new functions matched by path: changed (own text differs), added, removed. `knownRisk`
 * gives a reason V8 may leave a function's closures behind that the caller already knows.
 */
export function matchFunctions(
  oldFunctions: FunctionInfo[],
  newFunctions: FunctionInfo[],
  before: FileFunctions,
  knownRisk: (path: string) => string | undefined,
): { changed: FunctionChange[]; added: FunctionInfo[]; removed: FunctionInfo[] } {
  const oldByPath = new Map(oldFunctions.map((f) => [f.path, f]));
  const newPaths = new Set(newFunctions.map((f) => f.path));
  const changed: FunctionChange[] = [];
  const added: FunctionInfo[] = [];
  for (const fn of newFunctions) {
    const old = oldByPath.get(fn.path);
    if (!old) added.push(fn);
    else if (old.ownText !== fn.ownText) changed.push(functionChange(old, fn, before, knownRisk(fn.path)));
  }
  return { changed, added, removed: oldFunctions.filter((f) => !newPaths.has(f.path)) };
}

/**
 * A function that changed its own name along with its text is the same function to whoever holds
 * it: `exports.twice = function twice(n) {…}` become `exports.twice = n => …` (its path went from
 * its own name to the binding's). When a statement kept its key and held exactly one function, in
 * both versions, and that one was removed and the other added, they are one function changed:
 * the update then reaches (or checks) the closures that hold it.
 */
function pairedBySlot(
  matched: { changed: FunctionChange[]; added: FunctionInfo[]; removed: FunctionInfo[] },
  before: FileFunctions,
  after: FileFunctions,
  knownRisk: (path: string) => string | undefined,
): { changed: FunctionChange[]; added: FunctionInfo[]; removed: FunctionInfo[] } {
  if (matched.added.length === 0 || matched.removed.length === 0) return matched;
  const outermostIn = (all: FunctionInfo[], s: TopLevelStatement): FunctionInfo[] => {
    const inside = all.filter((f) => f.startOffset >= s.startOffset && f.endOffset <= s.endOffset);
    return inside.filter((f) => !inside.some((o) => o !== f && o.startOffset <= f.startOffset && f.endOffset <= o.endOffset));
  };
  // The function is the value the statement assigns (`x = function…;`), not part of it (`x = wrap(function…)`).
  const isValue = (f: FunctionInfo, s: TopLevelStatement): boolean =>
    /=\s*$/.test(s.source.slice(0, f.startOffset - s.startOffset)) && /^[\s;]*$/.test(s.source.slice(f.endOffset - s.startOffset));
  const oldByKey = new Map(before.topLevel.map((s) => [s.key, s]));
  const changed = [...matched.changed];
  const added = new Set(matched.added);
  const removed = new Set(matched.removed);
  for (const s of after.topLevel) {
    const old = oldByKey.get(s.key);
    if (!old || !/ =$|^(var|let|const) /.test(s.key)) continue;
    const [was, more] = outermostIn(before.functions, old);
    const [now, other] = outermostIn(after.functions, s);
    if (!was || !now || more || other || !removed.has(was) || !added.has(now) || !isValue(was, old) || !isValue(now, s)) continue;
    removed.delete(was);
    added.delete(now);
    changed.push(functionChange(was, now, before, knownRisk(now.path)));
  }
  if (changed.length === matched.changed.length) return matched;
  return { changed: changed.sort((a, b) => a.after.startOffset - b.after.startOffset), added: [...added], removed: [...removed] };
}

/**
 * A function whose own text changed, as the comparison reports it. `knownRisk`: a reason V8 may
 * leave its closures behind that the caller already knows (a layout change, a move).
 */
function functionChange(old: FunctionInfo, fn: FunctionInfo, before: FileFunctions, knownRisk: string | undefined): FunctionChange {
  const risk = knownRisk ?? closureRisk(old, fn, before);
  return {
    before: old,
    after: fn,
    notes: kindNotes(old, fn),
    ...(risk ? { closureRisk: risk } : {}),
    ...(old.signature !== fn.signature ? { signature: { before: old.signature, after: fn.signature } } : {}),
    ...((old.isAsync !== fn.isAsync || old.isGenerator !== fn.isGenerator) && old.bodyText === fn.bodyText ? { kindOnly: true } : {}),
  };
}

export function compareTopLevel(before: TopLevelStatement[], after: TopLevelStatement[]): TopLevelChange[] {
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

/** The closure risk's reason for a function that moved past others. */
export const MOVED_RISK = 'it moved to another place in the file';

/**
 * V8 matches old and new functions through a text diff: a function whose text moved past others
 * is a deletion and an insertion to it, so its existing closures keep the old code. The functions
 * kept in order are the longest increasing run of new positions in old order; the rest moved.
 */
function movedFunctions(before: FileFunctions, after: FileFunctions): Set<string> {
  return movedAmong(before.functions, after.functions);
}

/** `movedFunctions` over two lists of functions (a whole file's, or one reparsed function's). */
export function movedAmong(beforeFunctions: readonly FunctionInfo[], afterFunctions: readonly FunctionInfo[]): Set<string> {
  const newIndex = new Map(afterFunctions.map((f, i) => [f.path, i]));
  const sequence: { path: string; at: number }[] = [];
  for (const f of beforeFunctions) {
    const at = newIndex.get(f.path);
    if (at !== undefined) sequence.push({ path: f.path, at });
  }
  // Longest increasing subsequence by patience sorting, O(n log n): files have thousands of functions.
  const tails: number[] = [];
  const previous: number[] = new Array(sequence.length).fill(-1);
  for (let i = 0; i < sequence.length; i++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sequence[tails[mid]!]!.at < sequence[i]!.at) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) previous[i] = tails[lo - 1]!;
    tails[lo] = i;
  }
  const inPlace = new Set<string>();
  for (let i = tails.length ? tails[tails.length - 1]! : -1; i >= 0; i = previous[i]!) inPlace.add(sequence[i]!.path);
  return new Set(sequence.filter((s) => !inPlace.has(s.path)).map((s) => s.path));
}

/** The changes with functions that earlier updates stranded marked for the runtime's closure check. */
export function withStrandedRisk(changes: FileChanges, stranded: Stranded | undefined): FileChanges {
  if (!stranded) return changes;
  const risk = (path: string): string | undefined => ('all' in stranded ? stranded.all : stranded.paths.get(path));
  return {
    ...changes,
    changed: changes.changed.map((c) => {
      const apartTexts = stranded.apart?.get(c.before.path);
      const reason = c.closureRisk ?? risk(c.after.path) ?? (apartTexts ? APART_REASON : undefined);
      return reason ? { ...c, closureRisk: reason, ...(apartTexts ? { apartTexts } : {}) } : c;
    }),
  };
}

/**
 * What an applied update leaves V8 not tracking, added to what earlier ones left: existing
 * closures of these functions keep whatever code they had, so a later edit must check them.
 */
export function strandedBy(changes: FileChanges, earlier: Stranded | undefined, remade: readonly string[] = [], apart: ReadonlyMap<string, string> = new Map()): Stranded | undefined {
  // Closures apart from the script stay apart: their texts are kept with those this update adds.
  const texts = new Map(earlier?.apart);
  for (const [path, text] of apart) texts.set(path, [...new Set([...(texts.get(path) ?? []), text])]);
  const withApart = <T extends object>(s: T): T & Stranded => ({ ...s, ...(texts.size ? { apart: texts } : {}) }) as T & Stranded;
  if (earlier && 'all' in earlier) return withApart({ all: earlier.all });
  if (changes.layoutChanged) return withApart({ all: `an earlier update changed the module's top-level declarations` });
  const paths = new Map(earlier && 'paths' in earlier ? earlier.paths : []);
  for (const path of changes.moved) paths.set(path, 'an earlier update moved it');
  // A re-made function's binding holds an evaluated copy: later edits are re-made again.
  for (const path of remade) paths.set(path, REMADE_REASON);
  return paths.size || texts.size ? withApart({ paths }) : undefined;
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

const MEMBER_KINDS = new Set<FunctionInfo['kind']>(['method', 'getter', 'setter']);

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
  const fromOld = (fn: FunctionInfo, name: string, after?: FunctionInfo, closureRisk?: string, apartTexts?: string[]): ChangedFunction => ({
    name,
    oldStart: fn.start,
    oldEnd: fn.end,
    ...(after ? { newStart: after.start, newEnd: after.end } : {}),
    isAsync: fn.isAsync,
    isGenerator: fn.isGenerator,
    ...(closureRisk ? { closureRisk } : {}),
    ...(apartTexts ? { apartTexts } : {}),
  });
  const groups = changeGroups(changes.changed);
  return [
    ...changes.changed.map((c, i) => ({ ...fromOld(c.before, c.after.displayName, c.after, c.closureRisk, c.apartTexts), group: groups[i]! })),
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
