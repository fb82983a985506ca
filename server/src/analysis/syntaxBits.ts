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

/** The variable at the root of a member chain (`a` of `a.b[c].d`), if it is one. */
export function rootIdentifier(node: ts.Node): string | undefined {
  let n: ts.Node = skipOuter(node as ts.Expression);
  while (ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n) || ts.isNonNullExpression(n) || ts.isParenthesizedExpression(n)) n = n.expression;
  return ts.isIdentifier(n) ? n.text : undefined;
}

/** Whether an identifier reads a variable (not a property name, a declared name or a type). */
export function isRead(id: ts.Identifier): boolean {
  const p = id.parent;
  if (ts.isPropertyAccessExpression(p) && p.name === id) return false;
  if ((ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p)) && p.name === id) return false;
  if (ts.isShorthandPropertyAssignment(p)) return true;
  if (ts.isTypeReferenceNode(p) || ts.isQualifiedName(p) || ts.isTypeQueryNode(p)) return false;
  if (ts.isBindingElement(p) || ts.isVariableDeclaration(p) || ts.isParameter(p)) return p.name !== id;
  return true;
}

/** The names a declaration's binding declares (`a`, `{ b, c: [d] }`). */
export function bindingNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : bindingNames(e.name)));
}

/** The text's tokens joined by single spaces: equal for texts that differ only in comments and layout. */
export function withoutTrivia(text: string): string {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, /* skipTrivia */ true, ts.LanguageVariant.Standard, text);
  const tokens: string[] = [];
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) tokens.push(scanner.getTokenText());
  return tokens.join(' ');
}

/**
 * A node's text without whitespace or comments: the name a statement's target or callee goes by,
 * the same with or without the coverage comments Babel leaves between its parts (`exports.` istanbul
 * comment `a =`).
 */
export function compactText(node: ts.Node, sf?: ts.SourceFile): string {
  return compactSource(node.getText(sf));
}

/** {@link compactText} of a text. */
export function compactSource(text: string): string {
  if (!text.includes('/*') && !text.includes('//')) return text.replace(/\s+/g, '');
  return withoutTrivia(text).replace(/\s+/g, '');
}

/** Whether a text names `name` as a whole word (an identifier, not part of a longer one). */
export function mentions(text: string, name: string): boolean {
  return new RegExp(`(?<![\\w$])${name.replace(/\$/g, '\\$')}(?![\\w$])`).test(text);
}

/** What a node writes: an assignment's or update's target, a `for (x in …)` target. */
export function writeTarget(n: ts.Node): ts.Expression | undefined {
  if (ts.isBinaryExpression(n) && isAssignment(n.operatorToken.kind)) return skipOuter(n.left);
  if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)) return skipOuter(n.operand);
  if ((ts.isForInStatement(n) || ts.isForOfStatement(n)) && !ts.isVariableDeclarationList(n.initializer)) return skipOuter(n.initializer);
  return undefined;
}
