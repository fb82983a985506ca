// The fast path of a save: an edit inside one function's body is compared by reparsing that
// function alone, not the file (a 5,000-line file costs ~150 ms to collect, a 9 MB one ~5 s).
//
// Design. The changed region is the text between the common prefix and suffix of the two
// versions. F is the innermost function of `before` whose block body strictly contains it (its
// braces untouched). F's new text is parsed standalone in a wrapper that keeps its syntax (a
// declaration as is, an expression in parentheses, a member in a class or object literal), and must
// parse without error into one function of F's kind spanning exactly that text. Identity and
// everything the comparison reads are decided by F's own nodes, except:
//   - texts of enclosing nodes used as names, labels, keys or messages (`p.then(() => {…}).catch`,
//     a top-level `call (function () {…})`): recorded while collecting (exposure.ts); an edit inside
//     one is not taken at this level;
//   - path collisions across F's boundary, impossible unless a name is empty, holds ` #`, starts
//     with `<` or (a function's) ends with `{}` — then `before` is marked ambiguous and nothing is
//     taken — or holds a `/` — then F must not be in or above such a name's path.
// If F cannot be taken, the next enclosing function with a block body is tried, up to the
// outermost; then undefined (the caller uses the full path). Anything else → undefined too.
//
// `changes` are computed at once (that is the latency path). `after` is computed on first read: it
// is derived from `before` (offsets and positions after F shifted, F's subtree replaced, enclosing
// functions' text and end updated, top-level statements and references adjusted) when that is
// provably what collectFunctions would give — F's free names unchanged or F outermost, no name F
// declared or first read lost, F's changes to top-level bindings the same, no position it cannot
// map — trying enclosing functions the same way; otherwise it is collectFunctions of the new text.
// The engine reads it after the patch is applied, to remember what the target now runs.
import ts from 'typescript';
import type { Position } from '../../../common/patch';
import { matchFunctions, movedAmong, MOVED_RISK, reshapedMembers, type FileChanges } from './changes';
import { recordExposures, SHORT_TEXT, type Exposure } from './exposure';
import {
  collectFunctions,
  functionTree,
  hasModifier,
  isFunctionNode,
  kindOf,
  parse,
  parseDiagnostics,
  pathFactsOf,
  setPathFacts,
  type FileFunctions,
  type FunctionInfo,
  type PathFacts,
  type Placement,
} from './functions';
import { scopeFacts, type ScopeFacts } from './scopes';
import { mentions } from './syntaxBits';
import { mutationNotes, type TopLevelStatement } from './topLevel';

export interface IncrementalComparison {
  changes: FileChanges;
  /** The new version's functions, exactly as collectFunctions gives them; computed on first read. */
  readonly after: FileFunctions;
}

/**
 * `compareCollected(before, collectFunctions(file, afterText))` for an edit inside one function's
 * body, without parsing the file; undefined when the edit is not one (the caller then takes the full
 * path). `before` must be collectFunctions of `beforeText` (or an `after` of this function).
 */
export function compareIncremental(file: string, before: FileFunctions, beforeText: string, afterText: string): IncrementalComparison | undefined {
  const facts = pathFactsOf(before);
  if (!facts || facts.ambiguous || before.syntaxErrors.length > 0) return undefined;
  const region = changedRegion(beforeText, afterText);
  if (!region || splitsLineBreak(beforeText, region.start) || splitsLineBreak(beforeText, region.oldEnd) || splitsLineBreak(afterText, region.start) || splitsLineBreak(afterText, region.newEnd)) {
    return undefined;
  }
  const candidates = enclosingBodies(before.functions, region);
  const edit: Edit = { file, before, beforeText, afterText, region, facts };
  let level = 0;
  let sub: Subtree | undefined;
  for (; level < candidates.length && !sub; level++) sub = reparse(edit, candidates[level]!);
  if (!sub) return undefined;
  const changes = subtreeChanges(before, sub);
  const outer = candidates.slice(level);
  let after: FileFunctions | undefined;
  return {
    changes,
    get after() {
      if (!after) {
        after = derive(edit, sub);
        for (let i = 0; !after && i < outer.length; i++) {
          const bigger = reparse(edit, outer[i]!);
          if (bigger) after = derive(edit, bigger);
        }
        after ??= collectFunctions(file, afterText);
      }
      return after;
    },
  };
}

export interface Region {
  /** [start, oldEnd) of the old text became [start, newEnd) of the new. */
  start: number;
  oldEnd: number;
  newEnd: number;
}

