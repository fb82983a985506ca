// Small questions about TypeScript syntax nodes that the top-level analyses share.
import ts from 'typescript';

/** The expression inside parentheses, type assertions and `!`. */
export function skipOuter(node: ts.Expression): ts.Expression {
  let n = node;
  while (ts.isParenthesizedExpression(n) || ts.isAsExpression(n) || ts.isSatisfiesExpression(n) || ts.isNonNullExpression(n) || ts.isTypeAssertionExpression(n)) n = n.expression;
  return n;
}

/** Whether a binary operator assigns (`=`, `+=`, …). */
export function isAssignment(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

/** `exports`, `module.exports`, or a member of either (`exports.a`, `module.exports["b"]`). */
export function isExportsTarget(text: string): boolean {
  return /^(module\.exports|exports)(\.[\w$]+|\[.*\])?$/.test(text);
}
