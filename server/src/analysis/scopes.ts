// Which outer variables a function reads. V8 LiveEdit cannot give an existing closure a variable
// that was not captured when the closure was created: when an edit makes a function read an outer
// variable that no function read before (so V8 never put it in a context), V8 answers "Ok" and the
// existing closures keep running their old code. This finds the names that make an edit risky.
import ts from 'typescript';

/** Identifiers a function reads that it does not declare itself (parameters, locals, nested). */
export function freeNames(fn: ts.Node): Set<string> {
  const declared = new Set<string>();
  const used = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) {
      const role = identifierRole(node);
      if (role === 'declaration') declared.add(node.text);
      else if (role === 'reference') used.add(node.text);
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(fn, visit);
  for (const name of declared) used.delete(name);
  used.delete('arguments');
  used.delete('undefined');
  return used;
}

/** Every name declared anywhere in the file (top level or inside functions). */
export function declaredNames(sf: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && identifierRole(node) === 'declaration') names.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return names;
}

/** Every name the file reads, with where it first does (0-based offsets). */
export function referencedNames(sf: ts.SourceFile): Map<string, number> {
  const names = new Map<string, number>();
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && identifierRole(node) === 'reference' && !names.has(node.text) && !isTypePosition(node)) names.set(node.text, node.getStart(sf));
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return names;
}

function isTypePosition(id: ts.Identifier): boolean {
  const p = id.parent;
  return ts.isTypeReferenceNode(p) || ts.isQualifiedName(p) || ts.isTypeQueryNode(p) || ts.isExpressionWithTypeArguments(p) && !ts.isHeritageClause(p.parent);
}

/** The names declared at the file's top level: variables, functions, classes, imports. */
export function topLevelNames(sf: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    // Stop at functions and classes: what they declare inside is not top level.
    if (ts.isIdentifier(node) && identifierRole(node) === 'declaration') names.add(node.text);
    if (ts.isFunctionLike(node) || ts.isClassLike(node) || ts.isBlock(node)) {
      const name = (node as ts.FunctionDeclaration).name;
      if (name && ts.isIdentifier(name) && node.parent === sf) names.add(name.text);
      return;
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(sf, visit);
  return names;
}

function identifierRole(id: ts.Identifier): 'declaration' | 'reference' | 'name' {
  const p = id.parent;
  if (!p) return 'reference';
  // Property names are not variables: `a.b`, `{ b: 1 }`, `b() {}`, `class { b = 1 }`.
  if (ts.isPropertyAccessExpression(p) && p.name === id) return 'name';
  if ((ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p) || ts.isGetAccessorDeclaration(p) || ts.isSetAccessorDeclaration(p) || ts.isPropertySignature(p)) && p.name === id) return 'name';
  if ((ts.isLabeledStatement(p) || ts.isBreakStatement(p) || ts.isContinueStatement(p)) && p.label === id) return 'name';
  if (ts.isBindingElement(p) && p.propertyName === id) return 'name';
  if ((ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isBindingElement(p) || ts.isFunctionDeclaration(p) || ts.isFunctionExpression(p) || ts.isClassDeclaration(p) || ts.isClassExpression(p) || ts.isImportClause(p) || ts.isImportSpecifier(p) || ts.isNamespaceImport(p) || ts.isImportEqualsDeclaration(p)) && p.name === id) return 'declaration';
  if (ts.isCatchClause(p)) return 'declaration';
  return 'reference';
}
