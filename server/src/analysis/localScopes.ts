// Where a name used inside a function resolves: to a binding of that function (or of a function or
// block inside it), or to something outside it. localEffects.ts asks this of every name a module
// function reads or writes, so that a write to its own local is told from a write to the module's
// variable of the same name, block scoping included (a `let x` in an inner block shadows only there).
import ts from 'typescript';
import { bindingNames, writeTarget } from './syntaxBits';

const declaredCache = new WeakMap<ts.Node, Set<string>>();

/**
 * The scope node inside `root` (inclusive) that declares the name `id` uses, or undefined when it
 * resolves outside `root`.
 */
export function declaringScope(id: ts.Identifier, root: ts.Node): ts.Node | undefined {
  let child: ts.Node = id;
  for (let n: ts.Node | undefined = id.parent; n; child = n, n = n.parent) {
    // A function's own name, parameters and body share its scope; a parameter's default value
    // does not see the body's declarations, which only a shadowing name would tell: the analysis
    // would call that name local, a write to it allowed as it is in the body.
    if (declaredIn(n).has(id.text) && !(ts.isFunctionDeclaration(n) && child === n.name)) return n;
    if (n === root) return undefined;
  }
  return undefined;
}

/** The names a scope node declares (empty for nodes that make no scope). */
export function declaredIn(node: ts.Node): Set<string> {
  let names = declaredCache.get(node);
  if (names) return names;
  names = new Set<string>();
  if (ts.isFunctionLike(node) && 'body' in node && node.body) {
    const fn = node as ts.FunctionLikeDeclaration;
    for (const p of fn.parameters) for (const n of bindingNames(p.name)) names.add(n);
    if (!ts.isArrowFunction(fn)) names.add('arguments');
    if (ts.isFunctionExpression(fn) && fn.name) names.add(fn.name.text);
    if (fn.body && ts.isBlock(fn.body)) {
      varNames(fn.body, names);
      lexicalNames(fn.body.statements, names);
    }
  } else if (ts.isBlock(node) && !ts.isFunctionLike(node.parent)) {
    lexicalNames(node.statements, names);
  } else if (ts.isCaseBlock(node)) {
    for (const clause of node.clauses) lexicalNames(clause.statements, names);
  } else if ((ts.isForStatement(node) || ts.isForInStatement(node) || ts.isForOfStatement(node)) && node.initializer && ts.isVariableDeclarationList(node.initializer)) {
    if (node.initializer.flags & ts.NodeFlags.BlockScoped) for (const d of node.initializer.declarations) for (const n of bindingNames(d.name)) names.add(n);
  } else if (ts.isCatchClause(node) && node.variableDeclaration) {
    for (const n of bindingNames(node.variableDeclaration.name)) names.add(n);
  }
  declaredCache.set(node, names);
  return names;
}

/** `var` names anywhere in a body, not inside the functions it holds (they hoist to the function). */
function varNames(body: ts.Node, into: Set<string>): void {
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isVariableDeclarationList(n) && !(n.flags & ts.NodeFlags.BlockScoped)) for (const d of n.declarations) for (const name of bindingNames(d.name)) into.add(name);
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(body, visit);
}

/** `let`, `const`, classes and functions declared directly among statements (a block's own). */
function lexicalNames(statements: readonly ts.Statement[], into: Set<string>): void {
  for (const s of statements) {
    if (ts.isVariableStatement(s) && s.declarationList.flags & ts.NodeFlags.BlockScoped) for (const d of s.declarationList.declarations) for (const n of bindingNames(d.name)) into.add(n);
    if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name) into.add(s.name.text);
  }
}

/** The function a local name declared in `scope` surely holds: a function declaration there, or a function expression's own name. */
export function localFunction(name: string, scope: ts.Node): ts.FunctionLikeDeclaration | undefined {
  if (ts.isFunctionExpression(scope) && scope.name?.text === name) return scope;
  const body = ts.isFunctionLike(scope) ? (scope as ts.FunctionLikeDeclaration).body : scope;
  const statements: readonly ts.Statement[] = body && (ts.isBlock(body) || ts.isSourceFile(body)) ? body.statements : ts.isCaseBlock(scope) ? scope.clauses.flatMap((c) => [...c.statements]) : [];
  const found = statements.filter((s): s is ts.FunctionDeclaration => ts.isFunctionDeclaration(s) && s.name?.text === name && s.body !== undefined);
  // Reassigned anywhere (`f = other`), or declared twice: not surely that function.
  if (found.length !== 1) return undefined;
  let assigned = false;
  const visit = (n: ts.Node): void => {
    const target = writeTarget(n);
    if (target && ts.isIdentifier(target) && target.text === name && declaringScope(target, scope) === scope) assigned = true;
    if (!assigned) ts.forEachChild(n, visit);
  };
  visit(scope);
  return assigned ? undefined : found[0];
}
