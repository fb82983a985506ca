// Which outer variables a function reads. V8 LiveEdit cannot give an existing closure a variable
// that was not captured when the closure was created: when an edit makes a function read an outer
// variable that no function read before (so V8 never put it in a context), V8 answers "Ok" and the
// existing closures keep running their old code. This finds the names that make an edit risky.
import ts from 'typescript';

export interface ScopeFacts {
  /** Every name declared anywhere in the file. */
  declared: Set<string>;
  /** Every name the file reads (outside types), with the offset of its first read. */
  references: Map<string, number>;
  /** Per function node: the outer names it reads, nested functions included (as `freeNames`). */
  free: Map<ts.Node, Set<string>>;
}

/**
 * One walk over the file for every scope fact the analysis needs. Free names are built bottom-up
 * (a function's free names are its own reads plus its nested functions' free names, minus what it
 * declares), so a 9 MB file costs one walk, not one per nesting level.
 */
export function scopeFacts(sf: ts.SourceFile, isFunction: (node: ts.Node) => boolean, root: ts.Node = sf): ScopeFacts {
  const declared = new Set<string>();
  const references = new Map<string, number>();
  const free = new Map<ts.Node, Set<string>>();
  let frame = { declared: new Set<string>(), used: new Set<string>() };
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) {
      const role = identifierRole(node);
      if (role === 'declaration') {
        declared.add(node.text);
        frame.declared.add(node.text);
      } else if (role === 'reference') {
        frame.used.add(node.text);
        if (!references.has(node.text) && !isTypePosition(node)) references.set(node.text, node.getStart(sf));
      }
      return;
    }
    if (isFunction(node)) {
      const outer = frame;
      frame = { declared: new Set(), used: new Set() };
      ts.forEachChild(node, visit);
      const names = frame.used;
      for (const name of frame.declared) names.delete(name);
      names.delete('arguments');
      names.delete('undefined');
      free.set(node, names);
      frame = outer;
      for (const name of names) frame.used.add(name);
      return;
    }
    ts.forEachChild(node, visit);
  };
  // A root other than the file is one function (the incremental path): its facts, as the whole walk finds them.
  if (root === sf) ts.forEachChild(sf, visit);
  else visit(root);
  return { declared, references, free };
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