interface Edit {
  file: string;
  before: FileFunctions;
  beforeText: string;
  afterText: string;
  region: Region;
  facts: PathFacts;
}

/** One function of `before` reparsed in its new text, with what it now contains. */
interface Subtree {
  /** Its index in `before.functions`, and the index after its nested functions. */
  index: number;
  end: number;
  fn: FunctionInfo;
  /** Its new version and nested functions, in file terms (identity, offsets, positions). */
  functions: FunctionInfo[];
  node: ts.FunctionLikeDeclaration;
  sf: ts.SourceFile;
  place: Placement;
  scope: ScopeFacts;
  /** Exposures inside its new body, in file offsets. */
  exposures: Exposure[];
}

// ---- The changed region and the function around it ----

/** Where two texts differ: their common prefix and suffix taken away; undefined when equal. */
export function changedRegion(a: string, b: string): Region | undefined {
  if (a === b) return undefined;
  const max = Math.min(a.length, b.length);
  const start = commonPrefix(a, b, max);
  const suffix = commonSuffix(a, b, max - start);
  return { start, oldEnd: a.length - suffix, newEnd: b.length - suffix };
}

/** Compared by growing chunks: a 9 MB text in a few milliseconds, not char by char. */
function commonPrefix(a: string, b: string, max: number): number {
  let i = 0;
  let n = 256;
  while (n >= 64) {
    while (i + n <= max && a.slice(i, i + n) === b.slice(i, i + n)) {
      i += n;
      if (n < 1 << 20) n *= 2;
    }
    n >>= 1;
  }
  while (i < max && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

function commonSuffix(a: string, b: string, max: number): number {
  let i = 0;
  let n = 256;
  while (n >= 64) {
    while (i + n <= max && a.slice(a.length - i - n, a.length - i) === b.slice(b.length - i - n, b.length - i)) {
      i += n;
      if (n < 1 << 20) n *= 2;
    }
    n >>= 1;
  }
  while (i < max && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) i++;
  return i;
}

/** An offset between the CR and LF of one line break: positions there mean nothing clear. */
function splitsLineBreak(text: string, offset: number): boolean {
  return offset > 0 && offset < text.length && text.charCodeAt(offset - 1) === 13 && text.charCodeAt(offset) === 10;
}

/** Indices of the functions whose block body strictly contains the region, innermost first. */
export function enclosingBodies(functions: FunctionInfo[], region: Region): number[] {
  // Functions are in source order of their starts: the last one starting before the region, then back.
  let lo = 0;
  let hi = functions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (functions[mid]!.startOffset < region.start) lo = mid + 1;
    else hi = mid;
  }
  const out: number[] = [];
  for (let i = lo - 1; i >= 0; i--) {
    const fn = functions[i]!;
    if (fn.bodyStartOffset >= 0 && fn.bodyStartOffset < region.start && region.oldEnd <= fn.endOffset - 1) out.push(i);
  }
  return out;
}

const nonWhitespace = (text: string): number => text.replace(/\s+/g, '').length;

/** Whether a text used as a name, label or message spans F's body and the edit would change it. */
function exposedEdit(edit: Edit, fn: FunctionInfo): boolean {
  const { region, beforeText, afterText } = edit;
  for (const e of edit.facts.exposures) {
    if (e.start > fn.bodyStartOffset || e.end < fn.endOffset) continue;
    if (e.headEnd === undefined || e.length === undefined || region.start < e.headEnd) return true;
    const length = e.length + nonWhitespace(afterText.slice(region.start, region.newEnd)) - nonWhitespace(beforeText.slice(region.start, region.oldEnd));
    if (length <= SHORT_TEXT) return true;
  }
  return false;
}

/**
 * Whether a path with a `/` in a name could equal a path inside F (all start with `F.path/`)
 * without being in F: one of its paths starts so, or F's own path goes through it.
 */
function slashedNear(facts: PathFacts, path: string): boolean {
  const inside = path + '/';
  return facts.slashed.some((p) => p.startsWith(inside) || inside.startsWith(p));
}

// ---- Reparsing one function ----

const IN_CLASS: [string, string] = ['class __ {', '}'];
const IN_OBJECT: [string, string] = ['({', '})'];
/** Wrappers in which a function's text parses as the same kind of function it is in the file. */
export const WRAPPERS: Record<FunctionInfo['kind'], Array<[string, string]>> = {
  function: [['', '']],
  'function-expression': [['(', ')']],
  arrow: [['(', ')']],
  constructor: [IN_CLASS],
  // A member of a class or of an object literal: the body parses the same in either.
  method: [IN_CLASS, IN_OBJECT],
  getter: [IN_CLASS, IN_OBJECT],
  setter: [IN_CLASS, IN_OBJECT],
};

interface Standalone {
  sf: ts.SourceFile;
  node: ts.FunctionLikeDeclaration;
  place: Placement;
}

/** `text` (the function `fn` as it is in some version) parsed alone, or undefined if it does not parse as `fn`. */
function parseAlone(file: string, fn: FunctionInfo, text: string): Standalone | undefined {
  for (const [open, close] of WRAPPERS[fn.kind]) {
    const sf = parse(file, open + text + close);
    if (parseDiagnostics(sf).length > 0) continue;
    const node = onlyFunction(sf);
    if (!node || !isFunctionNode(node) || kindOf(node) !== fn.kind) continue;
    if (node.getStart(sf) !== open.length || node.getEnd() !== open.length + text.length) continue;
    if (!node.body || !ts.isBlock(node.body) || node.body.getStart(sf) !== open.length + fn.bodyStartOffset - fn.startOffset) continue;
    if (hasModifier(node, ts.SyntaxKind.AsyncKeyword) !== fn.isAsync || !!node.asteriskToken !== fn.isGenerator) continue;
    const shift = fn.startOffset - open.length;
    // The wrapper is on the function's first line: only that line's columns move.
    const place: Placement = {
      offset: (o) => o + shift,
      pos: (o) => {
        const lc = sf.getLineAndCharacterOfPosition(o);
        return lc.line === 0 ? { line: fn.start.line, column: lc.character - open.length + fn.start.column } : { line: lc.line + fn.start.line, column: lc.character };
      },
    };
    return { sf, node, place };
  }
  return undefined;
}

function onlyFunction(sf: ts.SourceFile): ts.Node | undefined {
  if (sf.statements.length !== 1) return undefined;
  const statement = sf.statements[0]!;
  if (ts.isFunctionDeclaration(statement)) return statement;
  if (ts.isClassDeclaration(statement)) return statement.members.length === 1 ? statement.members[0] : undefined;
  if (ts.isExpressionStatement(statement) && ts.isParenthesizedExpression(statement.expression)) {
    const inner = statement.expression.expression;
    if (ts.isObjectLiteralExpression(inner)) return inner.properties.length === 1 ? inner.properties[0] : undefined;
    return inner;
  }
  return undefined;
}

function reparse(edit: Edit, index: number): Subtree | undefined {
  const { before, region } = edit;
  const fn = before.functions[index]!;
  if (exposedEdit(edit, fn) || slashedNear(edit.facts, fn.path)) return undefined;
  const newEnd = fn.endOffset + region.newEnd - region.oldEnd;
  const alone = parseAlone(edit.file, fn, edit.afterText.slice(fn.startOffset, newEnd));
  if (!alone) return undefined;
  const { sf, node, place } = alone;
  const scope = scopeFacts(sf, isFunctionNode, node);
  const exposures: Exposure[] = [];
  const tree = recordExposures(exposures, () => {
    const t = functionTree(sf, scope, place);
    t.visit(node, '', fn.path, fn.displayName);
    return t;
  });
  if (tree.ambiguous() || tree.slashed.length > 0) return undefined;
  const [root, ...nested] = tree.functions;
  // Its own name, place and signature are outside the edit: as they were. Its text is new.
  const updated: FunctionInfo = { ...fn, end: root!.end, endOffset: root!.endOffset, ownText: root!.ownText, text: root!.text, bodyText: root!.bodyText, freeNames: root!.freeNames };
  let end = index + 1;
  while (end < before.functions.length && before.functions[end]!.startOffset < fn.endOffset) end++;
  return {
    index,
    end,
    fn,
    functions: [updated, ...nested],
    node,
    sf,
    place,
    scope,
    exposures: exposures
      .map((e) => ({ ...e, start: place.offset(e.start), end: place.offset(e.end), ...(e.headEnd !== undefined ? { headEnd: place.offset(e.headEnd) } : {}) }))
      .filter((e) => e.start >= fn.bodyStartOffset),
  };
}

/** compareCollected restricted to the reparsed subtree: nothing outside it can differ. */
function subtreeChanges(before: FileFunctions, sub: Subtree): FileChanges {
  // The top-level names are unchanged (the edit is inside a function): no layout change. Nested
  // functions can move among themselves: a new one above a same-shaped one takes its path.
  const old = before.functions.slice(sub.index, sub.end);
  const moved = movedAmong(old, sub.functions);
  const { changed, added, removed } = matchFunctions(old, sub.functions, before, (path) => (moved.has(path) ? MOVED_RISK : undefined));
  return {
    changed,
    added,
    removed,
    topLevelChanged: false,
    rawTopLevelChanged: false,
    topLevel: [],
    dangling: [],
    // An edit inside one body declares no top-level name and reads none new.
    moved: [...moved],
    syntaxErrors: [],
    // A member of an object or class inside the body can change kind (`get p()` → `p()`), as the
    // whole-file comparison says (found by the property test on semver's sources).
    ...(reshapedMembers(removed, added).length > 0 ? { reshaped: reshapedMembers(removed, added) } : {}),
  };
}

// ---- The new FileFunctions, derived ----

const comparePos = (a: Position, b: Position): number => a.line - b.line || a.column - b.column;
const LINE_BREAK = /[\r\n\u2028\u2029]/;
/** What the label of the reparsed function is, in both versions (its real one is the same in both). */
const OUTER = '\0';

function derive(edit: Edit, sub: Subtree): FileFunctions | undefined {
  const { before, beforeText, afterText, region, facts } = edit;
  const fn = sub.fn;
  const delta = region.newEnd - region.oldEnd;
  const old = parseAlone(edit.file, fn, beforeText.slice(fn.startOffset, fn.endOffset));
  if (!old) return undefined;
  const oldScope = scopeFacts(old.sf, isFunctionNode, old.node);

  // Enclosing functions read what F reads: unchanged only if F's free names are.
  const newFn = sub.functions[0]!;
  const ancestors = before.functions.slice(0, sub.index).some((f) => f.endOffset >= fn.endOffset);
  if (ancestors && !sameSet(fn.freeNames, newFn.freeNames)) return undefined;

  // A name F no longer declares may still be declared elsewhere, or not: not known here.
  for (const name of oldScope.declared) if (!sub.scope.declared.has(name)) return undefined;
  const declaredNames = new Set(before.declaredNames);
  for (const name of sub.scope.declared) declaredNames.add(name);

  // Where the region is, in both versions' positions.
  const oldAt = (offset: number) => old.place.pos(offset - fn.startOffset + old.node.getStart(old.sf));
  const newAt = (offset: number) => sub.place.pos(offset - fn.startOffset + sub.node.getStart(sub.sf));
  const regionStart = oldAt(region.start);
  const oldEnd = oldAt(region.oldEnd);
  const newEnd = newAt(region.newEnd);
  const shift = (p: Position): Position => ({ line: p.line + newEnd.line - oldEnd.line, column: p.line === oldEnd.line ? p.column - oldEnd.column + newEnd.column : p.column });
  /** A position outside the region in the new version; undefined inside it or on its edges. */
  const map = (p: Position): Position | undefined => (comparePos(p, regionStart) < 0 ? p : comparePos(p, oldEnd) > 0 ? shift(p) : undefined);

  // References: the first read of each name. One first read in F that F no longer makes → unknown.
  const newReads = new Map([...sub.scope.references].map(([name, offset]) => [name, sub.place.pos(offset)]));
  const references = new Map<string, Position>();
  for (const [name, at] of before.references) {
    if (comparePos(at, fn.start) < 0) references.set(name, at);
    else if (comparePos(at, fn.end) < 0) {
      const now = newReads.get(name);
      if (!now) return undefined;
      references.set(name, now);
    } else references.set(name, newReads.get(name) ?? shift(at));
  }
  for (const [name, at] of newReads) if (!references.has(name)) references.set(name, at);

  // Top-level statements are classified by how functions change their bindings (topLevel.ts).
  // ... and by the bodies of the module's functions they call at load (localEffects.ts): an edit in
  // a statement that declares or assigns one of those is left to the whole-file path, and so is one
  // that assigns a function declaration (no longer surely that function: localFunctions.ts).
  const called = new Set(before.topLevel.flatMap((s) => s.calls ?? []));
  const variables = new Set<string>(called);
  for (const s of before.topLevel) if (/^(const|let|var|function) /.test(s.key)) for (const name of s.names) variables.add(name);
  if (variables.size > 0 && !sameMap(mutationNotes(old.node, variables, OUTER), mutationNotes(sub.node, variables, OUTER))) return undefined;
  const holder = called.size > 0 ? before.topLevel.find((s) => s.startOffset <= fn.startOffset && s.endOffset >= fn.endOffset) : undefined;
  if (holder && [...called].some((name) => mentions(holder.source, name))) return undefined;

  const functions: FunctionInfo[] = [];
  for (let i = 0; i < sub.index; i++) {
    const f = before.functions[i]!;
    if (f.endOffset < fn.endOffset) {
      functions.push(f);
      continue;
    }
    const nameStart = map(f.nameStart);
    const nameEnd = map(f.nameEnd);
    if (!nameStart || !nameEnd || comparePos(nameEnd, regionStart) >= 0) return undefined;
    // A body ends where its function ends, so its start is found from its old length.
    functions.push({
      ...f,
      end: shift(f.end),
      endOffset: f.endOffset + delta,
      text: afterText.slice(f.startOffset, f.endOffset + delta),
      bodyText: afterText.slice(f.endOffset - f.bodyText.length, f.endOffset + delta),
    });
  }
  functions.push(...sub.functions);
  for (let i = sub.end; i < before.functions.length; i++) {
    const f = before.functions[i]!;
    functions.push({
      ...f,
      start: shift(f.start),
      end: shift(f.end),
      startOffset: f.startOffset + delta,
      endOffset: f.endOffset + delta,
      bodyStartOffset: f.bodyStartOffset < 0 ? -1 : f.bodyStartOffset + delta,
      nameStart: shift(f.nameStart),
      nameEnd: shift(f.nameEnd),
    });
  }

  const lineBreaks = LINE_BREAK.test(beforeText.slice(region.start, region.oldEnd)) || LINE_BREAK.test(afterText.slice(region.start, region.newEnd));
  const topLevel: TopLevelStatement[] = [];
  for (const s of before.topLevel) {
    if (s.endOffset <= fn.startOffset) topLevel.push(s);
    else if (s.startOffset >= fn.endOffset) {
      topLevel.push({ ...s, anchorStart: shift(s.anchorStart), anchorEnd: shift(s.anchorEnd), startOffset: s.startOffset + delta, endOffset: s.endOffset + delta });
    } else if (s.startOffset <= fn.startOffset && s.endOffset >= fn.endOffset) {
      const anchorStart = map(s.anchorStart);
      const anchorEnd = map(s.anchorEnd);
      if (!anchorStart || !anchorEnd || comparePos(anchorStart, regionStart) >= 0) return undefined;
      // An anchor without a node of its own ends at its first line's end: after the region on
      // the region's last line, that end moves only as the rest of the line does.
      if (comparePos(s.anchorEnd, oldEnd) > 0 && lineBreaks && s.anchorEnd.line === oldEnd.line) return undefined;
      topLevel.push({ ...s, anchorStart, anchorEnd, endOffset: s.endOffset + delta, source: afterText.slice(s.startOffset, s.endOffset + delta) });
    } else return undefined;
  }

  const exposures: Exposure[] = [];
  for (const e of facts.exposures) {
    if (e.end <= fn.startOffset) exposures.push(e);
    else if (e.start >= fn.endOffset) exposures.push({ ...e, start: e.start + delta, end: e.end + delta, ...(e.headEnd !== undefined ? { headEnd: e.headEnd + delta } : {}) });
    else if (e.start <= fn.bodyStartOffset && e.end >= fn.endOffset) {
      // Around F's body, and passed exposedEdit: used by its head, which the edit did not touch.
      if (e.length === undefined) return undefined;
      exposures.push({ ...e, end: e.end + delta, length: e.length + nonWhitespace(afterText.slice(region.start, region.newEnd)) - nonWhitespace(beforeText.slice(region.start, region.oldEnd)) });
    } else if (e.start >= fn.startOffset && e.end <= fn.bodyStartOffset) exposures.push(e);
    else if (!(e.start >= fn.bodyStartOffset && e.end <= fn.endOffset)) return undefined;
  }
  exposures.push(...sub.exposures);

  const after: FileFunctions = {
    functions,
    declaredNames,
    topLevelNames: new Set(before.topLevelNames),
    topLevelText: before.topLevelText,
    rawTopLevelText: before.rawTopLevelText,
    topLevel,
    references,
    syntaxErrors: [],
  };
  // Nothing slashed was in F (slashedNear), nor is now (reparse): the same paths as before.
  setPathFacts(after, { ambiguous: false, slashed: facts.slashed, exposures });
  return after;
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

function sameMap(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
