// The functions a top level defines for itself and then calls at load (issue 20, "Applied means
// it"): a table built with `replace(src)('hr', hr)()`, `merge({}, block)`, a compile loop calling
// `debug(i, src[i])`. localEffects.ts decides whether such a call is pure; this file finds which
// names surely hold one of the top level's own functions when the call runs:
//   - a function declaration (hoisted: from the start), that nothing assigns;
//   - a variable whose every value is a function written in this top level: its initializer, or
//     top-level assignments (`if (DEBUG) debug = function … else debug = function () {}` at load),
//     and that no function assigns, nor any other write (`+=`, destructuring, `for (debug in …)`).
//     It holds one of them from the end of the last top-level statement that assigns it.
// Conservative: a write that may be to a same-named inner variable still counts against the name.
import ts from 'typescript';
import { bindingNames, isAssignment, skipOuter } from './syntaxBits';

export interface LocalFunction {
  /** Every function the name may hold when called: a pure call must be pure with each. */
  bodies: ts.FunctionLikeDeclaration[];
  /** The offset from which the name holds one of them (-1: hoisted, from the start). */
  readyAt: number;
}

export interface LocalFunctions {
  byName: Map<string, LocalFunction>;
  /** Every name the top level declares: a global's name it declares is no longer the global. */
  declared: Set<string>;
}

export function localFunctions(statements: readonly ts.Statement[], container: ts.Node): LocalFunctions {
  const byName = new Map<string, LocalFunction>();
  const declared = new Set<string>();
  const variables = new Set<string>();
  const bad = new Set<string>();
  for (const s of statements) {
    if (ts.isFunctionDeclaration(s) && s.name && s.body) {
      const known = byName.get(s.name.text);
      // Two declarations of one name: the later wins at load; both are checked.
      byName.set(s.name.text, { bodies: [...(known?.bodies ?? []), s], readyAt: -1 });
    }
    if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name) declared.add(s.name.text);
    if (ts.isClassDeclaration(s) && s.name) bad.add(s.name.text);
    if (!ts.isVariableStatement(s)) continue;
    for (const d of s.declarationList.declarations) {
      for (const name of bindingNames(d.name)) declared.add(name);
      if (!ts.isIdentifier(d.name)) {
        for (const name of bindingNames(d.name)) bad.add(name);
        continue;
      }
      const name = d.name.text;
      // A variable of the same name as a function declaration: which one holds is not looked into.
      if (byName.has(name) && !variables.has(name)) bad.add(name);
      variables.add(name);
      const init = d.initializer && skipOuter(d.initializer);
      if (init && !isFunctionValue(init)) bad.add(name);
      else record(byName, name, init as ts.FunctionLikeDeclaration | undefined, d.initializer ? s.getEnd() : -1);
    }
  }
  // Every other write to these names, anywhere in the container.
  const topLevelOf = (n: ts.Node): ts.Statement | undefined => {
    let s: ts.Node = n;
    while (s.parent && s.parent !== container) s = s.parent;
    return statements.includes(s as ts.Statement) ? (s as ts.Statement) : undefined;
  };
  const visit = (n: ts.Node, inFunction: boolean): void => {
    const inside = inFunction || (n !== container && ts.isFunctionLike(n));
    const written = writtenName(n);
    if (written && byName.has(written.name)) {
      const value = written.value && skipOuter(written.value);
      const statement = topLevelOf(n);
      if (inside || !value || !isFunctionValue(value) || !statement || !variables.has(written.name)) bad.add(written.name);
      else record(byName, written.name, value as ts.FunctionLikeDeclaration, statement.getEnd());
    }
    ts.forEachChild(n, (child) => visit(child, inside));
  };
  ts.forEachChild(container, (child) => visit(child, false));
  for (const name of bad) byName.delete(name);
  for (const [name, fn] of byName) if (fn.bodies.length === 0) byName.delete(name);
  return { byName, declared };
}

function record(byName: Map<string, LocalFunction>, name: string, body: ts.FunctionLikeDeclaration | undefined, at: number): void {
  const known = byName.get(name) ?? { bodies: [], readyAt: -1 };
  byName.set(name, { bodies: body ? [...known.bodies, body] : known.bodies, readyAt: Math.max(known.readyAt, at) });
}

function isFunctionValue(e: ts.Expression): boolean {
  return ts.isFunctionExpression(e) || ts.isArrowFunction(e);
}

/** The plain name a node writes (`x = v`, `x += v`, `x++`, `for (x in …)`, a destructuring target), with the value when it is a plain `=`. */
function writtenName(n: ts.Node): { name: string; value?: ts.Expression } | undefined {
  if (ts.isBinaryExpression(n) && isAssignment(n.operatorToken.kind)) {
    const left = skipOuter(n.left);
    if (ts.isIdentifier(left)) return { name: left.text, ...(n.operatorToken.kind === ts.SyntaxKind.EqualsToken ? { value: n.right } : {}) };
  }
  if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)) {
    const operand = skipOuter(n.operand);
    if (ts.isIdentifier(operand)) return { name: operand.text };
  }
  if ((ts.isForInStatement(n) || ts.isForOfStatement(n)) && !ts.isVariableDeclarationList(n.initializer)) {
    const target = skipOuter(n.initializer);
    if (ts.isIdentifier(target)) return { name: target.text };
  }
  // A name inside a destructuring assignment's pattern (`[a, debug] = …`, `({ debug } = …)`).
  if (ts.isIdentifier(n) && n.parent && !ts.isBinaryExpression(n.parent) && !(ts.isPropertyAssignment(n.parent) && n.parent.name === n) && inAssignmentPattern(n)) return { name: n.text };
  return undefined;
}

function inAssignmentPattern(n: ts.Node): boolean {
  let child = n;
  for (let p = n.parent; p; child = p, p = p.parent) {
    if (ts.isBinaryExpression(p)) return p.operatorToken.kind === ts.SyntaxKind.EqualsToken && p.left === child;
    if (!(ts.isArrayLiteralExpression(p) || ts.isObjectLiteralExpression(p) || ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p) || ts.isSpreadElement(p) || ts.isSpreadAssignment(p) || ts.isParenthesizedExpression(p))) return false;
  }
  return false;
}
