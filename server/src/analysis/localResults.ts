// What a call of one of the module's functions may return (localEffects.ts): a closure written in
// it, a value that holds no function of the program's, or anything. A call whose functions keep
// state in a closure is pure only when its result is surely no such closure (a builder's closing
// call, `replace(re)('a', x)()`, returns the RegExp it built).
import ts from 'typescript';
import { declaringScope, localFunction } from './localScopes';
import { isRead, skipOuter } from './syntaxBits';

/** A call's possible results: a closure of the module's code, a value that is no function, or anything. */
export type Result = ts.FunctionLikeDeclaration | 'value' | 'unknown';

/** What a function of the module may return: its own closures, values that hold no function, or anything. */
export function resultsOf(fn: ts.FunctionLikeDeclaration, count?: number): Result[] {
  const guarded = count !== undefined ? missingArgument(fn, count) : undefined;
  if (guarded) return [guarded];
  if (fn.body && !ts.isBlock(fn.body)) return [classify(fn.body, fn)];
  const out: Result[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionLike(n)) return;
    if (ts.isReturnStatement(n)) out.push(classify(n.expression, fn));
    ts.forEachChild(n, visit);
  };
  if (fn.body) ts.forEachChild(fn.body, visit);
  // Falling off the end returns undefined.
  out.push('value');
  return out;
}

/** Constructors whose objects hold no function of the program's. */
const PLAIN_CONSTRUCTORS = new Set(['RegExp', 'Date', 'URL', 'TextEncoder', 'TextDecoder', 'Intl.Collator', 'Intl.NumberFormat', 'Intl.DateTimeFormat']);

function classify(e: ts.Expression | undefined, fn: ts.FunctionLikeDeclaration): Result {
  const n = e && skipOuter(e);
  if (!n || ts.isLiteralExpression(n) || ts.isTemplateExpression(n) || n.kind === ts.SyntaxKind.TrueKeyword || n.kind === ts.SyntaxKind.FalseKeyword || n.kind === ts.SyntaxKind.NullKeyword) return 'value';
  if (ts.isNewExpression(n)) return PLAIN_CONSTRUCTORS.has(n.expression.getText().replace(/\s+/g, '')) ? 'value' : 'unknown';
  // A literal holds no function when it writes none and names no variable of the function's.
  if (ts.isObjectLiteralExpression(n) || ts.isArrayLiteralExpression(n)) return holdsNothingOf(n, fn) ? 'value' : 'unknown';
  if (ts.isFunctionExpression(n) || ts.isArrowFunction(n)) return n;
  if (ts.isIdentifier(n)) {
    const scope = declaringScope(n, fn);
    const local = scope && localFunction(n.text, scope);
    if (local) return local;
  }
  return 'unknown';
}

function holdsNothingOf(literal: ts.Node, fn: ts.Node): boolean {
  let plain = true;
  const visit = (n: ts.Node): void => {
    if (!plain) return;
    if (ts.isFunctionLike(n) || ts.isClassLike(n) || (ts.isIdentifier(n) && isRead(n) && declaringScope(n, fn))) plain = false;
    else ts.forEachChild(n, visit);
  };
  visit(literal);
  return plain;
}

/**
 * What a call returns when it leaves out the argument its function tests first (`if (!name) return
 * new RegExp(…)`: a builder's closing call, `replace(re)('a', x)()`); undefined when the function
 * does not start so.
 */
export function missingArgument(fn: ts.FunctionLikeDeclaration, count: number): Result | undefined {
  const first = fn.body && ts.isBlock(fn.body) ? fn.body.statements[0] : undefined;
  if (!first || !ts.isIfStatement(first) || first.elseStatement) return undefined;
  const then = ts.isBlock(first.thenStatement) && first.thenStatement.statements.length === 1 ? first.thenStatement.statements[0]! : first.thenStatement;
  if (!ts.isReturnStatement(then)) return undefined;
  const c = skipOuter(first.expression);
  const tested = ts.isPrefixUnaryExpression(c) && c.operator === ts.SyntaxKind.ExclamationToken ? skipOuter(c.operand) : undefined;
  if (!tested || !ts.isIdentifier(tested)) return undefined;
  const index = fn.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === tested.text);
  const param = fn.parameters[index];
  // Left out, and not given a default nor assigned before the test: it is undefined there.
  if (!param || index < count || param.initializer || param.dotDotDotToken) return undefined;
  return classify(then.expression, fn);
}
