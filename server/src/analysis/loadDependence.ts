// What a module computed at load from code or data an update changes, and that the update does not
// compute again (issue 20: "applied" means the program behaves as a fresh start would). Two ways a
// top-level statement that did not change still holds what the old version made:
//   derived — it reads a binding or a table the update re-evaluated (`for (…) re[i] = new
//             RegExp(src[i])` after `src[WORD]` changed; `app.listen(PORT)` after `PORT` changed);
//   built   — it calls, at load, a function or class of the module whose own code changed
//             (`const DEFAULT = new Registry(items)` after `index`, which the constructor calls,
//             changed layout), directly or through the module's functions it reaches.
// A statement that holds state is state (its running value is kept by design) and is not counted;
// one the update runs again is not kept. Calls are what the statement and the functions it reaches
// call in their own text, not what the callbacks they create or pass call later: a handler
// registered at load (`http.createServer((q, r) => handle(q, r))` inside `main`) runs its new code
// at its next call, and its edit is whole.
import ts from 'typescript';
import type { FileChanges } from './changes';
import { withoutTrivia, type FunctionInfo } from './functions';
import { mentions } from './syntaxBits';
import type { TopLevelStatement } from './topLevel';

export interface LoadDependence {
  statement: TopLevelStatement;
  /** Why it still holds what the old version made, as a clause: "reads `PORT`, re-evaluated by this update". */
  reason: string;
}

/**
 * What the update converts itself, so a statement that built it at load keeps nothing old: state
 * bindings a transformer converts (`transform$x`), classes whose existing instances it migrates.
 */
export interface Converted {
  bindings: ReadonlySet<string>;
  classes: ReadonlySet<string>;
}

/**
 * Statements of `all` (the module after the update, in source order) that hold what the old code
 * made. `inPlace`: bindings whose object the update rebuilt in place (definitionSteps.ts): like a table
 * filled in place, only what read its contents holds old values, not what holds the object itself.
 */
export function loadDependents(all: TopLevelStatement[], functions: FunctionInfo[], changes: FileChanges, rerun: ReadonlySet<string>, converted: Converted = { bindings: new Set(), classes: new Set() }, inPlace: ReadonlySet<string> = new Set()): LoadDependence[] {
  const byPath = new Map(functions.map((fn) => [fn.path, fn]));
  const out: LoadDependence[] = [];
  const changed = changedCode(changes);
  const reach = reachability(functions);
  // Names re-evaluated by the update, as the module runs: bindings it assigns (any read of them
  // is derived) and tables it fills in place (only reading their contents is).
  const renewed = new Map<string, string>();
  const refilled = new Map<string, string>();
  const touched = new Set(changes.topLevel.map((c) => c.statement.key));
  for (const s of all) {
    if (rerun.has(s.key)) {
      for (const name of s.names) (inPlace.has(name) ? refilled : renewed).set(name, s.key);
      for (const name of s.fills) if (name !== 'module' && name !== 'exports' && !renewed.has(name)) refilled.set(name, s.key);
      continue;
    }
    // Changed statements are reported as such (changeDiagnostics.ts); functions are compared by code.
    if (touched.has(s.key) || s.class === 'state' || s.reason === 'declares a function' || s.reason === 'declares a class') continue;
    // A name it reads but does not write is read by a module function it calls (localEffects.ts):
    // what that reads of a table, it cannot be told, so its contents count as read.
    const read = s.reads.find((n) => renewed.has(n)) ?? s.reads.find((n) => refilled.has(n) && (readsContents(s.source, n) || !mentions(s.source, n)));
    if (read !== undefined) {
      out.push({ statement: s, reason: `reads \`${read}\`, which this update re-evaluated` });
      continue;
    }
    // Parsed only when it names a function or class whose code may run the changed code (the
    // common save changes one body and is checked against few statements).
    if (changed.size === 0 || !s.reads.some((n) => reach(n).some((p) => changed.has(p)))) continue;
    for (const callee of calledAtLoad(s.source)) {
      const reached = reach(callee);
      // What it built at load is state the update converts: the transformer's result is what counts.
      if (reached.some((p) => [...(byPath.get(p)?.freeNames ?? [])].some((n) => converted.bindings.has(n)))) continue;
      const culprit = reached.find((p) => changed.has(p) && !converted.classes.has(/^([^/]+)\{\}\//.exec(p)?.[1] ?? ''));
      if (culprit === undefined) continue;
      const shown = changed.get(culprit)!;
      out.push({ statement: s, reason: shown === callee ? `calls \`${callee}\`, whose code this update changed` : `calls \`${callee}\`, which runs \`${shown}\`, whose code this update changed` });
      break;
    }
  }
  return out;
}

/** The paths of the functions whose own code changed (layout and comments aside). */
function changedCode(changes: FileChanges): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of changes.changed) {
    if (withoutTrivia(c.before.ownText) !== withoutTrivia(c.after.ownText) || c.before.signature !== c.after.signature) out.set(c.after.path, c.after.displayName);
  }
  return out;
}

