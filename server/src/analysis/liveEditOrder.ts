// Which functions V8's LiveEdit will fail to match between two texts, and so which way to apply
// an update that changes both the top level and functions (`ScriptPatch.twoStep`).
//
// V8 matches an old function to a new one when both ends of the old function, moved by the diff
// (liveEditDiff.ts), land exactly on the ends of a function of the new text; an end that falls
// inside a changed chunk (or where a chunk ends) matches nothing, and the function counts as
// new: its existing closures keep the old code, while V8 answers Ok. V8's ends of a function are
// the `(` of its parameters (an arrow's single parameter without parentheses; a class without a
// constructor: its `class` keyword) and the end of its body. This model leaves out the other
// reason V8 has (a changed context layout around an unchanged function): the server keeps the
// module's layout itself (declarations.ts).
import ts from 'typescript';
import { bodiesFirstTexts, twoStepVia, type TwoStepOrder } from '../../../common/twoStepTexts';
import { isScopeAccessorText, scopeAccessor, withAccessorForm } from '../../../common/runningText';
import type { ChangedFunction } from '../../../common/patch';
import { liveEditDiff, type SourceChange } from './liveEditDiff';
import { collectFunctions, isFunctionNode, parse, type FileFunctions } from './functions';
import type { FileChanges } from './changes';
import { topLevelFirst } from './gaps';

/** A function as V8 delimits it, with the identity the server's analysis gives it. */
interface Literal {
  start: number;
  end: number;
  /** `FunctionInfo.path`, or `class <name>` for a class's implicit constructor. */
  path: string;
}

