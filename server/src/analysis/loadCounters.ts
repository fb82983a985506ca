// Load counters (issue 20, shape B) and tables declared with the exports: how a module numbers a
// table of regular expressions (`var R = 0; var X = R++; src[X] = …`) the same way at every start,
// so topLevel.ts classes them as definitions and definitionSteps.ts runs them again as a sequence.
import ts from 'typescript';
import { exposed } from './exposure';
import { compactText, isAssignment, isExportsTarget, skipOuter } from './syntaxBits';

/** `R++` (or `++R`) of a plain name: the counter whose index it takes. */
export function counterTaken(init: ts.Expression): string | undefined {
  const e = skipOuter(init);
  if ((ts.isPostfixUnaryExpression(e) || ts.isPrefixUnaryExpression(e)) && e.operator === ts.SyntaxKind.PlusPlusToken) {
    const operand = skipOuter(e.operand);
    if (ts.isIdentifier(operand)) return operand.text;
  }
  return undefined;
}

/**
 * `exports.src = exports.a = value` written as a declaration's value (`var src = exports.src = []`):
 * the value, when every target of the chain is a member of the exports; else the expression.
 */
export function exportedValue(init: ts.Expression, sf: ts.SourceFile): ts.Expression {
  let e = skipOuter(init);
  while (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    const target = exposed(e.left, compactText(e.left, sf));
    if (!isExportsTarget(target) || /^(module\.exports|exports)$/.test(target)) return init;
    e = skipOuter(e.right);
  }
  return e;
}

/**
 * Load counters (issue 20, shape B): a top-level `var R = 0` (any number) whose only changes are
 * `var X = R++` declarations at the top level — how a table of regular expressions is numbered
 * (`src[X] = …`, then a loop up to `R`). A fresh start numbers them the same way, so the counter
 * and the indexes are definitions: run again as a sequence from `R = 0` (definitionSteps.ts).
 */
export function loadCounters(statements: readonly ts.Statement[], container: ts.Node): Set<string> {
  const candidates = new Set<string>();
  for (const statement of statements) {
    if (!ts.isVariableStatement(statement) || statement.declarationList.flags & (ts.NodeFlags.Const | ts.NodeFlags.Using)) continue;
    for (const d of statement.declarationList.declarations) {
      if (ts.isIdentifier(d.name) && d.initializer && ts.isNumericLiteral(skipOuter(d.initializer))) candidates.add(d.name.text);
    }
  }
  if (candidates.size === 0) return candidates;
  const disqualified = new Set<string>();
  const visit = (node: ts.Node, inFunction: boolean): void => {
    const inside = inFunction || (ts.isFunctionLike(node) && node !== container);
    let written: ts.Expression | undefined;
    if (ts.isBinaryExpression(node) && isAssignment(node.operatorToken.kind)) written = node.left;
    if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)) written = node.operand;
    const name = written && ts.isIdentifier(skipOuter(written)) ? (skipOuter(written) as ts.Identifier).text : undefined;
    if (name && candidates.has(name)) {
      // Allowed: `var X = R++` directly in a top-level declaration.
      const declaration = node.parent;
      const ok = !inside && ts.isVariableDeclaration(declaration) && declaration.initializer === node && counterTaken(node as ts.Expression) === name && statements.includes(declaration.parent.parent as ts.Statement);
      if (!ok) disqualified.add(name);
    }
    ts.forEachChild(node, (child) => visit(child, inside));
  };
  visit(container, false);
  return new Set([...candidates].filter((n) => !disqualified.has(n)));
}