/**
 * From a top-level name a statement calls, the functions that may run: a function itself; for a
 * class, its constructor (`new C` runs that, not the methods); and from each, the module's
 * functions and classes it calls in its own text (`f(…)`, `new C(…)`) and the methods of its own
 * class it calls on `this`. Callbacks it creates or passes are not followed: they run later.
 */
function reachability(functions: FunctionInfo[]): (name: string) => string[] {
  const byPath = new Map(functions.map((fn) => [fn.path, fn]));
  const entries = (name: string): string[] => (byPath.has(name) ? [name] : byPath.has(`${name}{}/constructor`) ? [`${name}{}/constructor`] : []);
  const memo = new Map<string, string[]>();
  return (name) => {
    const known = memo.get(name);
    if (known) return known;
    const seen = new Set<string>();
    const queue = entries(name);
    while (queue.length) {
      const path = queue.pop()!;
      if (seen.has(path)) continue;
      seen.add(path);
      const fn = byPath.get(path);
      if (!fn) continue;
      // What it calls itself (its own text: the callbacks it creates run later, if ever).
      for (const m of fn.ownText.matchAll(/(?<![.\w$])([A-Za-z_$][\w$]*)\s*\(/g)) queue.push(...entries(m[1]!));
      const owner = /^([^/]+)\{\}\//.exec(path)?.[1];
      if (owner) for (const m of fn.ownText.matchAll(/this\.([A-Za-z_$][\w$]*)\s*\(/g)) if (byPath.has(`${owner}{}/${m[1]}`)) queue.push(`${owner}{}/${m[1]}`);
    }
    const found = [...seen];
    memo.set(name, found);
    return found;
  };
}

/** The names a statement calls or constructs while it runs (not inside the functions it creates). */
function calledAtLoad(source: string): string[] {
  const sf = ts.createSourceFile('statement.js', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const out = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionLike(n) && !isInvokedNow(n)) return;
    if ((ts.isCallExpression(n) || ts.isNewExpression(n)) && ts.isIdentifier(n.expression)) out.add(n.expression.text);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return [...out];
}

/** A function expression called where it is written runs now, with the statement. */
function isInvokedNow(n: ts.Node): boolean {
  let outer = n;
  while (ts.isParenthesizedExpression(outer.parent)) outer = outer.parent;
  return ts.isCallExpression(outer.parent) && outer.parent.expression === outer;
}

/**
 * Whether a statement reads what table `name` holds (`src[i]`, `src.length`, `merge({}, src)`), not
 * only fills it (`src.x = …`) or passes the same object on (`module.exports = src`).
 */
function readsContents(source: string, name: string): boolean {
  const sf = ts.createSourceFile('statement.js', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found || (ts.isFunctionLike(n) && !isInvokedNow(n))) return;
    if (ts.isIdentifier(n) && n.text === name) {
      const parent = n.parent;
      const member = (ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) && parent.expression === n;
      const assigned = member && ts.isBinaryExpression(parent.parent) && parent.parent.left === parent && parent.parent.operatorToken.kind === ts.SyntaxKind.EqualsToken;
      const argument = (ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.arguments?.includes(n) === true;
      if ((member && !assigned) || argument || ts.isSpreadElement(parent) || ts.isSpreadAssignment(parent)) found = true;
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}