/** The function literals of a text as V8 delimits them. */
export function v8Literals(file: string, text: string, functions: FileFunctions): Literal[] {
  const sf = parse(file, text);
  const pathAt = new Map(functions.functions.map((f) => [f.startOffset, f.path]));
  // The scope accessor's arrow is the runtime's, not a function of the user's.
  const accessor = scopeAccessor(file);
  const accessorAt = text.lastIndexOf(accessor.slice(0, accessor.lastIndexOf(', (')));
  const out: Literal[] = [];
  const visit = (node: ts.Node): void => {
    if (accessorAt >= 0 && node.getStart(sf) >= accessorAt) return;
    if (isFunctionNode(node)) {
      // A load scope's accessor (common/loadScopes.ts) is the runtime's too.
      if (ts.isArrowFunction(node) && isScopeAccessorText(node.getText(sf))) return;
      const path = pathAt.get(node.getStart(sf));
      const open = node.parameters.pos - 1;
      const start = text[open] === '(' ? open : (node.parameters[0]?.getStart(sf) ?? node.getStart(sf));
      if (path !== undefined) out.push({ start, end: node.getEnd(), path });
    } else if ((ts.isClassDeclaration(node) || ts.isClassExpression(node)) && !node.members.some(ts.isConstructorDeclaration)) {
      const keyword = text.indexOf('class', node.modifiers?.end ?? node.getStart(sf));
      if (keyword >= 0) out.push({ start: keyword, end: node.getEnd(), path: `class ${node.name?.text ?? keyword}` });
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(sf, visit);
  return out;
}

/**
 * The old functions that the new text still has (by path) but V8 would not match to it, given
 * the diff between the two texts: V8's sweep over function ends and diff chunks in position order.
 */
export function unmatched(oldLiterals: readonly Literal[], newLiterals: readonly Literal[], diffs: readonly SourceChange[]): string[] {
  const newPaths = new Set(newLiterals.map((l) => l.path));
  const newEnds = new Set(newLiterals.map((l) => `${l.start}:${l.end}`));
  // Events at one position: function starts, then function ends, then chunk starts, then chunk
  // ends; among starts the outer function first, among ends the inner one first.
  type Event = { at: number; kind: 0 | 1 | 2 | 3; literal?: number; growth?: number };
  const events: Event[] = [];
  oldLiterals.forEach((l, i) => events.push({ at: l.start, kind: 0, literal: i }, { at: l.end, kind: 1, literal: i }));
  for (const d of diffs) {
    const growth = d.newEnd - d.newStart - (d.end - d.start);
    events.push({ at: d.start, kind: 2, growth }, { at: d.end, kind: 3, growth });
  }
  events.sort((a, b) => {
    if (a.at !== b.at) return a.at - b.at;
    if (a.kind !== b.kind) return a.kind - b.kind;
    if (a.kind === 0) return oldLiterals[b.literal!]!.end - oldLiterals[a.literal!]!.end || a.literal! - b.literal!;
    if (a.kind === 1) return oldLiterals[b.literal!]!.start - oldLiterals[a.literal!]!.start || b.literal! - a.literal!;
    return a.growth! - b.growth!;
  });
  let inside = false;
  let delta = 0;
  const newStart = new Map<number, number | undefined>();
  const lost: string[] = [];
  for (const e of events) {
    if (e.kind === 2) inside = true;
    else if (e.kind === 3) {
      inside = false;
      delta += e.growth!;
    } else if (e.kind === 0) newStart.set(e.literal!, inside ? undefined : oldLiterals[e.literal!]!.start + delta);
    else {
      const literal = oldLiterals[e.literal!]!;
      const start = newStart.get(e.literal!);
      const end = inside ? undefined : literal.end + delta;
      const matched = start !== undefined && end !== undefined && newEnds.has(`${start}:${end}`);
      if (!matched && newPaths.has(literal.path)) lost.push(literal.path);
    }
  }
  return lost;
}


/** How the runtime applies a script's update (`ScriptPatch.twoStep`, `ScriptPatch.accessorAfter`). */
export interface LiveEditPlan {
  twoStep?: TwoStepOrder;
  accessorAfter?: true;
  /** Paths of changed or kept functions V8 is still predicted to leave on old code. */
  unmatched: string[];
  /**
   * Paths of functions whose existing closures `bodiesFirst` leaves apart from the script on their
   * new code: no later LiveEdit reaches them (changes.ts `strandedBy`).
   */
  apart?: string[];
}

/**
 * The way to apply an update from `oldText` to `code` that V8 is predicted to match the most
 * functions in. Each LiveEdit also changes the scope accessor's spelling (runningText.ts,
 * ACCESSOR_FORMS), and that change on the script's last line widens V8's line diff to everything
 * between the last edit and it: blank lines and closing braces there can then pair up differently
 * and put a function's end inside a changed chunk (an edit that adds a blank line to the last
 * function of a file did). `accessorAfter` changes the accessor in a LiveEdit of its own, last.
 * Updates that change the top level and functions also try both two-step orders (gaps.ts).
 * Ties go to the first candidate: the fewest LiveEdits, top level first (measured longest).
 * A spliced text (an ES module's or compiled file's, whose top level is kept) goes top level first,
 * unpredicted: its functions are not those `codeFunctions` describes.
 */
export function planLiveEdit(file: string, changes: FileChanges, oldText: string, code: string, functions: readonly ChangedFunction[], oldFunctions: FileFunctions, codeFunctions: () => FileFunctions, spliced: boolean): LiveEditPlan {
  const twoSteps = topLevelFirst(changes);
  if (spliced) return twoSteps ? { twoStep: 'topLevelFirst', unmatched: [] } : { unmatched: [] };
  const form = (text: string, f: 0 | 1): string => withAccessorForm(text, file, f);
  // Most updates: the accessor's change pairs up on its own line, and the diff of the file's own
  // code is the same with or without it. Then there is nothing to predict.
  // A function the new text no longer has that takes a forwarding body (forwardedExports.ts)
  // gets it only under its old head.
  const forwarding = functions.some((fn) => fn.forwardText !== undefined);
  if (!twoSteps && !forwarding && sameOwnDiff(oldText, code, form(code, 1), file)) return { unmatched: [] };
  const literals = new Map<string, Literal[]>();
  const literalsOf = (text: string, known?: FileFunctions): Literal[] => {
    const canonical = form(text, 0);
    let found = literals.get(canonical);
    if (!found) literals.set(canonical, (found = v8Literals(file, canonical, known ?? collectFunctions(file, canonical))));
    return found;
  };
  literalsOf(oldText, oldFunctions);
  literalsOf(code, codeFunctions());
  const lost = (texts: string[]): string[] => {
    const out = new Set<string>();
    for (let i = 1; i < texts.length; i++) {
      for (const path of unmatched(literalsOf(texts[i - 1]!), literalsOf(texts[i]!), liveEditDiff(texts[i - 1]!, texts[i]!))) out.add(path);
    }
    return [...out];
  };
  // A function V8 leaves unmatched in a step after one that gave it its final text from its `(` on
  // keeps that text's code in its existing closures: the new code (`bodiesFirst`). Counted only
  // for that order, last, so that it is chosen only where the others leave functions on old code.
  // Its text there is the final one, or the one `bodiesFirst` made it under its old head (an
  // arrow's body as a function's: the same when called).
  const underOldHeads = new Set(bodiesFirstTexts(oldText, code, functions).map((t) => t.text));
  const harmless = (texts: string[]): string[] => {
    const last = literalsOf(texts[texts.length - 1]!);
    const finalText = new Map(last.map((l) => [l.path, texts[texts.length - 1]!.slice(l.start, l.end)]));
    const out = new Set<string>();
    for (let i = 2; i < texts.length; i++) {
      const before = literalsOf(texts[i - 1]!);
      for (const path of unmatched(before, literalsOf(texts[i]!), liveEditDiff(texts[i - 1]!, texts[i]!))) {
        const l = before.find((b) => b.path === path);
        const text = l && texts[i - 1]!.slice(l.start, l.end);
        // (V8's literal may start at the `(`, past the kept head.)
        if (text !== undefined && (text === finalText.get(path) || [...underOldHeads].some((t) => t.endsWith(text)))) out.add(path);
      }
    }
    return [...out];
  };
  const orders: (TwoStepOrder | undefined)[] = forwarding ? ['bodiesFirst'] : twoSteps ? ['topLevelFirst', 'functionsFirst', undefined, 'bodiesFirst'] : [undefined];
  let best: LiveEditPlan | undefined;
  for (const order of orders) {
    const via = twoStepVia(order, oldText, code, functions);
    // A text in between that declares other top-level names than the running one (a `function`
    // declaration replaced whole by the arrow it became) changes the module's context: V8 would
    // leave every existing closure on old code (decision 032). Not a way to go.
    if (via !== undefined && !sameNames(oldFunctions.topLevelNames, collectFunctions(file, via).topLevelNames)) continue;
    const steps = via === undefined ? [] : [via];
    for (const accessorAfter of [false, true]) {
      const texts = accessorAfter
        ? [form(oldText, 0), ...steps.map((t) => form(t, 0)), form(code, 0), form(code, 1)]
        : [form(oldText, 0), ...steps.map((t, i) => form(t, i % 2 === 0 ? 1 : 0)), form(code, steps.length % 2 === 0 ? 1 : 0)];
      let unmatchedPaths = lost(texts);
      let apart: string[] = [];
      if (order === 'bodiesFirst' && via !== undefined) {
        const kept = new Set(harmless(texts));
        const first = new Set(lost(texts.slice(0, 2)));
        apart = unmatchedPaths.filter((p) => !first.has(p) && kept.has(p));
        unmatchedPaths = unmatchedPaths.filter((p) => !apart.includes(p));
      }
      const candidate: LiveEditPlan = { ...(via !== undefined ? { twoStep: order } : {}), ...(accessorAfter ? { accessorAfter: true as const } : {}), unmatched: unmatchedPaths, ...(apart.length ? { apart } : {}) };
      if (!best || candidate.unmatched.length < best.unmatched.length) best = candidate;
      if (best.unmatched.length === 0) return best;
    }
  }
  return best!;
}

function sameNames(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((n) => b.has(n));
}

/** Whether `a → b` and `a → b2` (b with another accessor spelling) differ only on the accessor's line. */
function sameOwnDiff(a: string, b: string, b2: string, file: string): boolean {
  const ownEnd = a.lastIndexOf(scopeAccessor(file).trimStart());
  if (ownEnd < 0) return true;
  const own = (diffs: SourceChange[]): string => JSON.stringify(diffs.filter((d) => d.start < ownEnd));
  return own(liveEditDiff(a, b)) === own(liveEditDiff(a, b2));
}

/**
 * The changed functions with a closure risk where V8 is predicted not to match them, so the
 * runtime checks their closures after applying and reports any it left on old code (LU006).
 */
export function withPredictedRisk(functions: ChangedFunction[], plan: LiveEditPlan, codeFunctions: () => FileFunctions): ChangedFunction[] {
  if (plan.unmatched.length === 0) return functions;
  const lost = new Set(plan.unmatched);
  const names = new Set(codeFunctions().functions.filter((f) => lost.has(f.path)).map((f) => f.displayName));
  return functions.map((fn) => (fn.closureRisk || !names.has(fn.name) ? fn : { ...fn, closureRisk: PREDICTED_RISK }));
}

/** The closure risk's reason when the model of V8's diff predicts the function is not matched. */
export const PREDICTED_RISK = 'V8 matches functions by a text diff, and this edit moves its first or last token';
