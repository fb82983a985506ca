// Finds every function-like declaration of a file with a stable identity, so that two versions of
// the file can be compared declaration by declaration even when code moved or lines were added
// above. Identity is a path of names (`Greeter.greet`, `start/<arrow 1>`), never a position.
import ts from 'typescript';
import type { Position } from '../../../common/patch';

export interface FunctionInfo {
  /** Stable identity within the file, e.g. `Greeter.greet` or `main/<arrow 2>`. */
  path: string;
  /** What a user reads in a message: the declared name, or the path for anonymous functions. */
  displayName: string;
  start: Position;
  end: Position;
  /** Range of the name to put a diagnostic on (the `function` keyword or `=>` when anonymous). */
  nameStart: Position;
  nameEnd: Position;
  /** The function's own text with nested functions blanked: what V8 compares. */
  ownText: string;
  isAsync: boolean;
  isGenerator: boolean;
  kind: 'function' | 'method' | 'getter' | 'setter' | 'constructor' | 'arrow' | 'function-expression';
}

export interface FileFunctions {
  functions: FunctionInfo[];
  /** The top-level statements' text with every function body blanked. */
  topLevelText: string;
  syntaxErrors: SyntaxError[];
}

export interface SyntaxError {
  message: string;
  start: Position;
  end: Position;
}

type FunctionNode = ts.FunctionLikeDeclaration;

export function scriptKindFor(file: string): ts.ScriptKind {
  if (/\.[cm]?tsx$/.test(file)) return ts.ScriptKind.TSX;
  if (/\.[cm]?ts$/.test(file)) return ts.ScriptKind.TS;
  if (/\.jsx$/.test(file)) return ts.ScriptKind.JSX;
  return ts.ScriptKind.JS;
}

export function parse(file: string, text: string): ts.SourceFile {
  return ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKindFor(file));
}

export function collectFunctions(file: string, text: string): FileFunctions {
  const sf = parse(file, text);
  const functions: FunctionInfo[] = [];
  const pos = (offset: number): Position => {
    const lc = sf.getLineAndCharacterOfPosition(offset);
    return { line: lc.line, column: lc.character };
  };

  const visit = (node: ts.Node, scope: string, anonymousCounter: { n: number }): void => {
    if (isFunctionNode(node)) {
      const own = nameOf(node);
      const name = own ?? `<${anonymousLabel(node)} ${++anonymousCounter.n}>`;
      const path = scope ? `${scope}/${name}` : name;
      const nameNode = nameRangeNode(node);
      functions.push({
        path,
        displayName: own ? qualifiedDisplay(scope, own) : path,
        start: pos(node.getStart(sf)),
        end: pos(node.getEnd()),
        nameStart: pos(nameNode.getStart(sf)),
        nameEnd: pos(nameNode.getEnd()),
        ownText: textWithoutNestedFunctions(node, sf),
        isAsync: hasModifier(node, ts.SyntaxKind.AsyncKeyword),
        isGenerator: !!(node as ts.FunctionDeclaration).asteriskToken,
        kind: kindOf(node),
      });
      const inner = { n: 0 };
      ts.forEachChild(node, (child) => visit(child, path, inner));
      return;
    }
    if (ts.isClassLike(node)) {
      const className = node.name?.text ?? `<class ${++anonymousCounter.n}>`;
      const classScope = scope ? `${scope}/${className}` : className;
      const inner = { n: 0 };
      ts.forEachChild(node, (child) => visit(child, `${classScope}#`, inner));
      return;
    }
    ts.forEachChild(node, (child) => visit(child, scope, anonymousCounter));
  };
  const top = { n: 0 };
  ts.forEachChild(sf, (child) => visit(child, '', top));

  const diagnostics = (sf as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  return {
    functions,
    topLevelText: textWithoutNestedFunctions(sf, sf),
    syntaxErrors: diagnostics.map((d) => ({
      message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
      start: pos(d.start),
      end: pos(d.start + d.length),
    })),
  };
}

function isFunctionNode(node: ts.Node): node is FunctionNode {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node) ||
    ts.isConstructorDeclaration(node)
  ) && (node as FunctionNode).body !== undefined;
}

/** The declared name, or the name it is bound to (`const f = () => …`, `{ f: function () {} }`). */
function nameOf(node: FunctionNode): string | undefined {
  const prefix = ts.isGetAccessorDeclaration(node) ? 'get ' : ts.isSetAccessorDeclaration(node) ? 'set ' : '';
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (node.name) return prefix + propertyNameText(node.name);
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) return propertyNameText(parent.name);
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    const left = parent.left;
    if (ts.isPropertyAccessExpression(left)) return left.getText().replace(/\s+/g, '');
    if (ts.isIdentifier(left)) return left.text;
  }
  return undefined;
}

function propertyNameText(name: ts.PropertyName | ts.BindingName): string {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  return name.getText();
}

function qualifiedDisplay(scope: string, own: string): string {
  // `Greeter#/greet` reads as `Greeter.greet`; nested function names stay plain.
  const cls = /(?:^|\/)([^/]+)#$/.exec(scope);
  return cls ? `${cls[1]}.${own.replace(/^(get|set) /, '')}` : own;
}

function anonymousLabel(node: FunctionNode): string {
  return ts.isArrowFunction(node) ? 'arrow' : 'function';
}

function nameRangeNode(node: FunctionNode): ts.Node {
  if (node.name) return node.name;
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent)) return parent.name;
  if (ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) return parent.name;
  if (ts.isArrowFunction(node)) return node.equalsGreaterThanToken;
  return node.getFirstToken() ?? node;
}

function kindOf(node: FunctionNode): FunctionInfo['kind'] {
  if (ts.isMethodDeclaration(node)) return 'method';
  if (ts.isGetAccessorDeclaration(node)) return 'getter';
  if (ts.isSetAccessorDeclaration(node)) return 'setter';
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (ts.isArrowFunction(node)) return 'arrow';
  if (ts.isFunctionExpression(node)) return 'function-expression';
  return 'function';
}

function hasModifier(node: FunctionNode, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);
}

/** The node's text with each nested function replaced by a marker, so only its own text counts. */
function textWithoutNestedFunctions(node: ts.Node, sf: ts.SourceFile): string {
  const start = node === sf ? 0 : node.getStart(sf);
  const text = sf.text;
  let out = '';
  let cursor = start;
  const walk = (child: ts.Node): void => {
    if (isFunctionNode(child) && child !== node) {
      // V8 attributes a nested function's parameters and body to the nested function alone.
      out += text.slice(cursor, child.getStart(sf)) + '<function>';
      cursor = child.getEnd();
      return;
    }
    ts.forEachChild(child, walk);
  };
  ts.forEachChild(node, walk);
  out += text.slice(cursor, node.getEnd());
  return out;
}
